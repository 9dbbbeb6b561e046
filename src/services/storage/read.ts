// Owns reading storage objects by id: one statement for the whole batch (a join against the ids passed
// as three arrays, so the statement text never depends on the batch size), with the client read rule
// (public objects, or owner-readable objects of the caller) or none for runtime reads. Missing or
// unreadable objects are simply absent from the result, as in Nakama.
import type { api } from "../../../proto/index.js";
import { OBJECT_COLUMNS, StorageText, toStorageObject, type ObjectRow, type StorageDeps, type StorageReadId } from "./types.js";
import { internal } from "./write.js";

const ONE = `SELECT ${OBJECT_COLUMNS} FROM storage WHERE collection = $1 AND key = $2 AND user_id = $3`;

const MANY = `SELECT s.collection, s.key, s.user_id, s.value::text AS value, s.version, s.read, s.write, s.create_time, s.update_time
FROM unnest($1::text[], $2::text[], $3::uuid[]) WITH ORDINALITY AS t(collection, key, user_id, n)
JOIN storage s ON s.collection = t.collection AND s.key = t.key AND s.user_id = t.user_id`;

const RULE_ONE = " AND (read = 2 OR (read = 1 AND user_id = $4))";
const RULE_MANY = " WHERE (s.read = 2 OR (s.read = 1 AND s.user_id = $4))";

/**
 * Reads objects by id. `callerId` null = runtime read (every object); otherwise only objects with
 * read = 2, or read = 1 owned by the caller. Results follow the order of `ids`.
 */
export async function readObjects(deps: StorageDeps, callerId: string | null, ids: readonly StorageReadId[]): Promise<api.StorageObject[]> {
  if (ids.length === 0) return [];
  let sql: string;
  let params: unknown[];
  if (ids.length === 1) {
    const id = ids[0];
    params = [id.collection, id.key, id.ownerId];
    sql = callerId === null ? ONE : ONE + RULE_ONE;
  } else {
    params = [ids.map((i) => i.collection), ids.map((i) => i.key), ids.map((i) => i.ownerId)];
    sql = `${MANY}${callerId === null ? "" : RULE_MANY} ORDER BY t.n`;
  }
  if (callerId !== null) params.push(callerId);
  try {
    const { rows } = await deps.db.query<ObjectRow>(sql, params);
    return rows.map(toStorageObject);
  } catch (err) {
    throw internal(deps, StorageText.readFailed, err, "could not read storage objects");
  }
}
