// Owns the per-incarnation actor context: child spawning, self-stop, timers and pipe-to-self. An
// incarnation's timers and pending pipes die with it: closing the context cancels them, and own
// messages still queued when a restart happens are skipped by the next incarnation.
import { Code, GameError, toGameError } from "../../src/errors.js";
import type { Logger } from "../../src/log.js";
import type { TimerHandle } from "./clock.js";
import type { Kernel } from "./kernel.js";
import type { ActorContext, ActorRef, ActorSpec, Result, Supervisor, SupervisorSpec, Timer } from "./types.js";

/** What a context needs from its actor cell. */
export interface CtxHost<Msg> extends ActorRef<Msg> {
  readonly kernel: Kernel;
  /** Enqueues an own message (timer tick, piped result), ignoring the capacity bound. */
  offerOwn(entry: OwnEntry<Msg>): void;
  requestStop(): void;
  crashed(err: unknown, msg: unknown): void;
}

/** A message the actor sent itself, tagged with the incarnation that may receive it. */
export class OwnEntry<Msg> {
  constructor(
    readonly ctx: Ctx<Msg>,
    readonly msg: Msg,
  ) {}
}

/** A timer's queue entry is the timer itself, so a repeat timer knows when its tick is still pending. */
export class ActorTimer<Msg> extends OwnEntry<Msg> implements Timer {
  /** A tick of this timer is queued or being handled. */
  queued = false;
  private cancelled = false;
  private handle: TimerHandle;
  private next: number;

  constructor(ctx: Ctx<Msg>, msg: Msg, private readonly ms: number, private readonly repeat: boolean) {
    super(ctx, msg);
    const clock = ctx.host.kernel.clock;
    this.next = clock.now() + ms;
    this.handle = clock.setTimeout(() => this.fire(), ms);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.ctx.host.kernel.clock.clearTimeout(this.handle);
    this.ctx.forget(this);
  }

  private fire(): void {
    if (this.cancelled) return;
    const host = this.ctx.host;
    if (!this.repeat) {
      this.cancelled = true;
      this.ctx.forget(this);
      host.offerOwn(this);
      return;
    }
    // Tick policy: at most one tick of a timer queued or running; the others are skipped.
    if (this.queued) host.kernel.skippedTicks++;
    else {
      this.queued = true;
      host.offerOwn(this);
    }
    this.arm();
  }

  // Fixed rate: the next tick is planned from the previous plan, not from when this one ran.
  private arm(): void {
    const clock = this.ctx.host.kernel.clock;
    const now = clock.now();
    this.next += this.ms;
    if (this.next < now) {
      const behind = Math.ceil((now - this.next) / this.ms);
      this.next += behind * this.ms;
      this.ctx.host.kernel.skippedTicks += behind;
    }
    this.handle = clock.setTimeout(() => this.fire(), this.next - now);
  }
}

const deadTimer: Timer = Object.freeze({ cancel: () => undefined });

export class Ctx<Msg> implements ActorContext<Msg> {
  /** Set when the incarnation ends; every method then does nothing (spawn throws). */
  ended = false;
  private timers: Set<ActorTimer<Msg>> | null = null;
  private logger: Logger | null = null;

  constructor(readonly host: CtxHost<Msg>) {}

  get self(): ActorRef<Msg> {
    return this.host;
  }

  get name(): string {
    return this.host.name;
  }

  get path(): string {
    return this.host.path;
  }

  get log(): Logger {
    return (this.logger ??= this.host.kernel.baseLog.child({ actor: this.host.path }));
  }

  spawn<M, S>(spec: ActorSpec<M, S>): ActorRef<M> {
    this.assertLive(spec.name);
    return this.host.kernel.spawn(this.host, spec);
  }

  supervisor(spec: SupervisorSpec): Supervisor {
    this.assertLive(spec.name);
    return this.host.kernel.supervisor(this.host, spec);
  }

  stop(): void {
    if (!this.ended) this.host.requestStop();
  }

  scheduleOnce(ms: number, msg: Msg): Timer {
    if (this.ended) return deadTimer;
    const t = new ActorTimer(this, msg, Math.max(0, ms), false);
    (this.timers ??= new Set()).add(t);
    return t;
  }

  scheduleRepeat(ms: number, msg: Msg): Timer {
    if (this.ended) return deadTimer;
    const t = new ActorTimer(this, msg, Math.max(1, ms), true);
    (this.timers ??= new Set()).add(t);
    return t;
  }

  pipeToSelf<T>(promise: Promise<T>, toMsg: (result: Result<T>) => Msg): void {
    if (this.ended) return;
    const deliver = (result: Result<T>): void => {
      if (this.ended) {
        this.host.kernel.deadLetter(this.host, result);
        return;
      }
      let msg: Msg;
      try {
        msg = toMsg(result);
      } catch (err) {
        this.host.crashed(err, undefined);
        return;
      }
      this.host.offerOwn(new OwnEntry(this, msg));
    };
    void promise.then(
      (value) => deliver({ ok: true, value }),
      (err: unknown) => deliver({ ok: false, error: toGameError(err) }),
    );
  }

  forget(t: ActorTimer<Msg>): void {
    this.timers?.delete(t);
  }

  /** Ends the incarnation: cancels its timers; later pipes are dropped. */
  close(): void {
    this.ended = true;
    const timers = this.timers;
    this.timers = null;
    if (timers !== null) for (const t of timers) t.cancel();
  }

  private assertLive(what: string): void {
    if (this.ended) throw new GameError(Code.FAILED_PRECONDITION, `cannot spawn ${what}: ${this.host.path} has ended this incarnation`);
  }
}
