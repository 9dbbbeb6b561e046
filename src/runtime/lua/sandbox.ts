// Owns building a fresh lua_State with Nakama's sandbox: libraries base, table, string, math,
// bit32 and os.{clock,difftime,date,time}, the 5.1 compatibility layer, `print` routed to the
// logger, and no io, debug, coroutine, utf8, package loaders or disk access (fengari's versions of
// those are never even evaluated, see fengari-loader.ts). JS exceptions escaping fengari's own code
// (e.g. a RangeError from a huge allocation) become Lua errors instead of crashing the call.
import type { Logger } from "../../log.js";
import { fengari } from "./fengari-loader.js";
import { lauxlib, lua, pushString, readString, toLuaString } from "./api.js";
import type { CFunction, LuaState } from "./api.js";
import { openBit32 } from "./bit32.js";
import { installCompat } from "./compat.js";
import { adjustMath } from "./mathlib.js";
import { openOs } from "./oslib.js";
import { adjustString } from "./strlib.js";

/** Standard library tables `require` can return by name, as package.loaded has them. */
export const STD_MODULES = ["_G", "string", "table", "math", "os", "bit32"] as const;

const BASE_REMOVED = ["dofile", "loadfile", "print"] as const;

function openLibrary(L: LuaState, name: string, open: CFunction): void {
  lauxlib.luaL_requiref(L, toLuaString(name), open, 1);
  lua.lua_pop(L, 1);
}

function makePrint(log: Logger): CFunction {
  return (L) => {
    const n: number = lua.lua_gettop(L);
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) {
      lauxlib.luaL_tolstring(L, i);
      parts.push(readString(L, -1) ?? "");
      lua.lua_pop(L, 1);
    }
    log.info({ src: "lua" }, parts.join("\t"));
    return 0;
  };
}

const nativeError: CFunction = (L) => {
  const e: unknown = lua.lua_touserdata(L, 1);
  const text = e instanceof RangeError && /call stack/i.test(e.message) ? "stack overflow" : e instanceof Error ? e.message : String(e);
  pushString(L, `internal error: ${text}`);
  return 1;
};

/** Creates a sandboxed state. The prelude (require & co.) is added by the VM afterwards. */
export function newSandbox(log: Logger, startedAt: number, timedOut: () => boolean): LuaState {
  const L: LuaState | null = lauxlib.luaL_newstate();
  if (L === null) throw new Error("fengari could not create a Lua state");
  lua.lua_atnativeerror(L, nativeError);
  openLibrary(L, "_G", fengari.lbaselib.luaopen_base);
  openLibrary(L, "table", fengari.ltablib.luaopen_table);
  openLibrary(L, "string", fengari.lstrlib.luaopen_string);
  openLibrary(L, "math", fengari.lmathlib.luaopen_math);
  for (const name of BASE_REMOVED) {
    lua.lua_pushnil(L);
    lua.lua_setglobal(L, toLuaString(name));
  }
  lua.lua_pushcfunction(L, makePrint(log));
  lua.lua_setglobal(L, toLuaString("print"));
  adjustMath(L);
  adjustString(L);
  openOs(L, startedAt);
  openBit32(L);
  installCompat(L, timedOut);
  return L;
}
