// Owns writing and deleting leaderboard records (tournaments have their own rules in
// src/services/tournament). A write is one upsert on the owner's record of the current period with the
// operator's rule: best keeps the better score and subscore (each on its own, as Nakama), set replaces,
// incr adds, decr subtracts down to 0. A write that changes nothing (a worse "best", the same "set", a zero
// incr) leaves the record, num_score included, untouched. Client writes (caller set) are refused on
// authoritative boards; nk writes (caller "") are not.
//
// Concurrency: the upsert is one statement, so PostgreSQL serialises writes of one owner on the row; no
// increment is lost. Two first writes of one owner can still collide on the primary key (it includes the
// score) before the owner constraint sees the other: that statement is simply run again.
import type { api } from "../../../proto/index.js";
import type { Queryable } from "../../storage/db.js";
import { isForeignKeyViolation, isUniqueViolation } from "../../storage/db-errors.js";
import { nowSec, type LeaderboardCore } from "./core.js";
import { leaderboardExpiry } from "./deadlines.js";
import { RECORD_COLUMNS, recordFromRow, type RecordRow } from "./record-rows.js";
import { effectiveOperator, isTournament, lbError, Operator, Reason, SortOrder, type Board } from "./types.js";

export interface RecordWriteInput {
  /** The user writing; "" for nk calls (allowed on authoritative boards). */
  caller: string;
  leaderboardId: string;
  ownerId: string;
  /** "" keeps the stored username (or none). */
  username: string;
  score: bigint;
  subscore: bigint;
  /** JSON object text; "" keeps the stored metadata. */
  metadata: string;
  /** An api.Operator override (0 / undefined = the board's operator). */
  operator?: number;
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

async function readRecord(q: Queryable, boardId: string, ownerId: string, expiry: number): Promise<RecordRow | undefined> {
  const { rows } = await q.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM leaderboard_record WHERE leaderboard_id = $1 AND owner_id = $2 AND expiry_time = $3`,
    [boardId, ownerId, new Date(expiry * 1000)],
  );
  return rows[0];
}

/** The board for a leaderboard call: unknown ids and tournaments are "leaderboard not found". */
export async function leaderboardFor(core: LeaderboardCore, id: string): Promise<Board> {
  const b = await core.boards.get(id);
  if (b === null || isTournament(b)) throw lbError(Reason.LEADERBOARD_NOT_FOUND);
  return b;
}

async function upsert(core: LeaderboardCore, b: Board, op: Operator, expiry: number, w: RecordWriteInput): Promise<{ row: RecordRow; changed: boolean }> {
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
  const { rows } = await retryPkeyRace(() => core.db.query<RecordRow & { changed: boolean }>(sql, params));
  if (rows.length > 0) {
    const { changed, ...row } = rows[0];
    return { row, changed };
  }
  // Not changed, and the row was committed by another writer after this statement's snapshot: read it.
  const row = await readRecord(core.db, b.id, w.ownerId, expiry);
  if (row === undefined) throw new Error("leaderboard record vanished after a no-op write");
  return { row, changed: false };
}

/** nk leaderboardRecordWrite / REST WriteLeaderboardRecord. Returns the stored record with its rank. */
export async function leaderboardRecordWrite(core: LeaderboardCore, w: RecordWriteInput): Promise<api.LeaderboardRecord> {
  const b = await leaderboardFor(core, w.leaderboardId);
  if (b.authoritative && w.caller !== "") throw lbError(Reason.LEADERBOARD_AUTHORITATIVE);
  const op = effectiveOperator(b.operator, w.operator);
  if (op === null) throw lbError(Reason.INVALID_OPERATOR);
  const expiry = leaderboardExpiry(b, nowSec(core));
  const { row, changed } = await upsertOrForget(core, b, op, expiry, w);
  const rank = changed
    ? await core.ranks.insert(b, expiry, w.ownerId, row.score, row.subscore, row.num_score)
    : await core.ranks.rankOf(b, expiry, w.ownerId);
  return recordFromRow(b.id, expiry, row, rank);
}

/** Writes; a board deleted by another process since it was cached is then "not found". */
async function upsertOrForget(core: LeaderboardCore, b: Board, op: Operator, expiry: number, w: RecordWriteInput) {
  try {
    return await upsert(core, b, op, expiry, w);
  } catch (err) {
    if (isForeignKeyViolation(err)) {
      core.boards.forget(b.id);
      core.ranks.dropBoard(b.id);
      throw lbError(Reason.LEADERBOARD_NOT_FOUND);
    }
    throw err;
  }
}

/** nk leaderboardRecordDelete / REST DeleteLeaderboardRecord: removes the owner's current record. */
export async function leaderboardRecordDelete(core: LeaderboardCore, caller: string, leaderboardId: string, ownerId: string): Promise<void> {
  const b = await leaderboardFor(core, leaderboardId);
  if (b.authoritative && caller !== "") throw lbError(Reason.LEADERBOARD_AUTHORITATIVE);
  const expiry = leaderboardExpiry(b, nowSec(core));
  await core.db.query("DELETE FROM leaderboard_record WHERE leaderboard_id = $1 AND owner_id = $2 AND expiry_time = $3", [
    b.id, ownerId, new Date(expiry * 1000),
  ]);
  core.ranks.remove(b.id, expiry, ownerId);
}

/**
 * A step for the account-deletion transaction: removes every record the user owns (all boards, all
 * periods) and forgets them in the rank cache.
 */
export function recordsDeletionStep(core: LeaderboardCore): (q: Queryable, userId: string) => Promise<void> {
  return async (q, userId) => {
    const { rows } = await q.query<{ leaderboard_id: string; expiry_time: Date }>(
      "DELETE FROM leaderboard_record WHERE owner_id = $1 RETURNING leaderboard_id, expiry_time", [userId],
    );
    for (const r of rows) core.ranks.remove(r.leaderboard_id, Math.floor(r.expiry_time.getTime() / 1000), userId);
  };
}
