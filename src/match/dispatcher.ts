// Owns the host side of a match's dispatcher (MatchDispatch) over one match's members:
// - broadcastMessage: one `match_data` envelope, encoded once per wire format (MatchDataOutgoing: the
//   match id and each sender's presence are kept encoded), handed to every target member's session;
//   targets that are not members are ignored, an empty target list sends nothing (Nakama);
// - broadcastMessageDeferred: the same envelope queued until the current callback returns, at most
//   match.deferred_queue_size per callback ("too many deferred message broadcasts per tick");
// - matchKick: the tracker forgets the presence (so its socket stops getting match traffic), the
//   kicked session alone gets a `match_presence_event` naming itself in `leaves` (Troupe's addition:
//   Nakama tells the kicked client nothing), and matchLeave runs for it once the current callback
//   returns;
// - matchLabelUpdate: ≤ 2048 bytes, then the listing index and later contexts see it.
import { MatchDataOutgoing, MatchIdBytes, Outgoing, PresenceBytes } from "../realtime/index.js";
import type { ByteSlab } from "../transport/index.js";
import type { Member, PresenceList } from "./presences.js";
import { LABEL_MAX_BYTES, MatchErr, matchError, type MatchDispatch, type PresenceTarget, type SenderPresence } from "./types.js";

/** What the dispatcher needs from its match. */
export interface DispatchOwner {
  readonly id: string;
  readonly node: string;
  readonly presences: PresenceList;
  readonly deferredLimit: number;
  readonly ended: boolean;
  /** Where broadcasts' bytes are written. */
  readonly slab: ByteSlab;
  /** The tracker drops the session from the match stream. */
  untrack(sessionId: string): void;
  /** Queues matchLeave for members removed by a kick (run after the current callback). */
  kicked(members: readonly Member[]): void;
  setLabel(label: string): void;
}

interface Deferred {
  readonly out: Outgoing;
  readonly to: readonly Member[] | null;
}

const NO_BYTES = new Uint8Array(0);

/** Senders whose encoded presence a dispatcher keeps; past this many it starts over. */
const SENDERS_MAX = 64;

export class MatchDispatcher implements MatchDispatch {
  private deferred: Deferred[] = [];
  private idBytes: MatchIdBytes | null = null;
  /** Broadcast senders' encoded presences, by session id (checked against the sender's other fields). */
  private readonly senders = new Map<string, PresenceBytes>();

  constructor(private readonly owner: DispatchOwner) {}

  broadcast(
    opCode: number,
    data: Uint8Array | null,
    targets: readonly PresenceTarget[] | null,
    sender: SenderPresence | null,
    reliable: boolean,
    deferred: boolean,
  ): void {
    if (this.owner.ended) throw matchError(MatchErr.stopped);
    const to = targets === null ? null : this.members(targets);
    if (to !== null && to.length === 0) return;
    if (deferred && this.deferred.length >= this.owner.deferredLimit) throw matchError(MatchErr.deferredFull);
    const id = (this.idBytes ??= new MatchIdBytes(this.owner.id));
    const from = sender === null ? null : this.senderBytes(sender);
    const out = new MatchDataOutgoing(this.owner.slab, id, from, opCode, data ?? NO_BYTES, reliable);
    if (deferred) this.deferred.push({ out, to });
    else this.send(out, to);
  }

  kick(targets: readonly PresenceTarget[]): void {
    if (this.owner.ended) throw matchError(MatchErr.stopped);
    const removed: Member[] = [];
    for (const t of targets) {
      if (t.node !== this.owner.node) continue;
      this.owner.untrack(t.sessionId);
      const m = this.owner.presences.get(t.sessionId);
      if (m === undefined) continue;
      removed.push(m);
      const self = { user_id: m.presence.userId, session_id: m.presence.sessionId, username: m.presence.username };
      m.session.send(new Outgoing({ match_presence_event: { match_id: this.owner.id, joins: [], leaves: [self] } }));
    }
    if (removed.length > 0) this.owner.kicked(removed);
  }

  updateLabel(label: string): void {
    if (this.owner.ended) throw matchError(MatchErr.stopped);
    if (Buffer.byteLength(label, "utf8") > LABEL_MAX_BYTES) throw matchError(MatchErr.labelTooLong);
    this.owner.setLabel(label);
  }

  /** Sends what was deferred during the callback that just returned. */
  flushDeferred(): void {
    if (this.deferred.length === 0) return;
    const list = this.deferred;
    this.deferred = [];
    for (const d of list) this.send(d.out, d.to);
  }

  /** `sender`'s presence, encoded once while the same sender keeps broadcasting. */
  private senderBytes(sender: SenderPresence): PresenceBytes {
    const known = this.senders.get(sender.sessionId);
    if (known !== undefined && known.presence.user_id === sender.userId && known.presence.username === sender.username) return known;
    if (this.senders.size >= SENDERS_MAX) this.senders.clear();
    const bytes = new PresenceBytes({ user_id: sender.userId, session_id: sender.sessionId, username: sender.username });
    this.senders.set(sender.sessionId, bytes);
    return bytes;
  }

  private members(targets: readonly PresenceTarget[]): Member[] {
    const out: Member[] = [];
    const seen = new Set<string>();
    for (const t of targets) {
      if (t.node !== this.owner.node || seen.has(t.sessionId)) continue;
      const m = this.owner.presences.get(t.sessionId);
      if (m === undefined) continue;
      seen.add(t.sessionId);
      out.push(m);
    }
    return out;
  }

  private send(out: Outgoing, to: readonly Member[] | null): void {
    if (to !== null) {
      for (const m of to) m.session.send(out);
      return;
    }
    for (const m of this.owner.presences.members()) m.session.send(out);
  }
}
