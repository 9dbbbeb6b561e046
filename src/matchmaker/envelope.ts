// Owns the shape of `matchmaker_matched` for one delivered group, as Nakama sends it: one message per
// matched presence, all with the same `users` (presence, party id, string and numeric properties) and
// match id or token, and per recipient its own `ticket` and `self`. The realtime layer routes each to
// the presence's session.
import type { rt } from "../../proto/index.js";
import type { MatchedResult } from "./types.js";

export interface MatchedDelivery {
  /** The recipient's session, and its node. */
  sessionId: string;
  node: string;
  message: rt.MatchmakerMatched;
}

export function matchedMessages(result: MatchedResult): MatchedDelivery[] {
  const users: rt.MatchmakerUser[] = result.entries.map((e) => ({
    presence: { user_id: e.presence.userId, session_id: e.presence.sessionId, username: e.presence.username, persistence: false },
    party_id: e.partyId,
    string_properties: e.stringProperties,
    numeric_properties: e.numericProperties,
  }));
  const id = result.matchId !== undefined ? { match_id: result.matchId } : { token: result.token ?? "" };
  return result.entries.map((e, i) => ({
    sessionId: e.presence.sessionId,
    node: e.presence.node,
    message: { ticket: e.ticket, ...id, users, self: users[i] },
  }));
}
