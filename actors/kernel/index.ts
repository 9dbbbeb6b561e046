// Owns the public surface of Troupe's actor kernel (the only place nact is used, behind it).
//
// - Actors: typed message unions, bounded mailboxes with an overflow policy, one message at a time
//   (async handlers included), timers and pipe-to-self owned by an incarnation.
// - ask: the Reply travels inside the message; deadline -> DEADLINE_EXCEEDED; stopped -> UNAVAILABLE
//   at once; full mailbox -> RESOURCE_EXHAUSTED at once; error replies keep their GameError.
// - Supervision as data: one-for-one / one-for-all / rest-for-one with restart intensity; children
//   permanent / transient / temporary; escalation to the parent, `onFatal` at the root.
// - Messages that arrive while an actor restarts stay in its mailbox (bounded) and are handled by the
//   next incarnation; messages to a stopped actor, and those left in its mailbox when it stops, are
//   dead letters (counted, logged at debug).
// - Convention: a message answering an ask keeps its Reply in a field named `replyTo`; the kernel then
//   fails that ask at once when the message is shed, dead-lettered, or crashes its handler.
// - Timers: fixed rate; while a repeat timer's tick is queued or running, further ticks are skipped
//   (counted), never piled up. Own messages (ticks, piped results) bypass the capacity and are never
//   shed; those of an ended incarnation are discarded.
// - Scheduling: each actor has its own mailbox and asks for one turn at a time (one "wake"), then
//   handles up to `batch` messages per turn. Wakes go to one run queue drained per setImmediate
//   (nact-host.ts): nact holds the tree (names, paths, recursive stop) but no longer dispatches turns,
//   since its per-dispatch cost (~1 µs, ARCHITECTURE.md: a context copy and promise hops) exceeded most
//   handlers; measured in bench/mailbox.ts (ping-pong hop 2.57 → 1.2–1.4 µs). `eager` actors (runtime VMs
//   and pools, sessions) start a turn in a microtask when a message finds them idle.
export { createKernel, Kernel } from "./kernel.js";
export { tell, ask, stop, stopChildren, spawn, supervisor, mailboxDepth, dropCount, isAlive, whenStopped } from "./ops.js";
export type { AskResult, ReplyTypeOf } from "./ops.js";
export { Reply } from "./reply.js";
export { ManualClock, systemClock } from "./clock.js";
export type { Clock, TimerHandle } from "./clock.js";
export type {
  ActorContext,
  ActorRef,
  ActorSpec,
  KernelMetrics,
  KernelOptions,
  MailboxSpec,
  Overflow,
  Parent,
  RestartType,
  Result,
  Strategy,
  SupervisionSpec,
  Supervisor,
  SupervisorSpec,
  Timer,
} from "./types.js";
