// The composition root: builds every part from the config and starts them, in dependency order, under
// the root supervisor (actors/system.ts). `startServer` is Troupe's programmatic API: the CLI, the tests'
// boot helper and anyone embedding Troupe as a match host call it.
import type { DestinationStream } from "pino";
import { startSystem } from "../actors/system.js";
import { startRealtime, type Realtime } from "../actors/realtime/service.js";
import { configFrom, type LoadedConfig } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { createLogger, type Logger } from "./log.js";
import { packageVersion } from "./lib/paths.js";
import { openDatabase } from "./storage/open.js";
import { Router, addHealthRoutes } from "./transport/router.js";
import { startTransport } from "./transport/index.js";
import { noHooks, type HookRegistry, type PipelineDeps } from "./pipeline/hooks.js";
import { poolStarter } from "../actors/runtime/index.js";
import { runtimeHandlers, startMatchHost, type MatchHost } from "../actors/match/index.js";
import { loadRuntime, type Runtime } from "./runtime/index.js";
import { parseEnv } from "./runtime/context.js";
import { attachScheduledHooks, attachSessionEvents } from "./runtime/server-events.js";
import { filteredIndexes, storageIndexFilter } from "./runtime/storage-indexes.js";
import { StorageIndexes } from "./services/storage/index.js";
import { registerRpcRoutes } from "./api/routes-rpc.js";
import { createSessionService, sessionSettingsFrom } from "./session/service.js";
import { createIdentityAdmin, registerIdentityRoutes } from "./api/identity.js";
import { identityCore, type IdentityDeps } from "./api/deps.js";
import { friendsDeletionStep } from "./services/friends/index.js";
import { groupsDeletionStep } from "./services/groups/index.js";
import { registerStorageRoutes } from "./api/routes-storage.js";
import { registerNotificationRoutes } from "./api/routes-notification.js";
import { registerLeaderboardRoutes } from "./api/routes-leaderboard.js";
import { createLeaderboardCore, recordsDeletionStep, warmRankCache, type LeaderboardCore } from "./services/leaderboard/index.js";
import { startLeaderboardScheduler } from "../actors/scheduler/index.js";
import { registerSocialRoutes } from "./api/routes-group.js";
import { registerChatAndParties } from "./api/routes-channel.js";
import { realtimeSettingsFrom } from "./realtime/settings.js";
import { matchSettingsFrom } from "./match/settings.js";
import { registerMatchRoutes } from "./api/routes-match.js";
import { registerMatchmakerRoutes } from "./api/routes-matchmaker.js";
import { startMatchmaker, type MatchmakerHandle } from "../actors/matchmaker/index.js";
import { attachMatchmaker, matchmakerServiceDeps } from "./realtime/matchmaker/index.js";
import { nkBindings } from "./runtime/nk/index.js";
import type { NkServicesWithMatches } from "./runtime/nk/matches.js";
import type { Db } from "./storage/db.js";
import { instrumentRpc, instrumentWs, metricsFromConfig, observeHttp, serveMetrics } from "./metrics/index.js";
import { logTraceIds, tracerFromConfig } from "./tracing/index.js";
import type { RequestObserver } from "./transport/router.js";

export interface ServerHandle {
  /** e.g. http://127.0.0.1:7350 */
  readonly httpUrl: string;
  /** e.g. ws://127.0.0.1:7350/ws */
  readonly wsUrl: string;
  readonly port: number;
  readonly config: Config;
  readonly log: Logger;
  /** Stops accepting, ends sessions and matches, closes the database. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where log lines go (default stdout per logger.stdout/file). */
  logDestination?: DestinationStream;
  /** Called when the root supervisor gives up; default: log and exit(1). */
  onFatal?: (err: Error) => void;
}

function asLoaded(input: Config | LoadedConfig | Record<string, unknown>): LoadedConfig {
  if ("config" in input && "warnings" in input) return input as LoadedConfig;
  if ("socket" in input && "session" in input && "runtime" in input) return { config: input as Config, warnings: [], files: [] };
  return configFrom(input);
}

/** Starts a server. Accepts a loaded config, a Config, or flat dotted overrides ({"socket.port": 0}). */
export async function startServer(
  input: Config | LoadedConfig | Record<string, unknown> = {},
  opts: StartOptions = {},
): Promise<ServerHandle> {
  const began = performance.now();
  const { config, warnings } = asLoaded(input);
  const log = createLogger({
    level: config.logger.level as "debug" | "info" | "warn" | "error",
    destination: opts.logDestination,
    stdout: config.logger.stdout,
    file: config.logger.file || undefined,
    format: config.logger.format as "json" | "stackdriver",
  });
  log.info({ version: packageVersion(), node: config.name, pid: process.pid }, "Troupe starting");
  for (const w of warnings) log.warn(w);

  const system = startSystem({
    log,
    onFatal: opts.onFatal ?? ((err) => {
      log.fatal({ err }, "supervisor gave up; exiting");
      process.exitCode = 1;
    }),
  });
  try {
    const tracer = tracerFromConfig(config, packageVersion());
    await system.service("tracing", async () => {
      const unlog = logTraceIds(log, tracer); // trace_id/span_id in every line logged inside a span
      return { value: tracer, stop: () => tracer.shutdown().finally(unlog) };
    });
    const metrics = metricsFromConfig(config, log); // undefined (nothing recorded) unless prometheus_port > 0
    const db = await system.service("storage", async () => {
      const value = await openDatabase(config, log);
      return { value, stop: () => value.close() };
    });
    let hooks: HookRegistry = noHooks; // the runtime's hooks once its modules are loaded
    const pipeline: PipelineDeps = { hooks: () => hooks, log, metrics, tracer };
    let runtime: Runtime | undefined = undefined; // set once loaded (match handlers are read from it)
    let matches: MatchHost | undefined; // authoritative matches (actors/match)
    let rpc: Runtime["rpc"] | undefined = undefined; // the runtime's RPCs, measured (set once loaded)
    const sessions = createSessionService(sessionSettingsFrom(config.session));
    const realtime = await system.service("realtime", async () => {
      const settings = realtimeSettingsFrom(config);
      const value = startRealtime(system, { settings, log: log.child({ module: "realtime" }), db, pipeline, sessions, rpc: () => rpc, authoritative: () => matches });
      return { value, stop: () => value.stop() };
    });
    // Matchmaker: one actor; groups go to sessions as matchmaker_matched; the matched hook reads the runtime late.
    const matchmaker = await system.service("matchmaker", async () => {
      const value = startMatchmaker(system.family("matchmaking"), matchmakerServiceDeps({ config, log, core: realtime.core, runtime: () => runtime }));
      return { value, stop: attachMatchmaker(realtime, value) };
    });
    const leaderboards = createLeaderboardCore({ db, log, rankCacheBlacklist: config.leaderboard.blacklist_rank_cache });
    // Storage indexes: defined and filled once the runtime has loaded; every storage write path tells them.
    const storageIndexes = new StorageIndexes({ db, log: log.child({ module: "storage_index" }) });
    const identity: IdentityDeps = {
      db, config, log, pipeline, sessions,
      // Other domains' rows go with the account, in the deletion's transaction.
      deletionSteps: [friendsDeletionStep, groupsDeletionStep, recordsDeletionStep(leaderboards)],
      afterDeletion: [(userId) => storageIndexes.ownerDeleted(userId)], // the account's objects went with it
      isOnline: (userId) => realtime.isOnline(userId),
      disconnectUser: (userId, reason) => realtime.disconnectUser(userId, reason),
    };
    const matchHost = (matches = startMatchHost(system, {
      settings: matchSettingsFrom(config), log: log.child({ module: "match" }), realtime: realtime.core, bindings: nkBindings,
      handlers: () => (runtime === undefined ? undefined : runtimeHandlers(runtime)),
    }));
    // On stop, every match gets matchTerminate(shutdown_grace_sec) before any service goes; then every
    // socket closes and its session end event runs while the runtime and the database are still up.
    system.beforeStop("matches, then sessions", async (graceMs) => {
      await matchHost.stop(graceMs / 1000);
      await realtime.closeSessions();
    });
    const nkServices: NkServicesWithMatches = { disconnectUser: (userId, reason) => realtime.disconnectUser(userId, reason), matches: matchHost };
    // Bans and persisted logouts go back into the session cache before any request is served.
    await createIdentityAdmin(identity, identityCore(identity)).restoreSessionState();
    runtime = await system.service("runtime", async () => {
      const value = await loadRuntime({
        config, log, db, sessions, identity: identityCore(identity), startPool: poolStarter(system.family("runtime-pools")),
        services: nkServices,
        domains: {
          leaderboards,
          notify: (userIds, notifications) => realtime.notify(userIds, notifications),
          notifyAll: (notifications) => realtime.notifyAll(notifications),
          isOnline: (userId) => realtime.isOnline(userId),
          storageIndexes,
        },
      });
      return { value, stop: () => value.stop() };
    });
    hooks = runtime.hooks;
    rpc = instrumentRpc(runtime.rpc, metrics, tracer);
    const eventBase = { env: parseEnv(config.runtime.env), node: config.name, version: packageVersion() };
    storageIndexes.define(runtime.storageIndexes, storageIndexFilter(runtime, eventBase), filteredIndexes(runtime.ownership));
    await storageIndexes.load();
    attachSessionEvents(realtime.core, () => runtime, eventBase); // registerEventSessionStart/End
    const scheduler = await system.service("leaderboard-scheduler", async () => {
      const value = startLeaderboardScheduler(system.family("leaderboards"), {
        core: leaderboards, log: log.child({ module: "leaderboard" }),
        workers: config.leaderboard.callback_queue_workers, queueSize: config.leaderboard.callback_queue_size,
      });
      return { value, stop: () => value.stop() };
    });
    attachScheduledHooks(scheduler, runtime, eventBase); // leaderboard reset, tournament reset/end hooks
    const router = buildRouter({ config, log, db, pipeline, sessions, realtime, identity, runtime, leaderboards, storageIndexes, rpc: () => rpc, observe: observeHttp(metrics, tracer), matches: () => matches, matchmaker: () => matchmaker });
    const transport = await system.service("transport", async () => {
      const t = await startTransport(transportOptions(config, log), { http: router.handle, ws: instrumentWs(realtime.ws, metrics) });
      return { value: t, stop: () => t.close() };
    });
    const host = config.socket.address && config.socket.address !== "0.0.0.0" ? config.socket.address : "127.0.0.1";
    const httpUrl = `http://${host.includes(":") ? `[${host}]` : host}:${transport.port}`;
    const metricsServer = metrics && await system.service("metrics", async () => {
      const value = await serveMetrics(metrics, config, log, {
        db, kernel: () => system.kernel.metrics(), runtime: () => runtime?.stats(), storageIndexes: () => storageIndexes.counts(),
        gauges: {
          sessions: () => realtime.core.sessionCount(), presences: () => realtime.core.tracker.count(),
          authoritativeMatches: () => matches?.count() ?? 0,
        },
      });
      return { value, stop: () => value.close() };
    });
    log.info({
      version: packageVersion(), node: config.name,
      port: transport.port, transport: transport.impl, database: db.kind, metrics_port: metricsServer?.port ?? 0,
      tracing: config.metrics.otlp_endpoint || "off", shutdown_grace_sec: config.shutdown_grace_sec,
      modules: { native: runtime.files.native.length, lua: runtime.files.lua.size, js: runtime.files.js === null ? 0 : 1 },
      registrations: runtime.ownership.entries().length,
      ms: Math.round(performance.now() - began),
    }, "Startup done");
    // Rank caches fill in the background so that the first request to a big board does not wait.
    warmRankCache(leaderboards).catch((err: unknown) => log.warn({ err }, "rank cache warm-up failed"));
    let stopped: Promise<void> | null = null;
    return {
      httpUrl,
      wsUrl: `${httpUrl.replace(/^http/, "ws")}/ws`,
      port: transport.port,
      config,
      log,
      stop: () => (stopped ??= (async () => {
        log.info({ grace_period_sec: config.shutdown_grace_sec }, "Shutdown started");
        await system.stop(config.shutdown_grace_sec * 1000); // beforeStop work (matches) first, then services in reverse
        log.info("Troupe stopped");
        await flushLog(log);
      })()),
    };
  } catch (err) {
    await system.stop();
    log.flush();
    throw err;
  }
}

interface RouterDeps {
  runtime: Runtime | undefined;
  rpc: () => Runtime["rpc"] | undefined;
  observe: RequestObserver | undefined;
  matches: () => MatchHost | undefined;
  matchmaker: () => MatchmakerHandle | undefined;
  config: Config;
  log: Logger;
  db: Db;
  pipeline: PipelineDeps;
  sessions: ReturnType<typeof createSessionService>;
  realtime: Realtime;
  identity: IdentityDeps;
  leaderboards: LeaderboardCore;
  storageIndexes: StorageIndexes;
}

function buildRouter(d: RouterDeps): Router {
  const router = addHealthRoutes(new Router({ log: d.log.child({ module: "api" }), observe: d.observe }));
  registerIdentityRoutes(router, d.identity);
  registerStorageRoutes(router, d);
  registerNotificationRoutes(router, {
    ...d,
    notify: (userIds, notifications) => d.realtime.notify(userIds, notifications),
    notifyAll: (notifications) => d.realtime.notifyAll(notifications),
  });
  registerRpcRoutes(router, { config: d.config, sessions: d.sessions, log: d.log.child({ module: "rpc" }), rpc: d.rpc });
  registerLeaderboardRoutes(router, d);
  registerMatchRoutes(router, d);
  registerMatchmakerRoutes(router, d);
  registerSocialRoutes(router, { ...d, groupChannel: registerChatAndParties(router, d) }); // chat + parties (envelopes, routes)
  return router;
}

function transportOptions(config: Config, log: Logger) {
  const responseHeaders: Record<string, string> = {};
  for (const h of config.socket.response_headers) {
    const i = h.indexOf("=");
    responseHeaders[h.slice(0, i)] = h.slice(i + 1);
  }
  return {
    port: config.socket.port,
    address: config.socket.address,
    impl: config.socket.transport as "auto" | "uws" | "node",
    maxRequestSizeBytes: config.socket.max_request_size_bytes,
    maxMessageSizeBytes: config.socket.max_message_size_bytes,
    idleTimeoutMs: config.socket.idle_timeout_ms,
    maxBackpressureBytes: Math.max(64 * 1024, config.socket.outgoing_queue_size * config.socket.max_message_size_bytes),
    responseHeaders,
    proxyCount: config.socket.proxy_count,
    closeAckWaitMs: config.socket.close_ack_wait_ms,
    log: log.child({ module: "transport" }),
  };
}

/** Waits until buffered log lines are written (at most 2 s: a stuck destination must not hold the exit). */
function flushLog(log: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    log.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
