// Owns the small wire shapes the realtime handlers share: UserPresence values and error envelopes.
import type { Init, rt } from "../../proto/index.js";
import type { SessionHandle } from "./session.js";
import type { Presence } from "./tracker.js";

/** Realtime error codes (rtapi Error.Code). */
export const RtCode = {
  RUNTIME_EXCEPTION: 0,
  UNRECOGNIZED_PAYLOAD: 1,
  MISSING_PAYLOAD: 2,
  BAD_INPUT: 3,
  MATCH_NOT_FOUND: 4,
  MATCH_JOIN_REJECTED: 5,
  RUNTIME_FUNCTION_NOT_FOUND: 6,
  RUNTIME_FUNCTION_EXCEPTION: 7,
} as const;
export type RtCode = (typeof RtCode)[keyof typeof RtCode];

/** A tracked presence on the wire; `status` only for status-stream presences, as Nakama. */
export function wirePresence(p: Presence, withStatus = false): Init<rt.UserPresence> {
  const out: Init<rt.UserPresence> = {
    user_id: p.userId,
    session_id: p.sessionId,
    username: p.meta.username,
    persistence: p.meta.persistence,
  };
  if (withStatus) out.status = p.meta.status;
  return out;
}

/** The session's own presence (`self` of match replies). */
export function selfPresence(s: SessionHandle, username = s.username): Init<rt.UserPresence> {
  return { user_id: s.userId, session_id: s.id, username };
}

export function errorEnvelope(cid: string, code: number, message: string): Init<rt.Envelope> {
  return { cid, error: { code, message } };
}
