// Owns the message union of the matchmaker actor.
import type { Reply, Result } from "../kernel/index.js";
import type { GameError } from "../../src/errors.js";
import type { AddedTicket, MatchmakerStatsSnapshot, TicketRequest } from "../../src/matchmaker/index.js";

/** The outcome of one add in a batch: each request succeeds or fails on its own. */
export type AddOutcome = { ok: true; value: AddedTicket } | { ok: false; error: GameError };

/** Who may remove a ticket: the session that owns a solo ticket, or the party of a party ticket. */
export type TicketOwner = { sessionId: string } | { partyId: string };

export type MatchmakerMsg =
  /** A batch of adds gathered over one event-loop turn; outcomes in request order. */
  | { readonly type: "add"; readonly items: readonly TicketRequest[]; readonly replyTo: Reply<AddOutcome[]> }
  | { readonly type: "remove"; readonly owner: TicketOwner; readonly ticket: string; readonly replyTo: Reply<void> }
  /** A session ended: drop every ticket it is part of. */
  | { readonly type: "removeSession"; readonly sessionId: string }
  /** A party closed: drop its tickets. */
  | { readonly type: "removeParty"; readonly partyId: string }
  /** One matchmaking interval (the timer's tick, or a manual trigger). */
  | { readonly type: "process" }
  /** Groups of a pass were handed to `onMatched` (count), or delivery failed. */
  | { readonly type: "delivered"; readonly result: Result<number> }
  | { readonly type: "stats"; readonly replyTo: Reply<MatchmakerStatsSnapshot> };

export const PROCESS: MatchmakerMsg = Object.freeze({ type: "process" });
