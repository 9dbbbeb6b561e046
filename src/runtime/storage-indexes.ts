// Owns the runtime's side of storage indexes: gathering the indexes each engine's InitModule registered
// (one definition per name, precedence native > Lua > JS as for every registration) and calling the
// index filter functions (registerStorageIndexFilter / register_storage_index_filter) for the server's
// StorageIndexes (src/services/storage/indexes.ts). A filter runs in execution mode
// "storage_index_filter" with the candidate write:
//   Lua:         fn(context, write) → boolean; write = {collection, key, user_id, value, version,
//                permission_read, permission_write}
//   JS / native: fn(ctx, logger, nk, write) → boolean; write = {collection, key, userId, value, version,
//                permissionRead, permissionWrite}
// `value` is the object's value as a table/object. Anything but a boolean result is an error (logged by
// the indexes; that object's change is skipped).
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import type { IndexedObject, StorageIndexFilter } from "../services/storage/index.js";
import { ExecutionMode, systemContext, type ContextBase } from "./context.js";
import type { EngineVm } from "./engine.js";
import { PRECEDENCE, RegKind, regKey, type EngineKind, type Ownership, type StorageIndexSpec } from "./registry.js";
import type { Runtime } from "./runtime.js";

/** Every engine's indexes, one per name: the first engine in precedence order keeps a name (logged). */
export function gatherStorageIndexes(vms: Partial<Record<EngineKind, EngineVm>>, log: Logger): StorageIndexSpec[] {
  const byName = new Map<string, { spec: StorageIndexSpec; engine: EngineKind }>();
  for (const engine of PRECEDENCE) {
    for (const spec of vms[engine]?.storageIndexes() ?? []) {
      const held = byName.get(spec.name);
      if (held === undefined) byName.set(spec.name, { spec, engine });
      else log.info({ index: spec.name, winner: held.engine, ignored: engine }, `storage index "${spec.name}" is registered by ${held.engine} and ${engine}: the ${held.engine} one wins`);
    }
  }
  return [...byName.values()].map((v) => v.spec);
}

/** Names (lower-cased) of the indexes that have a filter function. */
export function filteredIndexes(ownership: Ownership): string[] {
  const prefix = regKey(RegKind.STORAGE_INDEX_FILTER);
  return ownership.entries().filter(([key]) => key.startsWith(prefix)).map(([key]) => key.slice(prefix.length));
}

function writeFor(engine: EngineKind, o: IndexedObject): Record<string, unknown> {
  const value = typeof o.value === "string" ? (JSON.parse(o.value) as unknown) : o.value;
  if (engine === "lua") {
    return { collection: o.collection, key: o.key, user_id: o.userId, value, version: o.version, permission_read: o.read, permission_write: o.write };
  }
  return { collection: o.collection, key: o.key, userId: o.userId, value, version: o.version, permissionRead: o.read, permissionWrite: o.write };
}

/** The filter the server's StorageIndexes calls for the indexes of `filteredIndexes` (their registered function). */
export function storageIndexFilter(runtime: Pick<Runtime, "call">, base: ContextBase): StorageIndexFilter {
  return async (indexName, o) => {
    const mode = ExecutionMode.STORAGE_INDEX_FILTER;
    const out = await runtime.call(regKey(RegKind.STORAGE_INDEX_FILTER, indexName), systemContext(base, mode), (e) => [writeFor(e, o)], {
      mode, index: indexName,
    });
    if (typeof out !== "boolean") throw new GameError(Code.INTERNAL, `storage index filter of "${indexName}" must return a boolean`);
    return out;
  };
}
