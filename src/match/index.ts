// Owns the public surface of the authoritative-match library: a match's life (MatchInstance), its
// dispatcher, the engines that run handlers (native, Lua, JS), settings, and the port other parts of
// Troupe use (MatchesPort). The match actors and the host that owns every match live in actors/match.
export { MatchInstance, type EndReason, type JoinAnswer, type MatchEnv } from "./instance.js";
export { MatchDispatcher } from "./dispatcher.js";
export { InputQueue, JoinMarkers, PresenceList, type Member } from "./presences.js";
export { matchSettingsFrom, type MatchSettings } from "./settings.js";
export { MatchCoreFactory, type MatchCoreDeps, type MatchHandlerSource } from "./engines/index.js";
export type { JsMatchSource } from "./engines/js.js";
export type { MatchesPort, MatchListOptions, MatchOrigin } from "./port.js";
export {
  LABEL_MAX_BYTES, MatchErr, matchError, validTickRate,
  type InitResult, type JoinAttemptOutcome, type JoinCaller, type MatchCore, type MatchDispatch, type MatchMessage,
  type MatchPresence, type PresenceTarget, type SenderPresence, type SignalOutcome,
} from "./types.js";
