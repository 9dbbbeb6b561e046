// Owns the Lua runtime's VMs: each one is a sandboxed fengari VM (src/runtime/lua) whose `nakama` module
// holds the register_* functions, run_once, get_context, the logger functions and every nk binding's
// Lua side; it loads every module in sorted name order, then runs the first run_once function (first VM
// of the process only), and calls registered functions as fn(context, ...payloads).
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import { ExecutionMode, luaContext, systemContext, type ContextBase, type RuntimeContext } from "./context.js";
import { ContextCache, CONTEXTS_PER_VM } from "./context-cache.js";
import { CallSlot, RunOnce, type EngineFactory, type EngineVm, type GuestCall } from "./engine.js";
import { ModuleLoadError } from "./errors.js";
import { luaRegisterFunctions, type InitializerTarget } from "./initializer.js";
import { luaLoggerFunctions } from "./logger.js";
import { createLuaVm, LuaChunkCache, LuaRef, luaMulti, withRawStrings, type HostFn, type LuaModuleSource, type LuaVm } from "./lua/index.js";
import type { NkBinding, NkDeps } from "./nk/types.js";
import { Registrations, type StorageIndexSpec } from "./registry.js";

export interface LuaEngineOptions {
  readonly modules: ReadonlyMap<string, LuaModuleSource>;
  readonly bindings: readonly NkBinding[];
  readonly nk: NkDeps;
  readonly base: ContextBase;
  /** Logger of module code (lines get runtime: "lua"). */
  readonly log: Logger;
  readonly callTimeoutMs: number;
  /** Never run run_once functions (troupe check). */
  readonly skipRunOnce?: boolean;
}

/** An internal module returning its arguments, to keep values (the env table) inside the VM as refs. */
const KEEP_MODULE = "__troupe_keep";

function isThenable(v: unknown): v is PromiseLike<unknown[]> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}

/** nk bindings as host functions of the `nakama` module (each reads the call in progress from `slot`). */
export function nkFunctions(bindings: readonly NkBinding[], deps: NkDeps, slot: Pick<CallSlot, "ctx">): Record<string, HostFn> {
  const out: Record<string, HostFn> = {};
  for (const b of bindings) {
    const impl = b.callLua;
    if (b.lua === undefined || impl === undefined) continue;
    const fn: HostFn = (args) => {
      const r = impl({ deps, ctx: slot.ctx }, args);
      return isThenable(r) ? Promise.resolve(r).then((v) => luaMulti(...v)) : luaMulti(...r);
    };
    out[b.lua] = b.luaRawStrings === true ? withRawStrings(fn) : fn;
  }
  return out;
}

const firstResult = (out: unknown[]): unknown => (out.length === 0 ? null : out[0]);

/**
 * The context tables of one VM (context-cache.ts): calls with equal contexts share one Lua table as long
 * as no Lua code has written to it or to a table in it (the VM watches them: `pristine`); one that was
 * written to is rebuilt, so no call sees another call's writes. The env table is the VM's own, shared by
 * every context as before.
 */
class LuaContexts {
  readonly #cache: ContextCache<LuaRef>;

  constructor(
    private readonly vm: LuaVm,
    private readonly env: LuaRef,
  ) {
    this.#cache = new ContextCache<LuaRef>({
      max: CONTEXTS_PER_VM, maxChars: 8192, release: (ref) => ref.release(), usable: (ref) => vm.pristine(ref),
    });
  }

  get(c: RuntimeContext): LuaRef | Record<string, unknown> {
    const kept = this.#cache.get(c);
    if (kept !== undefined) return kept;
    const plain = luaContext(c, this.env);
    const ref = this.vm.snapshot(plain, [this.env]);
    if (this.#cache.set(c, ref)) return ref;
    ref.release();
    return plain;
  }
}

class LuaEngineVm implements EngineVm {
  readonly kind = "lua" as const;
  readonly #contexts: LuaContexts;

  constructor(
    private readonly vm: LuaVm,
    private readonly regs: Registrations<LuaRef | Record<string, LuaRef>>,
    private readonly slot: CallSlot,
    private readonly env: LuaRef,
  ) {
    this.#contexts = new LuaContexts(vm, env);
  }

  keys(): string[] {
    return this.regs.keys();
  }

  storageIndexes(): StorageIndexSpec[] {
    return [...this.regs.storageIndexes.values()];
  }

  call(call: GuestCall): Promise<unknown> {
    const fn = this.regs.get(call.key);
    if (!(fn instanceof LuaRef)) return Promise.reject(new GameError(Code.NOT_FOUND, `no Lua function registered for ${call.key}`));
    this.slot.enter(call);
    return this.vm.call(fn, [this.#contexts.get(call.ctx), ...call.args]).then(firstResult);
  }

  callNow(call: GuestCall): unknown {
    const fn = this.regs.get(call.key);
    if (!(fn instanceof LuaRef)) throw new GameError(Code.NOT_FOUND, `no Lua function registered for ${call.key}`);
    this.slot.enter(call);
    const out = this.vm.callNow(fn, [this.#contexts.get(call.ctx), ...call.args]);
    return Array.isArray(out) ? firstResult(out) : out.then(firstResult);
  }

  usable(): boolean {
    return !this.vm.closed;
  }

  async close(): Promise<void> {
    this.vm.close();
  }
}

function loadFailure(err: unknown): ModuleLoadError {
  const message = err instanceof Error ? err.message : String(err);
  const file = /^([^\s:]+\.lua):\d+:/.exec(message)?.[1] ?? "lua";
  const detail = (err as { cause?: { traceback?: string } }).cause?.traceback;
  return new ModuleLoadError(file, `Lua module failed to load: ${message}${detail ? `\n${detail}` : ""}`, { cause: err });
}

async function createVm(opts: LuaEngineOptions, once: RunOnce, chunkCache: LuaChunkCache): Promise<EngineVm> {
  const slot = new CallSlot(opts.log, opts.base, "lua");
  const regs = new Registrations<LuaRef | Record<string, LuaRef>>();
  const target: InitializerTarget<LuaRef> = {
    regs,
    log: opts.log,
    fns: { isFunction: (v): v is LuaRef => v instanceof LuaRef && v.kind === "function", keep: (f) => f },
  };
  let runOnce: LuaRef | null = null;
  const framework: Record<string, HostFn> = {
    ...luaRegisterFunctions(target),
    ...luaLoggerFunctions(slot),
    get_context: () => luaContext(slot.ctx),
    run_once: ([f]) => {
      if (!(f instanceof LuaRef) || f.kind !== "function") throw new GameError(Code.INVALID_ARGUMENT, "run_once: expects a function");
      if (once.claim()) runOnce = f;
    },
  };
  const nakama = { ...nkFunctions(opts.bindings, opts.nk, slot), ...framework };
  const modules = new Map(opts.modules).set(KEEP_MODULE, { source: "return function(...) return ... end", file: "(troupe)" });
  // One chunk cache per factory: a VM added while the pool grows loads bytecode instead of parsing every module again.
  const vm = await createLuaVm({ modules, hostModules: { nakama }, callTimeoutMs: opts.callTimeoutMs, log: opts.log, chunkCache });
  let env: LuaRef;
  try {
    await vm.loadAll();
    // The env table is built once per VM and shared by every call's context, as in Nakama.
    [env] = (await vm.call(await vm.requireModule(KEEP_MODULE), [opts.base.env], { refResults: [0] })) as [LuaRef];
    const first = runOnce as LuaRef | null;
    if (first !== null) {
      slot.ctx = systemContext(opts.base, ExecutionMode.RUN_ONCE);
      await vm.call(first, [luaContext(slot.ctx)]);
    }
  } catch (err) {
    vm.close();
    throw loadFailure(err);
  }
  return new LuaEngineVm(vm, regs, slot, env);
}

/** A factory of Lua VMs sharing one run_once. */
export function luaEngineFactory(opts: LuaEngineOptions): EngineFactory {
  const once = new RunOnce();
  if (opts.skipRunOnce === true) once.claim();
  const chunks = new LuaChunkCache();
  return { kind: "lua", create: () => createVm(opts, once, chunks) };
}
