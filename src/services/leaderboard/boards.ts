// Owns leaderboards as objects (not their records): create (idempotent), delete (records go with it), get
// by ids, list, and turning ranks off; plus the api.Leaderboard view of a board. Creation is runtime-only
// in Nakama, so these back nk functions; there are no REST routes for them.
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import { BOARD_COLUMNS, boardFromRow, nowSec, type BoardRow, type LeaderboardCore } from "./core.js";
import { leaderboardExpiry, prevReset } from "./deadlines.js";
import { apiOperatorOf, isTournament, lbError, Operator, Reason, SortOrder, type Board } from "./types.js";
import { isValidCron } from "../../lib/cron.js";

export interface LeaderboardCreateInput {
  id: string;
  authoritative: boolean;
  sortOrder?: SortOrder;
  operator?: Operator;
  /** Cron text; "" (default) = never resets. */
  resetSchedule?: string;
  /** A JSON object as text (default "{}"). */
  metadata?: string;
  /** Keep ranks for this board (default false, as Nakama's nk functions). */
  enableRanks?: boolean;
}

/** Nakama's runtime checks shared by leaderboard and tournament creation. */
export function checkBoardId(id: string): void {
  if (id === "") throw new GameError(Code.INVALID_ARGUMENT, "expects a leaderboard ID string");
  if (Buffer.byteLength(id, "utf8") > 128) throw new GameError(Code.INVALID_ARGUMENT, "expects a leaderboard ID of at most 128 bytes");
}

export function checkResetSchedule(schedule: string): void {
  if (schedule !== "" && !isValidCron(schedule)) {
    throw new GameError(Code.INVALID_ARGUMENT, "expects reset schedule to be a valid CRON expression");
  }
}

export function checkMetadata(metadata: string): void {
  let v: unknown;
  try {
    v = JSON.parse(metadata);
  } catch {
    v = null;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new GameError(Code.INVALID_ARGUMENT, "expects metadata to be a JSON object");
  }
}

/**
 * Creates a leaderboard, or returns the existing board with that id unchanged (`created` false), as
 * Nakama's creation is idempotent. Concurrent creations of one id create it once.
 */
export async function leaderboardCreate(core: LeaderboardCore, input: LeaderboardCreateInput): Promise<{ board: Board; created: boolean }> {
  checkBoardId(input.id);
  const schedule = input.resetSchedule ?? "";
  checkResetSchedule(schedule);
  const metadata = input.metadata ?? "{}";
  checkMetadata(metadata);
  const existing = await core.boards.get(input.id);
  if (existing !== null) return { board: existing, created: false };
  const { rows } = await core.db.query<BoardRow>(
    `INSERT INTO leaderboard (id, authoritative, sort_order, operator, metadata, enable_ranks, reset_schedule)
     VALUES ($1, $2, $3, $4, $5::JSONB, $6, NULLIF($7, ''))
     ON CONFLICT (id) DO NOTHING
     RETURNING ${BOARD_COLUMNS}`,
    [input.id, input.authoritative, input.sortOrder ?? SortOrder.DESCENDING, input.operator ?? Operator.BEST, metadata,
      input.enableRanks ?? false, schedule],
  );
  if (rows.length === 0) {
    // Another creation won the race: return what it created.
    const b = await core.boards.read(core.db, input.id);
    if (b === null) throw new GameError(Code.INTERNAL, "Error creating leaderboard");
    return { board: b, created: false };
  }
  const board = boardFromRow(rows[0], core.log);
  if (board === null) throw new GameError(Code.INTERNAL, "Error creating leaderboard");
  core.boards.put(board);
  core.boardsChanged();
  return { board, created: true };
}

/** Deletes a leaderboard or tournament and all its records; deleting a missing one succeeds (false). */
export async function leaderboardDelete(core: LeaderboardCore, id: string): Promise<boolean> {
  if (id === "") throw new GameError(Code.INVALID_ARGUMENT, "expects a leaderboard ID string");
  const { rowCount } = await core.db.query("DELETE FROM leaderboard WHERE id = $1", [id]);
  core.boards.forget(id);
  core.ranks.dropBoard(id);
  if (rowCount > 0) core.boardsChanged();
  return rowCount > 0;
}

/** api.Leaderboard of a board at `now` (prev/next reset from its schedule). */
export function leaderboardToApi(b: Board, now: number): api.Leaderboard {
  return {
    id: b.id,
    sort_order: b.sortOrder,
    operator: apiOperatorOf(b.operator),
    prev_reset: prevReset(b, now, b.createTime),
    next_reset: leaderboardExpiry(b, now),
    metadata: b.metadata,
    create_time: new Date(b.createTime * 1000),
    authoritative: b.authoritative,
  };
}

/** nk leaderboardsGetId: the leaderboards (tournaments excluded) among `ids`, unknown ids skipped. */
export async function leaderboardsGet(core: LeaderboardCore, ids: readonly string[]): Promise<api.Leaderboard[]> {
  const now = nowSec(core);
  const out: api.Leaderboard[] = [];
  for (const id of new Set(ids)) {
    const b = await core.boards.get(id);
    if (b !== null && !isTournament(b)) out.push(leaderboardToApi(b, now));
  }
  return out;
}

function decodeOffset(cursor: string): number {
  const n = Number(Buffer.from(cursor, "base64").toString("utf8"));
  if (!Number.isInteger(n) || n < 0) throw lbError(Reason.INVALID_CURSOR);
  return n;
}

/** nk leaderboardList: leaderboards (not tournaments) oldest first, `limit` per page (offset cursor, as Nakama). */
export async function leaderboardList(core: LeaderboardCore, limit: number, cursor = ""): Promise<api.LeaderboardList> {
  if (!(limit >= 1)) throw new GameError(Code.INVALID_ARGUMENT, "limit must be greater than zero");
  const offset = cursor === "" ? 0 : decodeOffset(cursor);
  const { rows } = await core.db.query<BoardRow>(
    `SELECT ${BOARD_COLUMNS} FROM leaderboard WHERE duration = 0 ORDER BY create_time ASC, id ASC LIMIT $1 OFFSET $2`,
    [limit + 1, offset],
  );
  const now = nowSec(core);
  const list: api.LeaderboardList = { leaderboards: [], cursor: "" };
  for (const r of rows.slice(0, limit)) {
    const b = boardFromRow(r, core.log);
    if (b !== null) list.leaderboards.push(leaderboardToApi(b, now));
  }
  if (rows.length > limit) list.cursor = Buffer.from(String(offset + limit), "utf8").toString("base64");
  return list;
}

/** nk leaderboardRanksDisable / tournamentsRanksDisable: stop keeping ranks for the board. */
export async function boardRanksDisable(core: LeaderboardCore, id: string, tournament: boolean): Promise<void> {
  const b = await core.boards.get(id);
  if (b === null || isTournament(b) !== tournament) {
    throw lbError(tournament ? Reason.TOURNAMENT_NOT_FOUND : Reason.LEADERBOARD_NOT_FOUND);
  }
  await core.db.query("UPDATE leaderboard SET enable_ranks = false WHERE id = $1", [id]);
  core.boards.put({ ...b, enableRanks: false });
  core.ranks.dropBoard(id);
}
