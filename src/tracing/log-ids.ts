// Owns putting trace ids into log lines: while tracing is on, every line logged inside a span carries
// Nakama's `trace_id` key (and `span_id`), on the root logger and all its children.
//
// How: pino's mixin, installed on the root logger after it was created (children are created from their
// parent by prototype, so they read the root's mixin at write time). The mixin option of src/log.ts's
// createLogger would be the cleaner door (the lead may add one); until then this uses pino's exported
// `symbols.mixinSym`, and only when tracing is on: with tracing off no mixin runs per line.
import { symbols } from "pino";
import type { Logger } from "../log.js";
import type { Tracer } from "./tracer.js";

type Mixin = (merge: object, level: number, logger: Logger) => object;
type WithMixin = { [symbols.mixinSym]?: Mixin };

/** Adds trace_id/span_id to the lines of `log` and its children; returns the function that removes it. */
export function logTraceIds(log: Logger, tracer: Tracer): () => void {
  if (!tracer.enabled) return () => undefined;
  const target = log as unknown as WithMixin;
  const previous = target[symbols.mixinSym];
  // pino merges the line's own fields into the object we return: it must be a fresh one every time.
  const mixin: Mixin = (merge, level, logger) => {
    const base = previous === undefined ? {} : previous(merge, level, logger);
    const ids = tracer.current();
    return ids === undefined ? base : { ...base, trace_id: ids.traceId, span_id: ids.spanId };
  };
  target[symbols.mixinSym] = mixin;
  return () => {
    if (target[symbols.mixinSym] === mixin) target[symbols.mixinSym] = previous;
  };
}
