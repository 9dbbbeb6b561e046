// Owns presence tracking: which session is present on which stream {mode, subject, subcontext, label},
// with what meta, plus the queue of join/leave events those changes cause. A pure, synchronous data
// structure (the realtime actor owns its lifecycle and dispatches its events): every read and write is
// a Map operation, so the relay hot path (stream members of a match) costs one lookup.
//
// Events follow Nakama's tracker: hidden presences cause none; an update of a presence is a join of the
// new meta plus a leave of the old one; events are queued and dispatched later in batches, grouped by
// stream, to every session present on the stream at dispatch time.
import type { SessionHandle } from "./session.js";

/** Stream modes, numbered as Nakama's (also the prefix of channel ids). */
export const StreamMode = {
  NOTIFICATIONS: 0,
  STATUS: 1,
  CHANNEL: 2,
  GROUP: 3,
  DM: 4,
  MATCH_RELAYED: 5,
  MATCH_AUTHORITATIVE: 6,
  PARTY: 7,
} as const;

/** Why a presence event happened (nakama-common runtime.PresenceReason). */
export const PresenceReason = { UNKNOWN: 0, JOIN: 1, UPDATE: 2, LEAVE: 3, DISCONNECT: 4 } as const;
export type PresenceReason = (typeof PresenceReason)[keyof typeof PresenceReason];

export interface StreamId {
  readonly mode: number;
  /** A UUID or "". */
  readonly subject: string;
  /** A UUID or "". */
  readonly subcontext: string;
  readonly label: string;
}

export interface PresenceMeta {
  readonly username: string;
  readonly hidden: boolean;
  readonly persistence: boolean;
  readonly status: string;
}

/** Subject and subcontext never contain a dot, so the label may: the key stays unambiguous. */
export function streamKey(id: StreamId): string {
  return `${id.mode}.${id.subject}.${id.subcontext}.${id.label}`;
}

export function streamId(mode: number, subject = "", subcontext = "", label = ""): StreamId {
  return { mode, subject, subcontext, label };
}

export class Stream {
  /** Presences by session id. */
  readonly members = new Map<string, Presence>();
  /** False once the tracker has dropped this stream (a later stream with the same key is a new object). */
  live = true;
  constructor(
    readonly key: string,
    readonly id: StreamId,
  ) {}
}

export class Presence {
  reason: PresenceReason = PresenceReason.JOIN;
  constructor(
    readonly session: SessionHandle,
    readonly stream: Stream,
    readonly meta: PresenceMeta,
  ) {}
  get sessionId(): string {
    return this.session.id;
  }
  get userId(): string {
    return this.session.userId;
  }
}

/** Joins and leaves of one stream, in the order they happened. */
export interface PresenceEvent {
  readonly stream: Stream;
  readonly joins: Presence[];
  readonly leaves: Presence[];
}

export interface TrackOp {
  readonly stream: StreamId;
  readonly meta: PresenceMeta;
}

export class Tracker {
  private readonly streams = new Map<string, Stream>();
  private readonly bySession = new Map<string, Map<string, Presence>>();
  private pending: Array<{ p: Presence; join: boolean }> = [];
  private total = 0;

  /** `onQueued` is called when the event queue goes from empty to non-empty. */
  constructor(private readonly onQueued: () => void = () => undefined) {}

  /** Adds presences for an open session. Returns false (tracking nothing) when the session is closing. */
  trackMulti(session: SessionHandle, ops: readonly TrackOp[]): boolean {
    if (!session.open) return false;
    for (const op of ops) this.add(session, op.stream, op.meta);
    return true;
  }

  /** Adds one presence. `ok` false when the session is closing; `isNew` false when already present. */
  track(session: SessionHandle, id: StreamId, meta: PresenceMeta): { ok: boolean; isNew: boolean } {
    if (!session.open) return { ok: false, isNew: false };
    return { ok: true, isNew: this.add(session, id, meta) };
  }

  private add(session: SessionHandle, id: StreamId, meta: PresenceMeta): boolean {
    const key = streamKey(id);
    let mine = this.bySession.get(session.id);
    if (mine === undefined) this.bySession.set(session.id, (mine = new Map()));
    else if (mine.has(key)) return false;
    let stream = this.streams.get(key);
    if (stream === undefined) this.streams.set(key, (stream = new Stream(key, id)));
    const p = new Presence(session, stream, meta);
    stream.members.set(session.id, p);
    mine.set(key, p);
    this.total++;
    if (!meta.hidden) this.queue(p, true, PresenceReason.JOIN);
    return true;
  }

  /** Upserts a presence's meta (join of the new meta, leave of the old one). False when the session is closing. */
  update(session: SessionHandle, id: StreamId, meta: PresenceMeta): boolean {
    if (!session.open) return false;
    const key = streamKey(id);
    const previous = this.bySession.get(session.id)?.get(key);
    if (previous === undefined) {
      this.add(session, id, meta);
      return true;
    }
    const p = new Presence(session, previous.stream, meta);
    previous.stream.members.set(session.id, p);
    (this.bySession.get(session.id) as Map<string, Presence>).set(key, p);
    if (!meta.hidden) this.queue(p, true, PresenceReason.UPDATE);
    if (!previous.meta.hidden) this.queue(previous, false, PresenceReason.UPDATE);
    return true;
  }

  untrack(sessionId: string, id: StreamId): void {
    const p = this.bySession.get(sessionId)?.get(streamKey(id));
    if (p !== undefined) this.remove(p, PresenceReason.LEAVE);
  }

  /** Removes every presence of the session (it disconnected). */
  untrackAll(sessionId: string, reason: PresenceReason = PresenceReason.DISCONNECT): void {
    const mine = this.bySession.get(sessionId);
    if (mine === undefined) return;
    for (const p of [...mine.values()]) this.remove(p, reason);
  }

  /** Removes the session from streams of the given modes, except `skipKey` (session.single_match). */
  untrackByModes(sessionId: string, modes: ReadonlySet<number>, skipKey: string): void {
    const mine = this.bySession.get(sessionId);
    if (mine === undefined) return;
    for (const p of [...mine.values()]) {
      if (modes.has(p.stream.id.mode) && p.stream.key !== skipKey) this.remove(p, PresenceReason.LEAVE);
    }
  }

  /** Drops a whole stream without events (everyone on it goes away at once). */
  untrackByStream(id: StreamId): void {
    const stream = this.streams.get(streamKey(id));
    if (stream === undefined) return;
    for (const p of stream.members.values()) this.detach(p);
    this.drop(stream);
  }

  private remove(p: Presence, reason: PresenceReason): void {
    this.detach(p);
    const stream = p.stream;
    stream.members.delete(p.sessionId);
    if (stream.members.size === 0) this.drop(stream);
    if (!p.meta.hidden) this.queue(p, false, reason);
  }

  private drop(stream: Stream): void {
    stream.live = false;
    this.streams.delete(stream.key);
  }

  private detach(p: Presence): void {
    const mine = this.bySession.get(p.sessionId);
    if (mine === undefined) return;
    mine.delete(p.stream.key);
    if (mine.size === 0) this.bySession.delete(p.sessionId);
    this.total--;
  }

  private queue(p: Presence, join: boolean, reason: PresenceReason): void {
    p.reason = reason;
    this.pending.push({ p, join });
    if (this.pending.length === 1) this.onQueued();
  }

  // ---- reads ---------------------------------------------------------------------------------

  get(sessionId: string, id: StreamId): Presence | undefined {
    return this.bySession.get(sessionId)?.get(streamKey(id));
  }

  stream(id: StreamId): Stream | undefined {
    return this.streams.get(streamKey(id));
  }

  streamByKey(key: string): Stream | undefined {
    return this.streams.get(key);
  }

  streamExists(id: StreamId): boolean {
    return this.streams.has(streamKey(id));
  }

  /** Presences on a stream, filtered by visibility. */
  list(id: StreamId, includeHidden: boolean, includeNotHidden: boolean): Presence[] {
    const stream = this.streams.get(streamKey(id));
    if (stream === undefined) return [];
    const out: Presence[] = [];
    for (const p of stream.members.values()) if (p.meta.hidden ? includeHidden : includeNotHidden) out.push(p);
    return out;
  }

  countByStream(id: StreamId): number {
    return this.streams.get(streamKey(id))?.members.size ?? 0;
  }

  /** Every presence of a session. */
  sessionPresences(sessionId: string): Presence[] {
    return [...(this.bySession.get(sessionId)?.values() ?? [])];
  }

  /** Total presences tracked. */
  count(): number {
    return this.total;
  }

  /** Takes the queued events, grouped by stream (joins and leaves of a stream together). */
  takeEvents(): PresenceEvent[] {
    const pending = this.pending;
    if (pending.length === 0) return [];
    this.pending = [];
    const byStream = new Map<string, PresenceEvent>();
    for (const { p, join } of pending) {
      let e = byStream.get(p.stream.key);
      if (e === undefined) byStream.set(p.stream.key, (e = { stream: p.stream, joins: [], leaves: [] }));
      (join ? e.joins : e.leaves).push(p);
    }
    return [...byStream.values()];
  }
}
