// Owns choosing and building the engine that runs a match name, with Nakama's precedence: a native
// registration, then a Lua module of that name, then a JavaScript registration (registerMatch). Keeps
// what match VMs share: one compiled QuickJS engine (created on the first JS match) and one Lua chunk
// cache (each module is compiled once for all match VMs).
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { createJsEngine, type JsBuild, type JsEngine } from "../../runtime/js/index.js";
import { LuaChunkCache, type LuaModuleSource } from "../../runtime/lua/index.js";
import type { EngineKind } from "../../runtime/registry.js";
import type { NativeMatchHandlers } from "../../runtime/types/native.js";
import type { MatchCore } from "../types.js";
import type { MatchCoreDeps } from "./deps.js";
import { jsBuildOf } from "./js-build.js";
import { jsMatchCore, jsNkTable, type JsMatchSource, type NkTable } from "./js.js";
import { luaMatchCore } from "./lua.js";
import { nativeMatchCore } from "./native.js";

export type { MatchCoreDeps } from "./deps.js";

/** What the loaded runtime offers the match host (built from src/runtime's Runtime by the host). */
export interface MatchHandlerSource {
  /** Native handlers registered under `name` (case-insensitive), if any. */
  native(name: string): NativeMatchHandlers | undefined;
  /** Every Lua module by name ("lib.util"). */
  readonly lua: ReadonlyMap<string, LuaModuleSource>;
  /** The JS bundle, when it registered a match under `name` (case-insensitive). */
  js(name: string): JsMatchSource | undefined;
}

export class MatchCoreFactory {
  private readonly chunks = new LuaChunkCache();
  private jsEngine: Promise<JsEngine> | null = null;
  /** JS nk tables by bindings list (one list per server): built once, not per match. */
  private readonly nkTables = new WeakMap<object, NkTable>();
  /**
   * The QuickJS build each bundle's match VMs use (match.js_build), chosen and logged once per bundle. With
   * "auto", the bundle's first match VM runs on asyncify and reports what the choice needs (js-build.ts).
   */
  private readonly builds = new WeakMap<JsMatchSource, JsBuild>();

  constructor(private readonly log: Logger) {}

  /** The engine that would run `name`, or undefined when nothing is registered under it. */
  engineOf(src: MatchHandlerSource, name: string): EngineKind | undefined {
    if (src.native(name) !== undefined) return "native";
    if (src.lua.has(name)) return "lua";
    if (src.js(name) !== undefined) return "js";
    return undefined;
  }

  /** Builds the core (a fresh VM for Lua/JS); NOT_FOUND "not found" for an unknown name. */
  async create(src: MatchHandlerSource, d: MatchCoreDeps): Promise<MatchCore> {
    const native = src.native(d.handlerName);
    if (native !== undefined) return nativeMatchCore(native, d);
    if (src.lua.has(d.handlerName)) return luaMatchCore({ modules: src.lua, chunks: this.chunks }, d);
    const js = src.js(d.handlerName);
    if (js !== undefined) {
      const table = this.nkTable(d);
      const setting = d.settings.jsBuild;
      const build = setting === "auto" ? this.builds.get(js) : setting;
      if (build !== undefined) return jsMatchCore(js, await this.engine(), d, table, build);
      return jsMatchCore(js, await this.engine(), d, table, "asyncify", (seen) => this.choose(js, table, seen));
    }
    throw new GameError(Code.NOT_FOUND, "not found");
  }

  private nkTable(d: MatchCoreDeps): NkTable {
    let t = this.nkTables.get(d.bindings);
    if (t === undefined) this.nkTables.set(d.bindings, (t = jsNkTable(d.bindings)));
    return t;
  }

  private choose(js: JsMatchSource, table: NkTable, seen: readonly string[]): void {
    if (this.builds.has(js)) return;
    const choice = jsBuildOf(js.source, table.waiting, "auto", seen);
    this.builds.set(js, choice.build);
    const why = choice.reason === null
      ? "the code match VMs can run names no nk function that waits"
      : `match VMs can run code that names nk.${choice.reason}, which waits`;
    this.log.info({ file: js.file, build: choice.build }, `JavaScript match VMs use QuickJS's ${choice.build} build (match.js_build auto: ${why})`);
  }

  private engine(): Promise<JsEngine> {
    this.jsEngine ??= createJsEngine({ log: this.log });
    return this.jsEngine;
  }
}
