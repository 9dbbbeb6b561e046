// Owns a VM's module map: names normalized ("lib/util" ≡ "lib.util"), sources kept as Lua bytes,
// and compiling a module into a chunk on the Lua stack through the (possibly shared) chunk cache.
// Chunks are named "@<file>" so syntax and runtime errors read "lib/util.lua:12: …".
import { lua, toLuaString } from "./api.js";
import type { LuaState } from "./api.js";
import type { LuaChunkCache } from "./chunk-cache.js";
import { normalizeModuleName } from "./prelude.js";
import type { LuaModuleSource } from "./types.js";

interface Entry {
  readonly file: string;
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly chunkname: Uint8Array;
}

export class ModuleSet {
  readonly #byName = new Map<string, Entry>();
  readonly #byFile = new Map<string, string>();
  readonly #cache: LuaChunkCache;

  constructor(modules: ReadonlyMap<string, LuaModuleSource>, cache: LuaChunkCache) {
    this.#cache = cache;
    for (const [name, m] of modules) {
      const key = normalizeModuleName(name);
      if (this.#byName.has(key)) throw new Error(`Lua module '${key}' is defined twice`);
      const text = m.source.startsWith("\uFEFF") ? m.source.slice(1) : m.source;
      this.#byName.set(key, { file: m.file, text, bytes: toLuaString(text), chunkname: toLuaString("@" + m.file) });
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
    if (!this.#cache.load(L, e.file, e.bytes, e.text, e.chunkname)) lua.lua_error(L);
    return true;
  }

  /** Compiles the module whose file is `path` (for dofile/loadfile); false if unknown. */
  pushFile(L: LuaState, path: string): boolean {
    const key = this.#byFile.get(path.replace(/^\.\//, ""));
    return key !== undefined && this.pushChunk(L, key);
  }
}
