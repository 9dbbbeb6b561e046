// Owns the contract of a VM pool: where calls into a sandboxed engine (Lua, JS) go. The pool is an actor
// with one VM actor per VM (actors/runtime/); this file only names what the framework needs from it, so
// src/ does not import actors/ (main.ts passes the implementation in).
import type { EngineFactory, EngineVm, GuestCall } from "./engine.js";

export interface PoolLimits {
  /** VMs kept ready (created in the background after start). */
  readonly min: number;
  /** Most VMs; more are created on demand while calls wait. */
  readonly max: number;
  /** Calls that may wait for a free VM; past it a call fails RESOURCE_EXHAUSTED at once. */
  readonly queueSize: number;
  /** Deadline of one call, waiting included (DEADLINE_EXCEEDED past it). */
  readonly askTimeoutMs: number;
}

export interface PoolStats {
  /** Live VMs. */
  vms: number;
  busy: number;
  queued: number;
  /** Most calls that waited at once. */
  peakQueued: number;
  /** VMs created (the first one included). */
  created: number;
  /** VMs replaced because their engine said they were unusable. */
  replaced: number;
  /** Calls refused because the queue was full. */
  rejected: number;
  /** Calls served. */
  calls: number;
}

export interface VmPool {
  readonly engine: "lua" | "js";
  call(call: GuestCall): Promise<unknown>;
  stats(): Readonly<PoolStats>;
  stop(): Promise<void>;
}

/** Starts a pool around an engine; `first` is the VM created at load (it becomes the pool's first VM). */
export type StartPool = (factory: EngineFactory, first: EngineVm, limits: PoolLimits) => VmPool;

export function emptyStats(): PoolStats {
  return { vms: 0, busy: 0, queued: 0, peakQueued: 0, created: 0, replaced: 0, rejected: 0, calls: 0 };
}
