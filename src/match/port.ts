// Owns the interface the rest of Troupe uses to reach the match host (actors/match): the nk match
// functions (create/get/list/signal), GET /v2/match, and what creating a match needs from its caller
// (the caller's nk dependencies and server context, which match VMs share with the runtime's pools).
import type { api } from "../../proto/index.js";
import type { MatchListOptions } from "../matchmaker/index.js";
import type { ContextBase } from "../runtime/context.js";
import type { NkDeps } from "../runtime/nk/types.js";

export type { MatchListOptions } from "../matchmaker/index.js";

/** Where a match is created from: the nk dependencies and server-wide context of the calling module. */
export interface MatchOrigin {
  readonly nk: NkDeps;
  readonly base: ContextBase;
}

export interface MatchesPort {
  /**
   * Creates an authoritative match running handler `name` (native registration, Lua module, JS
   * registration: that precedence) and runs matchInit with `params`. Resolves with "<uuid>.<node>".
   * Rejects with GameError: NOT_FOUND "not found" for an unknown name, the handler's error for a
   * failing matchInit, UNAVAILABLE "shutdown in progress" while the server stops.
   */
  create(name: string, params: Record<string, unknown>, origin: MatchOrigin): Promise<string>;
  /** A running match (authoritative or relayed), or null. Throws INVALID_ARGUMENT "match id is invalid". */
  get(id: string): api.Match | null;
  /** Nakama's ListMatches over running matches (src/matchmaker/label-index.ts rules). */
  list(options: MatchListOptions): api.Match[];
  /**
   * matchSignal: resolves with the handler's result string. Rejects INVALID_ARGUMENT "match id is
   * invalid", NOT_FOUND "match not found", UNAVAILABLE "match busy" (queue full, timed out, or the
   * handler returned no state).
   */
  signal(id: string, data: string): Promise<string>;
}
