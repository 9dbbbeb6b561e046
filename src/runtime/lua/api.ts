// Owns the short names the Lua engine uses for fengari's C-like API (from the patched build) and
// the byte/string conversions between JS strings and Lua strings (Lua strings are bytes; JS strings
// are decoded as UTF-8 with U+FFFD for invalid sequences, as Go does).
import { fengari } from "./fengari-loader.js";

/** fengari's lua.h */
export const lua: any = fengari.lua;
/** fengari's lauxlib.h */
export const lauxlib: any = fengari.lauxlib;

/** A fengari lua_State (main thread or coroutine). */
export type LuaState = object;
/** A JS function callable by fengari as a C function. */
export type CFunction = (L: LuaState) => number;

export const LUA_OK: number = lua.LUA_OK;
export const LUA_YIELD: number = lua.LUA_YIELD;
export const LUA_ERRRUN: number = lua.LUA_ERRRUN;
export const LUA_ERRSYNTAX: number = lua.LUA_ERRSYNTAX;
export const LUA_MULTRET: number = lua.LUA_MULTRET;
export const LUA_REGISTRYINDEX: number = lua.LUA_REGISTRYINDEX;
export const LUA_MASKCOUNT: number = lua.LUA_MASKCOUNT;

export const T = {
  NONE: lua.LUA_TNONE as number,
  NIL: lua.LUA_TNIL as number,
  BOOLEAN: lua.LUA_TBOOLEAN as number,
  LIGHTUSERDATA: lua.LUA_TLIGHTUSERDATA as number,
  NUMBER: lua.LUA_TNUMBER as number,
  STRING: lua.LUA_TSTRING as number,
  TABLE: lua.LUA_TTABLE as number,
  FUNCTION: lua.LUA_TFUNCTION as number,
  USERDATA: lua.LUA_TUSERDATA as number,
  THREAD: lua.LUA_TTHREAD as number,
} as const;

// Measured on Node 20 for 64-byte ASCII strings: TextDecoder beats Buffer#toString and
// String.fromCharCode; for encoding, a byte loop (short ASCII) and Buffer.from beat TextEncoder.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** JS string → Lua string bytes (UTF-8). */
export function toLuaString(s: string): Uint8Array {
  const n = s.length;
  if (n <= 64) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return Buffer.from(s, "utf8");
      out[i] = c;
    }
    return out;
  }
  return Buffer.from(s, "utf8");
}

/** Lua string bytes → JS string (UTF-8, invalid sequences become U+FFFD). */
export function fromLuaString(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Pushes a JS string as a Lua string. */
export function pushString(L: LuaState, s: string): void {
  lua.lua_pushstring(L, toLuaString(s));
}

/** Reads the string at `idx` (numbers are converted in place, as lua_tolstring does), or null. */
export function readString(L: LuaState, idx: number): string | null {
  const b: Uint8Array | null = lua.lua_tolstring(L, idx);
  return b === null ? null : fromLuaString(b);
}

/** luaL_error with a JS message (no format directives are interpreted). */
export function raise(L: LuaState, message: string): never {
  lauxlib.luaL_where(L, 1);
  pushString(L, message);
  lua.lua_concat(L, 2);
  return lua.lua_error(L) as never;
}

/** Raises `message` as the error value, without position information. */
export function raiseBare(L: LuaState, message: string): never {
  pushString(L, message);
  return lua.lua_error(L) as never;
}

/** Sets field `name` of the table at the top of the stack to a C function. */
export function setFunction(L: LuaState, name: string, fn: CFunction): void {
  lua.lua_pushcfunction(L, fn);
  lua.lua_setfield(L, -2, toLuaString(name));
}

/** Sets field `name` of the table at the top of the stack to a number. */
export function setNumber(L: LuaState, name: string, n: number): void {
  lua.lua_pushnumber(L, n);
  lua.lua_setfield(L, -2, toLuaString(name));
}

/** Removes field `name` of the table at the top of the stack. */
export function clearField(L: LuaState, name: string): void {
  lua.lua_pushnil(L);
  lua.lua_setfield(L, -2, toLuaString(name));
}
