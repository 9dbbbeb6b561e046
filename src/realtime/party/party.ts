// Owns one party (Nakama's PartyHandler): its members in join order, its leader, pending join requests,
// open/closed, max size, hidden flag and label, and every operation on it with Nakama's rules and runtime
// error texts. Membership is the party stream's (mode 7) presences: joins and accepts track the member
// at once; leaves arrive as the tracker's presence events (onJoins/onLeaves, also for disconnects).
// When the leader leaves, the oldest member leads (everyone gets `party_leader`); when the last member
// leaves, or the leader closes it (everyone gets `party_close`), the party stops: its stream is dropped
// and its matchmaker tickets go. Any membership change cancels the party's matchmaking.
//
// A plain structure, not an actor: every operation is synchronous on the one event loop (only matchmaker
// adds wait, and re-check the party afterwards), so no interleaving can split one; see index.ts for the
// measurement behind that choice.
import type { Init, rt } from "../../../proto/index.js";
import type { AddedTicket } from "../../matchmaker/index.js";
import { Outgoing } from "../outgoing.js";
import type { SessionHandle } from "../session.js";
import { StreamMode, streamId, streamKey, type Presence, type StreamId } from "../tracker.js";
import { selfPresence } from "../wire.js";
import type { PartyEnv } from "./env.js";

/** nakama-common's party errors (runtime.ErrParty*), the texts clients see after a prefix. */
export const PartyErr = {
  closed: "party closed",
  full: "party full",
  requestDuplicate: "party join request duplicate",
  requestAlreadyMember: "party join request already member",
  requestsFull: "party join requests full",
  notLeader: "party leader only",
  notMember: "party member not found",
  notRequest: "party join request not found",
  acceptFailed: "party could not accept request",
  removeFailed: "party could not remove",
  removeSelf: "party cannot remove self",
  notFound: "party not found",
  matchmakerUnavailable: "matchmaker not available",
} as const;
export type PartyErr = (typeof PartyErr)[keyof typeof PartyErr];

export interface Member {
  readonly session: SessionHandle;
  readonly presence: Init<rt.UserPresence>;
}

/** What a client names a presence with (user id, session id and username must all match). */
export interface PresenceRef {
  user_id: string;
  session_id: string;
  username: string;
}

const same = (a: Init<rt.UserPresence>, b: PresenceRef): boolean =>
  a.session_id === b.session_id && a.user_id === b.user_id && a.username === b.username;

export const PARTY_MODES: ReadonlySet<number> = new Set([StreamMode.PARTY]);

export class Party {
  readonly idStr: string;
  readonly stream: StreamId;
  readonly streamKey: string;
  stopped = false;
  leader: Member | null = null;
  /** Members by session id, oldest first. */
  readonly members = new Map<string, Member>();
  joinRequests: Member[] = [];
  /** Members that get their `party` message when their join event arrives (the creator already has it). */
  private readonly announce = new Set<string>();

  constructor(
    private readonly env: PartyEnv,
    readonly id: string,
    readonly node: string,
    public open: boolean,
    public hidden: boolean,
    readonly maxSize: number,
    public label: string,
    readonly seq: number,
  ) {
    this.idStr = `${id}.${node}`;
    this.stream = streamId(StreamMode.PARTY, id, "", node);
    this.streamKey = streamKey(this.stream);
  }

  /** The creator: first member and leader (tracked by the caller). */
  addCreator(s: SessionHandle): Member {
    const m: Member = { session: s, presence: selfPresence(s) };
    this.members.set(s.id, m);
    this.leader = m;
    return m;
  }

  private isLeader(sessionId: string): boolean {
    return this.leader !== null && this.leader.session.id === sessionId;
  }

  /** Nakama's `party` message for one member. */
  view(self: Member): Init<rt.Party> {
    return {
      party_id: this.idStr, open: this.open, hidden: this.hidden, max_size: this.maxSize, label: this.label,
      self: self.presence, leader: this.leader?.presence, presences: [...this.members.values()].map((m) => m.presence),
    };
  }

  private cancelMatchmaking(): void {
    this.env.matchmaker()?.removeParty(this.idStr);
  }

  /**
   * party_join: true when the party is open and the session is now a member (the caller tracks it),
   * false when a join request went to the leader, or the error.
   */
  joinRequest(s: SessionHandle): boolean | PartyErr {
    if (this.stopped) return PartyErr.closed;
    if (this.members.size >= this.maxSize) return PartyErr.full;
    if (this.open) {
      if (!this.members.has(s.id)) {
        this.members.set(s.id, { session: s, presence: selfPresence(s) });
        this.announce.add(s.id);
        this.cancelMatchmaking();
      }
      return true;
    }
    if (this.joinRequests.length >= this.maxSize) return PartyErr.requestsFull;
    if (this.joinRequests.some((r) => r.session.userId === s.userId)) return PartyErr.requestDuplicate;
    for (const m of this.members.values()) if (m.session.userId === s.userId) return PartyErr.requestAlreadyMember;
    const request: Member = { session: s, presence: selfPresence(s) };
    this.joinRequests.push(request);
    this.leader?.session.send(new Outgoing({ party_join_request: { party_id: this.idStr, presences: [request.presence] } }));
    return false;
  }

  /** An open join whose tracking failed: undo it. */
  dropMember(sessionId: string): void {
    this.members.delete(sessionId);
    this.announce.delete(sessionId);
  }

  /** Presence joins on the party stream: new members get the `party` message. */
  onJoins(joins: readonly Presence[]): void {
    if (this.stopped) return;
    const greet: Member[] = [];
    for (const p of joins) {
      let m = this.members.get(p.sessionId);
      if (m === undefined) {
        // Tracked onto the stream from elsewhere (the runtime): a member if there is room.
        if (this.members.size >= this.maxSize) continue;
        m = { session: p.session, presence: selfPresence(p.session, p.meta.username) };
        this.members.set(p.sessionId, m);
        this.announce.add(p.sessionId);
      }
      if (this.announce.delete(p.sessionId)) greet.push(m);
    }
    if (this.leader === null && greet.length > 0) this.leader = greet[0];
    for (const m of greet) m.session.send(new Outgoing({ party: this.view(m) }));
  }

  /** Presence leaves on the party stream: drop them, hand the lead on, or stop when nobody is left. */
  onLeaves(leaves: readonly Presence[]): void {
    if (this.stopped) return;
    let changed = false;
    let leaderLeft = false;
    for (const p of leaves) {
      if (!this.members.delete(p.sessionId)) continue;
      this.announce.delete(p.sessionId);
      changed = true;
      if (this.isLeader(p.sessionId)) leaderLeft = true;
    }
    if (!changed) return;
    if (leaderLeft) {
      const oldest = this.members.values().next();
      if (oldest.done === true) {
        this.stop();
        return;
      }
      this.leader = oldest.value;
      this.env.sendToStream(this.stream, { party_leader: { party_id: this.idStr, presence: this.leader.presence } });
    }
    this.cancelMatchmaking();
  }

  promote(callerSid: string, who: PresenceRef): PartyErr | null {
    if (this.stopped) return PartyErr.closed;
    if (!this.isLeader(callerSid)) return PartyErr.notLeader;
    const m = [...this.members.values()].find((x) => same(x.presence, who));
    if (m === undefined) return PartyErr.notMember;
    this.leader = m;
    this.env.sendToStream(this.stream, { party_leader: { party_id: this.idStr, presence: m.presence } });
    return null;
  }

  accept(callerSid: string, who: PresenceRef): PartyErr | null {
    if (this.stopped) return PartyErr.closed;
    if (!this.isLeader(callerSid)) return PartyErr.notLeader;
    if (this.members.size >= this.maxSize) return PartyErr.full;
    const i = this.joinRequests.findIndex((r) => same(r.presence, who));
    if (i < 0) return PartyErr.notRequest;
    const [request] = this.joinRequests.splice(i, 1);
    const s = request.session;
    if (!s.open || !this.env.core.tracker.track(s, this.stream, this.env.meta(s)).ok) return PartyErr.acceptFailed;
    if (!this.members.has(s.id)) {
      this.members.set(s.id, request);
      this.announce.add(s.id);
    }
    if (this.env.singleParty) this.env.core.tracker.untrackByModes(s.id, PARTY_MODES, this.streamKey);
    this.cancelMatchmaking();
    return null;
  }

  remove(callerSid: string, who: PresenceRef): PartyErr | null {
    if (this.stopped) return PartyErr.closed;
    if (!this.isLeader(callerSid)) return PartyErr.notLeader;
    if (this.leader !== null && same(this.leader.presence, who)) return PartyErr.removeSelf;
    const m = [...this.members.values()].find((x) => same(x.presence, who));
    if (m === undefined) {
      // Not a member: a join request being rejected leaves nothing to untrack.
      const i = this.joinRequests.findIndex((r) => same(r.presence, who));
      if (i < 0) return PartyErr.notMember;
      this.joinRequests.splice(i, 1);
      return null;
    }
    this.cancelMatchmaking();
    this.members.delete(m.session.id);
    this.announce.delete(m.session.id);
    this.env.core.tracker.untrack(m.session.id, this.stream);
    m.session.send(new Outgoing({ party_close: { party_id: this.idStr } }));
    return null;
  }

  close(callerSid: string): PartyErr | null {
    if (this.stopped) return PartyErr.closed;
    if (!this.isLeader(callerSid)) return PartyErr.notLeader;
    this.env.sendToStream(this.stream, { party_close: { party_id: this.idStr } });
    this.stop();
    return null;
  }

  joinRequestList(callerSid: string): Init<rt.UserPresence>[] | PartyErr {
    if (this.stopped) return PartyErr.closed;
    if (!this.isLeader(callerSid)) return PartyErr.notLeader;
    return this.joinRequests.map((r) => r.presence);
  }

  /** party_data to every other member, the sender's presence attached. */
  dataSend(callerSid: string, opCode: string, data: Uint8Array): PartyErr | null {
    if (this.stopped) return PartyErr.closed;
    const sender = this.members.get(callerSid);
    if (sender === undefined) return PartyErr.notMember;
    if (this.members.size < 2) return null;
    const out = new Outgoing({ party_data: { party_id: this.idStr, presence: sender.presence, op_code: opCode, data } });
    for (const m of this.members.values()) if (m !== sender) m.session.send(out);
    return null;
  }

  /** party_update (leader only): new label, open and hidden, pushed to every member. */
  update(callerSid: string, label: string, open: boolean, hidden: boolean): PartyErr | null {
    if (this.stopped) return PartyErr.closed;
    if (!this.isLeader(callerSid)) return PartyErr.notLeader;
    this.label = label;
    this.open = open;
    this.hidden = hidden;
    this.env.labelChanged(this);
    this.env.sendToStream(this.stream, { party_update: { party_id: this.idStr, label, open, hidden } });
    return null;
  }

  /**
   * party_matchmaker_add (leader only): one ticket for every member. Resolves with the ticket and the
   * other members (who get `party_matchmaker_ticket` too), or the error text.
   */
  async matchmakerAdd(callerSid: string, t: MatchmakerTerms): Promise<{ ticket: AddedTicket; others: Member[] } | string> {
    if (this.stopped) return PartyErr.closed;
    if (!this.isLeader(callerSid)) return PartyErr.notLeader;
    const mm = this.env.matchmaker();
    if (mm === undefined) return PartyErr.matchmakerUnavailable;
    const members = [...this.members.values()];
    const presences = members.map((m) => ({ userId: m.session.userId, sessionId: m.session.id, username: m.presence.username ?? "", node: this.node }));
    let ticket: AddedTicket;
    try {
      ticket = await mm.add({ sessionId: "", partyId: this.idStr, presences, ...t });
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    // The party may have closed while the matchmaker answered (its tickets went with it then).
    if (this.stopped) {
      mm.removeParty(this.idStr);
      return PartyErr.closed;
    }
    return { ticket, others: members.filter((m) => m.session.id !== callerSid) };
  }

  async matchmakerRemove(callerSid: string, ticket: string): Promise<string | null> {
    if (this.stopped) return PartyErr.closed;
    if (!this.isLeader(callerSid)) return PartyErr.notLeader;
    const mm = this.env.matchmaker();
    if (mm === undefined) return PartyErr.matchmakerUnavailable;
    try {
      await mm.remove({ partyId: this.idStr }, ticket);
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  /** Ends the party: out of the registry, its stream dropped (no presence events), tickets removed. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.env.stopped(this);
    this.env.core.tracker.untrackByStream(this.stream);
    this.cancelMatchmaking();
  }
}

/** The matchmaking terms of a party ticket (validated by the handler). */
export interface MatchmakerTerms {
  query: string;
  minCount: number;
  maxCount: number;
  countMultiple: number;
  stringProperties: Record<string, string>;
  numericProperties: Record<string, number>;
}
