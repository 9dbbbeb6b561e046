// Owns the record upsert behind leaderboard writes: one owner's write as one statement (the operator's rule
// in the ON CONFLICT clause), and the coalesced form the long-lived core uses: concurrent writes of
// distinct owners to one board period with one operator become ONE multi-row statement (one round trip,
// one commit), every write getting the row and "changed" flag it would have got alone. A group whose
// statement fails for any reason (a lost first-write race, a deleted board) runs its writes one by one,
// so each gets its own answer; decrements always run alone (their inserted value is not their delta).
//
// Concurrency: the multi-row statement inserts in owner order, so two groups lock rows in one order; each
// row gets exactly the single statement's treatment (same SET and WHERE, EXCLUDED carrying the values).
import type { Db, Queryable } from "../../storage/db.js";
import { isUniqueViolation } from "../../storage/db-errors.js";
import { Coalescer, outcomeOf, type Outcome } from "../../lib/coalesce.js";
import { RECORD_COLUMNS, type RecordRow } from "./record-rows.js";
import type { RecordWriteInput } from "./records.js";
import { Operator, SortOrder, type Board } from "./types.js";

export interface Upserted {
  row: RecordRow;
  changed: boolean;
}

/** A write waiting for its statement. */
export interface PendingRecordWrite {
  b: Board;
  op: Operator;
  expiry: number;
  w: RecordWriteInput;
}

/** The SET clause and the "does it change anything" filter of each operator ($4/$5 absolute, $8/$9 deltas). */
function operatorSql(op: Operator, sort: SortOrder): { set: string; filter: string } {
  switch (op) {
    case Operator.INCREMENT:
      return {
        set: "score = leaderboard_record.score + $8::BIGINT, subscore = leaderboard_record.subscore + $9::BIGINT",
        filter: "$8::BIGINT <> 0 OR $9::BIGINT <> 0",
      };
    case Operator.DECREMENT:
      return {
        set: "score = GREATEST(leaderboard_record.score - $8::BIGINT, 0), subscore = GREATEST(leaderboard_record.subscore - $9::BIGINT, 0)",
        filter: "$8::BIGINT <> 0 OR $9::BIGINT <> 0",
      };
    case Operator.SET:
      return {
        set: "score = $4::BIGINT, subscore = $5::BIGINT",
        filter: "leaderboard_record.score <> $4::BIGINT OR leaderboard_record.subscore <> $5::BIGINT",
      };
    default:
      return sort === SortOrder.ASCENDING
        ? {
          set: "score = LEAST(leaderboard_record.score, $4::BIGINT), subscore = LEAST(leaderboard_record.subscore, $5::BIGINT)",
          filter: "leaderboard_record.score > $4::BIGINT OR leaderboard_record.subscore > $5::BIGINT",
        }
        : {
          set: "score = GREATEST(leaderboard_record.score, $4::BIGINT), subscore = GREATEST(leaderboard_record.subscore, $5::BIGINT)",
          filter: "leaderboard_record.score < $4::BIGINT OR leaderboard_record.subscore < $5::BIGINT",
        };
  }
}

/** Runs `fn` again when it loses the primary-key race of two first writes (see the header). */
export async function retryPkeyRace<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 3 || !isUniqueViolation(err, "leaderboard_record_pkey")) throw err;
    }
  }
}

export async function readRecord(q: Queryable, boardId: string, ownerId: string, expiry: number): Promise<RecordRow | undefined> {
  const { rows } = await q.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM leaderboard_record WHERE leaderboard_id = $1 AND owner_id = $2 AND expiry_time = $3`,
    [boardId, ownerId, new Date(expiry * 1000)],
  );
  return rows[0];
}


/** One write as its own statement. */
export async function upsertOne(db: Db, b: Board, op: Operator, expiry: number, w: RecordWriteInput): Promise<Upserted> {
  const { set, filter } = operatorSql(op, b.sortOrder);
  const delta = op === Operator.INCREMENT || op === Operator.DECREMENT;
  // One round trip: the upsert's row when it changed something, else the stored row (a write that did not
  // qualify, e.g. not better than the stored "best", leaves the record as it was).
  const sql = `WITH up AS (
    INSERT INTO leaderboard_record (leaderboard_id, owner_id, username, score, subscore, metadata, expiry_time)
    VALUES ($1, $2, $3, $4::BIGINT, $5::BIGINT, COALESCE($6::JSONB, '{}'::JSONB), $7)
    ON CONFLICT (owner_id, leaderboard_id, expiry_time)
    DO UPDATE SET ${set}, num_score = leaderboard_record.num_score + 1,
      metadata = COALESCE($6::JSONB, leaderboard_record.metadata), username = COALESCE($3, leaderboard_record.username),
      update_time = now()
    WHERE ${filter}
    RETURNING ${RECORD_COLUMNS})
  SELECT true AS changed, up.* FROM up
  UNION ALL
  SELECT false AS changed, ${RECORD_COLUMNS} FROM leaderboard_record
  WHERE leaderboard_id = $1 AND owner_id = $2 AND expiry_time = $7 AND NOT EXISTS (SELECT 1 FROM up)`;
  // Decrement inserts 0 (there is nothing to subtract from); every other operator inserts the value.
  const params: unknown[] = [
    b.id, w.ownerId, w.username === "" ? null : w.username,
    op === Operator.DECREMENT ? 0n : w.score, op === Operator.DECREMENT ? 0n : w.subscore,
    w.metadata === "" ? null : w.metadata, new Date(expiry * 1000),
  ];
  if (delta) params.push(w.score, w.subscore);
  const { rows } = await retryPkeyRace(() => db.query<RecordRow & { changed: boolean }>(sql, params));
  if (rows.length > 0) {
    const { changed, ...row } = rows[0];
    return { row, changed };
  }
  // Not changed, and the row was committed by another writer after this statement's snapshot: read it.
  const row = await readRecord(db, b.id, w.ownerId, expiry);
  if (row === undefined) throw new Error("leaderboard record vanished after a no-op write");
  return { row, changed: false };
}


/**
 * The multi-row statement of `op`: the single statement's SET and filter with EXCLUDED in place of the
 * per-write values (for every operator but decrement the inserted score and subscore ARE the values).
 */
function groupSql(op: Operator, sort: SortOrder): string {
  const { set, filter } = operatorSql(op, sort);
  const perRow = (text: string): string => text
    .replaceAll("$4::BIGINT", "EXCLUDED.score").replaceAll("$5::BIGINT", "EXCLUDED.subscore")
    .replaceAll("$8::BIGINT", "EXCLUDED.score").replaceAll("$9::BIGINT", "EXCLUDED.subscore");
  return `WITH t AS (
    SELECT * FROM unnest($2::UUID[], $3::TEXT[], $4::BIGINT[], $5::BIGINT[], $6::TEXT[]) AS t(owner_id, username, score, subscore, metadata)
  ), up AS (
    INSERT INTO leaderboard_record (leaderboard_id, owner_id, username, score, subscore, metadata, expiry_time)
    SELECT $1, owner_id, username, score, subscore, COALESCE(metadata::JSONB, '{}'::JSONB), $7 FROM t ORDER BY owner_id
    ON CONFLICT (owner_id, leaderboard_id, expiry_time)
    DO UPDATE SET ${perRow(set)}, num_score = leaderboard_record.num_score + 1,
      metadata = COALESCE((SELECT t.metadata FROM t WHERE t.owner_id = EXCLUDED.owner_id)::JSONB, leaderboard_record.metadata),
      username = COALESCE(EXCLUDED.username, leaderboard_record.username),
      update_time = now()
    WHERE ${perRow(filter)}
    RETURNING ${RECORD_COLUMNS})
  SELECT true AS changed, up.* FROM up
  UNION ALL
  SELECT false AS changed, ${RECORD_COLUMNS} FROM leaderboard_record
  WHERE leaderboard_id = $1 AND expiry_time = $7
    AND owner_id IN (SELECT owner_id FROM t WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.owner_id = t.owner_id))`;
}

const GROUP_SQL = {
  [Operator.BEST]: { [SortOrder.ASCENDING]: groupSql(Operator.BEST, SortOrder.ASCENDING), [SortOrder.DESCENDING]: groupSql(Operator.BEST, SortOrder.DESCENDING) },
  [Operator.SET]: { [SortOrder.ASCENDING]: groupSql(Operator.SET, SortOrder.ASCENDING), [SortOrder.DESCENDING]: groupSql(Operator.SET, SortOrder.DESCENDING) },
  [Operator.INCREMENT]: { [SortOrder.ASCENDING]: groupSql(Operator.INCREMENT, SortOrder.ASCENDING), [SortOrder.DESCENDING]: groupSql(Operator.INCREMENT, SortOrder.DESCENDING) },
} as const;

/** Writes of distinct owners, one board period and one operator (not decrement), as one statement. */
async function upsertMany(db: Db, writes: readonly PendingRecordWrite[]): Promise<Upserted[]> {
  const { b, op, expiry } = writes[0];
  if (op === Operator.DECREMENT) throw new Error("decrements are not grouped");
  const params = [
    b.id, writes.map((p) => p.w.ownerId), writes.map((p) => (p.w.username === "" ? null : p.w.username)),
    writes.map((p) => p.w.score), writes.map((p) => p.w.subscore), writes.map((p) => (p.w.metadata === "" ? null : p.w.metadata)),
    new Date(expiry * 1000),
  ];
  const { rows } = await db.query<RecordRow & { changed: boolean }>(GROUP_SQL[op][b.sortOrder], params);
  const byOwner = new Map<string, Upserted>();
  for (const { changed, ...row } of rows) byOwner.set(row.owner_id, { row, changed });
  return Promise.all(writes.map(async (p) => {
    const found = byOwner.get(p.w.ownerId);
    if (found !== undefined) return found;
    // Not changed, and the row was committed by another writer after this statement's snapshot: read it.
    const row = await readRecord(db, b.id, p.w.ownerId, expiry);
    if (row === undefined) throw new Error("leaderboard record vanished after a no-op write");
    return { row, changed: false };
  }));
}

/** Runs a coalesced group: same-statement partitions together, the rest (and failed partitions) alone. */
async function upsertGroup(db: Db, writes: readonly PendingRecordWrite[]): Promise<Array<Outcome<Upserted>>> {
  const out = new Array<Outcome<Upserted>>(writes.length);
  const alone: number[] = [];
  const parts = new Map<string, number[]>();
  const owners = new Set<string>();
  writes.forEach((p, i) => {
    const key = `${p.b.id}\u0000${p.expiry}\u0000${p.op}\u0000${p.b.sortOrder}\u0000${p.w.ownerId}`;
    if (writes.length === 1 || p.op === Operator.DECREMENT || owners.has(key)) {
      alone.push(i);
      return;
    }
    owners.add(key);
    const part = `${p.b.id}\u0000${p.expiry}\u0000${p.op}\u0000${p.b.sortOrder}`;
    const list = parts.get(part);
    if (list === undefined) parts.set(part, [i]);
    else list.push(i);
  });
  const runAlone = (i: number): Promise<void> => {
    const p = writes[i];
    return outcomeOf(() => upsertOne(db, p.b, p.op, p.expiry, p.w)).then((o) => {
      out[i] = o;
    });
  };
  await Promise.all([
    ...alone.map(runAlone),
    ...[...parts.values()].map(async (idx) => {
      if (idx.length === 1) return runAlone(idx[0]);
      const results = await upsertMany(db, idx.map((i) => writes[i])).catch(() => null);
      if (results === null) return Promise.all(idx.map(runAlone)).then(() => undefined);
      idx.forEach((i, k) => {
        out[i] = { ok: true, value: results[k] };
      });
    }),
  ]);
  return out;
}

/** Record upserts running at once before further writes wait and go together. */
const WRITES_IN_FLIGHT = 4;
/** Most writes in one group. */
const GROUP_WRITES = 256;

export type RecordWriteCoalescer = Coalescer<PendingRecordWrite, Upserted>;

/** The write coalescer a long-lived leaderboard core keeps. */
export function recordWriteCoalescer(db: Db): RecordWriteCoalescer {
  return new Coalescer<PendingRecordWrite, Upserted>((writes) => upsertGroup(db, writes), WRITES_IN_FLIGHT, GROUP_WRITES);
}
