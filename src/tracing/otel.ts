// Owns the OpenTelemetry tracer: spans made by the SDK of @opentelemetry/sdk-node, batched, and sent to
// an OTLP/HTTP endpoint as JSON (@opentelemetry/exporter-trace-otlp-http).
//
// Why not NodeSDK.start(): it registers a process-wide tracer provider and context manager, so two
// servers in one process (tests, embedders running several match hosts) would share or fight over them,
// and the second registration is silently refused. We build a provider of our own, never register it,
// and keep the current span in an AsyncLocalStorage owned by this tracer; parents are passed explicitly.
import { AsyncLocalStorage } from "node:async_hooks";
import { api, node, resources, tracing } from "@opentelemetry/sdk-node";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { GameError } from "../errors.js";
import type { SpanAttrs, SpanOptions, TraceIds, Tracer } from "./tracer.js";

export interface OtelTracerOptions {
  /** metrics.otlp_endpoint, e.g. http://127.0.0.1:4318 ("/v1/traces" is added unless present). */
  endpoint: string;
  serviceVersion: string;
  /** The node name (service.instance.id). */
  node: string;
  /** Largest delay before a batch leaves (default 2000 ms). */
  batchDelayMs?: number;
  /** Per-export deadline (default 5000 ms), so a dead collector cannot hold shutdown for long. */
  exportTimeoutMs?: number;
  /** Tests may pass any exporter (in-memory); default: OTLP/HTTP JSON to `endpoint`. */
  exporter?: tracing.SpanExporter;
}

/** The OTLP/HTTP traces URL of an endpoint. */
export function tracesUrl(endpoint: string): string {
  const e = endpoint.replace(/\/+$/, "");
  return e.endsWith("/v1/traces") ? e : `${e}/v1/traces`;
}

function markFailed(span: api.Span, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message });
  if (err instanceof GameError) span.setAttribute("code", err.code);
  if (err instanceof Error) span.recordException(err);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}

export function startOtelTracer(o: OtelTracerOptions): Tracer {
  const exporter = o.exporter ?? new OTLPTraceExporter({ url: tracesUrl(o.endpoint), timeoutMillis: o.exportTimeoutMs ?? 5000 });
  const provider = new node.NodeTracerProvider({
    resource: resources.resourceFromAttributes({
      "service.name": "troupe",
      "service.version": o.serviceVersion,
      "service.instance.id": o.node,
    }),
    spanProcessors: [new tracing.BatchSpanProcessor(exporter, { scheduledDelayMillis: o.batchDelayMs ?? 2000 })],
  });
  const tracer = provider.getTracer("troupe", o.serviceVersion);
  const store = new AsyncLocalStorage<api.Span>();
  let stopped: Promise<void> | null = null;

  function withSpan<T>(name: string, attrs: SpanAttrs, fn: () => T, opts: SpanOptions = {}): T {
    const parent = opts.root ? undefined : store.getStore();
    const ctx = parent === undefined ? api.ROOT_CONTEXT : api.trace.setSpan(api.ROOT_CONTEXT, parent);
    const kind = opts.kind === "server" ? api.SpanKind.SERVER : api.SpanKind.INTERNAL;
    const span = tracer.startSpan(name, { attributes: attrs, kind }, ctx);
    return store.run(span, () => {
      let out: T;
      try {
        out = fn();
      } catch (err) {
        markFailed(span, err);
        span.end();
        throw err;
      }
      if (!isThenable(out)) {
        span.end();
        return out;
      }
      return Promise.resolve(out).then(
        (v) => {
          span.end();
          return v;
        },
        (err: unknown) => {
          markFailed(span, err);
          span.end();
          throw err;
        },
      ) as T;
    });
  }

  return {
    enabled: true,
    withSpan,
    current(): TraceIds | undefined {
      const span = store.getStore();
      if (span === undefined) return undefined;
      const c = span.spanContext();
      return { traceId: c.traceId, spanId: c.spanId };
    },
    flush: () => provider.forceFlush(),
    shutdown: () => (stopped ??= provider.shutdown()),
  };
}
