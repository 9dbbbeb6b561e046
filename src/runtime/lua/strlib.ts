// Owns the sandbox's replacement for string.rep: fengari copies the piece once per repetition (48M
// TypedArray.set calls for string.rep("x", 48e6), over a second of uninterruptible JS); this one
// doubles the filled prefix with copyWithin, so the cost is a few large memory copies.
import { LUA_MAX_STRING_BYTES } from "./fengari-loader.js";
import { lauxlib, lua, raise, setFunction, toLuaString } from "./api.js";
import type { LuaState } from "./api.js";

/** `n` copies of `s` separated by `sep`, or null when the result would exceed `max` bytes. */
export function repeatBytes(s: Uint8Array, n: number, sep: Uint8Array, max: number): Uint8Array | null {
  if (n <= 0) return new Uint8Array(0);
  const unit = s.length + sep.length;
  const total = n * s.length + (n - 1) * sep.length;
  if (total > max) return null;
  const out = new Uint8Array(total);
  out.set(s, 0);
  if (n === 1) return out;
  out.set(sep, s.length);
  const body = (n - 1) * unit; // every copy but the last carries its separator
  let filled = unit;
  while (filled < body) {
    const len = Math.min(filled, body - filled);
    out.copyWithin(filled, 0, len);
    filled += len;
  }
  out.set(s, body);
  return out;
}

const rep = (L: LuaState): number => {
  const s: Uint8Array = lauxlib.luaL_checkstring(L, 1);
  const n: number = lauxlib.luaL_checkinteger(L, 2);
  const sep: Uint8Array = lua.lua_isnoneornil(L, 3) ? new Uint8Array(0) : lauxlib.luaL_checkstring(L, 3);
  const out = repeatBytes(s, n, sep, LUA_MAX_STRING_BYTES);
  if (out === null) return raise(L, "resulting string too large");
  lua.lua_pushstring(L, out);
  return 1;
};

/** Installs string.rep into the global `string` table. */
export function adjustString(L: LuaState): void {
  lua.lua_getglobal(L, toLuaString("string"));
  setFunction(L, "rep", rep);
  lua.lua_pop(L, 1);
}
