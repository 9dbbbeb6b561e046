// Owns the public types of the matchmaker core (tickets, entries, settings, stats), its error catalogue
// (Nakama's runtime matchmaker errors) and the fixed wire messages the realtime layer answers with.
import { Code } from "../errors.js";

export interface MatchmakerPresence {
  userId: string;
  sessionId: string;
  username: string;
  /** Node name ("" on a single node is fine). */
  node: string;
}

/** What `matchmaker_add` / `party_matchmaker_add` ask for. */
export interface TicketRequest {
  /** The owning session for a solo ticket; "" for a party ticket. */
  sessionId: string;
  /** The party for a party ticket (every member is a presence); "" for a solo ticket. */
  partyId: string;
  presences: readonly MatchmakerPresence[];
  /** Query-string syntax; "" means `*` (as Nakama's pipeline does). */
  query: string;
  minCount: number;
  maxCount: number;
  /** Default 1. */
  countMultiple?: number;
  stringProperties?: Record<string, string>;
  numericProperties?: Record<string, number>;
}

/** One matched presence, as the matched hook and `matchmaker_matched.users` see it. */
export interface MatchmakerEntry {
  ticket: string;
  presence: MatchmakerPresence;
  partyId: string;
  /** String and numeric properties merged (numeric win on a name clash, as in Nakama's map merge). */
  properties: Record<string, string | number>;
  stringProperties: Record<string, string>;
  numericProperties: Record<string, number>;
  /** When the ticket was added, unix ms. */
  createTime: number;
}

/** One group formed by a pass: every entry of every ticket in it, oldest ticket first. */
export type MatchedGroup = MatchmakerEntry[];

/** A delivered group: its entries and either the matched hook's match id or a relayed-match token. */
export interface MatchedResult {
  entries: MatchmakerEntry[];
  matchId?: string;
  token?: string;
}

/** Nakama's `matchmaker.*` keys that shape matching. */
export interface MatchmakerSettings {
  /** matchmaker.max_tickets: concurrent tickets per session and per party. */
  maxTickets: number;
  /** matchmaker.max_intervals: intervals a ticket waits for a max-count group before min-count ones may form. */
  maxIntervals: number;
  /** matchmaker.rev_precision: also require every member's query to accept every other member. */
  revPrecision: boolean;
  /** matchmaker.rev_threshold: intervals a ticket insists on mutual matches before one-way ones (0 = always). */
  revThreshold: number;
}

export const DEFAULT_SETTINGS: MatchmakerSettings = Object.freeze({ maxTickets: 3, maxIntervals: 2, revPrecision: false, revThreshold: 1 });

export interface MatchmakerCompletion {
  /** Ticket creation, unix ms. */
  createTime: number;
  /** When its group formed, unix ms. */
  completeTime: number;
}

export interface MatchmakerStatsSnapshot {
  ticketCount: number;
  /** Oldest waiting ticket's creation, unix ms; undefined when none wait. */
  oldestTicketCreateTime?: number;
  /** The last 10 matched entries (Nakama keeps 10 samples). */
  completions: MatchmakerCompletion[];
}

/** Errors of the core, as Nakama's runtime errors (same texts). Use with `fail(MatchmakerErr.x)`. */
export const MatchmakerErr = {
  queryInvalid: [Code.INVALID_ARGUMENT, "matchmaker query invalid"],
  duplicateSession: [Code.INVALID_ARGUMENT, "matchmaker duplicate session"],
  tooManyTickets: [Code.RESOURCE_EXHAUSTED, "matchmaker too many tickets"],
  ticketNotFound: [Code.NOT_FOUND, "matchmaker ticket not found"],
  notAvailable: [Code.UNAVAILABLE, "matchmaker not available"],
} as const satisfies Record<string, readonly [Code, string]>;

/**
 * Texts Nakama's pipeline sends for `matchmaker_add` / `matchmaker_remove` (realtime Error codes:
 * BAD_INPUT for the validation ones and "ticket not found", RUNTIME_EXCEPTION for `addFailed` (any
 * error from the core's add) and `removeFailed`).
 */
export const MatchmakerWire = {
  minCount: "Invalid minimum count, must be >= 2",
  maxCount: "Invalid maximum count, must be >= minimum count",
  countMultiple: "Invalid count multiple, must be >= 1",
  countMultipleMin: "Invalid count multiple for minimum count, must divide",
  countMultipleMax: "Invalid count multiple for maximum count, must divide",
  addFailed: "Error adding to matchmaker",
  invalidTicket: "Invalid matchmaker ticket",
  ticketNotFound: "Matchmaker ticket not found",
  removeFailed: "Error removing matchmaker ticket",
} as const;

/**
 * Nakama's pipeline checks of the counts, in its order: the wire text of the first failure, or null.
 * `countMultiple` undefined means the client did not send one (default 1).
 */
export function checkTicketCounts(minCount: number, maxCount: number, countMultiple?: number): string | null {
  if (minCount < 2) return MatchmakerWire.minCount;
  if (maxCount < minCount) return MatchmakerWire.maxCount;
  if (countMultiple === undefined) return null;
  if (countMultiple < 1) return MatchmakerWire.countMultiple;
  if (minCount % countMultiple !== 0) return MatchmakerWire.countMultipleMin;
  if (maxCount % countMultiple !== 0) return MatchmakerWire.countMultipleMax;
  return null;
}
