// Owns what every engine needs to build one match's core: who the match is, its dispatcher, the nk
// dependencies and bindings (the same ones the runtime's pools use), limits and the match's logger.
import type { Logger } from "../../log.js";
import type { NkBinding, NkDeps } from "../../runtime/nk/types.js";
import type { MatchSettings } from "../settings.js";
import type { MatchDispatch } from "../types.js";
import type { MatchIdentity } from "./results.js";

export interface MatchCoreDeps extends MatchIdentity {
  /** The registered match name (or Lua module name) as given to matchCreate. */
  readonly handlerName: string;
  readonly dispatch: MatchDispatch;
  readonly nk: NkDeps;
  readonly bindings: readonly NkBinding[];
  readonly settings: MatchSettings;
  /** The match's logger (carries `mid`). */
  readonly log: Logger;
}

/** Fields of the log lines module code writes from match callbacks. */
export function logFields(d: MatchCoreDeps, runtime: string): Record<string, unknown> {
  return { runtime, mode: "match", mid: d.matchId };
}
