// Owns calls from Lua into JS host functions. Arguments are converted (marshal.ts); a synchronous
// result is pushed back at once; a Promise suspends the calling coroutine with lua_yieldk and the
// VM's driver resumes it when the promise settles, so Lua sees a synchronous call and `pcall` catches
// a rejection. A thrown or rejected GameError becomes a Lua error whose value is the plain message
// string (printable, concatenable, usable with %q) and whose code the VM remembers for the rest of
// the call, so it survives re-raising. Other exceptions are host bugs: logged, raised as text, and
// answered with INTERNAL.
import { GameError } from "../../errors.js";
import type { Code } from "../../errors.js";
import type { Logger } from "../../log.js";
import { lua, pushString, raiseBare } from "./api.js";
import type { LuaState } from "./api.js";
import { MarshalError, pushJs, toJs } from "./marshal.js";
import type { MarshalContext } from "./marshal.js";
import { LuaMulti, wantsRawStrings } from "./types.js";
import type { HostFn } from "./types.js";

export type Settled = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** What host calls need from the VM that runs them. */
export interface HostBridge extends MarshalContext {
  readonly log: Logger;
  /** Remembers that `message` was raised by a host function with `code` (for the current call). */
  recordHostError(message: string, code: Code): void;
  /** Hands a pending promise to the driver before the coroutine yields. */
  suspend(pending: PromiseLike<unknown>): void;
  /** The settled result the driver resumed the coroutine with. */
  takeSettled(): Settled;
}

const NOT_YIELDABLE =
  "cannot wait for an asynchronous result here (the call crosses a JS boundary such as string.gsub, table.sort or a metamethod called by the library)";

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}

function raiseHostError(bridge: HostBridge, L: LuaState, name: string, err: unknown): never {
  if (err instanceof GameError) {
    bridge.recordHostError(err.message, err.code);
    return raiseBare(L, err.message);
  }
  if (err instanceof MarshalError) return raiseBare(L, `${name}: ${err.message}`);
  bridge.log.warn({ err, fn: name }, "Lua host function failed");
  const text = err instanceof Error ? err.message : String(err);
  return raiseBare(L, `${name}: ${text}`);
}

function pushResult(bridge: HostBridge, L: LuaState, name: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== "object" || value === null) {
    pushJs(bridge, L, value); // primitives cannot fail (the C function always has stack room for one)
    return 1;
  }
  const values = value instanceof LuaMulti ? value.values : [value];
  if (!lua.lua_checkstack(L, values.length + 1)) return raiseBare(L, `${name}: too many results`);
  const top: number = lua.lua_gettop(L);
  let failure: unknown = null;
  try {
    for (const v of values) pushJs(bridge, L, v);
  } catch (e) {
    failure = e;
  }
  if (failure !== null) {
    lua.lua_settop(L, top);
    return raiseHostError(bridge, L, name, failure);
  }
  return values.length;
}

function readArgs(bridge: HostBridge, L: LuaState, raw: boolean): unknown[] {
  const n: number = lua.lua_gettop(L);
  const args = new Array<unknown>(n);
  for (let i = 0; i < n; i++) args[i] = toJs(bridge, L, i + 1, raw);
  return args;
}

/** Wraps `fn` as a Lua C function named `name` (the name appears in error messages). */
export function hostFunction(bridge: HostBridge, fn: HostFn, name: string): (L: LuaState) => number {
  const raw = wantsRawStrings(fn);
  const continuation = (L: LuaState): number => {
    const settled = bridge.takeSettled();
    if (!settled.ok) return raiseHostError(bridge, L, name, settled.error);
    return pushResult(bridge, L, name, settled.value);
  };
  return (L: LuaState): number => {
    let result: unknown;
    let failed = false;
    let failure: unknown;
    try {
      result = fn(readArgs(bridge, L, raw));
    } catch (e) {
      failed = true;
      failure = e;
    }
    if (failed) return raiseHostError(bridge, L, name, failure);
    if (!isThenable(result)) return pushResult(bridge, L, name, result);
    if (!lua.lua_isyieldable(L)) {
      Promise.resolve(result).catch(() => undefined);
      pushString(L, `${name}: ${NOT_YIELDABLE}`);
      return lua.lua_error(L) as number;
    }
    bridge.suspend(result);
    return lua.lua_yieldk(L, 0, 0, continuation) as number;
  };
}
