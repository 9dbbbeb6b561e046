// Owns a VM's module map: names normalized ("lib/util" ≡ "lib.util"), sources kept as Lua bytes,
// and compiling a module into a chunk on the Lua stack. Chunks are named "@<file>" so syntax and
// runtime errors read "lib/util.lua:12: …". Only text chunks are accepted.
import { lauxlib, lua, LUA_OK, toLuaString } from "./api.js";
import type { LuaState } from "./api.js";
import { normalizeModuleName } from "./prelude.js";
import type { LuaModuleSource } from "./types.js";

interface Entry {
  readonly bytes: Uint8Array;
  readonly chunkname: Uint8Array;
}

const TEXT_MODE = toLuaString("t");

export class ModuleSet {
  readonly #byName = new Map<string, Entry>();
  readonly #byFile = new Map<string, string>();

  constructor(modules: ReadonlyMap<string, LuaModuleSource>) {
    for (const [name, m] of modules) {
      const key = normalizeModuleName(name);
      if (this.#byName.has(key)) throw new Error(`Lua module '${key}' is defined twice`);
      const source = m.source.startsWith("\uFEFF") ? m.source.slice(1) : m.source;
      this.#byName.set(key, { bytes: toLuaString(source), chunkname: toLuaString("@" + m.file) });
      this.#byFile.set(m.file.replace(/^\.\//, ""), key);
    }
  }

  /** Module names in the order loadAll requires them (sorted, as Nakama does). */
  names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  /** Compiles module `key` onto the stack; false if unknown. A syntax error is raised as a Lua error. */
  pushChunk(L: LuaState, key: string): boolean {
    const e = this.#byName.get(key);
    if (e === undefined) return false;
    if (lauxlib.luaL_loadbufferx(L, e.bytes, e.bytes.length, e.chunkname, TEXT_MODE) !== LUA_OK) lua.lua_error(L);
    return true;
  }

  /** Compiles the module whose file is `path` (for dofile/loadfile); false if unknown. */
  pushFile(L: LuaState, path: string): boolean {
    const key = this.#byFile.get(path.replace(/^\.\//, ""));
    return key !== undefined && this.pushChunk(L, key);
  }
}
