// Owns the public surface of the realtime library (socket protocol, tracker, router, status, relayed
// matches, live notifications). Its actors (session actors, the presence-event actor) live in
// actors/session and actors/realtime; they compose these pieces.
export { RealtimeCore, type DisconnectReason } from "./core.js";
export {
  EMPTY, NONE, callContext, deliver, hookName, processFrame, reply, rtError,
  type Answer, type Handler, type HandlerContext, type HandlerTable,
} from "./dispatch.js";
export { coreHandlers } from "./handlers-core.js";
export { statusHandlers } from "./handlers-status.js";
export { matchHandlers } from "./handlers-match.js";
export { NAMESPACE_DNS, newId, splitMatchId, toUuid, uuidV5, type MatchIdParts } from "./ids.js";
export { MatchDataOutgoing, MatchIdBytes, PresenceBytes } from "./match-data.js";
export { signMatchToken, verifyMatchToken } from "./match-token.js";
export { Outgoing, type SessionFormat } from "./outgoing.js";
export type { AuthoritativeMatches, MatchJoinResult, RealtimeDeps, RpcRegistry } from "./ports.js";
export { PresenceEvents, defaultEventBuilders, type EventEnvelopeBuilder, type ModeListener } from "./presence-events.js";
export { CloseCode, Flusher, SessionHandle, type SessionIdentity, type SessionLimits, type Wire } from "./session.js";
export { realtimeSettingsFrom, type RealtimeSettings } from "./settings.js";
export { StatusRegistry } from "./status.js";
export {
  Presence, PresenceReason, Stream, StreamMode, Tracker, streamId, streamKey,
  type PresenceEvent, type PresenceMeta, type StreamId, type TrackOp,
} from "./tracker.js";
export { checkUpgrade, type ConnData } from "./upgrade.js";
export { RtCode, errorEnvelope, selfPresence, wirePresence } from "./wire.js";

import { coreHandlers } from "./handlers-core.js";
import { matchHandlers } from "./handlers-match.js";
import { statusHandlers } from "./handlers-status.js";
import type { HandlerTable } from "./dispatch.js";

/** The handlers this layer ships; chat, parties and the matchmaker add their own entries. */
export function defaultHandlers(): HandlerTable {
  return { ...coreHandlers, ...statusHandlers, ...matchHandlers };
}
