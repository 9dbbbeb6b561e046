// Owns the runtime context: the one neutral form of what a module function knows about its call
// (Nakama's RUNTIME_CTX_* values), how it is built from a request's CallContext, and how each
// language sees it — JS as a camelCase object, Lua as a snake_case table, native as the typed object.
// Absent values follow Nakama: JS and Lua only carry the keys that are set.
import type { CallContext } from "../pipeline/hooks.js";

/** Nakama's execution modes (ctx.executionMode / context.execution_mode). */
export const ExecutionMode = {
  EVENT: "event",
  RUN_ONCE: "run_once",
  RPC: "rpc",
  BEFORE: "before",
  AFTER: "after",
  MATCH: "match",
  MATCHMAKER: "matchmaker",
  MATCHMAKER_OVERRIDE: "matchmaker_override",
  MATCHMAKER_PROCESSOR: "matchmaker_processor",
  MATCH_CREATE: "match_create",
  TOURNAMENT_END: "tournament_end",
  TOURNAMENT_RESET: "tournament_reset",
  LEADERBOARD_RESET: "leaderboard_reset",
  PURCHASE_NOTIFICATION_APPLE: "purchase_notification_apple",
  SUBSCRIPTION_NOTIFICATION_APPLE: "subscription_notification_apple",
  PURCHASE_NOTIFICATION_GOOGLE: "purchase_notification_google",
  SUBSCRIPTION_NOTIFICATION_GOOGLE: "subscription_notification_google",
  STORAGE_INDEX_FILTER: "storage_index_filter",
  SHUTDOWN: "shutdown",
  /** Troupe: while InitModule (or a Lua module's top level) runs. JS/Lua see no execution mode then. */
  INIT_MODULE: "init_module",
} as const;
export type ExecutionMode = (typeof ExecutionMode)[keyof typeof ExecutionMode];

/** Everything a module function may learn about its call. Strings are "" and numbers 0 when absent. */
export interface RuntimeContext {
  readonly env: Readonly<Record<string, string>>;
  readonly executionMode: ExecutionMode;
  /** The server's node name (config `name`). */
  readonly node: string;
  readonly version: string;
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly queryParams: Readonly<Record<string, readonly string[]>>;
  /** Empty for server-to-server calls (http_key) and system events. */
  readonly userId: string;
  readonly username: string;
  readonly vars: Readonly<Record<string, string>>;
  /** Session expiry, unix seconds; 0 without a session. */
  readonly userSessionExp: number;
  readonly sessionId: string;
  readonly lang: string;
  readonly clientIp: string;
  readonly clientPort: string;
  readonly matchId: string;
  readonly matchNode: string;
  readonly matchLabel: string;
  readonly matchTickRate: number;
}

/** Server-wide parts of every context, fixed at start. */
export interface ContextBase {
  readonly env: Readonly<Record<string, string>>;
  readonly node: string;
  readonly version: string;
}

/** Parses runtime.env ("KEY=VALUE" entries; a bare KEY maps to ""). */
export function parseEnv(entries: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of entries) {
    const i = e.indexOf("=");
    if (i < 0) env[e] = "";
    else env[e.slice(0, i)] = e.slice(i + 1);
  }
  return Object.freeze(env);
}

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

/** A context with only the server-wide values (system events, InitModule, run_once). */
export function systemContext(base: ContextBase, mode: ExecutionMode, over: Partial<RuntimeContext> = {}): RuntimeContext {
  return {
    env: base.env, executionMode: mode, node: base.node, version: base.version,
    headers: EMPTY, queryParams: EMPTY, userId: "", username: "", vars: EMPTY, userSessionExp: 0,
    sessionId: "", lang: "", clientIp: "", clientPort: "",
    matchId: "", matchNode: "", matchLabel: "", matchTickRate: 0,
    ...over,
  };
}

/** The context of a client or server-to-server call (RPC, before/after hooks). */
export function requestContext(base: ContextBase, mode: ExecutionMode, call: CallContext): RuntimeContext {
  return systemContext(base, mode, {
    headers: call.headers, queryParams: call.queryParams, userId: call.userId, username: call.username,
    vars: call.vars, userSessionExp: call.expiry, sessionId: call.sessionId, lang: call.lang,
    clientIp: call.clientIp, clientPort: call.clientPort,
  });
}

/** The context as JS modules see it (Nakama's runtime_javascript_context keys; unset keys left out). */
export function jsContext(c: RuntimeContext): Record<string, unknown> {
  const o: Record<string, unknown> = { node: c.node, version: c.version, env: c.env };
  if (c.executionMode !== ExecutionMode.INIT_MODULE) o.executionMode = c.executionMode;
  if (Object.keys(c.headers).length > 0) o.headers = c.headers;
  if (Object.keys(c.queryParams).length > 0) o.queryParams = c.queryParams;
  if (c.userSessionExp !== 0) o.userSessionExp = c.userSessionExp;
  if (c.userId !== "") o.userId = c.userId;
  if (c.username !== "") o.username = c.username;
  if (c.userId !== "") o.vars = c.vars;
  if (c.sessionId !== "") {
    o.sessionId = c.sessionId;
    o.lang = c.lang; // Nakama reports lang only together with a session id
  }
  if (c.clientIp !== "") o.clientIp = c.clientIp;
  if (c.clientPort !== "") o.clientPort = c.clientPort;
  if (c.matchId !== "") {
    o.matchId = c.matchId;
    o.matchNode = c.matchNode;
    o.matchLabel = c.matchLabel;
    o.matchTickRate = c.matchTickRate;
  }
  return o;
}

/**
 * The context as Lua modules see it (Nakama's runtime_lua_context keys; unset keys left out). `env` may
 * be a handle to the VM's own env table, built once per VM as Nakama does.
 */
export function luaContext(c: RuntimeContext, env: unknown = c.env): Record<string, unknown> {
  const o: Record<string, unknown> = { env, node: c.node, version: c.version, query_params: c.queryParams };
  if (c.executionMode !== ExecutionMode.INIT_MODULE) o.execution_mode = c.executionMode;
  if (Object.keys(c.headers).length > 0) o.headers = c.headers;
  if (c.userId !== "") {
    o.user_id = c.userId;
    o.username = c.username;
    o.vars = c.vars;
    o.user_session_exp = c.userSessionExp;
    if (c.sessionId !== "") o.session_id = c.sessionId;
  }
  if (c.sessionId !== "") o.lang = c.lang;
  if (c.clientIp !== "") o.client_ip = c.clientIp;
  if (c.clientPort !== "") o.client_port = c.clientPort;
  if (c.matchId !== "") {
    o.match_id = c.matchId;
    o.match_node = c.matchNode;
    o.match_label = c.matchLabel;
    o.match_tick_rate = c.matchTickRate;
  }
  return o;
}
