// Owns the JS VM: one sandboxed QuickJS context running one bundle, driven by the runtime framework
// through calls that are queued one at a time, time-limited, memory-limited and leak-free. It knows
// nothing of Nakama: nk, logger and friends are host objects supplied by the caller.
import type { QuickJSAsyncContext, QuickJSContext, QuickJSHandle } from "quickjs-emscripten";
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { Bridge } from "./bridge.js";
import { createJsEngine, MIN_MEMORY_LIMIT_BYTES } from "./engine.js";
import type { EngineContext, JsBuild } from "./engine.js";
import { brokenError, disposedError, timeLimitError } from "./js-errors.js";
import { GuestBytes } from "./guest-bytes.js";
import { HostFnTable, Marshal } from "./marshal.js";
import type { Helpers } from "./marshal.js";
import { PRELUDE, PRELUDE_FILE } from "./prelude.js";
import { CallQueue } from "./queue.js";
import { RefTable } from "./refs.js";
import { isJsRef } from "./refs.js";
import type { JsRef } from "./refs.js";
import { Tag, UNKNOWN_TAG } from "./internals.js";
import type { Settled } from "./internals.js";
import type { CallOptions, JsVm, JsVmHealth, JsVmOptions, JsVmStats, MakeRefOptions } from "./vm-types.js";

export type { CallOptions, JsVm, JsVmHealth, JsVmOptions, JsVmStats, MakeRefOptions } from "./vm-types.js";
import { consoleObject, processObject } from "./host-globals.js";

/** Creates a VM and evaluates the bundle in it. Load errors are GuestErrors naming file and line. */
export async function createJsVm(opts: JsVmOptions): Promise<JsVm> {
  if (!(opts.callTimeoutMs > 0)) throw new GameError(Code.INVALID_ARGUMENT, "callTimeoutMs must be positive");
  if (!(opts.memoryLimitBytes > 0)) throw new GameError(Code.INVALID_ARGUMENT, "memoryLimitBytes must be positive");
  if (opts.memoryLimitBytes < MIN_MEMORY_LIMIT_BYTES) {
    opts.log.warn({ requested: opts.memoryLimitBytes, applied: MIN_MEMORY_LIMIT_BYTES }, "javascript memory limit raised to the 16 MiB minimum");
  }
  const engine = opts.engine ?? (await createJsEngine({ log: opts.log }));
  const ec = await engine.newContext(opts.build ?? "asyncify", opts.memoryLimitBytes, opts.moduleGroupSize);
  const vm = new Vm(ec, opts);
  try {
    await (ec.gate === undefined ? vm.init() : ec.gate.run(() => vm.init()));
  } catch (err) {
    await vm.dispose().catch(() => undefined);
    throw err instanceof GameError ? err : new GameError(Code.INTERNAL, `javascript vm failed to start: ${String(err)}`, { cause: err });
  }
  return vm;
}

class Vm implements JsVm {
  readonly file: string;
  readonly build: JsBuild;
  private readonly ctx: QuickJSContext;
  private readonly refs = new RefTable();
  private readonly hostFns = new HostFnTable();
  private readonly queue = new CallQueue();
  private readonly bridge: Bridge;
  private readonly log: Logger;
  private marshal!: Marshal;
  private helpers: Helpers | undefined;
  private frozen = false;
  private broken: string | undefined;
  private disposing: Promise<void> | undefined;
  private calls = 0;
  private timeouts = 0;

  constructor(
    private readonly ec: EngineContext,
    private readonly opts: JsVmOptions,
  ) {
    this.file = opts.file;
    this.build = ec.build;
    this.ctx = ec.context;
    this.log = opts.log.child({ module: "js-vm", file: opts.file });
    this.bridge = new Bridge(this.ctx, ec, this.refs, this.hostFns, this.log);
  }

  async init(): Promise<void> {
    const b = this.bridge;
    b.begin(this.opts.loadTimeoutMs ?? Math.max(this.opts.callTimeoutMs, 10_000));
    try {
      this.installPrelude();
      this.installGlobals();
      const res = await b.enter(() =>
        this.build === "asyncify"
          ? (this.ctx as QuickJSAsyncContext).evalCodeAsync(this.opts.source, this.opts.file, { type: "global" })
          : this.ctx.evalCode(this.opts.source, this.opts.file, { type: "global" }),
      );
      if (res.error) throw b.describe(res.error);
      res.value.dispose();
      await this.drainJobs();
      if (b.state.timedOut) throw timeLimitError(b.state.timeoutMs);
    } finally {
      this.hostFns.drop(b.end());
    }
  }

  private installPrelude(): void {
    const trampoline = this.bridge.newTrampoline();
    const factory = this.ctx.evalCode(PRELUDE, PRELUDE_FILE, { type: "global", strict: true });
    try {
      const made = this.ctx.unwrapResult(factory);
      const r = this.bridge.callHelper(made, [trampoline]);
      made.dispose();
      if (r.error) {
        const detail = JSON.stringify(this.ctx.dump(r.error));
        r.error.dispose();
        throw new Error(`prelude failed: ${detail}`);
      }
      const obj = r.value;
      const get = (k: keyof Helpers): QuickJSHandle => this.ctx.getProp(obj, k);
      this.helpers = {
        makeHostFn: get("makeHostFn"),
        encode: get("encode"),
        decode: get("decode"),
        errorInfo: get("errorInfo"),
        makeError: get("makeError"),
        freezeGlobals: get("freezeGlobals"),
        defineGlobal: get("defineGlobal"),
        freezeData: get("freezeData"),
      };
      obj.dispose();
    } finally {
      trampoline.dispose();
    }
    this.bridge.helpers = this.helpers;
    this.marshal = new Marshal(this.ctx, this.helpers, this.refs, this.hostFns, this.bridge.callHelper, this.bridge.describe, this.ec.low);
    this.bridge.marshal = this.marshal;
  }

  private installGlobals(): void {
    const all: Record<string, unknown> = {
      console: consoleObject(this.log),
      process: processObject(this.opts.env ?? {}),
      ...this.opts.globals,
    };
    for (const [name, value] of Object.entries(all)) {
      const h = this.marshal.toGuest(value, undefined, name);
      const nameH = this.ctx.newString(name);
      try {
        this.marshal.unwrap(this.bridge.callHelper(this.helpers!.defineGlobal, [nameH, h])).dispose();
      } finally {
        h.dispose();
        nameH.dispose();
      }
    }
  }

  callGlobal(name: string, args: readonly unknown[], opts: CallOptions = {}): Promise<unknown> {
    return this.exec(async () => {
      const fn = this.ctx.getProp(this.ctx.global, name);
      try {
        if (this.ctx.typeof(fn) !== "function") {
          throw new GameError(Code.NOT_FOUND, `javascript global function ${name} not found in ${this.file}`);
        }
        const out = await this.invoke(fn, this.ctx.undefined, args, opts);
        if (name === (this.opts.initFunction ?? "InitModule")) this.freezeOnce();
        return out;
      } finally {
        fn.dispose();
      }
    });
  }

  call(fn: JsRef, args: readonly unknown[], opts: CallOptions = {}): Promise<unknown> {
    return this.exec(() => this.callRef(fn, args, opts));
  }

  callNow(fn: JsRef, args: readonly unknown[], opts: CallOptions = {}): unknown {
    return this.execNow(() => this.callRef(fn, args, opts));
  }

  /** A call of `fn` on the VM's turn, with the caller's prepare/after around it. */
  private callRef(fn: JsRef, args: readonly unknown[], opts: CallOptions): unknown {
    if (fn.kind !== "function") throw new GameError(Code.INVALID_ARGUMENT, "javascript value reference is not a function");
    const e = this.refs.entry(fn);
    opts.prepare?.();
    const out = this.invoke(e.handle, e.thisArg ?? this.ctx.undefined, args, opts);
    const after = opts.after;
    if (after === undefined) return out;
    return out instanceof Promise ? out.then(after) : after(out);
  }

  read(ref: JsRef): Promise<unknown> {
    return this.exec(async () => this.bounded(() => this.marshal.toHost(this.refs.entry(ref).handle)));
  }

  makeRef(value: unknown, opts: MakeRefOptions = {}): Promise<JsRef> {
    return this.exec(async () =>
      this.bounded(() => {
        const h = this.marshal.toGuest(value, undefined);
        if (opts.frozen === true) {
          try {
            this.marshal.unwrap(this.bridge.callHelper(this.helpers!.freezeData, [h])).dispose();
          } catch (err) {
            h.dispose();
            throw err;
          }
        }
        return this.refs.create(h, this.ctx.typeof(h) === "function" ? "function" : "value", true);
      }),
    );
  }

  guestBytes(ref: JsRef): Promise<GuestBytes | undefined> {
    return this.exec(async () => this.bounded(() => GuestBytes.of(this.ec.low, this.ctx, this.refs.entry(ref).handle)));
  }

  memoryUsed(): Promise<number> {
    return this.exec(async () => this.ec.low.memoryUsed());
  }

  health(): JsVmHealth {
    if (this.disposing) return { ok: false, reason: "disposed" };
    const broken = this.broken ?? this.ec.moduleBroken();
    if (broken) return { ok: false, reason: broken };
    if (this.bridge.memoryExhausted) return { ok: false, reason: "memory limit exceeded" };
    return { ok: true };
  }

  stats(): JsVmStats {
    return {
      calls: this.calls,
      timeouts: this.timeouts,
      queued: this.queue.queued,
      refs: this.refs.size,
      hostFunctions: this.hostFns.size,
      frozen: this.frozen,
    };
  }

  dispose(): Promise<void> {
    this.disposing ??= this.teardown();
    return this.disposing;
  }

  /** Queues a task (started at once when the VM is idle); wasm-level failures mark the VM broken. */
  private exec<T>(task: () => T | Promise<T>): Promise<T> {
    if (this.bridge.inHostFn) return Promise.reject(reentrantError());
    return this.queue.run(this.gated(task));
  }

  /** As exec, answering the task's value itself when it ran at once and finished synchronously. */
  private execNow<T>(task: () => T | Promise<T>): T | Promise<T> {
    if (this.bridge.inHostFn) throw reentrantError();
    return this.queue.runNow(this.gated(task));
  }

  /** The task started on this VM, behind its module's gate when it shares one. */
  private gated<T>(task: () => T | Promise<T>): () => T | Promise<T> {
    const gate = this.ec.gate;
    return gate === undefined ? () => this.start(task) : () => gate.run(() => this.start(task));
  }

  private start<T>(task: () => T | Promise<T>): T | Promise<T> {
    this.broken ??= this.ec.moduleBroken();
    if (this.broken) throw brokenError(this.broken);
    let out: T | Promise<T>;
    try {
      out = task();
    } catch (err) {
      throw this.failure(err);
    }
    return out instanceof Promise ? out.catch((err: unknown) => Promise.reject(this.failure(err))) : out;
  }

  /** What a failed task rejects with: GameErrors as they are, anything else breaks the VM. */
  private failure(err: unknown): unknown {
    if (err instanceof GameError) {
      if (err.code === Code.DEADLINE_EXCEEDED && this.bridge.state.timedOut) this.timeouts++;
      return err;
    }
    return this.markBroken(err);
  }

  private markBroken(err: unknown): GameError {
    this.broken = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.log.error({ err }, "javascript vm broken");
    this.ec.fail(this.broken);
    return brokenError(this.broken);
  }

  /** Runs host-side conversion work under the call deadline. */
  private bounded<T>(run: () => T): T {
    this.bridge.begin(this.opts.callTimeoutMs);
    try {
      return run();
    } finally {
      this.hostFns.drop(this.bridge.end());
    }
  }

  /**
   * One call into the guest, synchronous up to its result when the guest neither suspends nor returns a
   * pending promise nor leaves promise jobs behind (the common case: no promise hops); a promise otherwise.
   */
  private invoke(fn: QuickJSHandle, thisArg: QuickJSHandle, args: readonly unknown[], opts: CallOptions): unknown {
    const b = this.bridge;
    b.begin(opts.timeoutMs ?? this.opts.callTimeoutMs);
    this.calls++;
    const argHs: QuickJSHandle[] = [];
    // Handles made for this call (disposed after it). A ref argument (the context, logger and nk of every
    // RPC) passes its own handle, borrowed: no dup/free pair per argument. The ref stays alive for the whole
    // call (the VM runs one call at a time, and its refs are released only between calls), and QuickJS
    // copies the arguments it keeps beyond the synchronous part of the call.
    const owned: QuickJSHandle[] = [];
    const cleanup = (): void => {
      for (const h of owned) h.dispose();
      this.hostFns.drop(b.end());
    };
    let async = false;
    try {
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (isJsRef(a)) {
          argHs.push(this.refs.entry(a).handle);
        } else if (typeof a === "string") {
          const h = this.ec.low.newString(a); // an RPC's payload
          owned.push(h);
          argHs.push(h);
        } else {
          const h = this.marshal.toGuest(a, b.state.scope, `arg${i}`);
          owned.push(h);
          argHs.push(h);
        }
      }
      const called = b.callRaw(fn, thisArg, argHs);
      const out = typeof called === "number" ? this.completeRaw(called, opts) : called.then((p) => this.completeRaw(p, opts));
      if (out instanceof Promise) {
        async = true;
        return out.finally(cleanup);
      }
      return out;
    } finally {
      if (!async) cleanup();
    }
  }

  /**
   * From the raw result pointer. The common RPC answer, a Latin-1 string with no promise job left
   * behind, and the common match tick's, an int, are read straight from memory and freed: no handle, no
   * typeof/getString crossings.
   */
  private completeRaw(ptr: number, opts: CallOptions): unknown {
    const low = this.ec.low;
    const tag = low.tagOf(ptr);
    if (opts.result !== "ref" && (tag === Tag.string || tag === Tag.int) && !this.bridge.state.timedOut && !low.hasPendingJob()) {
      const s = tag === Tag.int ? low.intOf(ptr) : low.readLatin1(ptr);
      if (s !== undefined) {
        low.free(ptr);
        return s;
      }
    }
    return this.complete(low.settle(ptr), opts);
  }

  /** From the guest function's return: settle a returned promise, run the jobs left, convert the result. */
  private complete(first: Settled, opts: CallOptions): unknown {
    const settled = this.settle(first);
    if (settled instanceof Promise) return settled.then((s) => this.afterJobs(s, opts));
    return this.afterJobs(settled, opts);
  }

  private afterJobs(settled: Settled, opts: CallOptions): unknown {
    if (!this.bridge.state.timedOut && this.ec.low.hasPendingJob()) return this.drainJobs().then(() => this.result(settled, opts));
    return this.result(settled, opts);
  }

  private result(settled: Settled, opts: CallOptions): unknown {
    const b = this.bridge;
    if (b.state.timedOut) {
      settled.value?.dispose();
      settled.error?.dispose();
      throw timeLimitError(b.state.timeoutMs);
    }
    if (settled.error) throw b.describe(settled.error);
    return this.resultOf(settled.value, opts);
  }

  /** If the call returned a promise, runs jobs until it settles (synchronous when it already has). */
  private settle(s: Settled): Settled | Promise<Settled> {
    if (s.error) return s;
    const tag = this.ec.low.tagOf(s.value.value);
    if (tag !== UNKNOWN_TAG && tag !== Tag.object) return s; // not a promise
    const first = this.ctx.getPromiseState(s.value);
    if (first.type === "fulfilled" && first.notAPromise) return s;
    if (first.type !== "pending") {
      s.value.dispose();
      return first.type === "fulfilled" ? { value: first.value } : { error: first.error };
    }
    return this.settleLater(s);
  }

  private async settleLater(s: Settled & { value: QuickJSHandle }): Promise<Settled> {
    for (;;) {
      if (this.bridge.state.timedOut || !this.ec.low.hasPendingJob()) {
        s.value.dispose();
        if (this.bridge.state.timedOut) throw timeLimitError(this.bridge.state.timeoutMs);
        throw new GameError(Code.INTERNAL, "javascript function returned a promise that never settles");
      }
      const jobs = await this.bridge.runJobs();
      if (jobs.error) {
        s.value.dispose();
        return { error: jobs.error };
      }
      const st = this.ctx.getPromiseState(s.value);
      if (st.type === "pending") continue;
      s.value.dispose();
      return st.type === "fulfilled" ? { value: st.value } : { error: st.error };
    }
  }

  /** Runs promise jobs the call left behind (fire-and-forget async work). */
  private async drainJobs(): Promise<void> {
    while (!this.bridge.state.timedOut && this.ec.low.hasPendingJob()) {
      const jobs = await this.bridge.runJobs();
      if (jobs.error) {
        const err = this.bridge.describe(jobs.error);
        this.log.warn({ err: err.message }, "uncaught error in a javascript promise job");
      }
    }
  }

  private resultOf(h: QuickJSHandle, opts: CallOptions): unknown {
    if (opts.result === "ref") return this.refs.create(h, this.ctx.typeof(h) === "function" ? "function" : "value", true);
    try {
      return this.marshal.toHost(h, { refKeys: opts.refKeys });
    } finally {
      h.dispose();
    }
  }

  private freezeOnce(): void {
    if (this.frozen || this.opts.readOnlyGlobals === false) return;
    this.bounded(() => this.marshal.unwrap(this.bridge.callHelper(this.helpers!.freezeGlobals, [])).dispose());
    this.frozen = true;
  }

  private async teardown(): Promise<void> {
    this.queue.close(disposedError);
    await this.queue.idle();
    // A broken shared module is left alone (it may be corrupt); it is freed once its VMs drop it.
    if (this.ec.moduleBroken() !== undefined) return this.ec.release();
    const gate = this.ec.gate;
    try {
      await (gate === undefined ? this.free() : gate.run(() => this.free()));
    } finally {
      this.ec.release();
    }
  }

  private free(): void {
    try {
      this.refs.releaseAll();
      this.hostFns.clear();
      if (this.helpers) for (const h of Object.values(this.helpers)) h.dispose();
      this.ec.low.dispose();
      const rt = this.ctx.runtime;
      this.ctx.dispose();
      rt.dispose();
    } catch (err) {
      if (this.broken) return;
      this.broken = "dispose failed";
      this.log.error({ err }, "javascript vm dispose failed");
      throw new GameError(Code.INTERNAL, `javascript vm dispose failed: ${String(err)}`, { cause: err });
    }
  }
}

function reentrantError(): GameError {
  return new GameError(Code.FAILED_PRECONDITION, "re-entrant call into a javascript vm from its own host function");
}
