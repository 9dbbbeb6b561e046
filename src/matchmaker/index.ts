// Owns the public surface of the matchmaker core and the match listing index (pure, synchronous):
//
//   const mm = new Matchmaker({ settings: { maxTickets, maxIntervals, revPrecision, revThreshold } });
//   const { ticket } = mm.add({ sessionId, partyId: "", presences: [p], query: "+properties.region:eu",
//                               minCount: 2, maxCount: 4, countMultiple: 2, stringProperties: { region: "eu" } });
//   const groups = mm.process();          // one interval; MatchmakerEntry[][]
//   mm.removeSessionTicket(sessionId, ticket); mm.removeSession(sessionId); mm.removeParty(partyId);
//
//   const labels = new MatchLabelIndex();  // fed by the match layer
//   labels.put({ matchId, authoritative: true, label, tickRate, handlerName, size });
//   labels.list({ limit: 10, query: "+label.mode:ctf", minSize: 1 });
//
// The matching rules are documented in process.ts (order of searchers and candidates, intervals,
// mutual acceptance, count multiples); the query language in src/query/.
export { Matchmaker, type AddedTicket, type MatchmakerOptions } from "./matchmaker.js";
export { MatchLabelIndex, MATCH_LABEL_MAX_BYTES, type MatchIndexInput, type MatchListOptions } from "./label-index.js";
export { mintMatchToken, newRelayedMatchId, MATCH_TOKEN_TTL_SEC } from "./token.js";
export { matchedMessages, type MatchedDelivery } from "./envelope.js";
export {
  checkTicketCounts, DEFAULT_SETTINGS, MatchmakerErr, MatchmakerWire,
  type MatchedGroup, type MatchedResult, type MatchmakerCompletion, type MatchmakerEntry, type MatchmakerPresence, type MatchmakerSettings,
  type MatchmakerStatsSnapshot, type TicketRequest,
} from "./types.js";
