// Owns a match's own bookkeeping structures (plain data, used only from the match's actor turn and the
// synchronous sendData path):
// - PresenceList: the members matchJoin was told about, each with its SessionHandle, so a broadcast
//   is one Map walk and one `send` of already-encoded bytes per member;
// - JoinMarkers: accepted joins not yet confirmed by the tracker (Nakama's join markers): past
//   match.join_marker_deadline_ms they turn into leaves;
// - InputQueue: client messages waiting for the next tick, bounded by match.input_queue_size.
import type { SessionHandle } from "../realtime/index.js";
import type { MatchMessage, MatchPresence } from "./types.js";

export interface Member {
  readonly presence: MatchPresence;
  readonly session: SessionHandle;
}

export class PresenceList {
  private readonly bySession = new Map<string, Member>();

  get size(): number {
    return this.bySession.size;
  }

  has(sessionId: string): boolean {
    return this.bySession.has(sessionId);
  }

  get(sessionId: string): Member | undefined {
    return this.bySession.get(sessionId);
  }

  /** Adds members; returns the presences that were not members yet. */
  join(members: readonly Member[]): MatchPresence[] {
    const added: MatchPresence[] = [];
    for (const m of members) {
      if (this.bySession.has(m.presence.sessionId)) continue;
      this.bySession.set(m.presence.sessionId, m);
      added.push(m.presence);
    }
    return added;
  }

  /** Removes members by session id; returns their presences with `reason` set. */
  leave(leaves: ReadonlyArray<{ sessionId: string; reason: number }>): MatchPresence[] {
    const removed: MatchPresence[] = [];
    for (const l of leaves) {
      const m = this.bySession.get(l.sessionId);
      if (m === undefined) continue;
      this.bySession.delete(l.sessionId);
      removed.push({ ...m.presence, reason: l.reason });
    }
    return removed;
  }

  members(): IterableIterator<Member> {
    return this.bySession.values();
  }

  presences(): MatchPresence[] {
    return [...this.bySession.values()].map((m) => m.presence);
  }

  clear(): void {
    this.bySession.clear();
  }
}

/** Accepted joins waiting for the tracker to confirm them, with the tick they expire at. */
export class JoinMarkers {
  private readonly pending = new Map<string, { presence: MatchPresence; expiresAt: number }>();

  get size(): number {
    return this.pending.size;
  }

  add(presence: MatchPresence, expiresAtTick: number): void {
    this.pending.set(presence.sessionId, { presence, expiresAt: expiresAtTick });
  }

  /** The tracker confirmed (or the member left): the marker is done. */
  mark(sessionId: string): void {
    this.pending.delete(sessionId);
  }

  /** Removes and returns the markers past their deadline at `tick`. */
  takeExpired(tick: number): MatchPresence[] {
    const out: MatchPresence[] = [];
    for (const [sid, m] of this.pending) {
      if (m.expiresAt > tick) continue;
      this.pending.delete(sid);
      out.push(m.presence);
    }
    return out;
  }
}

/** A bounded FIFO drained whole once per tick. */
export class InputQueue {
  private items: MatchMessage[] = [];
  /** Messages dropped since the last `takeDropped`. */
  private dropped = 0;

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.items.length;
  }

  /** False (and counted) when the queue is full. */
  push(m: MatchMessage): boolean {
    if (this.items.length >= this.capacity) {
      this.dropped++;
      return false;
    }
    this.items.push(m);
    return true;
  }

  drain(): readonly MatchMessage[] {
    if (this.items.length === 0) return EMPTY;
    const out = this.items;
    this.items = [];
    return out;
  }

  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }
}

const EMPTY: readonly MatchMessage[] = Object.freeze([]);
