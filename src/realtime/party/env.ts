// Owns what a party needs from the rest of the server: the realtime core (tracker, router), the
// session.single_party setting, the matchmaker (absent until it is wired; its handle fits
// PartyMatchmaker as is), and the registry's bookkeeping callbacks.
import type { Init, rt } from "../../../proto/index.js";
import type { AddedTicket, TicketRequest } from "../../matchmaker/index.js";
import type { RealtimeCore } from "../core.js";
import type { SessionHandle } from "../session.js";
import type { PresenceMeta, StreamId } from "../tracker.js";
import type { Party } from "./party.js";

/** The matchmaker as parties use it (actors/matchmaker's MatchmakerHandle satisfies it). */
export interface PartyMatchmaker {
  /** Rejects with the core's GameError (its message follows "Error adding party to matchmaker: "). */
  add(req: TicketRequest): Promise<AddedTicket>;
  remove(owner: { partyId: string }, ticket: string): Promise<void>;
  /** Drops every ticket of a party (membership changed, party closed); no reply. */
  removeParty(partyId: string): void;
}

export interface PartyEnv {
  readonly core: RealtimeCore;
  /** session.single_party: joining a party leaves the session's other parties. */
  readonly singleParty: boolean;
  matchmaker(): PartyMatchmaker | undefined;
  sendToStream(stream: StreamId, envelope: Init<rt.Envelope>): void;
  /** The presence meta of a party member. */
  meta(s: SessionHandle): PresenceMeta;
  /** The party's label, open or hidden flag changed (listing index). */
  labelChanged(p: Party): void;
  /** The party stopped: forget it. */
  stopped(p: Party): void;
}
