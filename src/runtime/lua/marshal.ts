// Owns value conversion between Lua and JS, with Nakama's rules (RuntimeLuaConvertLuaValue):
//   Lua → JS: nil → null; booleans, numbers; strings → UTF-8 decoded JS strings (or bytes on request);
//   a table with any positive integer key below 2^26 → an array over 1..maxN (holes → null, other keys
//   dropped); any other table → an object with keys stringified as Go's fmt.Sprint would (so the empty
//   table is {}); functions and other references → LuaRef at the top level, "function: 0x…" text
//   inside tables (Nakama's converter writes that string).
//   JS → Lua: null/undefined → nil; numbers (int32 stay integers), bigint → number; strings → UTF-8;
//   Uint8Array/ArrayBuffer → string of those bytes; arrays → 1..n tables; Map and plain objects →
//   tables; LuaRef → its value; functions → callable host functions (so `{ broadcast: fn }` maps become
//   tables of callables, as ctx/dispatcher objects need).
// Cycles are rejected both ways; tables nest at most MAX_DEPTH deep; a table whose array extent
// exceeds 1M and is over 4× its entry count ({[5e7] = 1}) is refused instead of expanded (Nakama
// would allocate the array).
import { lauxlib, lua, pushString, readString, T, fromLuaString } from "./api.js";
import type { LuaState } from "./api.js";
import { luaNumberToString } from "./numbers.js";
import { LuaMulti, LuaRef } from "./types.js";
import type { HostFn } from "./types.js";

const MAX_DEPTH = 100;
/** gopher-lua's MaxArrayIndex: integer keys from here on live in the hash part, not the array. */
const MAX_ARRAY_INDEX = 67108864;
/** Refuse to expand absurdly sparse tables ({[60000000] = 1}) into huge arrays. */
const MAX_SPARSE_ARRAY = 1_000_000;

/** What conversion needs from the VM it runs in. */
export interface MarshalContext {
  /** Wraps a JS function as a Lua-callable C function. */
  hostFunction(fn: HostFn, name: string): (L: LuaState) => number;
  /** Creates a handle to the value at `idx`. */
  ref(L: LuaState, idx: number): LuaRef;
  /** Pushes a handle's value, checking it belongs to this VM. */
  pushRef(L: LuaState, ref: LuaRef): void;
  /** Pushes a table key (the VM may reuse the Lua string of keys it has seen). */
  pushKey(L: LuaState, key: string): void;
}

export class MarshalError extends Error {
  override readonly name = "MarshalError";
}

/** "function: 0x1f" as tostring() would print it, without calling metamethods. */
export function describeReference(L: LuaState, idx: number): string {
  const t: number = lua.lua_type(L, idx);
  const p = lua.lua_topointer(L, idx);
  const id = p !== null && typeof p === "object" && typeof p.id === "number" ? p.id.toString(16) : "0";
  return `${fromLuaString(lua.lua_typename(L, t))}: 0x${id}`;
}

/** A table key as Go's fmt.Sprint would print the gopher-lua value. */
function keyText(L: LuaState, idx: number): string {
  const t: number = lua.lua_type(L, idx);
  if (t === T.STRING) return fromLuaString(lua.lua_tolstring(L, idx));
  if (t === T.NUMBER) return luaNumberToString(lua.lua_tonumber(L, idx));
  if (t === T.BOOLEAN) return lua.lua_toboolean(L, idx) ? "true" : "false";
  return describeReference(L, idx);
}

/** Largest positive integer key (< 2^26) of the table at absolute `idx`, and the entry count. */
function arrayExtent(L: LuaState, idx: number): { maxN: number; count: number } {
  let maxN = 0;
  let count = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx) !== 0) {
    count++;
    if (lua.lua_type(L, -2) === T.NUMBER) {
      const k: number = lua.lua_tonumber(L, -2);
      if (Number.isInteger(k) && k > maxN && k < MAX_ARRAY_INDEX) maxN = k;
    }
    lua.lua_pop(L, 1);
  }
  return { maxN, count };
}

function tableToJs(L: LuaState, idx: number, path: Set<object>, depth: number): unknown {
  const id = lua.lua_topointer(L, idx) as object;
  if (path.has(id)) throw new MarshalError("cannot convert a table that contains itself");
  if (depth > MAX_DEPTH) throw new MarshalError(`table nesting deeper than ${MAX_DEPTH}`);
  lauxlib.luaL_checkstack(L, 4, "table too deep");
  path.add(id);
  try {
    const { maxN, count } = arrayExtent(L, idx);
    if (maxN > 0) {
      if (maxN > MAX_SPARSE_ARRAY && maxN > count * 4) throw new MarshalError(`sparse table with index ${maxN} is too large to convert`);
      const out = new Array<unknown>(maxN);
      for (let i = 1; i <= maxN; i++) {
        lua.lua_rawgeti(L, idx, i);
        out[i - 1] = nestedToJs(L, lua.lua_gettop(L), path, depth + 1);
        lua.lua_pop(L, 1);
      }
      return out;
    }
    const obj: Record<string, unknown> = {};
    lua.lua_pushnil(L);
    while (lua.lua_next(L, idx) !== 0) {
      const key = keyText(L, -2);
      const value = nestedToJs(L, lua.lua_gettop(L), path, depth + 1);
      if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      else obj[key] = value;
      lua.lua_pop(L, 1);
    }
    return obj;
  } finally {
    path.delete(id);
  }
}

function nestedToJs(L: LuaState, idx: number, path: Set<object>, depth: number): unknown {
  switch (lua.lua_type(L, idx) as number) {
    case T.NIL:
    case T.NONE:
      return null;
    case T.BOOLEAN:
      return lua.lua_toboolean(L, idx) as boolean;
    case T.NUMBER:
      return lua.lua_tonumber(L, idx) as number;
    case T.STRING:
      return fromLuaString(lua.lua_tolstring(L, idx));
    case T.TABLE:
      return tableToJs(L, idx, path, depth);
    default:
      return describeReference(L, idx);
  }
}

/** Converts the value at `idx` (top-level rules: functions and other references become LuaRef). */
export function toJs(ctx: MarshalContext, L: LuaState, idx: number, rawStrings = false): unknown {
  switch (lua.lua_type(L, idx) as number) {
    case T.STRING: {
      const bytes: Uint8Array = lua.lua_tolstring(L, idx);
      return rawStrings ? bytes.slice() : fromLuaString(bytes);
    }
    case T.NUMBER:
      return lua.lua_tonumber(L, idx) as number;
    case T.NIL:
    case T.NONE:
      return null;
    case T.BOOLEAN:
      return lua.lua_toboolean(L, idx) as boolean;
    case T.TABLE:
      return tableToJs(L, lua.lua_absindex(L, idx), new Set(), 0);
    default:
      return ctx.ref(L, idx);
  }
}

function pushArray(ctx: MarshalContext, L: LuaState, arr: readonly unknown[], path: Set<object>, depth: number): void {
  lua.lua_createtable(L, arr.length, 0);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v === null || v === undefined) continue;
    pushNested(ctx, L, v, path, depth + 1);
    lua.lua_rawseti(L, -2, i + 1);
  }
}

function pushMap(ctx: MarshalContext, L: LuaState, map: ReadonlyMap<unknown, unknown>, path: Set<object>, depth: number): void {
  lua.lua_createtable(L, 0, map.size);
  for (const [k, v] of map) {
    if (k === null || k === undefined || v === null || v === undefined) continue;
    pushNested(ctx, L, k, path, depth + 1);
    pushNested(ctx, L, v, path, depth + 1);
    lua.lua_rawset(L, -3);
  }
}

function pushObject(ctx: MarshalContext, L: LuaState, obj: Record<string, unknown>, path: Set<object>, depth: number): void {
  const keys = Object.keys(obj);
  lua.lua_createtable(L, 0, keys.length);
  for (const k of keys) {
    const v = obj[k];
    if (v === null || v === undefined) continue;
    ctx.pushKey(L, k);
    pushNested(ctx, L, v, path, depth + 1);
    lua.lua_rawset(L, -3);
  }
}

function pushContainer(ctx: MarshalContext, L: LuaState, v: object, path: Set<object>, depth: number): void {
  if (path.has(v)) throw new MarshalError("cannot convert a value that contains itself");
  if (depth > MAX_DEPTH) throw new MarshalError(`value nesting deeper than ${MAX_DEPTH}`);
  lauxlib.luaL_checkstack(L, 4, "value too deep");
  path.add(v);
  try {
    if (Array.isArray(v)) pushArray(ctx, L, v, path, depth);
    else if (v instanceof Map) pushMap(ctx, L, v, path, depth);
    else pushObject(ctx, L, v as Record<string, unknown>, path, depth);
  } finally {
    path.delete(v);
  }
}

function pushNested(ctx: MarshalContext, L: LuaState, v: unknown, path: Set<object>, depth: number): void {
  switch (typeof v) {
    case "undefined":
      lua.lua_pushnil(L);
      return;
    case "boolean":
      lua.lua_pushboolean(L, v);
      return;
    case "number":
      if ((v | 0) === v) lua.lua_pushinteger(L, v);
      else lua.lua_pushnumber(L, v);
      return;
    case "bigint":
      lua.lua_pushnumber(L, Number(v));
      return;
    case "string":
      pushString(L, v);
      return;
    case "function":
      lua.lua_pushcfunction(L, ctx.hostFunction(v as HostFn, v.name || "host function"));
      return;
    case "symbol":
      throw new MarshalError("cannot pass a symbol to Lua");
    default:
      break;
  }
  if (v === null) lua.lua_pushnil(L);
  else if (v instanceof Uint8Array) lua.lua_pushstring(L, v);
  else if (v instanceof ArrayBuffer) lua.lua_pushstring(L, new Uint8Array(v));
  else if (v instanceof LuaRef) ctx.pushRef(L, v);
  else if (v instanceof LuaMulti) throw new MarshalError("luaMulti() is only valid as a host function's return value");
  else pushContainer(ctx, L, v as object, path, depth);
}

/** Pushes one JS value onto the Lua stack. Throws MarshalError (leaving the stack as it was) on failure. */
export function pushJs(ctx: MarshalContext, L: LuaState, v: unknown): void {
  switch (typeof v) {
    case "string":
      pushString(L, v);
      return;
    case "number":
      if ((v | 0) === v) lua.lua_pushinteger(L, v);
      else lua.lua_pushnumber(L, v);
      return;
    case "boolean":
      lua.lua_pushboolean(L, v);
      return;
    case "undefined":
      lua.lua_pushnil(L);
      return;
    default:
      if (v === null) {
        lua.lua_pushnil(L);
        return;
      }
  }
  const top: number = lua.lua_gettop(L);
  try {
    pushNested(ctx, L, v, new Set(), 0);
  } catch (e) {
    lua.lua_settop(L, top);
    throw e;
  }
}

/** Reads a string argument for error texts and messages: tostring() semantics without metamethods. */
export function plainText(L: LuaState, idx: number): string {
  const t: number = lua.lua_type(L, idx);
  if (t === T.STRING) return readString(L, idx) ?? "";
  if (t === T.NUMBER) return luaNumberToString(lua.lua_tonumber(L, idx));
  if (t === T.NIL || t === T.NONE) return "nil";
  if (t === T.BOOLEAN) return lua.lua_toboolean(L, idx) ? "true" : "false";
  return describeReference(L, idx);
}
