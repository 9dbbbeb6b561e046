// Owns the sandbox's adjustments to fengari's `math` table so it matches Nakama's (Lua 5.1 plus
// gopher-lua): per-VM random state (fengari's is process-wide), fmod/mod with C semantics (nan on
// zero), 5.1 functions (pow, log10, atan2, ldexp, frexp, cosh, sinh, tanh), math.huge =
// MaxFloat64 as in Nakama, maxinteger/mininteger = ±(2^53-1) (the exact float64 integer range), and
// no 5.3-only `type`/`ult` (their answers would expose fengari's internal integer subtype).
import { clearField, lauxlib, lua, raise, setFunction, setNumber, toLuaString } from "./api.js";
import type { CFunction, LuaState } from "./api.js";

const MAX_FLOAT64 = 1.7976931348623157e308;

/** mulberry32: a small seeded PRNG, used once math.randomseed has been called. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** frexp: x = m * 2^e with 0.5 <= |m| < 1 (m = x, e = 0 for 0, inf and nan). */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.floor(Math.log2(Math.abs(x))) + 1;
  let m = ldexp(x, -e);
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  return [m, e];
}

/** ldexp: m * 2^e without intermediate overflow/underflow. */
export function ldexp(m: number, e: number): number {
  const steps = Math.min(3, Math.ceil(Math.abs(e) / 1023));
  let r = m;
  for (let i = 0; i < steps; i++) r *= Math.pow(2, Math.floor((e + i) / steps));
  return r;
}

function unary(f: (x: number) => number): CFunction {
  return (L) => {
    lua.lua_pushnumber(L, f(lauxlib.luaL_checknumber(L, 1)));
    return 1;
  };
}

function binary(f: (x: number, y: number) => number): CFunction {
  return (L) => {
    lua.lua_pushnumber(L, f(lauxlib.luaL_checknumber(L, 1), lauxlib.luaL_checknumber(L, 2)));
    return 1;
  };
}

function randomFunctions(): { random: CFunction; randomseed: CFunction } {
  let next: () => number = Math.random;
  const random: CFunction = (L) => {
    const r = next();
    const n: number = lua.lua_gettop(L);
    if (n === 0) {
      lua.lua_pushnumber(L, r);
      return 1;
    }
    if (n > 2) return raise(L, "wrong number of arguments");
    const low = n === 1 ? 1 : Math.trunc(lauxlib.luaL_checknumber(L, 1));
    const up = Math.trunc(lauxlib.luaL_checknumber(L, n));
    if (low > up) return raise(L, `bad argument #${n} to 'random' (interval is empty)`);
    lua.lua_pushnumber(L, low + Math.floor(r * (up - low + 1)));
    return 1;
  };
  const randomseed: CFunction = (L) => {
    next = seeded(Math.trunc(lauxlib.luaL_checknumber(L, 1)));
    return 0;
  };
  return { random, randomseed };
}

/** Adjusts the global `math` table (fengari's luaopen_math must have run). */
export function adjustMath(L: LuaState): void {
  lua.lua_getglobal(L, toLuaString("math"));
  const { random, randomseed } = randomFunctions();
  setFunction(L, "random", random);
  setFunction(L, "randomseed", randomseed);
  const fmod = binary((a, b) => a % b);
  setFunction(L, "fmod", fmod);
  setFunction(L, "mod", fmod);
  setFunction(L, "pow", binary(Math.pow));
  setFunction(L, "atan2", binary(Math.atan2));
  setFunction(L, "log10", unary(Math.log10));
  setFunction(L, "cosh", unary(Math.cosh));
  setFunction(L, "sinh", unary(Math.sinh));
  setFunction(L, "tanh", unary(Math.tanh));
  setFunction(L, "ldexp", binary(ldexp));
  setFunction(L, "frexp", (S) => {
    const [m, e] = frexp(lauxlib.luaL_checknumber(S, 1));
    lua.lua_pushnumber(S, m);
    lua.lua_pushnumber(S, e);
    return 2;
  });
  setFunction(L, "tointeger", (S) => {
    const x: number | false = lua.lua_type(S, 1) === lua.LUA_TNUMBER ? lua.lua_tonumber(S, 1) : false;
    if (x !== false && Number.isInteger(x)) lua.lua_pushnumber(S, x);
    else lua.lua_pushnil(S);
    return 1;
  });
  setNumber(L, "huge", MAX_FLOAT64);
  setNumber(L, "maxinteger", Number.MAX_SAFE_INTEGER);
  setNumber(L, "mininteger", -Number.MAX_SAFE_INTEGER);
  clearField(L, "type");
  clearField(L, "ult");
  lua.lua_pop(L, 1);
}
