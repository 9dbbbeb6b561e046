// Owns the supervision rules as pure functions: whether an exit is restarted, which siblings a
// strategy takes along, and the restart-intensity window (Erlang/OTP semantics).
import { Code, GameError } from "../../src/errors.js";
import type { RestartType, Strategy, SupervisionSpec } from "./types.js";

export type ExitKind = "crash" | "normal";

/** How a child's incarnation ended by itself (an external stop is never an exit: it is final). */
export interface Exit {
  kind: ExitKind;
  error?: GameError;
  /** The incarnation that ended; a decision about an older incarnation is stale and skipped. */
  incarnation: number;
}

export const defaultSupervision: SupervisionSpec = Object.freeze({ strategy: "one-for-one", maxRestarts: 10, withinMs: 10_000 });

/** permanent: always; transient: only after a crash; temporary: never. */
export function shouldRestart(restart: RestartType, kind: ExitKind): boolean {
  if (restart === "permanent") return true;
  if (restart === "transient") return kind === "crash";
  return false;
}

/** The children restarted together with `failed`, in spawn order. */
export function affected<T>(strategy: Strategy, children: readonly T[], failed: T): T[] {
  if (strategy === "one-for-one") return [failed];
  if (strategy === "one-for-all") return children.slice();
  const at = children.indexOf(failed);
  return at < 0 ? [failed] : children.slice(at);
}

/**
 * Records a restart at `now` in `times` (mutated) and says whether the intensity is exceeded:
 * more than `maxRestarts` restarts within the last `withinMs`.
 */
export function recordRestart(times: number[], now: number, spec: SupervisionSpec): boolean {
  times.push(now);
  const from = now - spec.withinMs;
  let old = 0;
  while (old < times.length && times[old] <= from) old++;
  if (old > 0) times.splice(0, old);
  return times.length > spec.maxRestarts;
}

export function checkSupervision(spec: SupervisionSpec): void {
  const okStrategy = spec.strategy === "one-for-one" || spec.strategy === "one-for-all" || spec.strategy === "rest-for-one";
  if (!okStrategy || !(spec.maxRestarts >= 0) || !(spec.withinMs > 0)) {
    throw new GameError(Code.INVALID_ARGUMENT, `invalid supervision spec ${JSON.stringify(spec)}`);
  }
}
