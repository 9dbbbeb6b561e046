// Owns the public surface of tracing: the Tracer port (withSpan, current ids), the disabled tracer, the
// OpenTelemetry tracer, trace ids in log lines, and `tracerFromConfig` for the composition root.
import type { Config } from "../config/schema.js";
import { startOtelTracer } from "./otel.js";
import { noTracer, type Tracer } from "./tracer.js";

export { noTracer } from "./tracer.js";
export type { SpanAttrs, SpanOptions, TraceIds, Tracer } from "./tracer.js";
export { startOtelTracer, tracesUrl, type OtelTracerOptions } from "./otel.js";
export { logTraceIds } from "./log-ids.js";

/** The OTLP tracer when metrics.otlp_endpoint is set, else noTracer (tracing is off by default). */
export function tracerFromConfig(config: Config, version: string): Tracer {
  const endpoint = config.metrics.otlp_endpoint;
  if (endpoint === "") return noTracer;
  return startOtelTracer({ endpoint, serviceVersion: version, node: config.name });
}
