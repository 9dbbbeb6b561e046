// Owns turning a Lua error value into the GameError a VM call rejects with:
//   error({ "message", 13 }) and error({ msg = "…", code = 5 }) (also `message =`) → that code and text;
//   a table without a code → INTERNAL (13) with its message; a table without a message → INTERNAL
//   "table: 0x…" (as Nakama prints it, no metamethods run);
//   a string raised by a host function that threw GameError(code) → that code, also when re-raised
//   by Lua with error(e) (which prefixes "file:line: ");
//   any other string, e.g. error("text") → INTERNAL (13, what Nakama answers for a failing RPC) with
//   the text as Lua formats it ("mod.lua:12: text").
// The Lua traceback travels in the GameError's cause (LuaErrorDetail).
import { Code, GameError, isCode } from "../../errors.js";
import { lauxlib, lua, T, toLuaString, readString } from "./api.js";
import type { LuaState } from "./api.js";
import { describeReference, plainText } from "./marshal.js";

export type LuaErrorKind = "runtime" | "timeout" | "argument" | "closed";

/** The `cause` of GameErrors produced by the Lua engine. */
export interface LuaErrorDetail {
  readonly kind: LuaErrorKind;
  /** "stack traceback:\n\t…" of the failed coroutine, when there is one. */
  readonly traceback?: string;
  /** The original JS error, for host-function failures and marshalling errors. */
  readonly error?: unknown;
}

/** gRPC code from a Lua value: an integer 1..16, else INTERNAL. */
function codeOf(L: LuaState, idx: number): Code {
  if (lua.lua_type(L, idx) !== T.NUMBER) return Code.INTERNAL;
  const n: number = lua.lua_tonumber(L, idx);
  return isCode(n) && n !== Code.OK ? n : Code.INTERNAL;
}

function rawField(L: LuaState, tidx: number, key: string | number): number {
  if (typeof key === "number") lua.lua_rawgeti(L, tidx, key);
  else {
    lua.lua_pushstring(L, toLuaString(key));
    lua.lua_rawget(L, tidx);
  }
  return lua.lua_type(L, -1) as number;
}

function fromTable(L: LuaState, tidx: number): { code: Code; message: string } {
  const top: number = lua.lua_gettop(L);
  try {
    if (rawField(L, tidx, 1) !== T.NIL) {
      const message = plainText(L, -1);
      rawField(L, tidx, 2);
      return { code: codeOf(L, -1), message };
    }
    for (const key of ["msg", "message"]) {
      if (rawField(L, tidx, key) !== T.NIL) {
        const message = plainText(L, -1);
        rawField(L, tidx, "code");
        return { code: codeOf(L, -1), message };
      }
      lua.lua_pop(L, 1);
    }
    return { code: Code.INTERNAL, message: describeReference(L, tidx) };
  } finally {
    lua.lua_settop(L, top);
  }
}

/** Code of a host error whose message `s` is, possibly after Lua prefixed "file:line: " when re-raising. */
function hostCode(s: string, hostErrors: ReadonlyMap<string, Code>): Code | undefined {
  const exact = hostErrors.get(s);
  if (exact !== undefined) return exact;
  for (const [m, c] of hostErrors) if (s.endsWith(": " + m)) return c;
  return undefined;
}

/** Reads the error value at `idx` of `L`. */
export function errorFromValue(L: LuaState, idx: number, hostErrors: ReadonlyMap<string, Code>): { code: Code; message: string } {
  const t: number = lua.lua_type(L, idx);
  if (t === T.TABLE) return fromTable(L, lua.lua_absindex(L, idx));
  const message = plainText(L, idx);
  return { code: t === T.STRING ? (hostCode(message, hostErrors) ?? Code.INTERNAL) : Code.INTERNAL, message };
}

/** The traceback of a failed coroutine `co`, computed on `L` (the main thread). */
export function tracebackOf(L: LuaState, co: LuaState): string {
  lauxlib.luaL_traceback(L, co, null, 0);
  const text = readString(L, -1) ?? "";
  lua.lua_pop(L, 1);
  return text;
}

export function luaError(code: Code, message: string, detail: LuaErrorDetail): GameError {
  return new GameError(code, message, { cause: detail });
}
