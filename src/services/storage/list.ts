// Owns listing storage objects of one collection with a cursor, in Nakama's four shapes:
//   runtime, no owner     → every object of the collection        (order: read, key, user_id)
//   runtime, owner        → every object of that owner            (order: read, key)
//   client, no owner      → public (read = 2) objects of everyone  (order: read, key, user_id)
//   client, owner = self  → the caller's readable (read ≥ 1) ones  (order: read, key)
//   client, other owner   → that owner's public objects            (order: key)
// Each query fetches limit + 1 rows; an extra row means there is a next page, whose cursor is the last
// returned object's (key, user_id, read). The cursor is opaque to clients (base64url of JSON).
import type { api } from "../../../proto/index.js";
import { parseUuid } from "../../session/uuid.js";
import { OBJECT_COLUMNS, rejected, StorageText, toStorageObject, type ObjectRow, type StorageDeps } from "./types.js";
import { internal } from "./write.js";

interface StorageCursor {
  key: string;
  userId: string;
  read: number;
}

export function encodeStorageCursor(c: StorageCursor): string {
  return Buffer.from(JSON.stringify({ k: c.key, u: c.userId, r: c.read }), "utf8").toString("base64url");
}

/** Decodes a cursor; anything that is not one of ours is "Malformed cursor was used." (INVALID_ARGUMENT). */
export function decodeStorageCursor(text: string): StorageCursor {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw rejected(StorageText.malformedCursor);
  }
  const o = v as { k?: unknown; u?: unknown; r?: unknown } | null;
  const userId = typeof o?.u === "string" ? parseUuid(o.u) : null;
  if (typeof o?.k !== "string" || userId === null || typeof o.r !== "number" || !Number.isInteger(o.r)) {
    throw rejected(StorageText.malformedCursor);
  }
  return { key: o.k, userId, read: o.r };
}

export interface ListStorageInput {
  /** null = runtime listing (no permission rules). */
  callerId: string | null;
  /** null = all owners. */
  ownerId: string | null;
  collection: string;
  /** ≤ 0 gives an empty page. */
  limit: number;
  cursor: string;
}

const SELECT = `SELECT ${OBJECT_COLUMNS} FROM storage WHERE collection = $1`;

/** The query and its parameters for one listing shape ($2 = limit + 1 or owner, see each case). */
function listQuery(input: ListStorageInput, c: StorageCursor | null): { sql: string; params: unknown[] } {
  const { callerId, ownerId, collection } = input;
  const fetch = input.limit + 1;
  if (ownerId === null) {
    const runtime = callerId === null;
    const params: unknown[] = [collection, fetch];
    let after = "";
    if (c !== null) {
      // Runtime listings resume at the cursor's read level; client listings only ever see read = 2.
      params.push(runtime ? c.read : 2, c.key, c.userId);
      after = " AND (collection, read, key, user_id) > ($1, $3::int2, $4::text, $5::uuid)";
    }
    const where = runtime ? "" : " AND read >= 2";
    return { sql: `${SELECT}${where}${after} ORDER BY read, key, user_id LIMIT $2`, params };
  }
  const params: unknown[] = [collection, ownerId, fetch];
  if (callerId !== null && callerId !== ownerId) {
    let after = "";
    if (c !== null) {
      params.push(c.key);
      after = " AND key > $4::text";
    }
    return { sql: `${SELECT} AND user_id = $2 AND read = 2${after} ORDER BY key LIMIT $3`, params };
  }
  let after = "";
  if (c !== null) {
    params.push(c.read, c.key);
    after = " AND (collection, user_id, read, key) > ($1, $2, $4::int2, $5::text)";
  }
  const min = callerId === null ? 0 : 1;
  return { sql: `${SELECT} AND user_id = $2 AND read >= ${min}${after} ORDER BY read, key LIMIT $3`, params };
}

/** Lists one page of objects; `cursor` is "" when there is no further page. */
export async function listObjects(deps: StorageDeps, input: ListStorageInput): Promise<api.StorageObjectList> {
  if (input.limit <= 0) return { objects: [], cursor: "" };
  const c = input.cursor === "" ? null : decodeStorageCursor(input.cursor);
  const { sql, params } = listQuery(input, c);
  let rows: ObjectRow[];
  try {
    rows = (await deps.db.query<ObjectRow>(sql, params)).rows;
  } catch (err) {
    throw internal(deps, StorageText.listFailed, err, "could not list storage objects");
  }
  let cursor = "";
  if (rows.length > input.limit) {
    rows.length = input.limit;
    const last = rows[rows.length - 1];
    cursor = encodeStorageCursor({ key: last.key, userId: last.user_id, read: last.read });
  }
  // Nakama never hands back the cursor it was given.
  if (cursor === input.cursor) cursor = "";
  return { objects: rows.map(toStorageObject), cursor };
}
