// Owns deleting storage objects, all or nothing: client deletes need the object to exist, be writable
// (write > 0) and match the version when one is given; runtime deletes skip the permission and ignore
// missing objects unless a version is given. Batches run in one transaction in (collection, key, owner)
// order, like writes, so concurrent batches cannot deadlock on each other.
import { GameError } from "../../errors.js";
import type { Queryable } from "../../storage/db.js";
import { txRetry } from "../../storage/db-errors.js";
import { byObjectId, rejected, StorageText, type StorageDeleteOp, type StorageDeps } from "./types.js";
import { internal } from "./write.js";

async function deleteOne(q: Queryable, op: StorageDeleteOp, authoritative: boolean): Promise<void> {
  const params: unknown[] = [op.collection, op.key, op.ownerId];
  let sql = "DELETE FROM storage WHERE collection = $1 AND key = $2 AND user_id = $3";
  if (!authoritative) sql += " AND write > 0";
  if (op.version !== "") {
    params.push(op.version);
    sql += " AND version = $4";
  }
  const r = await q.query(sql, params);
  // A runtime delete without a version only fails for real errors: nothing to delete is fine.
  if (authoritative && op.version === "") return;
  if (r.rowCount === 0) throw rejected(StorageText.deleteRejected);
}

/** Deletes a batch inside the caller's transaction (multi-update uses this). */
export async function deleteObjectsTx(q: Queryable, ops: readonly StorageDeleteOp[], authoritative: boolean): Promise<void> {
  const order = [...ops].sort(byObjectId);
  for (const op of order) await deleteOne(q, op, authoritative);
}

/** Deletes objects, all or nothing. `authoritative` = runtime / nk call. The deps' indexes hear of it after commit. */
export async function deleteObjects(deps: StorageDeps, ops: readonly StorageDeleteOp[], opts: { authoritative: boolean }): Promise<void> {
  if (ops.length === 0) return;
  try {
    if (ops.length === 1) await deleteOne(deps.db, ops[0], opts.authoritative);
    else await txRetry(deps.db, (q) => deleteObjectsTx(q, ops, opts.authoritative), { isolation: "read committed" });
  } catch (err) {
    if (err instanceof GameError) throw err;
    throw internal(deps, StorageText.deleteFailed, err, "could not delete storage objects");
  }
  if (deps.index?.active === true) await deps.index.deleted(ops.map((op) => ({ collection: op.collection, key: op.key, userId: op.ownerId })));
}
