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
import { loadRuntime, type Runtime } from "./runtime/index.js";
import { registerRpcRoutes } from "./api/routes-rpc.js";
import { createSessionService, sessionSettingsFrom } from "./session/service.js";
import { createIdentityAdmin, registerIdentityRoutes } from "./api/identity.js";
import { identityCore, type IdentityDeps } from "./api/deps.js";
import { friendsDeletionStep } from "./services/friends/index.js";
import { groupsDeletionStep } from "./services/groups/index.js";
import { registerStorageRoutes } from "./api/routes-storage.js";
import { registerNotificationRoutes } from "./api/routes-notification.js";
import { registerLeaderboardRoutes } from "./api/routes-leaderboard.js";
import { registerSocialRoutes } from "./api/routes-group.js";
import { realtimeSettingsFrom } from "./realtime/settings.js";
import type { Db } from "./storage/db.js";

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
    const db = await system.service("storage", async () => {
      const value = await openDatabase(config, log);
      return { value, stop: () => value.close() };
    });
    let hooks: HookRegistry = noHooks; // the runtime's hooks once its modules are loaded
    const pipeline: PipelineDeps = { hooks: () => hooks, log };
    let runtime: Runtime | undefined;
    const sessions = createSessionService(sessionSettingsFrom(config.session));
    const realtime = await system.service("realtime", async () => {
      const settings = realtimeSettingsFrom(config);
      const value = startRealtime(system, { settings, log: log.child({ module: "realtime" }), db, pipeline, sessions, rpc: () => runtime?.rpc });
      return { value, stop: () => value.stop() };
    });
    const identity: IdentityDeps = {
      db, config, log, pipeline, sessions,
      // Other domains' rows go with the account, in the deletion's transaction.
      deletionSteps: [friendsDeletionStep, groupsDeletionStep],
      isOnline: (userId) => realtime.isOnline(userId),
      disconnectUser: (userId, reason) => realtime.disconnectUser(userId, reason),
    };
    // Bans and persisted logouts go back into the session cache before any request is served.
    await createIdentityAdmin(identity, identityCore(identity)).restoreSessionState();
    runtime = await system.service("runtime", async () => {
      const value = await loadRuntime({
        config, log, db, sessions, identity: identityCore(identity), startPool: poolStarter(system.family("runtime-pools")),
        services: { disconnectUser: (userId, reason) => realtime.disconnectUser(userId, reason) },
      });
      return { value, stop: () => value.stop() };
    });
    hooks = runtime.hooks;
    const router = buildRouter({ config, log, db, pipeline, sessions, realtime, identity, runtime });
    const transport = await system.service("transport", async () => {
      const t = await startTransport(transportOptions(config, log), { http: router.handle, ws: realtime.ws });
      return { value: t, stop: () => t.close() };
    });
    const host = config.socket.address && config.socket.address !== "0.0.0.0" ? config.socket.address : "127.0.0.1";
    const httpUrl = `http://${host.includes(":") ? `[${host}]` : host}:${transport.port}`;
    log.info({
      port: transport.port, transport: transport.impl, database: db.kind,
      ms: Math.round(performance.now() - began),
    }, "Startup done");
    let stopped: Promise<void> | null = null;
    return {
      httpUrl,
      wsUrl: `${httpUrl.replace(/^http/, "ws")}/ws`,
      port: transport.port,
      config,
      log,
      stop: () => (stopped ??= (async () => {
        log.info("Troupe stopping");
        await system.stop();
        log.info("Troupe stopped");
        log.flush();
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
  config: Config;
  log: Logger;
  db: Db;
  pipeline: PipelineDeps;
  sessions: ReturnType<typeof createSessionService>;
  realtime: Realtime;
  identity: IdentityDeps;
}

function buildRouter(d: RouterDeps): Router {
  const router = addHealthRoutes(new Router({ log: d.log.child({ module: "api" }) }));
  registerIdentityRoutes(router, d.identity);
  registerStorageRoutes(router, d);
  registerNotificationRoutes(router, {
    ...d,
    notify: (userIds, notifications) => d.realtime.notify(userIds, notifications),
    notifyAll: (notifications) => d.realtime.notifyAll(notifications),
  });
  registerRpcRoutes(router, { config: d.config, sessions: d.sessions, log: d.log.child({ module: "rpc" }), rpc: () => d.runtime?.rpc });
  registerLeaderboardRoutes(router, d);
  registerSocialRoutes(router, d);
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
