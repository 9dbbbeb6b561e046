// Owns the public types of the actor kernel: actor and supervisor specs, refs, the actor context,
// mailbox/overflow/restart policies, kernel options and metrics. No runtime code lives here.
import type { GameError } from "../../src/errors.js";
import type { Logger } from "../../src/log.js";
import type { Clock } from "./clock.js";

/** What happens to a message offered to a full mailbox. See README-style notes in index.ts. */
export type Overflow = "drop-newest" | "drop-oldest" | "reject";

export interface MailboxSpec {
  /** Most messages held (queued, not counting the one being handled). */
  capacity: number;
  overflow: Overflow;
}

/** How a parent treats a child's exit: permanent always restarts, transient only after a crash, temporary never. */
export type RestartType = "permanent" | "transient" | "temporary";

export type Strategy = "one-for-one" | "one-for-all" | "rest-for-one";

/** Supervision as data (Erlang/OTP): more than `maxRestarts` restarts within `withinMs` makes the parent give up. */
export interface SupervisionSpec {
  strategy: Strategy;
  maxRestarts: number;
  withinMs: number;
}

export interface SupervisorSpec extends SupervisionSpec {
  /** Unique among siblings; nact's name rules: letters, digits and -$_.+!*'(), only. */
  name: string;
  /** How this supervisor's own parent treats it when it gives up. Default "permanent". */
  restart?: RestartType;
}

/** Outcome of a piped promise, delivered to the actor as a message built by `toMsg`. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: GameError };

/** A cancellable timer owned by one actor incarnation. */
export interface Timer {
  cancel(): void;
}

/** A typed address. `__msg` only carries the message type; it is never set at runtime. */
export interface ActorRef<Msg> {
  readonly kind: "actor";
  readonly name: string;
  /** "/root/a/b"; computed on demand. */
  readonly path: string;
  readonly __msg?: (msg: Msg) => void;
}

/** A node that only owns children (no mailbox); its restart re-inits its retained children in place. */
export interface Supervisor {
  readonly kind: "supervisor";
  readonly name: string;
  readonly path: string;
}

export type Parent = Supervisor | ActorRef<any>;

/** Handed to `init`, `handle` and `onStop`. One object per incarnation; valid until that incarnation ends. */
export interface ActorContext<Msg> {
  readonly self: ActorRef<Msg>;
  readonly name: string;
  readonly path: string;
  /** A pino child logger bound to `{ actor: path }` (created on first use). */
  readonly log: Logger;
  /** Spawns a child of this actor (children end when this actor restarts or stops). */
  spawn<M, S>(spec: ActorSpec<M, S>): ActorRef<M>;
  /** Spawns a supervisor child of this actor. */
  supervisor(spec: SupervisorSpec): Supervisor;
  /** Normal exit once the current message is handled (a permanent actor is then restarted). */
  stop(): void;
  /** Delivers `msg` to self after `ms` (capacity limits do not apply to own timers). */
  scheduleOnce(ms: number, msg: Msg): Timer;
  /**
   * Delivers `msg` to self every `ms`, at a fixed rate. Tick policy: while the previous tick of this
   * timer is still queued or being handled, further ticks are skipped (counted in `skippedTicks`), so
   * a slow tick never piles ticks up.
   */
  scheduleRepeat(ms: number, msg: Msg): Timer;
  /** Lets slow I/O run outside the actor; its outcome comes back as a message (dropped if this incarnation ended). */
  pipeToSelf<T>(promise: Promise<T>, toMsg: (result: Result<T>) => Msg): void;
}

export interface ActorSpec<Msg, State> {
  /** Unique among siblings; nact's name rules: letters, digits and -$_.+!*'(), only. */
  name: string;
  init(ctx: ActorContext<Msg>): State | Promise<State>;
  handle(state: State, msg: Msg, ctx: ActorContext<Msg>): State | Promise<State>;
  /** Default { capacity: 10_000, overflow: "reject" }. */
  mailbox?: MailboxSpec;
  /**
   * When a message finds the actor idle, its turn starts in a microtask right after the sending code
   * instead of on the next event-loop turn ("eager"). Messages are still handled one at a time, in order;
   * a turn that spends its batch budget yields to the event loop as usual. For actors with short
   * handlers fed one call at a time (a runtime VM), where waiting a whole event-loop turn per message
   * costs more than the message. Eager turns run before the event loop moves on, so eager actors must not
   * keep messaging each other without end (each exchange has to be bounded by work that came from I/O
   * or a timer, like a call and its answer). Default false.
   */
  eager?: boolean;
  /** Default "permanent". */
  restart?: RestartType;
  /** How this actor supervises its own children. Default one-for-one, 10 restarts in 10 s. */
  supervision?: SupervisionSpec;
  /** Runs when an incarnation ends (stop, crash, or before a restart) if `init` had completed. */
  onStop?(state: State, ctx: ActorContext<Msg>): void | Promise<void>;
}

export interface KernelOptions {
  log: Logger;
  /** Root supervisor policy. Default one-for-one, 10 restarts in 10 s. */
  root?: SupervisionSpec;
  /** Called once when the root supervisor gives up (after stopping everything). */
  onFatal?: (err: GameError) => void;
  /** Time source for ask deadlines, timers and restart windows. Default: the system clock. */
  clock?: Clock;
  /** How long a stop waits for an in-flight async handler before ending the incarnation anyway. Default 5000. */
  stopTimeoutMs?: number;
  /** Minimum interval between two overflow warnings. Default 1000. */
  dropLogIntervalMs?: number;
  /** Messages handled per scheduling turn before yielding to the event loop. Default 128. */
  batch?: number;
}

export interface KernelMetrics {
  /** Live actors (not supervisors). */
  actors: number;
  supervisors: number;
  /** Messages to stopped actors, plus messages left in a mailbox when its actor stopped. */
  deadLetters: number;
  /** Messages shed by "drop-newest" / "drop-oldest". */
  dropped: number;
  /** Messages refused by "reject". */
  rejected: number;
  /** Child incarnations started again by a supervision decision. */
  restarts: number;
  /** Replies that arrived after their ask had settled (deadline passed). */
  lateReplies: number;
  /** Repeat-timer ticks skipped because the previous tick was still queued or running. */
  skippedTicks: number;
  /** Sum and maximum of mailbox depths over live actors (walks the tree). */
  mailboxTotal: number;
  mailboxMax: number;
}
