// Owns `troupe check`: loads every module the server would load (native imports, Lua modules, the JS
// bundle) and runs their InitModule without a database or services — nk functions and the db handle
// answer FAILED_PRECONDITION and run_once never runs — then reports what each runtime registered and
// which identifiers collide. A load failure is an error; a failure that follows an nk call the check
// could not make is a warning (that code path is not verifiable offline).
import type { Config } from "../config/schema.js";
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Db } from "../storage/db.js";
import { parseEnv, type ContextBase } from "./context.js";
import type { EngineVm } from "./engine.js";
import { ModuleLoadError } from "./errors.js";
import { jsEngineFactory } from "./js-engine.js";
import { scanModules } from "./loader.js";
import { luaEngineFactory } from "./lua-engine.js";
import { loadNativeModules } from "./native-engine.js";
import { nkBindings } from "./nk/index.js";
import type { NkBinding, NkDeps } from "./nk/types.js";
import { describeKey, resolveOwnership, type EngineKind } from "./registry.js";

export interface CheckReport {
  readonly ok: boolean;
  readonly lines: string[];
  readonly errors: string[];
  readonly warnings: string[];
}

interface Probe {
  /** nk functions (and db methods) module code called while loading. */
  readonly called: Set<string>;
}

function unavailable(probe: Probe, name: string): never {
  probe.called.add(name);
  throw new GameError(Code.FAILED_PRECONDITION, `${name} is not available in troupe check`);
}

function stubBindings(probe: Probe): NkBinding[] {
  return nkBindings().map((b) => ({
    ...b,
    callLua: b.lua === undefined ? undefined : () => unavailable(probe, `nk.${b.lua}`),
    callJs: b.js === undefined ? undefined : () => unavailable(probe, `nk.${b.js}`),
  }));
}

function stubObject<T extends object>(probe: Probe, prefix: string): T {
  return new Proxy({} as T, {
    get: (_t, prop) => (typeof prop === "string" && prop !== "then" ? () => unavailable(probe, `${prefix}.${prop}`) : undefined),
  });
}

async function attempt(
  what: string,
  probe: Probe,
  report: { errors: string[]; warnings: string[] },
  load: () => Promise<EngineVm | undefined>,
): Promise<EngineVm | undefined> {
  const before = probe.called.size;
  try {
    return await load();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (probe.called.size > before && err instanceof ModuleLoadError) {
      report.warnings.push(`${what}: not fully verified, it calls ${[...probe.called].slice(before).join(", ")} while loading: ${message}`);
    } else {
      report.errors.push(message);
    }
    return undefined;
  }
}

/** Loads and validates the modules under config.runtime.path. */
export async function checkModules(config: Config, log: Logger): Promise<CheckReport> {
  const r = config.runtime;
  const base: ContextBase = { env: parseEnv(r.env), node: config.name, version: "check" };
  const probe: Probe = { called: new Set() };
  const report = { errors: [] as string[], warnings: [] as string[] };
  const lines: string[] = [];
  let files;
  try {
    files = await scanModules(r.path, r.js_entrypoint);
  } catch (err) {
    return { ok: false, lines, errors: [err instanceof Error ? err.message : String(err)], warnings: [] };
  }
  lines.push(`runtime path ${files.root}: ${files.native.length} native, ${files.lua.size} Lua, ${files.js ? `JS bundle ${files.js.file}` : "no JS bundle"}`);
  const bindings = stubBindings(probe);
  const nk = {} as NkDeps; // never read: every binding is stubbed
  const vms: Partial<Record<EngineKind, EngineVm>> = {};
  if (files.native.length > 0) {
    vms.native = await attempt("native modules", probe, report, () => loadNativeModules({
      files: files.native, base, config, db: stubObject<Db>(probe, "db"), nk: () => stubObject(probe, "nk"), log, skipRunOnce: true,
    }));
  }
  if (files.lua.size > 0) {
    vms.lua = await attempt("Lua modules", probe, report, () =>
      luaEngineFactory({ modules: files.lua, bindings, nk, base, log, callTimeoutMs: r.call_timeout_ms, skipRunOnce: true }).create());
  }
  if (files.js !== null) {
    const js = files.js;
    vms.js = await attempt(`JS bundle ${js.file}`, probe, report, async () => (await jsEngineFactory({
      file: js.file, source: js.source, bindings, nk, base, config, log, callTimeoutMs: r.call_timeout_ms,
      memoryLimitBytes: r.js_memory_limit_bytes, readOnlyGlobals: r.js_read_only_globals, skipRunOnce: true,
    })).create());
  }
  const ownership = resolveOwnership({ native: vms.native?.keys(), lua: vms.lua?.keys(), js: vms.js?.keys() }, log);
  for (const [key, engine] of ownership.entries()) lines.push(`${engine}\t${describeKey(key)}`);
  await Promise.all(Object.values(vms).map((vm) => vm?.close()));
  return { ok: report.errors.length === 0, lines, ...report };
}
