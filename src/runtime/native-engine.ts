// Owns native modules (Troupe's Go-plugin analogue): *.mjs files imported as they are and *.ts files
// compiled at load (tsx), run in-process with full access. Each file exporting InitModule is called
// once with (ctx, logger, nk, initializer) — it may be async — and registered functions are called as
// fn(ctx, logger, nk, ...payloads) with typed wire values. No pool: calls run concurrently.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as TsxApi from "tsx/esm/api";
import type { Config } from "../config/schema.js";
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Db } from "../storage/db.js";
import { ExecutionMode, systemContext, type ContextBase, type RuntimeContext } from "./context.js";
import type { EngineVm, GuestCall } from "./engine.js";
import { ModuleLoadError } from "./errors.js";
import { nativeLogger, type LogTarget } from "./logger.js";
import { apiHookName, rtHookName } from "./names.js";
import { RegKind, Registrations, type StorageIndexSpec } from "./registry.js";
import type { NativeInitializer, NativeMatchHandlers } from "./types/native.js";

type AnyFn = (...args: unknown[]) => unknown;

export interface NativeEngineOptions {
  /** Absolute paths of *.mjs / *.ts files (loader.ts). */
  readonly files: readonly string[];
  readonly base: ContextBase;
  readonly config: Config;
  readonly db: Db;
  /** Builds the typed nk object for one call's context (src/runtime/nk `createNativeNk`). */
  readonly nk: (ctx: RuntimeContext) => unknown;
  /** Logger of module code (lines get runtime: "native"). */
  readonly log: Logger;
  /** Ignore run_once (troupe check). */
  readonly skipRunOnce?: boolean;
}

function fnArg(name: string, v: unknown): AnyFn {
  if (typeof v !== "function") throw new GameError(Code.INVALID_ARGUMENT, `${name}: expects a function`);
  return v as AnyFn;
}

function idArg(name: string, v: unknown): string {
  if (typeof v !== "string" || v === "") throw new GameError(Code.INVALID_ARGUMENT, `${name}: expects a non-empty string`);
  return v;
}

class FixedTarget implements LogTarget {
  constructor(
    readonly log: Logger,
    private readonly callFields: Record<string, unknown>,
  ) {}

  fields(): Record<string, unknown> {
    return this.callFields;
  }
}

function target(log: Logger, fields: Record<string, unknown>): LogTarget {
  return new FixedTarget(log, fields);
}

function warnUnknown(log: Logger, fn: string, name: string, known: string | undefined): void {
  if (known === undefined) log.warn({ fn, name }, `${fn}: "${name}" is not a known message name; the hook is registered but may never run`);
}

function initializer(regs: Registrations<AnyFn | NativeMatchHandlers>, opts: NativeEngineOptions, onRunOnce: (fn: AnyFn) => void): NativeInitializer {
  const log = opts.log;
  const single = (kind: RegKind, name: string) => (fn: unknown) => regs.set(kind, "", fnArg(name, fn));
  return {
    db: opts.db,
    getConfig: () => opts.config,
    registerRpc: (id, fn) => regs.set(RegKind.RPC, idArg("registerRpc", id), fnArg("registerRpc", fn)),
    registerBefore: (name, fn) => {
      warnUnknown(log, "registerBefore", name, apiHookName(name));
      regs.set(RegKind.BEFORE, idArg("registerBefore", name), fnArg("registerBefore", fn));
    },
    registerAfter: (name, fn) => {
      warnUnknown(log, "registerAfter", name, apiHookName(name));
      regs.set(RegKind.AFTER, idArg("registerAfter", name), fnArg("registerAfter", fn));
    },
    registerRtBefore: (name, fn) => {
      warnUnknown(log, "registerRtBefore", name, rtHookName(name));
      regs.set(RegKind.RT_BEFORE, idArg("registerRtBefore", name), fnArg("registerRtBefore", fn));
    },
    registerRtAfter: (name, fn) => {
      warnUnknown(log, "registerRtAfter", name, rtHookName(name));
      regs.set(RegKind.RT_AFTER, idArg("registerRtAfter", name), fnArg("registerRtAfter", fn));
    },
    registerMatchmakerMatched: single(RegKind.MATCHMAKER_MATCHED, "registerMatchmakerMatched"),
    registerTournamentEnd: single(RegKind.TOURNAMENT_END, "registerTournamentEnd"),
    registerTournamentReset: single(RegKind.TOURNAMENT_RESET, "registerTournamentReset"),
    registerLeaderboardReset: single(RegKind.LEADERBOARD_RESET, "registerLeaderboardReset"),
    registerShutdown: single(RegKind.SHUTDOWN, "registerShutdown"),
    registerEvent: single(RegKind.EVENT, "registerEvent"),
    registerEventSessionStart: single(RegKind.EVENT_SESSION_START, "registerEventSessionStart"),
    registerEventSessionEnd: single(RegKind.EVENT_SESSION_END, "registerEventSessionEnd"),
    registerPurchaseNotificationApple: single(RegKind.PURCHASE_NOTIFICATION_APPLE, "registerPurchaseNotificationApple"),
    registerSubscriptionNotificationApple: single(RegKind.SUBSCRIPTION_NOTIFICATION_APPLE, "registerSubscriptionNotificationApple"),
    registerPurchaseNotificationGoogle: single(RegKind.PURCHASE_NOTIFICATION_GOOGLE, "registerPurchaseNotificationGoogle"),
    registerSubscriptionNotificationGoogle: single(RegKind.SUBSCRIPTION_NOTIFICATION_GOOGLE, "registerSubscriptionNotificationGoogle"),
    registerMatch: (name, handlers) => {
      if (handlers === null || typeof handlers !== "object") throw new GameError(Code.INVALID_ARGUMENT, "registerMatch: expects match handlers");
      regs.set(RegKind.MATCH, idArg("registerMatch", name), handlers);
    },
    registerStorageIndex: (spec: StorageIndexSpec) => regs.addStorageIndex("registerStorageIndex", {
      name: idArg("registerStorageIndex", spec.name), collection: spec.collection, key: spec.key ?? "", fields: spec.fields ?? [],
      sortableFields: spec.sortableFields ?? [], maxEntries: spec.maxEntries, indexOnly: spec.indexOnly === true,
    }),
    registerStorageIndexFilter: (name, fn) => regs.set(RegKind.STORAGE_INDEX_FILTER, idArg("registerStorageIndexFilter", name), fnArg("registerStorageIndexFilter", fn)),
    runOnce: (fn) => onRunOnce(fnArg("runOnce", fn)),
  };
}

/** "file.ts:12:5" from the first stack frame inside `file`, if any. */
export function locationIn(file: string, err: unknown): string | undefined {
  const stack = err instanceof Error ? err.stack ?? "" : "";
  const url = pathToFileURL(file).href;
  for (const line of stack.split("\n")) {
    const m = /\((.*):(\d+):(\d+)\)$|at (.*):(\d+):(\d+)$/.exec(line.trim());
    const where = m?.[1] ?? m?.[4];
    if (where === undefined || (where !== file && where !== url)) continue;
    return `${path.basename(file)}:${m?.[2] ?? m?.[5]}:${m?.[3] ?? m?.[6]}`;
  }
  return undefined;
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (!file.endsWith(".ts")) return (await import(url)) as Record<string, unknown>;
  let api: typeof TsxApi;
  try {
    api = await import("tsx/esm/api");
  } catch (err) {
    throw new Error("TypeScript native modules are compiled with the tsx package, which is not installed (npm install tsx)", { cause: err });
  }
  return (await api.tsImport(url, import.meta.url)) as Record<string, unknown>;
}

function failure(file: string, during: string, err: unknown): ModuleLoadError {
  const message = err instanceof Error ? err.message : String(err);
  const at = locationIn(file, err);
  return new ModuleLoadError(file, `native module ${file} failed ${during}: ${message}${at ? ` (at ${at})` : ""}`, { cause: err });
}

interface LazyNk {
  readonly make: () => object;
  real?: object;
}

const resolveNk = (h: LazyNk): object => (h.real ??= h.make());

/** One handler for every lazy nk (a proxy per call, no closures per call besides `make`). */
const LAZY_NK: ProxyHandler<LazyNk> = {
  get: (h, p) => Reflect.get(resolveNk(h), p),
  has: (h, p) => Reflect.has(resolveNk(h), p),
  ownKeys: (h) => Reflect.ownKeys(resolveNk(h)),
  getOwnPropertyDescriptor: (h, p) => {
    const d = Reflect.getOwnPropertyDescriptor(resolveNk(h), p);
    return d === undefined ? undefined : { ...d, configurable: true };
  },
};

/**
 * The nk handed to one native call, built on first use: most calls never touch nk, and building the
 * typed object means one closure per nk function.
 */
function lazyNk(make: () => object): object {
  return new Proxy<LazyNk>({ make }, LAZY_NK);
}

class NativeEngineVm implements EngineVm {
  readonly kind = "native" as const;

  constructor(
    private readonly regs: Registrations<AnyFn | NativeMatchHandlers>,
    private readonly opts: NativeEngineOptions,
  ) {}

  keys(): string[] {
    return this.regs.keys();
  }

  storageIndexes(): StorageIndexSpec[] {
    return [...this.regs.storageIndexes.values()];
  }

  /** The handler object registered for a match name. */
  match(name: string): NativeMatchHandlers | undefined {
    const h = this.regs.get(`${RegKind.MATCH}:${name.toLowerCase()}`);
    return typeof h === "object" ? h : undefined;
  }

  async call(call: GuestCall): Promise<unknown> {
    const fn = this.regs.get(call.key);
    if (typeof fn !== "function") throw new GameError(Code.NOT_FOUND, `no native function registered for ${call.key}`);
    const logger = nativeLogger(target(this.opts.log, { runtime: "native", ...call.fields }));
    return await fn(call.ctx, logger, lazyNk(() => this.opts.nk(call.ctx) as object), ...call.args);
  }

  usable(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}

/** Imports every native module and runs their InitModule in file order; then the first runOnce. */
export async function loadNativeModules(opts: NativeEngineOptions): Promise<NativeEngineVm> {
  const regs = new Registrations<AnyFn | NativeMatchHandlers>();
  let once: { fn: AnyFn; file: string } | null = null;
  for (const file of opts.files) {
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(file);
    } catch (err) {
      throw failure(file, "to load", err);
    }
    const init = mod.InitModule;
    if (typeof init !== "function") {
      opts.log.debug({ file }, "native file has no InitModule export: treated as a library");
      continue;
    }
    const ctx = systemContext(opts.base, ExecutionMode.INIT_MODULE);
    const logger = nativeLogger(target(opts.log, { runtime: "native", file: path.basename(file) }));
    const init2 = initializer(regs, opts, (fn) => (once ??= { fn, file }));
    try {
      await (init as AnyFn)(ctx, logger, opts.nk(ctx), init2);
    } catch (err) {
      throw failure(file, "in InitModule", err);
    }
  }
  const first = once as { fn: AnyFn; file: string } | null;
  if (first !== null && opts.skipRunOnce !== true) {
    const ctx = systemContext(opts.base, ExecutionMode.RUN_ONCE);
    try {
      await first.fn(ctx, nativeLogger(target(opts.log, { runtime: "native", mode: "run_once" })), opts.nk(ctx));
    } catch (err) {
      throw failure(first.file, "in runOnce", err);
    }
  }
  return new NativeEngineVm(regs, opts);
}

export type { NativeEngineVm };
