// Owns nk's small utilities: cron_next / cron_prev (src/lib/cron.ts), the localcache (per language, see
// shared.ts), nk.event (onto the shared event queue), Lua's time() and get_config. (Lua's logger_*
// belong to the framework's module logger, src/runtime/logger.ts.)
//   cron: Lua cron_next(expr, ts) / JS cronNext(expr, ts) → unix seconds; no match → Go's zero time
//     (-62135596800), as Nakama returns it.
//   localcache: Lua localcache_get(key, default?) / put(key, value, ttl_sec = 0) / delete / clear, any
//     value; JS localcacheGet(key, default?) / Put(key, value, ttl?) / Delete / Clear, values must be
//     string, number or boolean.
//   event: Lua event(name, properties?, ts?, external = false); JS event(name, properties, ts = now,
//     external = false). A full queue drops the event with a warning (Nakama).
//   time(): Lua only, ms since the epoch; time({year=…, month=…, day=…, hour=12, min, sec, msec}) → ms.
import { cronNext, cronPrev } from "../../lib/cron.js";
import { isPlainObject, stringMap, type Args } from "./args.js";
import { define, immediate } from "./binding.js";
import { configViewLua } from "./config-view.js";
import type { RuntimeEvent } from "./shared.js";
import type { NkBinding, NkCall } from "./types.js";

/** Go's time.Time{}.Unix(): what Nakama returns when a cron expression never matches. */
export const GO_ZERO_TIME_UNIX = -62135596800;

function cronBindings(): NkBinding[] {
  const make = (lua: string, js: string, fn: (expr: string, ts: number) => number | null): NkBinding => {
    const run = (a: Args): number => {
      const expr = a.str(0);
      if (a.lang === "lua" && expr === "") throw a.fail(0, "expects cron string");
      const ts = a.int(1);
      if (a.lang === "lua" && ts === 0) throw a.fail(0, "expects timestamp in seconds");
      let next: number | null;
      try {
        next = fn(expr, ts);
      } catch {
        throw a.fail(0, "expects a valid cron string");
      }
      return next ?? GO_ZERO_TIME_UNIX;
    };
    return define({ lua, js, luaFn: (a) => [run(a)], jsFn: run });
  };
  return [make("cron_next", "cronNext", cronNext), make("cron_prev", "cronPrev", cronPrev)];
}

function cacheKey(a: Args): string {
  const key = a.str(0);
  if (key === "") throw a.fail(0, a.lang === "lua" ? "expects key string" : "expects non empty key string");
  return key;
}

function cacheTtl(a: Args): number {
  const ttl = a.optInt(2, 0);
  if (ttl < 0) throw a.fail(2, "ttl must be 0 or more");
  return ttl;
}

function localcacheBindings(): NkBinding[] {
  const lua = (call: NkCall) => call.deps.shared.luaCache;
  const js = (call: NkCall) => call.deps.shared.jsCache;
  return [
    define({
      lua: "localcache_get",
      js: "localcacheGet",
      luaFn: (a, call) => {
        const v = lua(call).get(cacheKey(a));
        return [v === undefined ? (a.get(1) ?? null) : v];
      },
      jsFn: (a, call) => {
        const v = js(call).get(cacheKey(a));
        return v === undefined ? (a.has(1) ? a.get(1) : undefined) : v;
      },
    }),
    define({
      lua: "localcache_put",
      js: "localcachePut",
      luaFn: (a, call) => {
        const key = cacheKey(a);
        lua(call).put(key, a.get(1) ?? null, cacheTtl(a));
        return [];
      },
      jsFn: (a, call) => {
        const key = cacheKey(a);
        if (!a.has(1)) throw a.fail(1, "expects a non empty value");
        const ttl = cacheTtl(a);
        const v = a.get(1);
        if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
          throw a.fail(1, "unsupported value type: must be string, numeric or boolean");
        }
        js(call).put(key, v, ttl);
      },
    }),
    define({
      lua: "localcache_delete",
      js: "localcacheDelete",
      luaFn: (a, call) => {
        lua(call).delete(cacheKey(a));
        return [];
      },
      jsFn: (a, call) => js(call).delete(cacheKey(a)),
    }),
    define({
      lua: "localcache_clear",
      js: "localcacheClear",
      luaFn: (_a, call) => {
        lua(call).clear();
        return [];
      },
      jsFn: (_a, call) => js(call).clear(),
    }),
  ];
}

function pushEvent(call: NkCall, e: RuntimeEvent): void {
  if (!call.deps.shared.events.push(e)) call.deps.log.warn({ event: e.name }, "Runtime event queue full, events may be lost");
}

function luaEvent(a: Args, call: NkCall): unknown[] {
  const name = a.str(0);
  if (name === "") throw a.fail(0, "expects name string");
  const properties = stringMap(a, 1, "properties keys must be strings", "properties values must be strings") ?? {};
  let timestamp: number | undefined;
  if (a.has(2)) {
    if (typeof a.get(2) !== "number") throw a.fail(2, "timestamp must be numeric UTC seconds when provided");
    timestamp = Math.trunc(a.get(2) as number);
  }
  pushEvent(call, { name, properties, timestamp, external: a.optBool(3, false) });
  return [];
}

function jsEvent(a: Args, call: NkCall): void {
  const name = a.str(0);
  if (!isPlainObject(a.get(1))) throw a.fail(1, "expects object with string keys and values");
  const properties = stringMap(a, 1, "expects object with string keys and values", "expects string") ?? {};
  const timestamp = a.has(2) ? a.int(2) : Math.floor((call.deps.now ?? Date.now)() / 1000);
  pushEvent(call, { name, properties, timestamp, external: a.optBool(3, false) });
}

/** Lua's nk.time(table): Go's time.Date with Nakama's defaults (hour 12, day/month/year -1). */
function luaTime(a: Args, call: NkCall): number {
  if (a.values.length === 0) return (call.deps.now ?? Date.now)();
  const t = a.table(0);
  const field = (k: string, def: number): number => {
    const v = Array.isArray(t) ? undefined : t[k];
    return typeof v === "number" ? Math.trunc(v) : def;
  };
  const d = new Date(0);
  d.setUTCFullYear(field("year", -1), field("month", -1) - 1, field("day", -1));
  d.setUTCHours(field("hour", 12), field("min", 0), field("sec", 0), field("msec", 0));
  return d.getTime();
}

export function miscBindings(): NkBinding[] {
  return immediate([
    ...cronBindings(),
    ...localcacheBindings(),
    define({ lua: "event", js: "event", luaFn: luaEvent, jsFn: jsEvent }),
    define({ lua: "time", luaFn: (a, call) => [luaTime(a, call)] }),
    define({ lua: "get_config", luaFn: (_a, call) => [configViewLua(call.deps.config)] }),
  ]);
}
