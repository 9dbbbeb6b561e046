// Owns the bit32 library (Lua 5.2's, which Nakama provides): every argument is reduced modulo 2^32
// to an unsigned 32-bit value, results are unsigned; negative displacements shift the other way,
// displacements of 32 or more clear (or, for arshift, fill with the sign bit); extract/replace check
// that the field lies within bits 0..31.
import { lauxlib, lua, raise, setFunction, toLuaString } from "./api.js";
import type { CFunction, LuaState } from "./api.js";

const TWO_32 = 4294967296;

/** A number reduced modulo 2^32 to an unsigned integer (what luaL_checkunsigned yields). */
export function toUint32(n: number): number {
  const f = Math.floor(n);
  const m = f % TWO_32;
  return m < 0 ? m + TWO_32 : m;
}

export function lshift(x: number, disp: number): number {
  if (disp < 0) return rshift(x, -disp);
  if (disp >= 32) return 0;
  return (x << disp) >>> 0;
}

export function rshift(x: number, disp: number): number {
  if (disp < 0) return lshift(x, -disp);
  if (disp >= 32) return 0;
  return x >>> disp;
}

export function arshift(x: number, disp: number): number {
  if (disp < 0) return lshift(x, -disp);
  if (disp >= 32) return x >= 0x80000000 ? 0xffffffff : 0;
  return (x | 0) >> disp >>> 0;
}

export function lrotate(x: number, disp: number): number {
  const d = ((disp % 32) + 32) % 32;
  if (d === 0) return x;
  return ((x << d) | (x >>> (32 - d))) >>> 0;
}

function mask(width: number): number {
  return width === 32 ? 0xffffffff : (1 << width) - 1;
}

const arg = (L: LuaState, i: number): number => toUint32(lauxlib.luaL_checknumber(L, i));
const disp = (L: LuaState, i: number): number => lauxlib.luaL_checkinteger(L, i) as number;

function fold(L: LuaState, start: number, op: (a: number, b: number) => number): number {
  const n: number = lua.lua_gettop(L);
  let r = start;
  for (let i = 1; i <= n; i++) r = op(r, arg(L, i)) >>> 0;
  return r;
}

function fieldArgs(L: LuaState, fieldIdx: number): { field: number; width: number } {
  const field: number = lauxlib.luaL_checkinteger(L, fieldIdx);
  const width: number = lauxlib.luaL_optinteger(L, fieldIdx + 1, 1);
  if (field < 0) raise(L, `bad argument #${fieldIdx} to 'extract' (field cannot be negative)`);
  if (width <= 0) raise(L, `bad argument #${fieldIdx + 1} to 'extract' (width must be positive)`);
  if (field + width > 32) raise(L, "trying to access non-existent bits");
  return { field, width };
}

const push = (L: LuaState, n: number): number => {
  lua.lua_pushnumber(L, n);
  return 1;
};

const functions: Record<string, CFunction> = {
  band: (L) => push(L, fold(L, 0xffffffff, (a, b) => a & b)),
  bor: (L) => push(L, fold(L, 0, (a, b) => a | b)),
  bxor: (L) => push(L, fold(L, 0, (a, b) => a ^ b)),
  btest: (L) => {
    lua.lua_pushboolean(L, fold(L, 0xffffffff, (a, b) => a & b) !== 0);
    return 1;
  },
  bnot: (L) => push(L, ~arg(L, 1) >>> 0),
  lshift: (L) => push(L, lshift(arg(L, 1), disp(L, 2))),
  rshift: (L) => push(L, rshift(arg(L, 1), disp(L, 2))),
  arshift: (L) => push(L, arshift(arg(L, 1), disp(L, 2))),
  lrotate: (L) => push(L, lrotate(arg(L, 1), disp(L, 2))),
  rrotate: (L) => push(L, lrotate(arg(L, 1), -disp(L, 2))),
  extract: (L) => {
    const n = arg(L, 1);
    const { field, width } = fieldArgs(L, 2);
    return push(L, ((n >>> field) & mask(width)) >>> 0);
  },
  replace: (L) => {
    const n = arg(L, 1);
    const v = arg(L, 2);
    const { field, width } = fieldArgs(L, 3);
    const m = mask(width);
    return push(L, ((n & ~(m << field)) | ((v & m) << field)) >>> 0);
  },
};

/** Creates the global `bit32` table. */
export function openBit32(L: LuaState): void {
  lua.lua_createtable(L, 0, Object.keys(functions).length);
  for (const [name, fn] of Object.entries(functions)) setFunction(L, name, fn);
  lua.lua_setglobal(L, toLuaString("bit32"));
}
