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
import { isForeignKeyViolation } from "../../storage/db-errors.js";
import { nowSec, type LeaderboardCore } from "./core.js";
import { leaderboardExpiry } from "./deadlines.js";
import { recordFromRow } from "./record-rows.js";
import { upsertOne, type Upserted } from "./record-upsert.js";
import { effectiveOperator, isTournament, lbError, Reason, type Operator, type Board } from "./types.js";

export { retryPkeyRace } from "./record-upsert.js";

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

/** The board for a leaderboard call: unknown ids and tournaments are "leaderboard not found". */
export async function leaderboardFor(core: LeaderboardCore, id: string): Promise<Board> {
  const b = await core.boards.get(id);
  if (b === null || isTournament(b)) throw lbError(Reason.LEADERBOARD_NOT_FOUND);
  return b;
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
async function upsertOrForget(core: LeaderboardCore, b: Board, op: Operator, expiry: number, w: RecordWriteInput): Promise<Upserted> {
  try {
    return core.writes === undefined ? await upsertOne(core.db, b, op, expiry, w) : await core.writes.submit({ b, op, expiry, w }, 1);
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
