// Owns the interfaces other parts of Troupe plug into the realtime layer: the RPC registry (runtime
// framework), the authoritative match host (authoritative-match issue), and the dependency object.
import type { Logger } from "../log.js";
import type { CallContext, PipelineDeps } from "../pipeline/hooks.js";
import type { SessionService } from "../session/service.js";
import type { Queryable } from "../storage/db.js";
import type { SessionHandle } from "./session.js";
import type { RealtimeSettings } from "./settings.js";

/**
 * RPC functions by id (shared with the HTTP RPC route). `call` resolves with the response payload.
 * An unknown id rejects with GameError(NOT_FOUND, "RPC function not found") (the realtime answer is
 * then RUNTIME_FUNCTION_NOT_FOUND); any other rejection becomes RUNTIME_FUNCTION_EXCEPTION with its
 * message. Ids arrive lower-cased, as Nakama looks them up.
 */
export interface RpcRegistry {
  call(ctx: CallContext, id: string, payload: string): Promise<string>;
}

/** What an authoritative match answers to a join attempt. */
export interface MatchJoinResult {
  found: boolean;
  allow: boolean;
  /** Rejection reason for MATCH_JOIN_REJECTED ("" → "Match join rejected"). */
  reason: string;
  label: string;
}

/**
 * The host of authoritative matches (ids "<uuid>.<node>"). Joins and data are routed here; presence
 * joins/leaves of mode 6 streams reach it through `PresenceEvents.listen`. Absent: MATCH_NOT_FOUND.
 */
export interface AuthoritativeMatches {
  join(matchId: string, node: string, session: SessionHandle, metadata: Record<string, string>): Promise<MatchJoinResult>;
  sendData(
    matchId: string,
    node: string,
    session: SessionHandle,
    opCode: string,
    data: Uint8Array,
    reliable: boolean,
    receiveTimeMs: number,
  ): void;
}

export interface RealtimeDeps {
  settings: RealtimeSettings;
  log: Logger;
  /** For users-table lookups (status follow by username). */
  db: Queryable;
  pipeline: PipelineDeps;
  sessions: SessionService;
  /** The RPC registry, once the runtime has loaded (absent: every rpc is RUNTIME_FUNCTION_NOT_FOUND). */
  rpc?: () => RpcRegistry | undefined;
  authoritative?: () => AuthoritativeMatches | undefined;
}
