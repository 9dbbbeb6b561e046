// Owns the runtime framework's public surface and its one-call start for the composition root:
// `loadRuntime` builds the nk dependencies (shared localcache/event queue, binding table, native nk)
// and starts the runtime; `checkModules` is `troupe check`. Module authors' types: ./types/native.ts.
import type { Config } from "../config/schema.js";
import type { IdentityCore } from "../identity/core.js";
import { packageVersion } from "../lib/paths.js";
import type { Logger } from "../log.js";
import type { SessionService } from "../session/service.js";
import type { Db } from "../storage/db.js";
import { createNkShared, nativeNkFactory, nkBindings, type NkDeps, type NkServices } from "./nk/index.js";
import type { StartPool } from "./pool.js";
import { startRuntime, type Runtime } from "./runtime.js";

export type { Runtime, RuntimeDeps } from "./runtime.js";
export { startRuntime } from "./runtime.js";
export type { RpcRegistry } from "./rpc.js";
export type { StartPool, VmPool, PoolLimits, PoolStats } from "./pool.js";
export type { EngineFactory, EngineVm, GuestCall } from "./engine.js";
export { ExecutionMode, type RuntimeContext } from "./context.js";
export { RuntimeError, ModuleCallError, ModuleLoadError } from "./errors.js";
export { RegKind, regKey, type EngineKind } from "./registry.js";
export { checkModules, type CheckReport } from "./check.js";
export type * from "./types/native.js";

export interface LoadRuntimeOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly db: Db;
  readonly sessions: SessionService;
  readonly identity: IdentityCore;
  readonly startPool: StartPool;
  /** Realtime/session hooks nk functions drive (disconnect…). */
  readonly services?: NkServices;
  /** Calls that may wait for a busy VM pool (default 4096). */
  readonly queueSize?: number;
  /** The game services' shared parts nk functions use (leaderboard core, live notification pushes…). */
  readonly domains?: Pick<NkDeps, "leaderboards" | "notify" | "notifyAll" | "isOnline" | "groupChannel" | "storageIndexes">;
}

/** Builds the nk dependencies and starts the runtime (loads every module under runtime.path). */
export async function loadRuntime(o: LoadRuntimeOptions): Promise<Runtime> {
  const nk: NkDeps = {
    db: o.db, config: o.config, log: o.log.child({ module: "nk" }), sessions: o.sessions, identity: o.identity,
    shared: createNkShared({ eventQueueSize: o.config.runtime.event_queue_size }),
    services: o.services,
    ...o.domains,
  };
  const nativeNk = nativeNkFactory(nk);
  return startRuntime({
    config: o.config, log: o.log, db: o.db, nk, bindings: nkBindings(), nativeNk: (_deps, ctx) => nativeNk(ctx),
    startPool: o.startPool, version: packageVersion(), queueSize: o.queueSize,
  });
}
