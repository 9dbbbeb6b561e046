// Owns the public contract of a JS VM: its options, call options, health/stats shapes and the JsVm
// interface the runtime framework programs against (implemented in vm.ts).
import type { Logger } from "../../log.js";
import type { JsBuild, JsEngine } from "./engine.js";
import type { GuestBytes } from "./guest-bytes.js";
import type { HostFn } from "./marshal.js";
import type { JsRef } from "./refs.js";

export interface JsVmOptions {
  /** The bundle: a plain script (not an ES module), ES5 through ES2023. */
  source: string;
  /** Its file name, shown in stack traces and error messages. */
  file: string;
  /** Host objects installed as globals, e.g. `{ nk: {...}, logger: {...} }`. Their contents are frozen. */
  globals: Record<string, Record<string, HostFn>>;
  /** Time limit of every call (guest code plus awaited host functions). */
  callTimeoutMs: number;
  /** Cap on this VM's whole linear memory (QuickJS heap, stack, data); values below 16 MiB are raised to it. */
  memoryLimitBytes: number;
  log: Logger;
  /** Shared compiled binaries; pass one engine to every VM (without it each VM builds its own). */
  engine?: JsEngine;
  /** Default "asyncify" (host functions may be async). See engine.ts. */
  build?: JsBuild;
  /** Values of the `process.env` stub. Default empty. */
  env?: Record<string, string>;
  /** js_read_only_globals: freeze globals once `initFunction` returns. Default true. */
  readOnlyGlobals?: boolean;
  /** The global whose successful callGlobal ends initialisation. Default "InitModule". */
  initFunction?: string;
  /**
   * Above 1: share a wasm module with up to this many VMs of the same build, memory limit and group size
   * (less memory per VM; see engine.ts for what sharing changes). Default 1: a module of its own.
   */
  moduleGroupSize?: number;
  /** Time limit for evaluating the bundle. Default max(callTimeoutMs, 10 s). */
  loadTimeoutMs?: number;
}

export interface CallOptions {
  /** "value" (default) converts the result; "ref" keeps it in the VM and returns a JsRef. */
  result?: "value" | "ref";
  /** With result "value": these top-level keys of an object result come back as JsRefs (e.g. "state"). */
  refKeys?: readonly string[];
  /** Overrides callTimeoutMs for this call. */
  timeoutMs?: number;
  /** Runs on the VM's turn right before the guest is entered (e.g. to fill a GuestBytes). Throw GameErrors only. */
  prepare?: () => void;
  /**
   * Maps the converted result on the VM's turn (e.g. reads a GuestBytes the guest filled) before the next
   * call can start. Must not throw: return the failure instead.
   */
  after?: (out: unknown) => unknown;
}

export interface MakeRefOptions {
  /** Deep-freeze the built value (plain data: objects and arrays through their own enumerable keys). */
  frozen?: boolean;
}

export type JsVmHealth = { ok: true } | { ok: false; reason: string };

export interface JsVmStats {
  calls: number;
  timeouts: number;
  /** Calls waiting behind the running one. */
  queued: number;
  refs: number;
  hostFunctions: number;
  frozen: boolean;
}

export interface JsVm {
  readonly file: string;
  readonly build: JsBuild;
  /** Calls a global function, e.g. `callGlobal("InitModule", [ctx, logger, nk, initializer])`. */
  callGlobal(name: string, args: readonly unknown[], opts?: CallOptions): Promise<unknown>;
  /** Calls a function captured earlier (a JsRef of kind "function"). */
  call(fn: JsRef, args: readonly unknown[], opts?: CallOptions): Promise<unknown>;
  /**
   * The same call answered without a promise hop when it can be: the converted result itself when the VM
   * was idle and the guest finished synchronously, else a Promise of it as `call` gives. Throws then what
   * `call` would reject with.
   */
  callNow(fn: JsRef, args: readonly unknown[], opts?: CallOptions): unknown;
  /** Copies the value behind a ref out to the host. */
  read(ref: JsRef): Promise<unknown>;
  /** Builds a guest value once and keeps it (e.g. a dispatcher object reused every tick). */
  makeRef(value: unknown, opts?: MakeRefOptions): Promise<JsRef>;
  /** In-place access to the ArrayBuffer behind a ref (undefined when not available in this build). */
  guestBytes(ref: JsRef): Promise<GuestBytes | undefined>;
  /** Bytes QuickJS currently holds for this VM. */
  memoryUsed(): Promise<number>;
  /** Not ok after a wasm-level failure or an uncaught out-of-memory error: replace the VM. */
  health(): JsVmHealth;
  stats(): JsVmStats;
  /** Waits for the running call, fails queued ones, frees every handle. */
  dispose(): Promise<void>;
}
