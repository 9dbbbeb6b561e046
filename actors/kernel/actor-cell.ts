// Owns actor cells: the bounded mailbox and its overflow policy, the one-message-at-a-time drain
// (sync handlers run in a tight loop, async ones are awaited before the next message), and the
// incarnation lifecycle (init, crash, self-stop, suspend for a restart, resume, final stop).
import type { GameError } from "../../src/errors.js";
import { Code, toGameError } from "../../src/errors.js";
import { Cell, Status } from "./cell.js";
import { Ctx, OwnEntry, ActorTimer } from "./context.js";
import type { CtxHost } from "./context.js";
import type { Kernel } from "./kernel.js";
import { Ring } from "./mailbox.js";
import type { NactNode, Wakeable } from "./nact-host.js";
import { failCarriedReply } from "./reply.js";
import { defaultSupervision } from "./supervision.js";
import type { ActorSpec, Overflow, SupervisionSpec } from "./types.js";

/** Outcome of offering a message to a mailbox. */
export const Offer = { OK: 0, DROPPED: 1, REJECTED: 2, DEAD: 3 } as const;
export type Offer = (typeof Offer)[keyof typeof Offer];

export const defaultMailbox = Object.freeze({ capacity: 10_000, overflow: "reject" });

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && typeof x === "object" && typeof (x as { then?: unknown }).then === "function";
}

export class ActorCell<Msg, State> extends Cell implements CtxHost<Msg>, Wakeable {
  declare readonly __msg?: (msg: Msg) => void;
  readonly mbox = new Ring<unknown>();
  /** Messages this actor shed or refused on overflow. */
  drops = 0;
  /** Own entries (timer ticks, piped results) in the mailbox: never counted against capacity, never shed. */
  private own = 0;
  private state: State | undefined = undefined;
  private hasState = false;
  private ctx: Ctx<Msg> | null = null;
  /** A nact wake is pending or a turn is running. */
  private scheduled = false;
  private stopRequested = false;
  /** The in-flight async init or handler, if any (never rejects). */
  private busy: Promise<void> | null = null;
  /** The end of the current incarnation, once begun. */
  private ending: Promise<void> | null = null;
  private readonly capacity: number;
  private readonly overflow: Overflow;
  /** Set for eager actors only (types.ts ActorSpec.eager): no closure for the others. */
  private readonly eagerTurn: (() => void) | null;

  constructor(kernel: Kernel, parent: Cell, private readonly spec: ActorSpec<Msg, State>, node: NactNode) {
    super(kernel, parent, spec.name, node, spec.restart ?? "permanent");
    const mb = spec.mailbox ?? defaultMailbox;
    this.capacity = Math.max(1, mb.capacity);
    this.overflow = mb.overflow;
    this.eagerTurn = spec.eager === true ? () => this.runEager() : null;
  }

  get kind(): "actor" {
    return "actor";
  }

  get supervision(): SupervisionSpec {
    return this.spec.supervision ?? defaultSupervision;
  }

  get open(): boolean {
    return (this.status === Status.RUNNING || this.status === Status.STARTING) && this.ctx !== null && !this.ctx.ended;
  }

  // ---- mailbox -------------------------------------------------------------------------------

  offer(msg: unknown): Offer {
    if (this.status >= Status.STOPPING) {
      this.kernel.deadLetter(this, msg);
      return Offer.DEAD;
    }
    if (this.mbox.length - this.own >= this.capacity) {
      const policy = this.overflow;
      this.drops++;
      this.kernel.overflowed(this, policy);
      if (policy === "reject") return Offer.REJECTED;
      if (policy === "drop-newest") return Offer.DROPPED;
      this.shedOldest();
    }
    this.mbox.push(msg);
    this.schedule();
    return Offer.OK;
  }

  offerOwn(entry: OwnEntry<Msg>): void {
    if (this.status >= Status.STOPPING || entry.ctx !== this.ctx) return;
    this.own++;
    this.mbox.push(entry);
    this.schedule();
  }

  // Sheds the oldest message that is not an own entry; own entries ahead of it keep their place.
  private shedOldest(): void {
    const ahead: unknown[] = [];
    let victim = this.mbox.shift();
    while (victim instanceof OwnEntry) {
      ahead.push(victim);
      victim = this.mbox.shift();
    }
    for (let i = ahead.length - 1; i >= 0; i--) this.mbox.unshift(ahead[i]);
    failCarriedReply(victim, Code.RESOURCE_EXHAUSTED, `mailbox of ${this.path} is full`);
  }

  private take(): unknown {
    const entry = this.mbox.shift();
    if (entry instanceof OwnEntry) this.own--;
    return entry;
  }

  private schedule(): void {
    if (this.scheduled || this.status !== Status.RUNNING) return;
    this.scheduled = true;
    if (this.eagerTurn !== null) queueMicrotask(this.eagerTurn);
    else this.kernel.host.wake(this.node, this);
  }

  // An eager actor's turn, started in a microtask (an async turn never rejects).
  private runEager(): void {
    try {
      void this.turn();
    } catch (err) {
      this.kernel.log.error({ actor: this.path, err }, "kernel bug: an actor turn threw");
    }
  }

  // ---- the drain (called by nact, one turn at a time) ----------------------------------------

  turn(): void | Promise<void> {
    let budget = this.kernel.batch;
    while (budget > 0 && this.status === Status.RUNNING && this.mbox.length > 0) {
      budget--;
      const pending = this.deliver(this.take());
      if (pending !== undefined) return this.turnAsync(pending, budget);
    }
    this.endTurn();
  }

  // Never rejects (deliver's promises do not; anything else is a kernel bug, logged).
  private async turnAsync(pending: Promise<void>, budget: number): Promise<void> {
    try {
      await pending;
      while (budget > 0 && this.status === Status.RUNNING && this.mbox.length > 0) {
        budget--;
        const next = this.deliver(this.take());
        if (next !== undefined) await next;
      }
      this.endTurn();
    } catch (err) {
      this.kernel.log.error({ actor: this.path, err }, "kernel bug: an actor turn failed");
    }
  }

  private endTurn(): void {
    // Budget spent with work left: yield to the event loop and come back with a fresh wake.
    if (this.status === Status.RUNNING && this.mbox.length > 0) this.kernel.host.wake(this.node, this);
    else this.scheduled = false;
  }

  /** Handles one queued entry; returns a promise while an async handler runs. */
  private deliver(entry: unknown): Promise<void> | undefined {
    let msg = entry as Msg;
    let tick: ActorTimer<Msg> | null = null;
    if (entry instanceof OwnEntry) {
      if (entry.ctx !== this.ctx) return undefined; // sent by an incarnation that has ended
      if (entry instanceof ActorTimer) tick = entry as ActorTimer<Msg>; // stays "queued" until handled
      msg = entry.msg as Msg;
    }
    const ctx = this.ctx as Ctx<Msg>;
    let next: State | Promise<State>;
    try {
      next = this.spec.handle(this.state as State, msg, ctx);
    } catch (err) {
      if (tick !== null) tick.queued = false;
      this.crashed(err, msg);
      return undefined;
    }
    if (!isThenable(next)) {
      if (tick !== null) tick.queued = false;
      this.state = next;
      if (this.stopRequested) this.exitNormally();
      return undefined;
    }
    const done = (next).then(
      (state) => this.handled(ctx, tick, state),
      (err: unknown) => this.handleFailed(ctx, tick, err, msg),
    );
    this.busy = done;
    return done;
  }

  private handled(ctx: Ctx<Msg>, tick: ActorTimer<Msg> | null, state: State): void {
    this.busy = null;
    if (tick !== null) tick.queued = false;
    if (ctx !== this.ctx || ctx.ended) return; // the incarnation was ended without waiting (stop timeout)
    this.state = state;
    if (this.stopRequested && this.status === Status.RUNNING) this.exitNormally();
  }

  private handleFailed(ctx: Ctx<Msg>, tick: ActorTimer<Msg> | null, err: unknown, msg: Msg): void {
    this.busy = null;
    if (tick !== null) tick.queued = false;
    if (ctx !== this.ctx || ctx.ended) return;
    this.crashed(err, msg);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Runs `init` for a new incarnation. */
  start(): void {
    this.incarnation++;
    this.status = Status.STARTING;
    this.stopRequested = false;
    this.ending = null;
    const ctx = (this.ctx = new Ctx<Msg>(this));
    let init: State | Promise<State>;
    try {
      init = this.spec.init(ctx);
    } catch (err) {
      this.crashed(err, undefined);
      return;
    }
    if (!isThenable(init)) return this.initialized(ctx, init);
    this.busy = (init).then(
      (state) => this.initialized(ctx, state),
      (err: unknown) => {
        this.busy = null;
        if (ctx === this.ctx && !ctx.ended) this.crashed(err, undefined);
      },
    );
  }

  private initialized(ctx: Ctx<Msg>, state: State): void {
    this.busy = null;
    if (ctx !== this.ctx || ctx.ended) return;
    this.state = state;
    this.hasState = true;
    if (this.status !== Status.STARTING) return; // being suspended or stopped: onStop will see this state
    this.status = Status.RUNNING;
    if (this.stopRequested) return this.exitNormally();
    if (this.mbox.length > 0) this.schedule();
  }

  requestStop(): void {
    this.stopRequested = true;
  }

  /** The current incarnation failed: stop handling, end it, then let the parent decide. */
  crashed(err: unknown, msg: unknown): void {
    const error = toGameError(err);
    if (this.status !== Status.RUNNING && this.status !== Status.STARTING) {
      this.kernel.log.warn({ actor: this.path, err }, "actor failed while already ending");
      return;
    }
    if (msg !== undefined) failCarriedReply(msg, Code.INTERNAL, `actor ${this.path} crashed`);
    this.kernel.log.error({ actor: this.path, err }, "actor crashed");
    this.leave("crash", error);
  }

  fail(err: GameError): Promise<void> {
    if (this.status !== Status.RUNNING && this.status !== Status.STARTING) return Promise.resolve();
    this.leave("crash", err);
    return this.ending ?? Promise.resolve();
  }

  private exitNormally(): void {
    this.leave("normal", undefined);
  }

  private leave(kind: "crash" | "normal", error: GameError | undefined): void {
    this.status = Status.SUSPENDED;
    const incarnation = this.incarnation;
    const parent = this.parent as Cell;
    this.ending = this.endIncarnation().then(() => parent.childExited(this, { kind, error, incarnation }));
  }

  async suspend(): Promise<void> {
    if (this.status === Status.RUNNING || this.status === Status.STARTING) {
      this.status = Status.SUSPENDED;
      this.ending = this.waitIdle().then(() => this.endIncarnation());
    }
    await this.ending;
  }

  async resume(): Promise<void> {
    if (this.status !== Status.SUSPENDED) return;
    await this.ending;
    if (this.status !== Status.SUSPENDED) return;
    this.start();
    // Wait for an async init so a group restart starts children one after another, in order.
    if (this.busy !== null) await this.busy;
  }

  protected async finish(): Promise<void> {
    if (this.ending === null && this.ctx !== null) this.ending = this.waitIdle().then(() => this.endIncarnation());
    await this.ending;
  }

  protected discard(): void {
    this.own = 0;
    for (const entry of this.mbox.drain()) {
      if (entry instanceof OwnEntry) continue;
      this.kernel.deadLetter(this, entry);
      failCarriedReply(entry, Code.UNAVAILABLE, `actor ${this.path} stopped`);
    }
  }

  /** Waits for the in-flight init/handler, at most the kernel's stop timeout. */
  private async waitIdle(): Promise<void> {
    const busy = this.busy;
    if (busy === null) return;
    const clock = this.kernel.clock;
    let timer: unknown;
    const timedOut = new Promise<boolean>((resolve) => (timer = clock.setTimeout(() => resolve(true), this.kernel.stopTimeoutMs)));
    const late = await Promise.race([busy.then(() => false), timedOut]);
    clock.clearTimeout(timer);
    if (late) this.kernel.log.warn({ actor: this.path, timeoutMs: this.kernel.stopTimeoutMs }, "handler still running at stop; ending anyway");
  }

  // Timers cancelled, own children stopped (reverse order), then onStop with the last state.
  private async endIncarnation(): Promise<void> {
    const ctx = this.ctx;
    if (ctx === null || ctx.ended) return;
    ctx.close();
    await this.killChildren();
    const state = this.state;
    const had = this.hasState;
    this.state = undefined;
    this.hasState = false;
    if (!had || this.spec.onStop === undefined) return;
    try {
      await this.spec.onStop(state as State, ctx);
    } catch (err) {
      this.kernel.log.error({ actor: this.path, err }, "onStop failed");
    }
  }
}
