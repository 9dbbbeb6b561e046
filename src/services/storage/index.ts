// Owns the public surface of the storage engine (issue 7 item 1): the core functions REST routes and
// runtimes call, and the nk-style entry points that validate runtime arguments and bypass permissions.
//
// README — which nk functions each entry point backs (Lua name / JS name):
//   nkStorageList(deps, callerId, userId, collection, limit, cursor)
//       → nk.storage_list(user_id, collection, limit, cursor, caller_id) / nk.storageList(userId, collection, limit, cursor, callerId)
//   nkStorageRead(deps, reads)      → nk.storage_read(object_ids)   / nk.storageRead(keys)
//   nkStorageWrite(deps, writes)    → nk.storage_write(objects)     / nk.storageWrite(keys)
//   nkStorageDelete(deps, deletes)  → nk.storage_delete(object_ids) / nk.storageDelete(keys)
//   nkStorageWriteRetry(deps, writes) → nk.storage_write_retry(objects) / nk.storageWriteRetry(objects)
//   StorageIndexes.list(name, …)    → nk.storage_index_list(index_name, query, limit, order, caller_id, cursor)
//                                     / nk.storageIndexList(indexName, query, limit, order?, callerId?, cursor?)
//   nk.multi_update / nk.multiUpdate → src/services/multi (uses writeObjectsTx / deleteObjectsTx).
// Storage indexes (indexes.ts, index-core.ts): one StorageIndexes per server, given to every deps object
// as `index` so it hears of each committed write and delete.
// Argument defaults are the runtime binding's job (JS: limit 100; permissions 1 when omitted here).
// nk calls are authoritative: no read/write permission checks (Nakama's caller = nil), except
// nkStorageList with a callerId, which applies the client rules for that caller.
// Values cross as Nakama's api.StorageObject / api.StorageObjectAck (snake_case, `value` as JSON text,
// timestamps as Date); runtimes convert to their own shapes (JS: camelCase with parsed `value`).
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import { isRetryable } from "../../storage/db-errors.js";
import { deleteObjects } from "./delete.js";
import { listObjects } from "./list.js";
import { readCoalescer, readObjects } from "./read.js";
import { StorageText, type StorageDeps } from "./types.js";
import { nkDeleteOps, nkOptionalUuid, nkReadIds, nkWriteOps, type NkStorageDelete, type NkStorageId, type NkStorageWrite } from "./validate.js";
import { writeCoalescer, writeObjects } from "./write.js";

export { deleteObjects, deleteObjectsTx } from "./delete.js";
export { listObjects, encodeStorageCursor, decodeStorageCursor, type ListStorageInput } from "./list.js";
export { readObjects } from "./read.js";
export { Coalescer } from "../../lib/coalesce.js";
export { writeObjects, writeObjectsTx, storageVersion } from "./write.js";
export { goJson, isJsonObjectText } from "./json.js";
export { StorageIndexes, MAX_INDEX_LIST_LIMIT, type StorageIndexFilter, type StorageIndexListInput } from "./indexes.js";
export {
  storageIndexDefinitionError, writtenObjects, type IndexedObject, type ObjectId, type StorageIndexDefinition,
} from "./index-core.js";
export * from "./types.js";
export {
  ClientText, clientDeleteOps, clientReadIds, clientWriteOps, nkDeleteOps, nkReadIds, nkWriteOps, nkOptionalUuid,
  type NkStorageDelete, type NkStorageId, type NkStorageWrite,
} from "./validate.js";

/**
 * Deps for a long-lived storage front (the REST routes): concurrent reads and concurrent client writes
 * are coalesced into shared statements (coalesce.ts). Behaviour per request is unchanged.
 */
export function storageCore(base: Pick<StorageDeps, "db" | "log" | "index">): StorageDeps {
  const deps: StorageDeps = { db: base.db, log: base.log };
  if (base.index !== undefined) deps.index = base.index;
  deps.reads = readCoalescer(deps);
  deps.writes = writeCoalescer(deps);
  return deps;
}

/** nk storage_list: `callerId` set applies that user's client permissions; `userId` "" = all owners. */
export async function nkStorageList(
  deps: StorageDeps,
  callerId: string | null | undefined,
  userId: string | null | undefined,
  collection: string,
  limit: number,
  cursor: string | null | undefined,
): Promise<api.StorageObjectList> {
  const caller = nkOptionalUuid(callerId, "expects an empty or valid caller id");
  const owner = nkOptionalUuid(userId, "expects an empty or valid user id");
  if (!Number.isInteger(limit) || limit < 0) throw new GameError(Code.INVALID_ARGUMENT, "limit must not be negative");
  return listObjects(deps, { callerId: caller, ownerId: owner, collection, limit, cursor: cursor ?? "" });
}

/** nk storage_read: every requested object that exists, regardless of permissions. */
export async function nkStorageRead(deps: StorageDeps, reads: readonly NkStorageId[]): Promise<api.StorageObject[]> {
  return readObjects(deps, null, nkReadIds(reads));
}

/** nk storage_write: all or nothing, permissions of stored objects ignored. */
export async function nkStorageWrite(deps: StorageDeps, writes: readonly NkStorageWrite[]): Promise<api.StorageObjectAck[]> {
  return writeObjects(deps, nkWriteOps(writes), { authoritative: true });
}

/** nk storage_delete: all or nothing; a missing object is only an error when a version was given. */
export async function nkStorageDelete(deps: StorageDeps, deletes: readonly NkStorageDelete[]): Promise<void> {
  await deleteObjects(deps, nkDeleteOps(deletes), { authoritative: true });
}

/** Further attempts storage_write_retry makes after the first one fails retryably (so 4 attempts in all). */
export const WRITE_RETRIES = 3;

/** True for a failure another attempt may not meet: a version conflict or a serialization failure/deadlock. */
function retryableWrite(err: unknown): boolean {
  if (!(err instanceof GameError)) return isRetryable(err);
  return err.message === StorageText.rejectedVersion || isRetryable(err.cause);
}

/**
 * nk storage_write_retry: storage_write, attempted again (at most WRITE_RETRIES more times, at once) when
 * it fails on a version conflict or a serialization failure / deadlock; the last failure is thrown as
 * storage_write would throw it. Same acks as storage_write.
 */
export async function nkStorageWriteRetry(deps: StorageDeps, writes: readonly NkStorageWrite[]): Promise<api.StorageObjectAck[]> {
  const ops = nkWriteOps(writes);
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeObjects(deps, ops, { authoritative: true });
    } catch (err) {
      if (attempt >= WRITE_RETRIES || !retryableWrite(err)) throw err;
      deps.log.debug({ attempt: attempt + 1, err: err instanceof Error ? err.message : String(err) }, "storage write retried");
    }
  }
}
