// Owns the public surface of the matchmaker actor: `startMatchmaker(parent, deps)` spawns it and returns
// the handle the realtime layer (matchmaker_add / matchmaker_remove / disconnects), parties and the
// stats route use. Adds are batched: every add made during one event-loop turn travels to the actor as
// one message (one ask, one reply), so a burst of thousands of adds costs a handful of messages rather
// than one serialized index write each (Nakama's ≈300 adds/s). Removals on disconnect are fire-and-forget.
import { ask, spawn, stop, tell, type ActorRef, type Parent } from "../kernel/index.js";
import type { Logger } from "../../src/log.js";
import type {
  AddedTicket, MatchedResult, MatchmakerEntry, MatchmakerSettings, MatchmakerStatsSnapshot, TicketRequest,
} from "../../src/matchmaker/index.js";
import { matchmakerSpec, unavailable } from "./matchmaker.actor.js";
import { PROCESS, type MatchmakerMsg, type TicketOwner } from "./matchmaker.messages.js";

export type { MatchedResult } from "../../src/matchmaker/index.js";
export type { MatchmakerMsg, TicketOwner } from "./matchmaker.messages.js";

export interface MatchmakerDeps {
  log: Logger;
  /** matchmaker.interval_sec, max_tickets, max_intervals, rev_precision, rev_threshold. */
  settings: MatchmakerSettings & { intervalSec: number };
  /** session.encryption_key. */
  encryptionKey: string;
  /** Receives every pass's groups (turn each entry into a `matchmaker_matched` for its session). */
  onMatched: (results: MatchedResult[]) => void;
  /** The runtime's matchmaker-matched hook (Lua/JS/native); a non-empty result is a match id. */
  matchedHook?: (entries: MatchmakerEntry[]) => Promise<string | undefined | void>;
  /** Wall clock, unix ms (ticket times, token expiry). Default Date.now. */
  now?: () => number;
  /** Deadline of one add batch / remove / stats ask. Default 5000 ms. */
  askTimeoutMs?: number;
  /** Ticket ids (tests). Default random UUIDs. */
  newTicketId?: () => string;
}

export interface MatchmakerHandle {
  readonly ref: ActorRef<MatchmakerMsg>;
  /** Adds a ticket; rejects with the core's GameError (see Matchmaker.add). */
  add(req: TicketRequest): Promise<AddedTicket>;
  /** Removes a ticket by its owner; rejects NOT_FOUND "matchmaker ticket not found". */
  remove(owner: TicketOwner, ticket: string): Promise<void>;
  /** A session ended: its tickets go (no reply). */
  removeSession(sessionId: string): void;
  /** A party closed: its tickets go (no reply). */
  removeParty(partyId: string): void;
  stats(): Promise<MatchmakerStatsSnapshot>;
  /** Runs one interval now (tests, admin); the timer keeps its own rhythm. */
  processNow(): void;
  stop(): Promise<void>;
}

interface Pending {
  req: TicketRequest;
  resolve: (t: AddedTicket) => void;
  reject: (err: unknown) => void;
}

/** Gathers adds made in one event-loop turn and sends them as one batch. */
function batcher(ref: ActorRef<MatchmakerMsg>, timeoutMs: number): (req: TicketRequest) => Promise<AddedTicket> {
  let pending: Pending[] = [];
  const flush = (): void => {
    const batch = pending;
    pending = [];
    ask(ref, (replyTo) => ({ type: "add", items: batch.map((p) => p.req), replyTo }), timeoutMs).then(
      (outcomes) => {
        outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.value) : batch[i].reject(o.error)));
      },
      (err: unknown) => {
        for (const p of batch) p.reject(unavailable(err));
      },
    );
  };
  return (req) =>
    new Promise<AddedTicket>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ req, resolve, reject });
    });
}

export function startMatchmaker(parent: Parent, deps: MatchmakerDeps): MatchmakerHandle {
  const timeoutMs = deps.askTimeoutMs ?? 5000;
  const log: Logger = deps.log.child({ module: "matchmaker" });
  const ref = spawn(parent, matchmakerSpec({
    log,
    settings: deps.settings,
    encryptionKey: deps.encryptionKey,
    onMatched: deps.onMatched,
    matchedHook: deps.matchedHook,
    now: deps.now ?? Date.now,
    newTicketId: deps.newTicketId,
  }));
  return {
    ref,
    add: batcher(ref, timeoutMs),
    remove: (owner, ticket) => ask(ref, (replyTo) => ({ type: "remove", owner, ticket, replyTo }), timeoutMs),
    removeSession: (sessionId) => {
      if (!tell(ref, { type: "removeSession", sessionId })) log.warn({ sid: sessionId }, "matchmaker did not take a session removal");
    },
    removeParty: (partyId) => {
      if (!tell(ref, { type: "removeParty", partyId })) log.warn({ party_id: partyId }, "matchmaker did not take a party removal");
    },
    stats: () => ask(ref, (replyTo) => ({ type: "stats", replyTo }), timeoutMs),
    processNow: () => {
      tell(ref, PROCESS);
    },
    stop: () => stop(ref),
  };
}
