// Owns what players do in a tournament: join (when required; bounded by max size), write a score (only
// inside the active window; every attempt counts against max_num_score; the first record of a period
// takes a seat when the tournament has a max size), delete the own record, add attempts (nk), and read
// records (listing and around an owner) with the tournament's own "ended" and "not found" rules.
//
// Concurrency: join and first write count seats with `UPDATE leaderboard SET size = size + 1 WHERE
// size < max_size` in the same transaction as the record insert; the row lock orders concurrent joiners,
// each re-checks the condition after the lock, so size never exceeds max_size and a refused join leaves
// no record behind. Attempts are counted by the upsert itself (num_score + 1 on the locked row).
import type { api } from "../../../proto/index.js";
import { isForeignKeyViolation } from "../../storage/db-errors.js";
import { nowSec, type LeaderboardCore } from "../leaderboard/core.js";
import { tournamentDeadlines } from "../leaderboard/deadlines.js";
import { recordsHaystack, recordsList, type RecordsListInput } from "../leaderboard/listing.js";
import { RECORD_COLUMNS, recordFromRow, type RecordRow } from "../leaderboard/record-rows.js";
import { retryPkeyRace, type RecordWriteInput } from "../leaderboard/records.js";
import { effectiveOperator, hasMaxSize, isTournament, lbError, Operator, Reason, SortOrder, type Board } from "../leaderboard/types.js";
import type { Queryable } from "../../storage/db.js";

/** The tournament with this id, else "tournament not found". */
export async function tournamentFor(core: LeaderboardCore, id: string): Promise<Board> {
  const b = await core.boards.get(id);
  if (b === null || !isTournament(b)) throw lbError(Reason.TOURNAMENT_NOT_FOUND);
  return b;
}

/** SET clause per operator: tournaments count every attempt, so there is no "unchanged" filter. */
function setSql(op: Operator, sort: SortOrder): string {
  switch (op) {
    case Operator.INCREMENT:
      return "score = leaderboard_record.score + $5::BIGINT, subscore = leaderboard_record.subscore + $6::BIGINT";
    case Operator.DECREMENT:
      return "score = GREATEST(leaderboard_record.score - $5::BIGINT, 0), subscore = GREATEST(leaderboard_record.subscore - $6::BIGINT, 0)";
    case Operator.SET:
      return "score = $5::BIGINT, subscore = $6::BIGINT";
    default:
      return sort === SortOrder.ASCENDING
        ? "score = LEAST(leaderboard_record.score, $5::BIGINT), subscore = LEAST(leaderboard_record.subscore, $6::BIGINT)"
        : "score = GREATEST(leaderboard_record.score, $5::BIGINT), subscore = GREATEST(leaderboard_record.subscore, $6::BIGINT)";
  }
}

/** Takes a seat; throws "max size reached" (rolling the transaction back) when none is left. */
async function takeSeat(q: Queryable, b: Board): Promise<void> {
  const { rowCount } = await q.query("UPDATE leaderboard SET size = size + 1 WHERE id = $1 AND size < max_size", [b.id]);
  if (rowCount !== 1) throw lbError(Reason.TOURNAMENT_MAX_SIZE);
}

async function writeJoined(core: LeaderboardCore, b: Board, op: Operator, expiry: number, w: RecordWriteInput): Promise<RecordRow> {
  const params = [b.id, w.ownerId, w.username === "" ? null : w.username, new Date(expiry * 1000), w.score, w.subscore, w.metadata === "" ? null : w.metadata];
  const { rows } = await core.db.query<RecordRow>(
    `UPDATE leaderboard_record SET ${setSql(op, b.sortOrder)}, num_score = leaderboard_record.num_score + 1,
       metadata = COALESCE($7::JSONB, leaderboard_record.metadata), username = COALESCE($3, leaderboard_record.username), update_time = now()
     WHERE leaderboard_id = $1 AND owner_id = $2 AND expiry_time = $4 AND (max_num_score = 0 OR num_score < max_num_score)
     RETURNING ${RECORD_COLUMNS}`, params,
  );
  if (rows.length > 0) return rows[0];
  const { rowCount } = await core.db.query(
    "SELECT 1 FROM leaderboard_record WHERE leaderboard_id = $1 AND owner_id = $2 AND expiry_time = $3", [b.id, w.ownerId, new Date(expiry * 1000)],
  );
  throw lbError(rowCount === 0 ? Reason.TOURNAMENT_JOIN_REQUIRED : Reason.TOURNAMENT_MAX_NUM_SCORE);
}

async function writeOpen(core: LeaderboardCore, b: Board, op: Operator, expiry: number, w: RecordWriteInput): Promise<RecordRow> {
  const decr = op === Operator.DECREMENT;
  const params = [
    b.id, w.ownerId, w.username === "" ? null : w.username, new Date(expiry * 1000), w.score, w.subscore,
    w.metadata === "" ? null : w.metadata, b.maxNumScore, decr ? 0n : w.score, decr ? 0n : w.subscore,
  ];
  const sql = `INSERT INTO leaderboard_record (leaderboard_id, owner_id, username, score, subscore, metadata, expiry_time, max_num_score)
    VALUES ($1, $2, $3, $9::BIGINT, $10::BIGINT, COALESCE($7::JSONB, '{}'::JSONB), $4, $8)
    ON CONFLICT (owner_id, leaderboard_id, expiry_time)
    DO UPDATE SET ${setSql(op, b.sortOrder)}, num_score = leaderboard_record.num_score + 1,
      metadata = COALESCE($7::JSONB, leaderboard_record.metadata), username = COALESCE($3, leaderboard_record.username), update_time = now()
    RETURNING ${RECORD_COLUMNS}`;
  return retryPkeyRace(() => core.db.tx(async (q) => {
    const row = (await q.query<RecordRow>(sql, params)).rows[0];
    // num_score counts this attempt: past the limit the whole write is rolled back.
    if (row.max_num_score > 0 && row.num_score > row.max_num_score) throw lbError(Reason.TOURNAMENT_MAX_NUM_SCORE);
    if (hasMaxSize(b) && row.num_score === 1) await takeSeat(q, b);
    return row;
  }));
}

/** nk tournamentRecordWrite / REST WriteTournamentRecord. */
export async function tournamentRecordWrite(core: LeaderboardCore, w: RecordWriteInput): Promise<api.LeaderboardRecord> {
  const b = await tournamentFor(core, w.leaderboardId);
  if (b.authoritative && w.caller !== "") throw lbError(Reason.TOURNAMENT_AUTHORITATIVE);
  const now = nowSec(core);
  const { startActive, endActive, expiry } = tournamentDeadlines(b, now);
  if (startActive > now || endActive <= now) throw lbError(Reason.TOURNAMENT_OUTSIDE_DURATION);
  const op = effectiveOperator(b.operator, w.operator);
  if (op === null) throw lbError(Reason.INVALID_OPERATOR);
  let row: RecordRow;
  try {
    row = b.joinRequired ? await writeJoined(core, b, op, expiry, w) : await writeOpen(core, b, op, expiry, w);
  } catch (err) {
    if (!isForeignKeyViolation(err)) throw err;
    core.boards.forget(b.id);
    throw lbError(Reason.TOURNAMENT_NOT_FOUND);
  }
  const rank = await core.ranks.insert(b, expiry, w.ownerId, row.score, row.subscore, row.num_score);
  return recordFromRow(b.id, expiry, row, rank);
}

/** nk tournamentJoin / REST JoinTournament. A no-op for tournaments that do not require joining. */
export async function tournamentJoin(core: LeaderboardCore, tournamentId: string, ownerId: string, username: string): Promise<void> {
  const b = await tournamentFor(core, tournamentId);
  if (!b.joinRequired) return;
  const now = nowSec(core);
  const { endActive, expiry } = tournamentDeadlines(b, now);
  if (endActive <= now) throw lbError(Reason.TOURNAMENT_OUTSIDE_DURATION);
  const joined = await core.db.tx(async (q) => {
    const { rowCount } = await q.query(
      `INSERT INTO leaderboard_record (leaderboard_id, owner_id, expiry_time, username, num_score, max_num_score)
       VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (owner_id, leaderboard_id, expiry_time) DO NOTHING`,
      [b.id, ownerId, new Date(expiry * 1000), username === "" ? null : username, b.maxNumScore],
    );
    // Already joined this period: nothing to do.
    if (rowCount !== 1) return false;
    if (hasMaxSize(b)) await takeSeat(q, b);
    return true;
  });
  if (joined) await core.ranks.insert(b, expiry, ownerId, "0", "0", 0);
}

/** nk tournamentAddAttempt: gives the owner `count` more attempts in the current period. */
export async function tournamentAddAttempt(core: LeaderboardCore, tournamentId: string, ownerId: string, count: number): Promise<void> {
  if (count === 0) return;
  const b = await tournamentFor(core, tournamentId);
  const now = nowSec(core);
  const { endActive, expiry } = tournamentDeadlines(b, now);
  if (endActive <= now) throw lbError(Reason.TOURNAMENT_OUTSIDE_DURATION);
  await core.db.query(
    "UPDATE leaderboard_record SET max_num_score = max_num_score + $1 WHERE leaderboard_id = $2 AND owner_id = $3 AND expiry_time = $4",
    [count, b.id, ownerId, new Date(expiry * 1000)],
  );
}

/** nk tournamentRecordDelete / REST DeleteTournamentRecord: removes the owner's current record. */
export async function tournamentRecordDelete(core: LeaderboardCore, caller: string, tournamentId: string, ownerId: string): Promise<void> {
  const b = await tournamentFor(core, tournamentId);
  if (b.authoritative && caller !== "") throw lbError(Reason.TOURNAMENT_AUTHORITATIVE);
  const { expiry } = tournamentDeadlines(b, nowSec(core));
  await core.db.query("DELETE FROM leaderboard_record WHERE leaderboard_id = $1 AND owner_id = $2 AND expiry_time = $3", [
    b.id, ownerId, new Date(expiry * 1000),
  ]);
  core.ranks.remove(b.id, expiry, ownerId);
}

/** nk tournamentRecordsList / REST ListTournamentRecords. An ended tournament has no current records. */
export async function tournamentRecordsList(core: LeaderboardCore, tournamentId: string, input: RecordsListInput): Promise<api.LeaderboardRecordList> {
  const b = await tournamentFor(core, tournamentId);
  if (input.overrideExpiry === 0 && b.endTime > 0 && b.endTime <= nowSec(core)) throw lbError(Reason.TOURNAMENT_OUTSIDE_DURATION);
  return recordsList(core, b, input);
}

/** nk tournamentRecordsHaystack / REST ListTournamentRecordsAroundOwner. */
export async function tournamentRecordsHaystack(
  core: LeaderboardCore, tournamentId: string, ownerId: string, limit: number, cursor: string, overrideExpiry: number,
): Promise<api.LeaderboardRecordList> {
  // An expired current period lists nothing (listingExpiry).
  const b = await tournamentFor(core, tournamentId);
  return recordsHaystack(core, b, ownerId, limit, cursor, overrideExpiry);
}
