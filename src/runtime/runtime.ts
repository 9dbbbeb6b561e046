// Owns the runtime framework's lifecycle: find the modules under runtime.path, load the native modules,
// create the first Lua and JS VM (which run InitModule and define what each engine registered), resolve
// ownership of every key with native > Lua > JS precedence, start the VM pools, and build what the rest
// of the server uses: the pipeline's HookRegistry, the RPC registry, event handlers and the shutdown
// hook. Any module that fails to load stops the start with a ModuleLoadError naming file and line.
import type { Config } from "../config/schema.js";
import type { Logger } from "../log.js";
import type { HookRegistry } from "../pipeline/hooks.js";
import type { Db } from "../storage/db.js";
import { api } from "../../proto/index.js";
import { ExecutionMode, parseEnv, systemContext, type ContextBase, type RuntimeContext } from "./context.js";
import { invoke, shape, type Dispatcher } from "./dispatch.js";
import type { EngineFactory, EngineVm } from "./engine.js";
import { hookRegistry } from "./hooks.js";
import { jsEngineFactory } from "./js-engine.js";
import { scanModules, type ModuleFiles } from "./loader.js";
import { luaEngineFactory } from "./lua-engine.js";
import { loadNativeModules, type NativeEngineVm } from "./native-engine.js";
import type { NkBinding, NkDeps } from "./nk/types.js";
import type { PoolLimits, PoolStats, StartPool, VmPool } from "./pool.js";
import { describeKey, RegKind, regKey, resolveOwnership, type EngineKind, type Ownership, type StorageIndexSpec } from "./registry.js";
import { gatherStorageIndexes } from "./storage-indexes.js";
import { rpcRegistry, type RpcRegistry } from "./rpc.js";

export interface RuntimeDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly db: Db;
  readonly nk: NkDeps;
  /** Every nk function (src/runtime/nk `nkBindings()`). */
  readonly bindings: readonly NkBinding[];
  /** The typed nk of native modules (src/runtime/nk `createNativeNk`). */
  readonly nativeNk: (deps: NkDeps, ctx: RuntimeContext) => unknown;
  readonly startPool: StartPool;
  readonly version: string;
  /** Calls that may wait for a busy pool (default 4096). */
  readonly queueSize?: number;
}

export interface Runtime {
  readonly hooks: HookRegistry;
  readonly rpc: RpcRegistry;
  readonly ownership: Ownership;
  /** VM factories, for hosts that need a VM of their own (authoritative matches). */
  readonly factories: Readonly<Partial<Record<"lua" | "js", EngineFactory>>>;
  readonly native: NativeEngineVm | undefined;
  readonly files: ModuleFiles;
  /** The storage indexes the modules registered (one per name; storage-indexes.ts). */
  readonly storageIndexes: readonly StorageIndexSpec[];
  /** The engine whose handlers run match `name`: a native/JS registration or a Lua module of that name. */
  matchEngine(name: string): EngineKind | undefined;
  /** Calls the function registered under `key` (e.g. regKey(RegKind.TOURNAMENT_END)); undefined if none. */
  call(key: string, ctx: RuntimeContext, payloads: (engine: EngineKind) => unknown[], fields?: Record<string, unknown>): Promise<unknown>;
  /** Socket session start/end events (realtime layer). */
  sessionStart(ctx: RuntimeContext): void;
  sessionEnd(ctx: RuntimeContext, reason: string): void;
  stats(): Partial<Record<"lua" | "js", Readonly<PoolStats>>>;
  /** Runs the shutdown hook, then stops the pools. Idempotent. */
  stop(): Promise<void>;
}

function limitsOf(config: Config, kind: "lua" | "js", queueSize: number): PoolLimits {
  const r = config.runtime;
  const max = kind === "lua" ? (r.max_count > 0 ? r.max_count : r.lua_max_count) : r.js_max_count;
  const min = kind === "lua" ? (r.min_count > 0 ? r.min_count : r.lua_min_count) : r.js_min_count;
  return { min: Math.min(min, max), max: Math.max(1, max), queueSize, askTimeoutMs: r.call_timeout_ms * 3 + 1000 };
}

async function firstVms(deps: RuntimeDeps, files: ModuleFiles, base: ContextBase, log: Logger) {
  const r = deps.config.runtime;
  const factories: Partial<Record<"lua" | "js", EngineFactory>> = {};
  const first: Partial<Record<"lua" | "js", EngineVm>> = {};
  if (files.lua.size > 0) {
    factories.lua = luaEngineFactory({
      modules: files.lua, bindings: deps.bindings, nk: deps.nk, base, log: log.child({ runtime: "lua" }), callTimeoutMs: r.call_timeout_ms,
    });
    first.lua = await factories.lua.create();
  }
  if (files.js !== null) {
    factories.js = await jsEngineFactory({
      file: files.js.file, source: files.js.source, bindings: deps.bindings, nk: deps.nk, base, config: deps.config,
      log: log.child({ runtime: "js" }), callTimeoutMs: r.call_timeout_ms, memoryLimitBytes: r.js_memory_limit_bytes,
      readOnlyGlobals: r.js_read_only_globals,
    });
    first.js = await factories.js.create();
  }
  return { factories, first };
}

/** Loads every module and starts the pools. */
export async function startRuntime(deps: RuntimeDeps): Promise<Runtime> {
  const began = performance.now();
  const log = deps.log.child({ module: "runtime" });
  const base: ContextBase = { env: parseEnv(deps.config.runtime.env), node: deps.config.name, version: deps.version };
  const files = await scanModules(deps.config.runtime.path, deps.config.runtime.js_entrypoint);
  const native = files.native.length === 0 ? undefined : await loadNativeModules({
    files: files.native, base, config: deps.config, db: deps.db, nk: (ctx) => deps.nativeNk(deps.nk, ctx), log: log.child({ runtime: "native" }),
  });
  const { factories, first } = await firstVms(deps, files, base, log);
  const ownership = resolveOwnership({ native: native?.keys(), lua: first.lua?.keys(), js: first.js?.keys() }, log);
  const storageIndexes = gatherStorageIndexes({ native, lua: first.lua, js: first.js }, log);
  const pools: Partial<Record<"lua" | "js", VmPool>> = {};
  for (const kind of ["lua", "js"] as const) {
    const vm = first[kind];
    if (vm === undefined) continue;
    const owns = ownership.entries().some(([, e]) => e === kind);
    if (owns) pools[kind] = deps.startPool(factories[kind] as EngineFactory, vm, limitsOf(deps.config, kind, deps.queueSize ?? 4096));
    else await vm.close();
  }
  const luaStackTraces = deps.config.runtime.lua_api_stacktrace || deps.config.logger.level === "debug";
  const d: Dispatcher = { ownership, log, policy: { luaStackTraces }, native, pools };
  for (const [key, engine] of ownership.entries()) log.debug({ runtime: engine, registration: describeKey(key) }, "registered");
  log.info({
    native: files.native.length, lua: files.lua.size, js: files.js?.file ?? null, registrations: ownership.entries().length,
    ms: Math.round(performance.now() - began),
  }, "Runtime modules loaded");
  return assemble(deps, d, base, files, factories, storageIndexes);
}

function assemble(
  deps: RuntimeDeps,
  d: Dispatcher,
  base: ContextBase,
  files: ModuleFiles,
  factories: Partial<Record<"lua" | "js", EngineFactory>>,
  storageIndexes: readonly StorageIndexSpec[],
): Runtime {
  const call = async (key: string, ctx: RuntimeContext, payloads: (e: EngineKind) => unknown[], fields: Record<string, unknown> = {}) => {
    const engine = d.ownership.owner(key);
    if (engine === undefined) return undefined;
    return invoke(d, engine, key, ctx, payloads(engine), fields);
  };
  /** Session events still running: stop waits for them before the pools go. */
  const sessionEvents = new Set<Promise<unknown>>();
  const sessionEvent = (kind: RegKind, name: string, ctx: RuntimeContext, properties: Record<string, string>) => {
    const key = regKey(kind);
    if (d.ownership.owner(key) === undefined) return;
    const evt = { name, properties, timestamp: new Date(), external: false };
    const running = call(key, { ...ctx, executionMode: ExecutionMode.EVENT }, (e) => [shape(e, api.Event, evt)], { mode: "event", event: name })
      .catch(() => undefined) // already logged when uncoded; events have nobody to answer
      .finally(() => sessionEvents.delete(running));
    sessionEvents.add(running);
  };
  const stopEvents = drainEvents(deps, d, base);
  let stopping: Promise<void> | null = null;
  return {
    hooks: hookRegistry(d, base),
    rpc: rpcRegistry(d, base),
    ownership: d.ownership,
    factories,
    native: d.native as NativeEngineVm | undefined,
    files,
    storageIndexes,
    matchEngine: (name) => d.ownership.owner(regKey(RegKind.MATCH, name)) ?? (files.lua.has(name) ? "lua" : undefined),
    call,
    sessionStart: (ctx) => sessionEvent(RegKind.EVENT_SESSION_START, "session_start", ctx, {}),
    sessionEnd: (ctx, reason) => sessionEvent(RegKind.EVENT_SESSION_END, "session_end", ctx, { reason }),
    stats: () => ({ lua: d.pools.lua?.stats(), js: d.pools.js?.stats() }),
    stop: () => (stopping ??= (async () => {
      stopEvents();
      await Promise.all(sessionEvents);
      await call(regKey(RegKind.SHUTDOWN), systemContext(base, ExecutionMode.SHUTDOWN), () => [], { mode: "shutdown" })
        .catch(() => undefined);
      d.log.info({ lua: d.pools.lua?.stats(), js: d.pools.js?.stats() }, "runtime pools at stop");
      await Promise.all(Object.values(d.pools).map((p) => p.stop()));
    })()),
  };
}

/** Feeds nk.event's queue to the registered event handler, runtime.event_queue_workers at a time. */
function drainEvents(deps: RuntimeDeps, d: Dispatcher, base: ContextBase): () => void {
  const key = regKey(RegKind.EVENT);
  const engine = d.ownership.owner(key);
  const queue = deps.nk.shared.events;
  if (engine === undefined) return () => undefined;
  const workers = deps.config.runtime.event_queue_workers;
  let running = 0;
  const pump = (): void => {
    while (running < workers && queue.size > 0) {
      const [e] = queue.drain(1);
      const evt = { name: e.name, properties: e.properties, timestamp: new Date((e.timestamp ?? Date.now() / 1000) * 1000), external: e.external };
      running++;
      invoke(d, engine, key, systemContext(base, ExecutionMode.EVENT), [shape(engine, api.Event, evt)], { mode: "event", event: e.name })
        .catch(() => undefined)
        .finally(() => {
          running--;
          pump();
        });
    }
  };
  const off = queue.onEvent(() => queueMicrotask(pump));
  pump();
  return off;
}
