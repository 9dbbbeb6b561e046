// Owns the messages of the runtime pool actor and its VM actors.
import type { Reply, Result } from "../kernel/index.js";
import type { EngineVm, GuestCall } from "../../src/runtime/engine.js";

/** To the pool. */
export type PoolMsg =
  /** A call into module code; answered by the VM actor that runs it. */
  | { type: "call"; call: GuestCall; replyTo: Reply<unknown> }
  /** A VM actor finished a call; `usable` false means replace its VM. */
  | { type: "done"; slot: number; usable: boolean }
  /** A VM creation (pipe-to-self) settled. */
  | { type: "created"; result: Result<EngineVm> }
  /** Create VMs in the background up to the minimum. */
  | { type: "warm" }
  /** Calls have been waiting: create a VM if they still do (pool.actor.ts GROW_AFTER_MS). */
  | { type: "grow" };

/** To one VM actor. */
export type VmMsg =
  | { type: "run"; call: GuestCall; replyTo: Reply<unknown> }
  /**
   * A call the pool started on this (idle) actor's VM in the caller's turn that is now waiting (a host
   * promise): the actor holds the VM until it settles, answers, then frees it, as for a "run".
   */
  | { type: "finish"; pending: Promise<unknown>; replyTo: Reply<unknown> };
