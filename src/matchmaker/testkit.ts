// Owns test helpers for the matchmaker core: a matchmaker with predictable ticket ids and clock, solo
// and party ticket builders, and a readable view of formed groups (sorted session ids per group).
import { Matchmaker } from "./matchmaker.js";
import type { MatchedGroup, MatchmakerPresence, MatchmakerSettings, TicketRequest } from "./types.js";

export interface TestMatchmaker {
  mm: Matchmaker;
  /** Moves the wall clock. */
  tick: (ms: number) => void;
}

export function testMatchmaker(settings: Partial<MatchmakerSettings> = {}): TestMatchmaker {
  let id = 0;
  let now = 1_700_000_000_000;
  const mm = new Matchmaker({ settings, now: () => now, newTicketId: () => `ticket-${++id}` });
  return { mm, tick: (ms) => void (now += ms) };
}

export function presence(name: string): MatchmakerPresence {
  return { userId: `user-${name}`, sessionId: `session-${name}`, username: name, node: "node1" };
}

type Extra = Partial<Pick<TicketRequest, "countMultiple" | "stringProperties" | "numericProperties">>;

/** A solo ticket for player `name` (session "session-<name>"). */
export function solo(mm: Matchmaker, name: string, query: string, min: number, max: number, extra: Extra = {}): string {
  return mm.add({ sessionId: `session-${name}`, partyId: "", presences: [presence(name)], query, minCount: min, maxCount: max, ...extra }).ticket;
}

/** A party ticket holding every named member. */
export function party(mm: Matchmaker, partyId: string, members: string[], query: string, min: number, max: number, extra: Extra = {}): string {
  return mm.add({ sessionId: "", partyId, presences: members.map(presence), query, minCount: min, maxCount: max, ...extra }).ticket;
}

/** Groups as sorted player names, e.g. [["a","b"]]. */
export function names(groups: MatchedGroup[]): string[][] {
  return groups.map((g) => g.map((e) => e.presence.username).sort());
}
