// Owns compiled Lua chunks shared between VMs. Parsing is the expensive part of loading a module in
// fengari (measured: ~1 ms for the 2 KB prelude, versus ~45 µs to load the same chunk's bytecode),
// so each (file, source) is parsed once per cache and every later VM loads fengari's own dump of it
// (debug info kept: errors still read "file.lua:12: …"). A syntax error is cached as its message.
// Binary chunks only ever come from this cache; user code's `load` stays text-only.
import { lauxlib, lua, LUA_OK, pushString, readString, toLuaString } from "./api.js";
import type { LuaState } from "./api.js";

type Entry = { readonly bytecode: Uint8Array } | { readonly error: string };

const TEXT = toLuaString("t");
const BINARY = toLuaString("b");

/** Dumps the Lua function at the top of the stack (with debug info). */
export function dumpFunction(L: LuaState): Uint8Array {
  const parts: Uint8Array[] = [];
  const writer = (_L: LuaState, p: Uint8Array, size: number): number => {
    parts.push(p.slice(0, size));
    return 0;
  };
  if (lua.lua_dump(L, writer, null, false) !== 0) throw new Error("lua_dump failed");
  return Buffer.concat(parts);
}

/** Compiles `source` once (in a scratch state) and returns its bytecode; throws on a syntax error. */
export function precompile(source: string, chunkname: string): Uint8Array {
  const L: LuaState = lauxlib.luaL_newstate();
  const bytes = toLuaString(source);
  if (lauxlib.luaL_loadbufferx(L, bytes, bytes.length, toLuaString(chunkname), TEXT) !== LUA_OK) {
    throw new Error(`cannot compile ${chunkname}: ${readString(L, -1) ?? ""}`);
  }
  return dumpFunction(L);
}

/** Loads bytecode produced by precompile/dumpFunction onto the stack. */
export function loadBytecode(L: LuaState, bytecode: Uint8Array, chunkname: Uint8Array): void {
  if (lauxlib.luaL_loadbufferx(L, bytecode, bytecode.length, chunkname, BINARY) !== LUA_OK) {
    throw new Error(`cannot load cached bytecode: ${readString(L, -1) ?? ""}`);
  }
}

export class LuaChunkCache {
  readonly #byFile = new Map<string, Map<string, Entry>>();

  /** Number of distinct compiled chunks held. */
  get size(): number {
    let n = 0;
    for (const m of this.#byFile.values()) n += m.size;
    return n;
  }

  /**
   * Pushes the compiled chunk of `source` (named "@file") onto L's stack and returns true, or pushes
   * the syntax error message and returns false.
   */
  load(L: LuaState, file: string, source: Uint8Array, sourceText: string, chunkname: Uint8Array): boolean {
    let perFile = this.#byFile.get(file);
    if (perFile === undefined) {
      perFile = new Map();
      this.#byFile.set(file, perFile);
    }
    const cached = perFile.get(sourceText);
    if (cached !== undefined) {
      if ("error" in cached) {
        pushString(L, cached.error);
        return false;
      }
      loadBytecode(L, cached.bytecode, chunkname);
      return true;
    }
    if (lauxlib.luaL_loadbufferx(L, source, source.length, chunkname, TEXT) !== LUA_OK) {
      perFile.set(sourceText, { error: readString(L, -1) ?? "syntax error" });
      return false;
    }
    perFile.set(sourceText, { bytecode: dumpFunction(L) });
    return true;
  }
}
