// Owns one realtime session's socket-facing state (the actor in actors/session owns its lifecycle):
// who it is, its bounded inbox of frames waiting for the actor, the inbound rate limit, liveness for
// the ping/pong check, and its bounded outgoing queue, flushed in batches under `cork`.
//
// Outgoing queue semantics (Nakama's outgoing_queue_size): messages are handed to the socket once per
// event-loop turn. While the transport reports backpressure (the client reads too slowly) they wait
// here; when more than `outgoingQueueSize` wait, the client is closed with "session outgoing queue
// full". Nothing is ever dropped silently: a message is either written, or the session is closed.
import type { CallContext } from "../pipeline/hooks.js";
import type { PresenceBytes } from "./match-data.js";
import type { Outgoing, SessionFormat } from "./outgoing.js";
import type { Stream } from "./tracker.js";

/** What a session needs from its socket (satisfied by the transport's WsConn). */
export interface Wire {
  send(data: Uint8Array | string, isBinary: boolean): "ok" | "backpressure" | "closed";
  cork(fn: () => void): void;
  close(code: number, reason: string): void;
  ping(): void;
  readonly closed: boolean;
}

/** Who the session belongs to, fixed at upgrade. */
export interface SessionIdentity {
  readonly id: string;
  readonly userId: string;
  readonly username: string;
  readonly vars: Readonly<Record<string, string>>;
  /** Token expiry, unix seconds. */
  readonly expiry: number;
  readonly format: SessionFormat;
  readonly lang: string;
  readonly clientIp: string;
  readonly clientPort: string;
  /** Upgrade request headers (lower-case names) and raw query, for hook and RPC contexts. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawQuery: string;
}

export interface SessionLimits {
  readonly outgoingQueueSize: number;
  /** socket.write_wait_ms: longest a client may leave our writes untaken (backpressure) before it is closed. */
  readonly writeWaitMs: number;
  readonly maxInboundPerSec: number;
  readonly maxInboxFrames: number;
}

/** Batches flushes: sessions with queued output are flushed together once per event-loop turn. */
export class Flusher {
  private dirty: SessionHandle[] = [];
  /** The other list: the two are swapped on each run, so no array is allocated per turn. */
  private spare: SessionHandle[] = [];
  private scheduled = false;

  mark(h: SessionHandle): void {
    this.dirty.push(h);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const list = this.dirty;
    this.dirty = this.spare;
    for (let i = 0; i < list.length; i++) list[i].flush();
    list.length = 0;
    this.spare = list;
  };
}

/** Close codes the realtime layer uses. Nakama closes with 1000 and a reason text. */
export const CloseCode = { NORMAL: 1000, GOING_AWAY: 1001, POLICY: 1008, INTERNAL: 1011 } as const;

export class SessionHandle {
  readonly isBinary: boolean;
  /** Frames received and not yet handled by the session actor. */
  private inbox: Buffer[] = [];
  private inboxHead = 0;
  /** A wake-up of the actor is pending or it is draining the inbox. */
  inboundScheduled = false;
  private queue: Uint8Array[] = [];
  private pressured = false;
  /** performance.now() when the transport last reported backpressure. */
  private pressuredAt = 0;
  private dirty = false;
  /** Messages `writeQueued` handed to the socket in the current flush. */
  private written = 0;

  /** The corked part of `flush` (made once per session, not once per flush). */
  private readonly writeQueued = (): void => {
    const q = this.queue;
    const wire = this.wire;
    let written = 0;
    while (written < q.length) {
      const r = wire.send(q[written++], this.isBinary);
      if (r === "ok") continue;
      if (r === "backpressure") {
        this.pressured = true;
        this.pressuredAt = performance.now();
      }
      break;
    }
    this.written = written;
  };

  /** No more output is accepted (closing or closed). */
  private closing = false;
  /** Cleanup (untrack, unfollow, unregister) has run. */
  ended = false;
  /** Why the server closed this session to protect itself (slow client, flood…), or null. */
  failure: string | null = null;
  private tokens: number;
  private lastRefill = performance.now();
  /** performance.now() of the last pong or inbound message. */
  lastSeen = this.lastRefill;
  /** Inbound messages since the last ping tick (ping backoff). */
  receivedSinceTick = 0;
  /** The relayed match this session last sent data to, by its match id text (handlers-match.ts). */
  relayTarget: { readonly matchId: string; readonly stream: Stream } | null = null;
  /** The authoritative match this session last sent data to while a member: id text, stream, id parts. */
  matchTarget: { readonly matchId: string; readonly stream: Stream; readonly uuid: string; readonly node: string } | null = null;
  /** This session's own presence, encoded once for the match data it relays (match-data.ts). */
  selfPresenceBytes: PresenceBytes | null = null;
  /** This session's runtime context for hooks and RPCs, built once (dispatch.ts callContext). */
  callContext: CallContext | null = null;
  /** Set by the actor layer: wakes the session actor to drain its inbox; false if it cannot. */
  wake: (() => boolean) | null = null;

  constructor(
    readonly identity: SessionIdentity,
    readonly wire: Wire,
    private readonly limits: SessionLimits,
    private readonly flusher: Flusher,
  ) {
    this.isBinary = identity.format === "protobuf";
    this.tokens = limits.maxInboundPerSec;
  }

  get id(): string {
    return this.identity.id;
  }
  get userId(): string {
    return this.identity.userId;
  }
  get username(): string {
    return this.identity.username;
  }
  get format(): SessionFormat {
    return this.identity.format;
  }
  get open(): boolean {
    return !this.closing;
  }

  // ---- inbound ------------------------------------------------------------------------------

  /**
   * Accepts one frame from the transport. Closes the session (and returns false) for a frame of the
   * wrong kind, a flood past the inbound rate limit, or an inbox the actor cannot keep up with.
   */
  receive(data: Buffer, isBinary: boolean): boolean {
    if (this.closing) return false;
    if (isBinary !== this.isBinary) return this.fail(CloseCode.NORMAL, "received unexpected WebSocket message type");
    const now = performance.now();
    this.lastSeen = now;
    this.receivedSinceTick++;
    if (!this.takeToken(now)) return this.fail(CloseCode.POLICY, "inbound message rate limit exceeded");
    if (this.inbox.length - this.inboxHead >= this.limits.maxInboxFrames) {
      return this.fail(CloseCode.POLICY, "inbound queue full");
    }
    this.inbox.push(data);
    if (!this.inboundScheduled) {
      this.inboundScheduled = true;
      if (this.wake === null || !this.wake()) return this.fail(CloseCode.INTERNAL, "internal error");
    }
    return true;
  }

  /** The next frame for the actor, or undefined when the inbox is empty. */
  takeFrame(): Buffer | undefined {
    if (this.inboxHead >= this.inbox.length) {
      if (this.inboxHead > 0) {
        this.inbox = [];
        this.inboxHead = 0;
      }
      return undefined;
    }
    const f = this.inbox[this.inboxHead];
    this.inbox[this.inboxHead++] = EMPTY;
    return f;
  }

  /** Token bucket: `maxInboundPerSec` tokens per second, bursts up to one second's worth. */
  private takeToken(now: number): boolean {
    const rate = this.limits.maxInboundPerSec;
    if (rate <= 0) return true;
    this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) * rate) / 1000);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  notePong(): void {
    this.lastSeen = performance.now();
  }

  // ---- outbound -----------------------------------------------------------------------------

  /** Queues an envelope for this session (encoded once per format by `Outgoing`). */
  send(out: Outgoing): void {
    if (!this.closing) this.enqueue(out.bytes(this.identity.format));
  }

  /** Queues already encoded bytes of this session's format. */
  enqueue(bytes: Uint8Array): void {
    if (this.closing) return;
    this.queue.push(bytes);
    if (this.pressured) {
      if (this.queue.length > this.limits.outgoingQueueSize) this.fail(CloseCode.NORMAL, "session outgoing queue full");
      else this.checkWriteWait();
      return;
    }
    // A burst within one turn: write now rather than let the queue grow past its bound.
    if (this.queue.length >= this.limits.outgoingQueueSize) this.flush();
    else if (!this.dirty) {
      this.dirty = true;
      this.flusher.mark(this);
    }
  }

  /** Writes queued messages to the socket in one corked batch, until the transport pushes back. */
  flush(): void {
    this.dirty = false;
    const q = this.queue;
    if (this.pressured || q.length === 0 || this.wire.closed) return;
    this.written = 0;
    this.wire.cork(this.writeQueued);
    const written = this.written;
    if (written === q.length) q.length = 0; // the array is kept for the next batch
    else this.queue = q.slice(written);
  }

  /**
   * socket.write_wait_ms: a client that has not taken our writes for that long is gone, as a blocked
   * write past its deadline is for Nakama. Checked when output is queued and on every ping tick.
   */
  checkWriteWait(): void {
    if (this.pressured && !this.closing && performance.now() - this.pressuredAt > this.limits.writeWaitMs) {
      this.fail(CloseCode.NORMAL, "write timeout");
    }
  }

  /** The transport drained below its limit: resume writing. */
  drained(): void {
    this.pressured = false;
    this.flush();
  }

  // ---- closing ------------------------------------------------------------------------------

  /**
   * Flushes what is queued (unless the client is too slow for that), writes `last` envelopes, and
   * closes the socket with `code` and `reason`. Later sends are ignored. Idempotent.
   */
  close(code: number, reason: string, last: readonly Outgoing[] = []): void {
    if (this.closing) return;
    this.closing = true;
    if (!this.wire.closed) {
      this.wire.cork(() => {
        if (!this.pressured) for (const b of this.queue) this.wire.send(b, this.isBinary);
        for (const o of last) this.wire.send(o.bytes(this.identity.format), this.isBinary);
      });
    }
    this.queue = [];
    this.wire.close(code, reason);
  }

  /** The socket is gone: accept no more output and drop what was queued. */
  detach(): void {
    this.closing = true;
    this.queue = [];
  }

  private fail(code: number, reason: string): false {
    if (!this.closing) this.failure = reason;
    this.close(code, reason);
    return false;
  }
}

const EMPTY = Buffer.alloc(0);
