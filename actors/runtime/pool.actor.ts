// Owns the VM pool of one sandboxed engine (Lua or JS) as an actor: its VM actors (children), the idle
// list and the bounded queue of calls waiting for a VM. A call goes to an idle VM at once; otherwise it
// waits (RESOURCE_EXHAUSTED when the queue is full), and once a call has waited GROW_AFTER_MS a new VM
// is created, up to the maximum. (Calls that never wait on I/O keep a VM busy for microseconds: under
// such load calls queue only for the moment it takes the busy VMs to finish, and another VM would add
// creation cost and memory but no throughput; VMs held by calls waiting on the database do.) VMs
// up to the minimum are created in the background after start, one at a time, so start stays fast. A
// VM whose engine reports it unusable (memory limit hit) is stopped and replaced.
//
// Fast path (callIdle / releaseVm): while no call waits and the pool's mailbox is empty, a call goes
// straight to an idle VM (run in the caller's turn when its engine can answer synchronously, else as its
// VM actor's message), and a VM that finishes goes straight back to the idle
// list, without a turn of the pool actor in between; the idle list and counters are the pool state's,
// changed synchronously, so the pool actor sees them as if it had made the change itself. Anything else
// (a call while every VM is busy, an unusable VM, a queue to serve) goes through the pool actor.
import { Code, GameError } from "../../src/errors.js";
import type { EngineFactory, EngineVm } from "../../src/runtime/engine.js";
import type { PoolLimits, PoolStats } from "../../src/runtime/pool.js";
import type { GuestCall } from "../../src/runtime/engine.js";
import { ask, mailboxDepth, stop, tell, type ActorContext, type ActorRef, type ActorSpec, type Result } from "../kernel/index.js";
import type { PoolMsg, VmMsg } from "./pool.messages.js";
import { failure, vmActorSpec } from "./vm.actor.js";

type CallMsg = Extract<PoolMsg, { type: "call" }>;

/** How long the oldest waiting call waits before the pool creates another VM for it. */
export const GROW_AFTER_MS = 10;

interface Waiting {
  readonly msg: CallMsg;
  /** performance.now() when it was queued. */
  readonly at: number;
}

interface Slot {
  readonly ref: ActorRef<VmMsg>;
  /** The VM its actor owns (callIdle starts synchronous calls on it while the slot is idle). */
  readonly vm: EngineVm;
  readonly id: number;
  busy: boolean;
}

interface PoolState {
  readonly slots: Map<number, Slot>;
  readonly idle: number[];
  readonly queue: Waiting[];
  head: number;
  creating: number;
  /** A "grow" check is scheduled. */
  growCheck: boolean;
}

export interface PoolSetup {
  readonly name: string;
  readonly factory: EngineFactory;
  readonly limits: PoolLimits;
  /** Counters the pool keeps up to date (read by VmPool.stats()). */
  readonly stats: PoolStats;
  /** The VM created at load; taken by the first incarnation only. */
  takeFirst(): EngineVm | undefined;
  /** The running incarnation's state (null before init and once it ends), for the fast path. */
  current: PoolState | null;
  /** Next VM slot id, never reused across incarnations (a late release of an old VM matches nothing). */
  nextSlot: number;
}

function queued(s: PoolState): number {
  return s.queue.length - s.head;
}

function dequeue(s: PoolState): CallMsg | undefined {
  while (s.head < s.queue.length) {
    const w = s.queue[s.head];
    s.queue[s.head++] = undefined as unknown as Waiting;
    if (s.head === s.queue.length) {
      s.queue.length = 0;
      s.head = 0;
    }
    if (!w.msg.replyTo.settled) return w.msg; // skip calls whose caller gave up waiting
  }
  return undefined;
}

function dispatch(setup: PoolSetup, s: PoolState, id: number, msg: CallMsg): void {
  const slot = s.slots.get(id) as Slot;
  slot.busy = true;
  setup.stats.busy++;
  setup.stats.calls++;
  if (!tell(slot.ref, { type: "run", call: msg.call, replyTo: msg.replyTo })) {
    msg.replyTo.fail(new GameError(Code.UNAVAILABLE, `${setup.name} runtime VM is not accepting calls`));
  }
}

function addVm(setup: PoolSetup, s: PoolState, vm: EngineVm, ctx: ActorContext<PoolMsg>): void {
  const id = setup.nextSlot++;
  const pool = ctx.self;
  s.slots.set(id, { ref: ctx.spawn(vmActorSpec(vm, (slot, usable) => releaseVm(setup, pool, slot, usable), id)), vm, id, busy: false });
  setup.stats.vms = s.slots.size;
  setup.stats.created++;
  const next = dequeue(s);
  if (next !== undefined) dispatch(setup, s, id, next);
  else s.idle.push(id);
  setup.stats.queued = queued(s);
}

function create(setup: PoolSetup, s: PoolState, ctx: ActorContext<PoolMsg>): void {
  s.creating++;
  ctx.pipeToSelf(setup.factory.create(), (result: Result<EngineVm>) => ({ type: "created", result }));
}

/**
 * Starts a VM creation when calls have waited GROW_AFTER_MS and the pool may still grow; when calls wait
 * but not yet that long, checks again once the oldest one will have.
 */
function grow(setup: PoolSetup, s: PoolState, ctx: ActorContext<PoolMsg>): void {
  if (queued(s) <= s.creating || s.slots.size + s.creating >= setup.limits.max) return;
  const waited = performance.now() - s.queue[s.head].at;
  if (waited >= GROW_AFTER_MS) {
    create(setup, s, ctx);
    return;
  }
  if (s.growCheck) return;
  s.growCheck = true;
  const due = new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(GROW_AFTER_MS - waited)));
  ctx.pipeToSelf(due, () => ({ type: "grow" }));
}

function onCall(setup: PoolSetup, s: PoolState, msg: CallMsg, ctx: ActorContext<PoolMsg>): PoolState {
  const id = s.idle.pop();
  if (id !== undefined) {
    dispatch(setup, s, id, msg);
    return s;
  }
  if (queued(s) >= setup.limits.queueSize) {
    setup.stats.rejected++;
    msg.replyTo.fail(new GameError(Code.RESOURCE_EXHAUSTED,
      `${setup.name} runtime is overloaded: all ${s.slots.size} VMs are busy and ${setup.limits.queueSize} calls are already waiting`));
    return s;
  }
  s.queue.push({ msg, at: performance.now() });
  setup.stats.queued = queued(s);
  if (setup.stats.queued > setup.stats.peakQueued) setup.stats.peakQueued = setup.stats.queued;
  grow(setup, s, ctx);
  return s;
}

function onDone(setup: PoolSetup, s: PoolState, id: number, usable: boolean, ctx: ActorContext<PoolMsg>): PoolState {
  const slot = s.slots.get(id);
  if (slot === undefined) return s;
  slot.busy = false;
  setup.stats.busy--;
  if (!usable) {
    s.slots.delete(id);
    setup.stats.vms = s.slots.size;
    setup.stats.replaced++;
    ctx.log.warn({ runtime: setup.name, vm: id }, "runtime VM is unusable (limit hit); replacing it");
    stop(slot.ref).catch((err: unknown) => ctx.log.error({ err }, "stopping a runtime VM failed"));
    if (queued(s) > 0 || s.slots.size + s.creating < setup.limits.min) create(setup, s, ctx);
    return s;
  }
  const next = dequeue(s);
  setup.stats.queued = queued(s);
  if (next !== undefined) dispatch(setup, s, id, next);
  else s.idle.push(id);
  return s;
}

function onCreated(setup: PoolSetup, s: PoolState, result: Result<EngineVm>, ctx: ActorContext<PoolMsg>): PoolState {
  s.creating--;
  if (result.ok) {
    addVm(setup, s, result.value, ctx);
    grow(setup, s, ctx);
    return s;
  }
  ctx.log.error({ runtime: setup.name, err: result.error }, "could not create a runtime VM");
  if (s.slots.size === 0 && s.creating === 0) {
    for (let m = dequeue(s); m !== undefined; m = dequeue(s)) {
      m.replyTo.fail(new GameError(Code.UNAVAILABLE, `${setup.name} runtime has no VM: ${result.error.message}`));
    }
    setup.stats.queued = 0;
  }
  return s;
}

function onWarm(setup: PoolSetup, s: PoolState, ctx: ActorContext<PoolMsg>): PoolState {
  // One at a time: each creation blocks the event loop for a few milliseconds.
  if (s.creating === 0 && s.slots.size < setup.limits.min) create(setup, s, ctx);
  return s;
}

/**
 * The fast path of a call: when a VM is idle, no call waits and the pool's mailbox is empty, the call
 * goes to that VM; otherwise undefined (send it to the pool). An engine that can answer synchronously
 * (callNow) is called right here, in the caller's turn, while the slot is marked busy (the VM actor is
 * idle with an empty mailbox, so nothing else runs on that VM): a call that finishes frees the slot at
 * once, a call that suspends is handed to the VM actor ("finish"), which holds the VM until it settles,
 * answers under the same ask timeout, and frees it. Other engines get the call as their actor's message.
 */
export function callIdle(setup: PoolSetup, pool: ActorRef<PoolMsg>, call: GuestCall, timeoutMs: number): Promise<unknown> | undefined {
  const s = setup.current;
  if (s === null || s.idle.length === 0 || queued(s) > 0 || mailboxDepth(pool) > 0) return undefined;
  const slot = s.slots.get(s.idle.pop() as number) as Slot;
  slot.busy = true;
  setup.stats.busy++;
  setup.stats.calls++;
  if (slot.vm.callNow === undefined || mailboxDepth(slot.ref) > 0) return ask(slot.ref, (replyTo) => ({ type: "run", call, replyTo }), timeoutMs);
  let value: unknown;
  try {
    value = slot.vm.callNow(call);
  } catch (err) {
    releaseVm(setup, pool, slot.id, slot.vm.usable());
    return Promise.reject(failure(err));
  }
  if (!(value instanceof Promise)) {
    releaseVm(setup, pool, slot.id, slot.vm.usable());
    return Promise.resolve(value);
  }
  const pending: Promise<unknown> = value;
  pending.catch(() => undefined); // answered through the actor; never an unhandled rejection here
  return ask(slot.ref, (replyTo) => ({ type: "finish", pending, replyTo }), timeoutMs);
}

/** A VM actor finished a call: straight back to the idle list when nothing waits, else a "done" to the pool. */
function releaseVm(setup: PoolSetup, pool: ActorRef<PoolMsg>, id: number, usable: boolean): void {
  const s = setup.current;
  if (usable && s !== null && queued(s) === 0 && mailboxDepth(pool) === 0) {
    const slot = s.slots.get(id);
    if (slot !== undefined && slot.busy) {
      slot.busy = false;
      setup.stats.busy--;
      s.idle.push(id);
      return;
    }
  }
  tell(pool, { type: "done", slot: id, usable });
}

export function poolActorSpec(setup: PoolSetup): ActorSpec<PoolMsg, PoolState> {
  return {
    name: `${setup.name}-pool`,
    restart: "permanent",
    mailbox: { capacity: 1_000_000, overflow: "reject" },
    // A call reaches its VM right after the code that made it, not one event-loop turn later.
    eager: true,
    init: (ctx) => {
      const s: PoolState = { slots: new Map(), idle: [], queue: [], head: 0, creating: 0, growCheck: false };
      setup.current = s;
      setup.stats.busy = 0;
      setup.stats.vms = 0;
      const first = setup.takeFirst();
      if (first !== undefined) addVm(setup, s, first, ctx);
      tell(ctx.self, { type: "warm" });
      return s;
    },
    handle: (s, msg, ctx) => {
      switch (msg.type) {
        case "call":
          return onCall(setup, s, msg, ctx);
        case "done":
          return onDone(setup, s, msg.slot, msg.usable, ctx);
        case "created": {
          const next = onCreated(setup, s, msg.result, ctx);
          // Keep warming after a success only: a failing factory must not loop.
          return msg.result.ok ? onWarm(setup, next, ctx) : next;
        }
        case "warm":
          return onWarm(setup, s, ctx);
        case "grow":
          s.growCheck = false;
          grow(setup, s, ctx);
          return s;
      }
    },
    onStop: (s) => {
      if (setup.current === s) setup.current = null;
    },
  };
}
