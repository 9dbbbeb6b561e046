// Owns the tracing port the rest of Troupe uses: `withSpan(name, attrs, fn)` around a unit of work (API
// call, hook, RPC, match tick), the current trace/span ids for log lines, and `noTracer`, the disabled
// tracer whose withSpan is a plain call (no span objects, no context bookkeeping).

export type SpanAttrs = Readonly<Record<string, string | number | boolean>>;

export interface SpanOptions {
  /** Start a new trace instead of joining the current one (match ticks: their timers would otherwise
   * stay inside the span of the RPC that created the match, forever). */
  root?: boolean;
  /** "server" for work a client asked for (API calls, RPCs); "internal" otherwise (default). */
  kind?: "server" | "internal";
}

export interface TraceIds {
  /** 32 hex characters. */
  traceId: string;
  /** 16 hex characters. */
  spanId: string;
}

export interface Tracer {
  /** False for noTracer: callers may skip building attributes. */
  readonly enabled: boolean;
  /**
   * Runs `fn` inside a new span (a child of the current one unless `opts.root`). A returned promise
   * ends the span when it settles; a throw or rejection marks the span as an error (a GameError's
   * code becomes the `code` attribute) and is passed on unchanged.
   */
  withSpan<T>(name: string, attrs: SpanAttrs, fn: () => T, opts?: SpanOptions): T;
  /** Ids of the span the caller runs in, or undefined (no span, or tracing off). */
  current(): TraceIds | undefined;
  /** Exports the spans ended so far. */
  flush(): Promise<void>;
  /** Exports what is left and stops exporting. Idempotent. */
  shutdown(): Promise<void>;
}

/** The disabled tracer: free on every path. */
export const noTracer: Tracer = Object.freeze({
  enabled: false,
  withSpan: <T>(_name: string, _attrs: SpanAttrs, fn: () => T): T => fn(),
  current: () => undefined,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
});
