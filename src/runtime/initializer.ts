// Owns the registration functions module code calls, in each sandboxed language's idiom, all writing
// into one per-VM Registrations table:
//   JS:  initializer.registerRpc(id, fn), registerRtBefore/After(name, fn), registerBefore<Api>(fn) /
//        registerAfter<Api>(fn) for every API name, registerMatchmakerMatched(fn), registerTournamentEnd
//        /Reset(fn), registerLeaderboardReset(fn), registerShutdown(fn), the four purchase/subscription
//        notification hooks, registerMatch(name, handlers), registerStorageIndex(…),
//        registerStorageIndexFilter(name, fn), getConfig(); Troupe adds registerEventSessionStart/End(fn)
//        and runOnce(fn).
//   Lua: nk.register_rpc(fn, id), register_req_before/after(fn, name), register_rt_before/after(fn, name),
//        register_matchmaker_matched(fn), register_tournament_end/reset(fn), register_leaderboard_reset(fn),
//        register_shutdown(fn), register_storage_index(…), register_storage_index_filter(fn, name);
//        Troupe adds register_event_session_start/end(fn). nk.run_once lives with the Lua engine.
// Any function value is accepted (no AST inspection). Names are case-insensitive.
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import { API_HOOK_NAMES, apiHookName, rtHookName } from "./names.js";
import { RegKind, type Registrations, type StorageIndexSpec } from "./registry.js";

type HostFn = (args: unknown[]) => unknown;

/** How the engine recognises and keeps guest function values. */
export interface FunctionValues<F> {
  /** Narrows a host-side argument to a guest function reference. */
  isFunction(v: unknown): v is F;
  /** Takes ownership of a reference received as a host-function argument. */
  keep(f: F): F;
}

export interface InitializerTarget<F> {
  readonly regs: Registrations<F | Record<string, F>>;
  readonly fns: FunctionValues<F>;
  readonly log: Logger;
}

/** Match handler functions a registered match must have (JS names). */
export const MATCH_HANDLERS = [
  "matchInit", "matchJoinAttempt", "matchJoin", "matchLeave", "matchLoop", "matchTerminate", "matchSignal",
] as const;

function invalid(fn: string, what: string): GameError {
  return new GameError(Code.INVALID_ARGUMENT, `${fn}: ${what}`);
}

function idArg(fn: string, v: unknown, what: string): string {
  if (typeof v !== "string" || v === "") throw invalid(fn, `expects ${what} to be a non-empty string`);
  return v;
}

function fnArg<F>(t: InitializerTarget<F>, fn: string, v: unknown): F {
  if (!t.fns.isFunction(v)) throw invalid(fn, "expects a function");
  return t.fns.keep(v);
}

function checkName(t: InitializerTarget<unknown>, fn: string, name: string, known: string | undefined): void {
  if (known === undefined) t.log.warn({ fn, name }, `${fn}: "${name}" is not a known message name; the hook is registered but may never run`);
}

function storageIndex(fn: string, a: unknown[]): StorageIndexSpec {
  const [name, collection, key, fields, sortable, maxEntries, indexOnly] = a;
  const strings = (v: unknown, what: string): string[] => {
    if (v === null || v === undefined) return [];
    // An empty Lua table arrives as an empty object.
    if (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw invalid(fn, `expects ${what} to be an array of strings`);
    return v as string[];
  };
  return {
    name: idArg(fn, name, "an index name"),
    collection: idArg(fn, collection, "a collection"),
    key: typeof key === "string" ? key : "",
    fields: strings(fields, "fields"),
    sortableFields: strings(sortable, "sortable fields"),
    maxEntries: typeof maxEntries === "number" ? maxEntries : Number.NaN,
    indexOnly: indexOnly === true,
  };
}

const SINGLE_HOOKS: ReadonlyArray<readonly [js: string, lua: string | null, kind: RegKind]> = [
  ["registerMatchmakerMatched", "register_matchmaker_matched", RegKind.MATCHMAKER_MATCHED],
  ["registerTournamentEnd", "register_tournament_end", RegKind.TOURNAMENT_END],
  ["registerTournamentReset", "register_tournament_reset", RegKind.TOURNAMENT_RESET],
  ["registerLeaderboardReset", "register_leaderboard_reset", RegKind.LEADERBOARD_RESET],
  ["registerShutdown", "register_shutdown", RegKind.SHUTDOWN],
  ["registerPurchaseNotificationApple", null, RegKind.PURCHASE_NOTIFICATION_APPLE],
  ["registerSubscriptionNotificationApple", null, RegKind.SUBSCRIPTION_NOTIFICATION_APPLE],
  ["registerPurchaseNotificationGoogle", null, RegKind.PURCHASE_NOTIFICATION_GOOGLE],
  ["registerSubscriptionNotificationGoogle", null, RegKind.SUBSCRIPTION_NOTIFICATION_GOOGLE],
  ["registerEventSessionStart", "register_event_session_start", RegKind.EVENT_SESSION_START],
  ["registerEventSessionEnd", "register_event_session_end", RegKind.EVENT_SESSION_END],
];

function jsMatch<F>(t: InitializerTarget<F>, [name, handlers]: unknown[]): void {
  const fn = "registerMatch";
  const id = idArg(fn, name, "a match name");
  if (handlers === null || typeof handlers !== "object") throw invalid(fn, "expects an object of match handler functions");
  const h = handlers as Record<string, unknown>;
  const missing = MATCH_HANDLERS.filter((k) => !t.fns.isFunction(h[k]));
  if (missing.length > 0) throw invalid(fn, `match handler ${missing.join(", ")} must be a function`);
  const kept: Record<string, F> = {};
  for (const k of MATCH_HANDLERS) kept[k] = t.fns.keep(h[k] as F);
  t.regs.set(RegKind.MATCH, id, kept);
}

/** The JS `initializer` object (host functions); `extra` adds runOnce and getConfig. */
export function jsInitializer<F>(t: InitializerTarget<F>, extra: Record<string, HostFn>): Record<string, HostFn> {
  const o: Record<string, HostFn> = { ...extra };
  o.registerRpc = ([id, f]) => void t.regs.set(RegKind.RPC, idArg("registerRpc", id, "an RPC id"), fnArg(t, "registerRpc", f));
  o.registerRtBefore = ([name, f]) => {
    const n = idArg("registerRtBefore", name, "a message name");
    checkName(t, "registerRtBefore", n, rtHookName(n));
    t.regs.set(RegKind.RT_BEFORE, n, fnArg(t, "registerRtBefore", f));
  };
  o.registerRtAfter = ([name, f]) => {
    const n = idArg("registerRtAfter", name, "a message name");
    checkName(t, "registerRtAfter", n, rtHookName(n));
    t.regs.set(RegKind.RT_AFTER, n, fnArg(t, "registerRtAfter", f));
  };
  for (const api of API_HOOK_NAMES) {
    o[`registerBefore${api}`] = ([f]) => void t.regs.set(RegKind.BEFORE, api, fnArg(t, `registerBefore${api}`, f));
    o[`registerAfter${api}`] = ([f]) => void t.regs.set(RegKind.AFTER, api, fnArg(t, `registerAfter${api}`, f));
  }
  for (const [js, , kind] of SINGLE_HOOKS) o[js] = ([f]) => void t.regs.set(kind, "", fnArg(t, js, f));
  o.registerMatch = (args) => jsMatch(t, args);
  o.registerStorageIndex = (args) => t.regs.addStorageIndex("registerStorageIndex", storageIndex("registerStorageIndex", args));
  o.registerStorageIndexFilter = ([name, f]) =>
    void t.regs.set(RegKind.STORAGE_INDEX_FILTER, idArg("registerStorageIndexFilter", name, "an index name"), fnArg(t, "registerStorageIndexFilter", f));
  return o;
}

/** Lua's nk.register_* functions (function first, then the name). */
export function luaRegisterFunctions<F>(t: InitializerTarget<F>): Record<string, HostFn> {
  const o: Record<string, HostFn> = {};
  o.register_rpc = ([f, id]) => void t.regs.set(RegKind.RPC, idArg("register_rpc", id, "an RPC id"), fnArg(t, "register_rpc", f));
  const named = (fn: string, kind: RegKind, known: (n: string) => string | undefined): HostFn => ([f, name]) => {
    const n = idArg(fn, name, "a message name");
    checkName(t, fn, n, known(n));
    t.regs.set(kind, n, fnArg(t, fn, f));
  };
  o.register_req_before = named("register_req_before", RegKind.BEFORE, apiHookName);
  o.register_req_after = named("register_req_after", RegKind.AFTER, apiHookName);
  o.register_rt_before = named("register_rt_before", RegKind.RT_BEFORE, rtHookName);
  o.register_rt_after = named("register_rt_after", RegKind.RT_AFTER, rtHookName);
  for (const [, lua, kind] of SINGLE_HOOKS) if (lua !== null) o[lua] = ([f]) => void t.regs.set(kind, "", fnArg(t, lua, f));
  o.register_storage_index = (args) => t.regs.addStorageIndex("register_storage_index", storageIndex("register_storage_index", args));
  o.register_storage_index_filter = ([f, name]) =>
    void t.regs.set(RegKind.STORAGE_INDEX_FILTER, idArg("register_storage_index_filter", name, "an index name"), fnArg(t, "register_storage_index_filter", f));
  return o;
}
