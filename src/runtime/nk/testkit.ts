// Owns the nk unit tests' fixture: NkDeps over an in-memory migrated database (identity testkit: test
// social verifiers and config), a session service, a manual clock, and helpers that call one binding by
// its Lua or JS name the way the engines do. Test-only: nothing in the server imports this module.
import { configFrom } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { openTestCore } from "../../identity/testkit.js";
import { silentLogger } from "../../log.js";
import { createSessionService, sessionSettingsFrom } from "../../session/service.js";
import { systemContext, ExecutionMode } from "../context.js";
import { nkBindings } from "./index.js";
import { createNkShared } from "./shared.js";
import type { NkBinding, NkDeps, NkServices } from "./types.js";

export interface NkFixture {
  deps: NkDeps;
  /** Milliseconds; tests move it forward. */
  clock: { now: number };
  lua(name: string, ...args: unknown[]): Promise<unknown[]>;
  js(name: string, ...args: unknown[]): Promise<unknown>;
  dispose(): Promise<void>;
}

export async function openNkFixture(opts: { config?: Record<string, unknown>; services?: NkServices } = {}): Promise<NkFixture> {
  const { core, tdb } = await openTestCore();
  const config: Config = configFrom({ "runtime.env": ["GREETING=hello", "EMPTY="], ...opts.config }).config;
  const clock = { now: Date.UTC(2024, 0, 1) };
  const now = (): number => clock.now;
  const deps: NkDeps = {
    db: tdb.db,
    config,
    log: silentLogger(),
    sessions: createSessionService(sessionSettingsFrom(config.session)),
    identity: core,
    shared: createNkShared({ now, eventQueueSize: 4 }),
    services: opts.services,
    now,
  };
  const table = nkBindings();
  const byName = (lang: "lua" | "js", name: string): NkBinding => {
    const b = table.find((x) => x[lang] === name);
    if (b === undefined) throw new Error(`no ${lang} binding ${name}`);
    return b;
  };
  const ctx = systemContext({ env: {}, node: "troupe", version: "test" }, ExecutionMode.RPC);
  return {
    deps,
    clock,
    async lua(name, ...args) {
      const fn = byName("lua", name).callLua;
      if (fn === undefined) throw new Error(`${name} has no Lua side`);
      return fn({ deps, ctx }, args);
    },
    async js(name, ...args) {
      const fn = byName("js", name).callJs;
      if (fn === undefined) throw new Error(`${name} has no JS side`);
      return fn({ deps, ctx }, args);
    },
    dispose: () => tdb.dispose(),
  };
}

/** A promise's rejection, asserting that it rejects. */
export async function rejection(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: number; message: string };
  }
  throw new Error("expected a rejection");
}
