// Owns the match host's settings, read once from the validated config (Nakama's `match.*` keys plus the
// runtime limits match VMs get and the shutdown grace period).
import type { Config } from "../config/schema.js";

export interface MatchSettings {
  /** config `name`: the node part of "<uuid>.<node>". */
  readonly node: string;
  /** Client messages buffered until the next tick; more are dropped with a warning. */
  readonly inputQueueSize: number;
  /** Handler calls (joins, leaves, terminate) queued; a match that falls this far behind is stopped. */
  readonly callQueueSize: number;
  /** Signals waiting; more fail with "match busy". */
  readonly signalQueueSize: number;
  /** Join attempts waiting; more are rejected ("Match is not currently accepting join requests"). */
  readonly joinAttemptQueueSize: number;
  /** Deferred broadcasts per callback/tick. */
  readonly deferredQueueSize: number;
  /** An accepted join whose presence is not tracked within this becomes a leave. */
  readonly joinMarkerDeadlineMs: number;
  /** Seconds a match may stay empty; 0 = forever. */
  readonly maxEmptySec: number;
  /** How long a join attempt or a signal waits for the match (Nakama: 10 s). */
  readonly callWaitMs: number;
  readonly shutdownGraceSec: number;
  /** runtime.call_timeout_ms: each handler call into a Lua/JS VM. */
  readonly callTimeoutMs: number;
  readonly jsMemoryLimitBytes: number;
  readonly jsReadOnlyGlobals: boolean;
  /**
   * match.js_build: QuickJS build of match VMs. "asyncify": nk functions that wait (storage, matchCreate…)
   * work in handlers. "sync": guest code runs 2-7x faster (a 2-message relay tick 16 against 48 µs,
   * bench/match-core.ts), but an nk function that waits is refused before it starts (FAILED_PRECONDITION
   * "nk.<name> waits for its result…", js.ts nkEntry). "auto" (default): sync for a bundle whose text
   * names no waiting nk function, else asyncify (engines/js.ts jsBuildOf).
   */
  readonly jsBuild: "auto" | "asyncify" | "sync";
  /**
   * match.js_vms_per_module: match VMs sharing one wasm module (default 8; 1 = a module per match). Saves
   * ≈0.3 MB per match; calls into a module wait while one of its VMs is suspended (src/runtime/js/engine.ts).
   */
  readonly jsModuleGroupSize: number;
}

export function matchSettingsFrom(config: Config): MatchSettings {
  const m = config.match;
  return Object.freeze({
    node: config.name,
    inputQueueSize: m.input_queue_size,
    callQueueSize: m.call_queue_size,
    signalQueueSize: m.signal_queue_size,
    joinAttemptQueueSize: m.join_attempt_queue_size,
    deferredQueueSize: m.deferred_queue_size,
    joinMarkerDeadlineMs: m.join_marker_deadline_ms,
    maxEmptySec: m.max_empty_sec,
    callWaitMs: 10_000,
    shutdownGraceSec: config.shutdown_grace_sec,
    callTimeoutMs: config.runtime.call_timeout_ms,
    jsMemoryLimitBytes: config.runtime.js_memory_limit_bytes,
    jsReadOnlyGlobals: config.runtime.js_read_only_globals,
    jsBuild: m.js_build === "sync" || m.js_build === "asyncify" ? m.js_build : "auto",
    jsModuleGroupSize: m.js_vms_per_module,
  });
}
