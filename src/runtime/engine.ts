// Owns the contract between the framework and its three engines (native, Lua, JS): a VM that has run
// the modules' InitModule, knows the keys it registered, and calls a registered function by key with
// a context and payload arguments already in its language's shape. Also the per-VM "call in progress"
// state that host functions (nk, logger) read: a VM serves one call at a time, so one slot suffices.
import type { Logger } from "../log.js";
import type { ContextBase, RuntimeContext } from "./context.js";
import { ExecutionMode, systemContext } from "./context.js";
import type { LogTarget } from "./logger.js";
import type { EngineKind, StorageIndexSpec } from "./registry.js";

/** One call into module code. */
export interface GuestCall {
  /** Registration key (registry.ts `regKey`). */
  readonly key: string;
  readonly ctx: RuntimeContext;
  /** Arguments after (ctx, logger, nk) — or after `context` in Lua — in the engine's value shapes. */
  readonly args: readonly unknown[];
  /** Fields of the log lines module code writes during the call (rpc_id, api_id, mode…). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A VM with the modules loaded and InitModule run. */
export interface EngineVm {
  readonly kind: EngineKind;
  /** Registration keys, in registration order. */
  keys(): string[];
  /** The storage indexes InitModule registered (data, not keys). */
  storageIndexes(): StorageIndexSpec[];
  /** Calls the function registered under `call.key`; resolves with its (first) result. */
  call(call: GuestCall): Promise<unknown>;
  /**
   * Optional, the same call answered without a promise hop when it can be: the (first) result itself
   * when the guest finished synchronously (a guest's value is never a Promise), else a Promise of it as
   * `call` gives. May throw what `call` would reject with.
   */
  callNow?(call: GuestCall): unknown;
  /** False when the engine says the VM must be replaced (e.g. its memory limit was hit). */
  usable(): boolean;
  close(): Promise<void>;
}

/** Makes VMs of one sandboxed engine; every VM runs the modules' InitModule itself. */
export interface EngineFactory {
  readonly kind: "lua" | "js";
  create(): Promise<EngineVm>;
}

/** The call in progress on one VM; host functions read it. */
export class CallSlot implements LogTarget {
  ctx: RuntimeContext;
  callFields: Record<string, unknown>;

  constructor(
    readonly log: Logger,
    base: ContextBase,
    readonly runtime: EngineKind,
  ) {
    this.ctx = systemContext(base, ExecutionMode.INIT_MODULE);
    this.callFields = { runtime };
  }

  fields(): Record<string, unknown> {
    return this.callFields;
  }

  enter(call: GuestCall): void {
    this.ctx = call.ctx;
    this.callFields = { runtime: this.runtime, ...call.fields };
  }
}

/**
 * The process-wide "once" of run_once, per engine: the first function handed to run_once in any VM of
 * that engine runs (once the first VM has loaded); every later one, in any VM, never runs.
 */
export class RunOnce {
  #claimed = false;

  /** True the first time only. */
  claim(): boolean {
    if (this.#claimed) return false;
    this.#claimed = true;
    return true;
  }
}
