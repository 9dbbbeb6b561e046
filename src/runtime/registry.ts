// Owns registrations: the keys module code registers functions under (RPC ids, before/after hooks,
// realtime hooks, event handlers, match names), the per-VM table that maps a key to that VM's own
// function reference (each VM runs InitModule itself; the last registration of a key wins), and the
// server-wide ownership of every key by one runtime with Nakama's precedence native > Lua > JavaScript,
// logging which one won a collision.
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import { storageIndexDefinitionError, type StorageIndexDefinition } from "../services/storage/index.js";

/** What a key names. The key itself is `<kind>:<lower-cased id>` ("rpc:echo", "before:getaccount"). */
export const RegKind = {
  RPC: "rpc",
  BEFORE: "before",
  AFTER: "after",
  RT_BEFORE: "rt_before",
  RT_AFTER: "rt_after",
  MATCHMAKER_MATCHED: "matchmaker_matched",
  TOURNAMENT_END: "tournament_end",
  TOURNAMENT_RESET: "tournament_reset",
  LEADERBOARD_RESET: "leaderboard_reset",
  SHUTDOWN: "shutdown",
  PURCHASE_NOTIFICATION_APPLE: "purchase_notification_apple",
  SUBSCRIPTION_NOTIFICATION_APPLE: "subscription_notification_apple",
  PURCHASE_NOTIFICATION_GOOGLE: "purchase_notification_google",
  SUBSCRIPTION_NOTIFICATION_GOOGLE: "subscription_notification_google",
  EVENT: "event",
  EVENT_SESSION_START: "event_session_start",
  EVENT_SESSION_END: "event_session_end",
  MATCH: "match",
  STORAGE_INDEX_FILTER: "storage_index_filter",
} as const;
export type RegKind = (typeof RegKind)[keyof typeof RegKind];

export type EngineKind = "native" | "lua" | "js";
/** Precedence on identifier collisions: the first engine here that registered a key owns it. */
export const PRECEDENCE: readonly EngineKind[] = ["native", "lua", "js"];

export function regKey(kind: RegKind, id = ""): string {
  return `${kind}:${id.toLowerCase()}`;
}

/** `rpc:echo` → `RPC "echo"`, for log lines and errors. */
export function describeKey(key: string): string {
  const i = key.indexOf(":");
  const kind = key.slice(0, i);
  const id = key.slice(i + 1);
  return id === "" ? kind.replace(/_/g, " ") : `${kind === "rpc" ? "RPC" : kind.replace(/_/g, " ")} "${id}"`;
}

/** A storage index declared by module code (data, not a function): the storage service's definition. */
export type StorageIndexSpec = StorageIndexDefinition;

/**
 * One VM's registrations: key → that VM's function reference (a LuaRef, JsRef, native function, or for
 * matches the handler object). The first VM of an engine defines the engine's key set; later VMs of
 * the same code register the same keys and are looked up by key.
 */
export class Registrations<F = unknown> {
  readonly fns = new Map<string, F>();
  readonly storageIndexes = new Map<string, StorageIndexSpec>();

  set(kind: RegKind, id: string, fn: F): void {
    const key = regKey(kind, id);
    this.fns.delete(key); // last registration wins, and keeps registration order
    this.fns.set(key, fn);
  }

  /**
   * Records a storage index; `fn` names the registering function in errors. A bad definition or a name
   * this VM already registered fails with INVALID_ARGUMENT.
   */
  addStorageIndex(fn: string, spec: StorageIndexSpec): void {
    const error = storageIndexDefinitionError(spec);
    if (error !== null) throw new GameError(Code.INVALID_ARGUMENT, `${fn}: ${error}`);
    if (this.storageIndexes.has(spec.name)) throw new GameError(Code.INVALID_ARGUMENT, `${fn}: index "${spec.name}" is already registered`);
    this.storageIndexes.set(spec.name, spec);
  }

  get(key: string): F | undefined {
    return this.fns.get(key);
  }

  keys(): string[] {
    return [...this.fns.keys()];
  }
}

/** Which engine serves each key, server-wide. */
export interface Ownership {
  owner(key: string): EngineKind | undefined;
  /** Every owned key with its engine, in precedence then registration order. */
  entries(): ReadonlyArray<readonly [string, EngineKind]>;
}

/** Merges the engines' key sets with native > Lua > JS precedence; logs each collision's winner. */
export function resolveOwnership(byEngine: Partial<Record<EngineKind, readonly string[]>>, log: Logger): Ownership {
  const owners = new Map<string, EngineKind>();
  const losers = new Map<string, EngineKind[]>();
  for (const engine of PRECEDENCE) {
    for (const key of byEngine[engine] ?? []) {
      if (!owners.has(key)) owners.set(key, engine);
      else if (owners.get(key) !== engine) losers.set(key, [...(losers.get(key) ?? []), engine]);
    }
  }
  for (const [key, lost] of losers) {
    const winner = owners.get(key) as EngineKind;
    log.info({ registration: describeKey(key), winner, ignored: lost },
      `${describeKey(key)} is registered by ${[winner, ...lost].join(" and ")}: the ${winner} one wins (precedence native > lua > js)`);
  }
  const list = [...owners.entries()];
  return {
    owner: (key) => owners.get(key),
    entries: () => list,
  };
}
