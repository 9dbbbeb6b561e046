// Owns the JavaScript runtime's VMs: each one is a sandboxed QuickJS VM (src/runtime/js) that evaluates
// the bundle and calls its global InitModule(ctx, logger, nk, initializer); registered functions are
// then called as fn(ctx, logger, nk, ...payloads). The `nk` and `logger` objects are built once per VM
// and kept inside it (refs); they read the call in progress from the VM's CallSlot.
import type { Config } from "../config/schema.js";
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import { jsContext, ExecutionMode, systemContext, type ContextBase } from "./context.js";
import { CallSlot, RunOnce, type EngineFactory, type EngineVm, type GuestCall } from "./engine.js";
import { ModuleLoadError } from "./errors.js";
import { jsInitializer, type InitializerTarget } from "./initializer.js";
import { JsContextCache, NO_RELEASE, type ContextHandle } from "./js-context-cache.js";
import { createJsEngine, createJsVm, isJsRef, type HostFn, type JsEngine, type JsRef, type JsVm } from "./js/index.js";
import { jsLoggerObject } from "./logger.js";
import { configViewJs } from "./nk/config-view.js";
import type { NkBinding, NkDeps } from "./nk/types.js";
import { Registrations, type StorageIndexSpec } from "./registry.js";

export interface JsEngineOptions {
  readonly file: string;
  readonly source: string;
  readonly bindings: readonly NkBinding[];
  readonly nk: NkDeps;
  readonly base: ContextBase;
  readonly config: Config;
  /** Logger of module code (lines get runtime: "js"). */
  readonly log: Logger;
  readonly callTimeoutMs: number;
  readonly memoryLimitBytes: number;
  readonly readOnlyGlobals: boolean;
  /** Never run runOnce functions (troupe check). */
  readonly skipRunOnce?: boolean;
}

/**
 * `nkruntime.Codes` as a global: nakama-runtime.d.ts declares it a const enum, which tsc inlines but
 * bundlers such as esbuild leave as a reference to a global. Defined unless the bundle defines its own.
 */
const NKRUNTIME_GLOBAL = `if (typeof nkruntime === "undefined") {
  globalThis.nkruntime = { Codes: Object.freeze({ OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4,
    NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10,
    OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16 }) };
}`;

/** nk bindings as the methods of the JS `nk` object (each reads the call in progress from `slot`). */
export function nkObject(bindings: readonly NkBinding[], deps: NkDeps, slot: Pick<CallSlot, "ctx">): Record<string, HostFn> {
  const out: Record<string, HostFn> = {};
  for (const b of bindings) {
    const impl = b.callJs;
    if (b.js === undefined || impl === undefined) continue;
    out[b.js] = (args) => impl({ deps, ctx: slot.ctx }, args);
  }
  return out;
}

class JsEngineVm implements EngineVm {
  readonly kind = "js" as const;

  constructor(
    private readonly vm: JsVm,
    private readonly regs: Registrations<JsRef | Record<string, JsRef>>,
    private readonly slot: CallSlot,
    private readonly logger: JsRef,
    private readonly nk: JsRef,
    private readonly contexts: JsContextCache | undefined,
  ) {}

  keys(): string[] {
    return this.regs.keys();
  }

  storageIndexes(): StorageIndexSpec[] {
    return [...this.regs.storageIndexes.values()];
  }

  call(call: GuestCall): Promise<unknown> {
    const fn = this.regs.get(call.key);
    if (!isJsRef(fn)) return Promise.reject(new GameError(Code.NOT_FOUND, `no JavaScript function registered for ${call.key}`));
    this.slot.enter(call);
    if (this.contexts === undefined) return this.vm.call(fn, [jsContext(call.ctx), this.logger, this.nk, ...call.args]);
    const ctx = this.contexts.get(call.ctx);
    return ctx instanceof Promise ? ctx.then((c) => this.#callWith(fn, c, call.args)) : this.#callWith(fn, ctx, call.args);
  }

  callNow(call: GuestCall): unknown {
    const fn = this.regs.get(call.key);
    if (!isJsRef(fn)) throw new GameError(Code.NOT_FOUND, `no JavaScript function registered for ${call.key}`);
    this.slot.enter(call);
    if (this.contexts === undefined) return this.vm.callNow(fn, [jsContext(call.ctx), this.logger, this.nk, ...call.args]);
    const ctx = this.contexts.get(call.ctx);
    if (ctx instanceof Promise) return ctx.then((c) => this.#callWith(fn, c, call.args));
    if (ctx.done === NO_RELEASE) return this.vm.callNow(fn, [ctx.ref, this.logger, this.nk, ...call.args]);
    let out: unknown;
    try {
      out = this.vm.callNow(fn, [ctx.ref, this.logger, this.nk, ...call.args]);
    } catch (err) {
      ctx.done();
      throw err;
    }
    if (out instanceof Promise) return out.finally(ctx.done);
    ctx.done();
    return out;
  }

  #callWith(fn: JsRef, ctx: ContextHandle, args: readonly unknown[]): Promise<unknown> {
    const out = this.vm.call(fn, [ctx.ref, this.logger, this.nk, ...args]);
    return ctx.done === NO_RELEASE ? out : out.finally(ctx.done);
  }

  usable(): boolean {
    return this.vm.health().ok;
  }

  close(): Promise<void> {
    return this.vm.dispose();
  }
}

function loadFailure(file: string, err: unknown, during: string): ModuleLoadError {
  const message = err instanceof Error ? err.message : String(err);
  const location = (err as { location?: string }).location;
  const where = location !== undefined && !message.includes(location) ? ` (at ${location})` : "";
  return new ModuleLoadError(file, `JavaScript bundle ${file} failed ${during}: ${message}${where}`, { cause: err });
}

async function createVm(opts: JsEngineOptions, engine: JsEngine, once: RunOnce): Promise<EngineVm> {
  const slot = new CallSlot(opts.log, opts.base, "js");
  let vm: JsVm;
  try {
    vm = await createJsVm({
      source: opts.source, file: opts.file, globals: {}, callTimeoutMs: opts.callTimeoutMs, memoryLimitBytes: opts.memoryLimitBytes,
      log: opts.log, engine, env: { ...opts.base.env }, readOnlyGlobals: opts.readOnlyGlobals,
    });
  } catch (err) {
    throw loadFailure(opts.file, err, "to load");
  }
  const regs = new Registrations<JsRef | Record<string, JsRef>>();
  const target: InitializerTarget<JsRef> = {
    regs,
    log: opts.log,
    fns: { isFunction: (v): v is JsRef => isJsRef(v) && v.kind === "function", keep: (f) => f.keep() },
  };
  let runOnce: JsRef | null = null;
  const initializer = jsInitializer(target, {
    getConfig: () => configViewJs(opts.config),
    runOnce: ([f]) => {
      if (!isJsRef(f) || f.kind !== "function") throw new GameError(Code.INVALID_ARGUMENT, "runOnce: expects a function");
      if (once.claim()) runOnce = f.keep();
    },
  });
  try {
    await vm.callGlobal("eval", [NKRUNTIME_GLOBAL]);
    const logger = await vm.makeRef(jsLoggerObject(slot));
    const nk = await vm.makeRef(nkObject(opts.bindings, opts.nk, slot));
    await vm.callGlobal("InitModule", [jsContext(slot.ctx), logger, nk, initializer]);
    const first = runOnce as JsRef | null;
    if (first !== null) {
      slot.ctx = systemContext(opts.base, ExecutionMode.RUN_ONCE);
      await vm.call(first, [jsContext(slot.ctx), logger, nk]);
    }
    return new JsEngineVm(vm, regs, slot, logger, nk, await JsContextCache.create(vm));
  } catch (err) {
    await vm.dispose().catch(() => undefined);
    throw loadFailure(opts.file, err, "in InitModule");
  }
}

/** A factory of JS VMs sharing one compiled QuickJS engine and one run_once. */
export async function jsEngineFactory(opts: JsEngineOptions): Promise<EngineFactory> {
  const engine = await createJsEngine({ log: opts.log });
  const once = new RunOnce();
  if (opts.skipRunOnce === true) once.claim();
  return { kind: "js", create: () => createVm(opts, engine, once) };
}
