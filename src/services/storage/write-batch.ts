// Owns the fast path of batch writes: a whole batch of distinct objects in ONE statement (one round
// trip, no BEGIN/COMMIT), all or nothing. The ids, values and conditions travel as arrays; three
// data-modifying CTEs handle the three kinds of write (last-write-wins upserts, create-only inserts,
// if-match updates) over disjoint rows, and the statement fails with division_by_zero unless every
// object was written, which rolls the whole statement back. It cannot say which object was refused or
// why, so on that failure (or a lost deadlock race) the caller re-runs the batch on the exact
// per-object path, whose outcome is then the answer.
//
// Races are those of the per-object statements: an if-match UPDATE re-checks the version against the
// committed row after waiting for a concurrent writer; a create-only INSERT that meets a concurrent
// insert does nothing. Either way the count falls short and the statement fails.
import type { api } from "../../../proto/index.js";
import type { Queryable } from "../../storage/db.js";
import { isDbError } from "../../storage/db-errors.js";
import { byObjectId, storageVersion, type StorageWriteOp } from "./types.js";

const DIVISION_BY_ZERO = "22012";

function batchSql(writeCheck: string): string {
  const cols = "collection, key, user_id, value, version, read, write, create_time, update_time";
  const pick = "collection, key, user_id, value::jsonb, version, read, write, now(), now()";
  const out = "collection, key, user_id, version, create_time, update_time";
  return `WITH t AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::int2[], $7::int2[], $8::text[])
    AS t(collection, key, user_id, value, version, read, write, expected)
), lww AS (
  INSERT INTO storage AS s (${cols}) SELECT ${pick} FROM t WHERE expected = ''
  ON CONFLICT (collection, key, user_id) DO UPDATE
    SET value = EXCLUDED.value, version = EXCLUDED.version, read = EXCLUDED.read, write = EXCLUDED.write, update_time = now()
    WHERE TRUE${writeCheck}
  RETURNING s.collection, s.key, s.user_id, s.version, s.create_time, s.update_time
), ins AS (
  INSERT INTO storage (${cols}) SELECT ${pick} FROM t WHERE expected = '*'
  ON CONFLICT (collection, key, user_id) DO NOTHING
  RETURNING ${out}
), upd AS (
  UPDATE storage s SET value = t.value::jsonb, version = t.version, read = t.read, write = t.write, update_time = now()
  FROM t WHERE t.expected NOT IN ('', '*')
    AND s.collection = t.collection AND s.key = t.key AND s.user_id = t.user_id AND s.version = t.expected${writeCheck}
  RETURNING s.collection, s.key, s.user_id, s.version, s.create_time, s.update_time
), done AS (
  SELECT * FROM lww UNION ALL SELECT * FROM ins UNION ALL SELECT * FROM upd
)
SELECT d.*, c.ok FROM (SELECT 1 / (CASE WHEN (SELECT count(*) FROM done) = $9 THEN 1 ELSE 0 END) AS ok) c
LEFT JOIN done d ON TRUE`;
}

const SQL = { client: batchSql(" AND s.write = 1"), runtime: batchSql("") } as const;

interface Row {
  collection: string;
  key: string;
  user_id: string;
  version: string;
  create_time: Date;
  update_time: Date;
}

const idOf = (collection: string, key: string, userId: string): string => `${collection}\u0000${key}\u0000${userId}`;

/** True when no object appears twice (the one-statement path needs disjoint rows). */
export function distinctObjects(ops: readonly StorageWriteOp[]): boolean {
  const seen = new Set<string>();
  for (const op of ops) {
    const id = idOf(op.collection, op.key, op.ownerId);
    if (seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}

/**
 * Writes distinct objects in one statement on `q`. Returns the acks in `ops` order, or null when
 * some object was refused (nothing was written then). Other database errors are thrown.
 */
export async function writeBatchStatement(q: Queryable, ops: readonly StorageWriteOp[], authoritative: boolean): Promise<api.StorageObjectAck[] | null> {
  // Sorted so concurrent batches take their row locks in one order.
  const sorted = [...ops].sort(byObjectId);
  const params = [
    sorted.map((o) => o.collection), sorted.map((o) => o.key), sorted.map((o) => o.ownerId), sorted.map((o) => o.value),
    sorted.map((o) => storageVersion(o.value)), sorted.map((o) => o.permissionRead), sorted.map((o) => o.permissionWrite),
    sorted.map((o) => o.version), ops.length,
  ];
  let rows: Row[];
  try {
    rows = (await q.query<Row>(authoritative ? SQL.runtime : SQL.client, params)).rows;
  } catch (err) {
    if (isDbError(err, DIVISION_BY_ZERO)) return null;
    throw err;
  }
  const byId = new Map(rows.map((r) => [idOf(r.collection, r.key, r.user_id), r]));
  return ops.map((op) => {
    const r = byId.get(idOf(op.collection, op.key, op.ownerId));
    if (r === undefined) throw new Error("storage batch write returned no row for an object it counted");
    return { collection: op.collection, key: op.key, version: r.version, user_id: op.ownerId, create_time: r.create_time, update_time: r.update_time };
  });
}
