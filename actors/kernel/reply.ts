// Owns the reply side of `ask`: a Reply carries the asker's promise resolvers inside the message
// (no nact `query`, no random ids), settles at most once, and enforces the deadline itself.
import { Code, GameError } from "../../src/errors.js";
import type { Clock, TimerHandle } from "./clock.js";

/** What a Reply needs from its kernel. */
export interface ReplyHost {
  readonly clock: Clock;
  lateReply(target: string): void;
}

/**
 * The reply channel of one ask. An actor answers with `ok(value)` or `fail(gameError)`; the first
 * call wins. After the deadline the ask has already rejected with DEADLINE_EXCEEDED, and a late
 * answer is ignored (counted as a late reply).
 */
export class Reply<Res> {
  // Type-only: makes Reply<A> and Reply<B> incompatible (invariant in Res).
  declare private readonly __res?: (value: Res) => Res;
  private resolve: ((value: Res) => void) | null;
  private reject: ((err: GameError) => void) | null;
  private timer: TimerHandle;

  constructor(
    private readonly host: ReplyHost,
    private readonly target: ActorPathSource,
    timeoutMs: number,
    resolve: (value: Res) => void,
    reject: (err: GameError) => void,
  ) {
    this.resolve = resolve;
    this.reject = reject;
    this.timer = host.clock.setTimeout(() => this.expire(timeoutMs), timeoutMs);
  }

  /** True once answered, failed or expired. */
  get settled(): boolean {
    return this.resolve === null;
  }

  ok(value: Res): void {
    const resolve = this.resolve;
    if (resolve === null) return this.late();
    this.finish();
    resolve(value);
  }

  fail(err: GameError): void {
    const reject = this.reject;
    if (reject === null) return this.late();
    this.finish();
    reject(err);
  }

  private expire(timeoutMs: number): void {
    const reject = this.reject;
    if (reject === null) return;
    this.resolve = this.reject = null;
    reject(new GameError(Code.DEADLINE_EXCEEDED, `ask to ${this.target.path} timed out after ${timeoutMs} ms`));
  }

  private finish(): void {
    this.resolve = this.reject = null;
    this.host.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private late(): void {
    this.host.lateReply(this.target.path);
  }
}

export interface ActorPathSource {
  readonly path: string;
}

/**
 * Convention: a message answering an ask keeps its Reply in a `replyTo` field. The kernel uses it to
 * fail the ask at once when the message is dropped, dead-lettered, or crashes its handler.
 */
export function replyOf(msg: unknown): Reply<unknown> | undefined {
  if (msg === null || typeof msg !== "object") return undefined;
  const r = (msg as { replyTo?: unknown }).replyTo;
  return r instanceof Reply ? r : undefined;
}

/** Fails the ask carried by `msg`, if any and still pending. */
export function failCarriedReply(msg: unknown, code: Code, message: string): void {
  const r = replyOf(msg);
  if (r !== undefined && !r.settled) r.fail(new GameError(code, message));
}
