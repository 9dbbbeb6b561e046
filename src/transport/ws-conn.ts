// Owns the WebSocket connection semantics both implementations share: send results and the
// backpressure/drain cycle, the hard outgoing-buffer cap, close-code hygiene, and the promise that
// the close hook runs exactly once and never re-entrantly. Subclasses supply the raw socket calls.
import type { Logger } from "../log.js";
import type { SendResult, WsConn, WsHooks } from "./types.js";

export interface ConnLimits {
  /** send() reports "backpressure" above this many buffered bytes. */
  softBytes: number;
  /** Above this the connection is closed with 1008 instead of buffering more. */
  hardBytes: number;
}

export const CLOSE_TOO_BIG = 1009;
export const CLOSE_POLICY = 1008;
export const CLOSE_INTERNAL = 1011;
export const CLOSE_GOING_AWAY = 1001;

export abstract class BaseConn<D> implements WsConn<D> {
  private isClosed = false;
  private reported = false;
  private pressured = false;

  constructor(
    readonly data: D,
    readonly remoteAddress: string,
    private readonly limits: ConnLimits,
    private readonly hooks: WsHooks<D>,
    protected readonly log: Logger,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** Returns false when the implementation dropped the message (its own buffer cap). */
  protected abstract rawSend(data: Uint8Array | string, isBinary: boolean): boolean;
  protected abstract rawBuffered(): number;
  protected abstract rawClose(code: number, reason: string): void;
  protected abstract rawCork(fn: () => void): void;
  protected abstract rawPing(): void;

  send(data: Uint8Array | string, isBinary: boolean): SendResult {
    if (this.isClosed) return "closed";
    if (this.rawBuffered() > this.limits.hardBytes || !this.rawSend(data, isBinary)) {
      this.close(CLOSE_POLICY, "outgoing buffer full");
      return "closed";
    }
    if (this.rawBuffered() > this.limits.softBytes) {
      this.pressured = true;
      return "backpressure";
    }
    return "ok";
  }

  bufferedAmount(): number {
    return this.isClosed ? 0 : this.rawBuffered();
  }

  cork(fn: () => void): void {
    if (this.isClosed) fn();
    else this.rawCork(fn);
  }

  ping(): void {
    if (!this.isClosed) this.rawPing();
  }

  close(code: number, reason: string): void {
    this.closeAs(code, reason, reason);
  }

  /** Sends `wireReason` to the peer but reports `hookReason` to the close hook. */
  closeAs(code: number, wireReason: string, hookReason: string): void {
    if (this.isClosed) return;
    const c = validCloseCode(code) ? code : 1000;
    if (c !== code) this.log.warn({ code }, "invalid websocket close code replaced by 1000");
    this.isClosed = true;
    this.report(c, hookReason);
    this.rawClose(c, truncateReason(wireReason));
  }

  /** The implementation saw the socket close (peer, network, or after our own close). */
  onRawClose(code: number, reason: string): void {
    this.isClosed = true;
    this.report(code, reason);
  }

  /** The implementation's buffer drained a bit; tell the hook once we are back under the limit. */
  onRawDrain(): void {
    if (!this.pressured || this.isClosed || this.rawBuffered() > this.limits.softBytes) return;
    this.pressured = false;
    this.safely("drain", () => this.hooks.drain?.(this));
  }

  onRawPong(): void {
    if (!this.isClosed) this.safely("pong", () => this.hooks.pong?.(this));
  }

  /** Runs the open hook; a throw closes the connection with 1011. */
  open(): void {
    this.guard("open", () => this.hooks.open(this));
  }

  /** Delivers one inbound message (already a private copy); a throw closes with 1011. */
  deliver(data: Buffer, isBinary: boolean): void {
    if (this.isClosed) return;
    // The guard written out: this runs once per inbound message, so no closure is made for it.
    try {
      this.hooks.message(this, data, isBinary);
    } catch (err) {
      this.failed("message", err);
    }
  }

  private report(code: number, reason: string): void {
    if (this.reported) return;
    this.reported = true;
    // Deferred: uWS calls its close handler synchronously inside end(), and hooks must never be
    // re-entered from their own close() call.
    queueMicrotask(() => this.safely("close", () => this.hooks.close(this, code, reason)));
  }

  private guard(hook: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.failed(hook, err);
    }
  }

  private failed(hook: string, err: unknown): void {
    this.log.error({ err, hook }, "websocket hook failed; closing the connection");
    this.close(CLOSE_INTERNAL, "internal error");
  }

  private safely(hook: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err, hook }, "websocket hook failed");
    }
  }
}

/** Codes an endpoint may send (RFC 6455 §7.4): 1000–1003, 1007–1014, 3000–4999. */
export function validCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999))
  );
}

/** Close reasons are limited to 123 bytes of UTF-8; cut on a character boundary. */
export function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let out = "";
  let bytes = 0;
  for (const ch of reason) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > 123) break;
    out += ch;
    bytes += n;
  }
  return out;
}
