// Owns the Lua 5.1 compatibility functions that need the C API: setfenv/getfenv (emulated on the
// function's _ENV upvalue: the upvalue is first made private to the function with lua_upvaluejoin,
// so other closures of the same chunk keep their environment), newproxy, table.getn/maxn,
// collectgarbage (fengari's throws "lua_gc not implemented"), the text-only `load` (binary chunks
// are refused, as they could break the VM's invariants), and an xpcall that cannot be used to escape
// the time limit.
import { lauxlib, lua, raise, readString, setFunction, T, toLuaString } from "./api.js";
import { loadBytecode, precompile } from "./chunk-cache.js";
import type { CFunction, LuaState } from "./api.js";

const ENV = "_ENV";

/** Pushes the function designated by argument 1 (a function or a stack level, default 1). */
function pushTarget(L: LuaState, defaultLevel: number): void {
  if (lua.lua_type(L, 1) === T.FUNCTION) {
    lua.lua_pushvalue(L, 1);
    return;
  }
  const level: number = lauxlib.luaL_optinteger(L, 1, defaultLevel);
  if (level < 0) raise(L, "bad argument #1 (level must be non-negative)");
  if (level === 0) {
    lua.lua_pushnil(L); // level 0: the thread's global environment
    return;
  }
  const ar = new lua.lua_Debug();
  if (!lua.lua_getstack(L, level, ar)) raise(L, "bad argument #1 (invalid level)");
  lua.lua_getinfo(L, toLuaString("f"), ar);
}

/** Index (1-based) of the _ENV upvalue of the Lua function at `fidx`, or 0. */
function envUpvalue(L: LuaState, fidx: number): number {
  for (let i = 1; ; i++) {
    const name: Uint8Array | null = lua.lua_getupvalue(L, fidx, i);
    if (name === null) return 0;
    lua.lua_pop(L, 1);
    if (name.length === 4 && String.fromCharCode(...name) === ENV) return i;
  }
}

const getfenv: CFunction = (L) => {
  pushTarget(L, 1);
  const fidx: number = lua.lua_gettop(L);
  if (lua.lua_isnil(L, fidx) || lua.lua_iscfunction(L, fidx)) {
    lua.lua_pushglobaltable(L);
    return 1;
  }
  const i = envUpvalue(L, fidx);
  if (i === 0) lua.lua_pushglobaltable(L);
  else lua.lua_getupvalue(L, fidx, i);
  return 1;
};

/** setfenv needs a fresh upvalue per call: a tiny closure factory (compiled once per process). */
const UPVALUE_FACTORY = precompile("local e; return function() return e end", "=setfenv");
const UPVALUE_FACTORY_NAME = toLuaString("=setfenv");

function makeSetfenv(L0: LuaState): CFunction {
  loadBytecode(L0, UPVALUE_FACTORY, UPVALUE_FACTORY_NAME);
  const factory = lua.lua_toproxy(L0, -1) as (L: LuaState) => void;
  lua.lua_pop(L0, 1);
  return (L) => {
    lauxlib.luaL_checktype(L, 2, T.TABLE);
    pushTarget(L, 1);
    const fidx: number = lua.lua_gettop(L);
    if (lua.lua_isnil(L, fidx)) return raise(L, "'setfenv' cannot change the global environment of a thread");
    if (lua.lua_iscfunction(L, fidx)) return raise(L, "'setfenv' cannot change environment of given object");
    const i = envUpvalue(L, fidx);
    if (i > 0) {
      factory(L);
      lua.lua_call(L, 0, 1); // a closure whose upvalue 1 is brand new
      lua.lua_upvaluejoin(L, fidx, i, -1, 1);
      lua.lua_pop(L, 1);
      lua.lua_pushvalue(L, 2);
      lua.lua_setupvalue(L, fidx, i);
    }
    return 1; // the function
  };
}

const newproxy: CFunction = (L) => {
  lua.lua_settop(L, 1);
  lua.lua_newuserdata(L, 0);
  if (lua.lua_toboolean(L, 1) === false) return 1;
  if (lua.lua_type(L, 1) === T.BOOLEAN) {
    lua.lua_createtable(L, 0, 0);
  } else {
    if (lua.lua_type(L, 1) !== T.USERDATA || lua.lua_getmetatable(L, 1) === 0) {
      return raise(L, "bad argument #1 to 'newproxy' (boolean or proxy expected)");
    }
  }
  lua.lua_setmetatable(L, 2);
  return 1;
};

/** table.maxn: the largest positive numerical key (0 if none). */
const maxn: CFunction = (L) => {
  lauxlib.luaL_checktype(L, 1, T.TABLE);
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1) !== 0) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === T.NUMBER) {
      const k: number = lua.lua_tonumber(L, -1);
      if (k > max) max = k;
    }
  }
  lua.lua_pushnumber(L, max);
  return 1;
};

const getn: CFunction = (L) => {
  lauxlib.luaL_checktype(L, 1, T.TABLE);
  lua.lua_pushinteger(L, lua.lua_rawlen(L, 1));
  return 1;
};

function textOnlyLoad(load: CFunction): CFunction {
  return (L) => {
    if (lua.lua_gettop(L) < 3) lua.lua_settop(L, 3);
    lua.lua_pushstring(L, toLuaString("t"));
    lua.lua_replace(L, 3);
    return load(L);
  };
}

/**
 * xpcall whose message handler is skipped once the call has timed out. The time-limit hook raises its
 * error from inside the hook, where Lua runs the message handler with hooks disabled: a handler that
 * loops would otherwise never be interrupted.
 */
function guardedXpcall(xpcall: CFunction, timedOut: () => boolean): CFunction {
  const guard: CFunction = (L) => {
    if (timedOut()) return 1; // the error value, unchanged
    lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
    lua.lua_insert(L, 1);
    lua.lua_call(L, lua.lua_gettop(L) - 1, 1);
    return 1;
  };
  return (L) => {
    lauxlib.luaL_checktype(L, 2, T.FUNCTION);
    lua.lua_pushvalue(L, 2);
    lua.lua_pushcclosure(L, guard, 1);
    lua.lua_replace(L, 2);
    return xpcall(L);
  };
}

const GC_OPTIONS = new Set(["collect", "stop", "restart", "step", "setpause", "setstepmul", "incremental", "generational"]);

/** collectgarbage: fengari has no collector of its own (the JS GC runs); "count" reports the JS heap in KB. */
const collectgarbage: CFunction = (L) => {
  const opt = lua.lua_isnoneornil(L, 1) ? "collect" : (readString(L, 1) ?? "");
  if (opt === "count") lua.lua_pushnumber(L, process.memoryUsage().heapUsed / 1024);
  else if (opt === "isrunning") lua.lua_pushboolean(L, true);
  else if (GC_OPTIONS.has(opt)) lua.lua_pushinteger(L, 0);
  else return raise(L, `bad argument #1 to 'collectgarbage' (invalid option '${opt}')`);
  return 1;
};

function setGlobal(L: LuaState, name: string, fn: CFunction): void {
  lua.lua_pushcfunction(L, fn);
  lua.lua_setglobal(L, toLuaString(name));
}

/** Installs the 5.1 compatibility layer (base, table, string and math libraries must be open). */
export function installCompat(L: LuaState, timedOut: () => boolean): void {
  lua.lua_getglobal(L, toLuaString("load"));
  const load = lua.lua_tocfunction(L, -1) as CFunction;
  lua.lua_getglobal(L, toLuaString("xpcall"));
  const xpcall = lua.lua_tocfunction(L, -1) as CFunction;
  lua.lua_pop(L, 2);
  setGlobal(L, "load", textOnlyLoad(load));
  setGlobal(L, "xpcall", guardedXpcall(xpcall, timedOut));
  setGlobal(L, "getfenv", getfenv);
  setGlobal(L, "setfenv", makeSetfenv(L));
  setGlobal(L, "newproxy", newproxy);
  setGlobal(L, "collectgarbage", collectgarbage);
  lua.lua_getglobal(L, toLuaString("table"));
  setFunction(L, "getn", getn);
  setFunction(L, "maxn", maxn);
  lua.lua_getfield(L, -1, toLuaString("unpack"));
  lua.lua_setglobal(L, toLuaString("unpack"));
  lua.lua_pop(L, 1);
  lua.lua_getglobal(L, toLuaString("string"));
  lua.lua_getfield(L, -1, toLuaString("gmatch"));
  lua.lua_setfield(L, -2, toLuaString("gfind"));
  for (const name of ["dump", "pack", "packsize", "unpack"]) {
    lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, toLuaString(name));
  }
  lua.lua_pop(L, 1);
  lua.lua_pushstring(L, toLuaString("Lua 5.1"));
  lua.lua_setglobal(L, toLuaString("_VERSION"));
}
