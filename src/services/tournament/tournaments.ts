// Owns tournaments as objects: create (with Nakama's configuration checks; idempotent), delete, get by ids,
// list by category and time window (REST ListTournaments and nk tournamentList), and the api.Tournament
// view (active window, can_enter, prev/next reset, size). A tournament is a leaderboard row with
// duration > 0; its records live with the leaderboard's (src/services/leaderboard).
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import { parseCron } from "../../lib/cron.js";
import { checkBoardId, checkMetadata } from "../leaderboard/boards.js";
import { BOARD_COLUMNS, boardFromRow, nowSec, type BoardRow, type LeaderboardCore } from "../leaderboard/core.js";
import { prevReset, tournamentDeadlines } from "../leaderboard/deadlines.js";
import {
  apiOperatorOf, isTournament, lbError, NO_MAX_SIZE, Operator, Reason, SortOrder, type Board,
} from "../leaderboard/types.js";

export interface TournamentCreateInput {
  id: string;
  /** Default true: only nk calls may write scores. */
  authoritative?: boolean;
  sortOrder?: SortOrder;
  operator?: Operator;
  /** Seconds each active window lasts; must be > 0. */
  duration: number;
  resetSchedule?: string;
  metadata?: string;
  title?: string;
  description?: string;
  /** 0–127. */
  category?: number;
  /** Unix s; 0 = now. */
  startTime?: number;
  /** Unix s; 0 = never ends. */
  endTime?: number;
  /** 0 = no limit. */
  maxSize?: number;
  /** Attempts per owner per period; 0 = the default (1,000,000). */
  maxNumScore?: number;
  joinRequired?: boolean;
  enableRanks?: boolean;
}

function invalid(message: string): GameError {
  return lbError(Reason.INVALID_CONFIG, message);
}

/** Nakama's runtime argument checks and its checkTournamentConfig, with their texts. */
function checkConfig(t: TournamentCreateInput): void {
  checkBoardId(t.id);
  const start = t.startTime ?? 0;
  const end = t.endTime ?? 0;
  const category = t.category ?? 0;
  if (!(t.duration > 0)) throw invalid("duration must be > 0");
  if (!Number.isInteger(category) || category < 0 || category >= 128) throw invalid("category must be 0-127");
  if (start < 0) throw invalid("tournament start time must be a unix UTC time in the future");
  if ((t.maxSize ?? 0) < 0) throw invalid("tournament max must be greater than zero");
  if ((t.maxNumScore ?? 0) < 0) throw invalid("tournament m num score must be greater than zero");
  if (end > 0 && end < start) throw invalid("tournament end time cannot be before start time");
  checkMetadata(t.metadata ?? "{}");
  const schedule = t.resetSchedule ?? "";
  if (schedule === "") return;
  let first: number | null;
  try {
    first = parseCron(schedule).next(start);
  } catch (err) {
    throw invalid(`could not parse reset schedule: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (end > 0 && first !== null && end <= first) {
    throw invalid("tournament end time cannot be before first reset schedule - either increase end time or change/disable reset schedule");
  }
}

/**
 * Creates a tournament; an existing tournament with this id is returned unchanged (`created` false),
 * an existing leaderboard with this id is an error.
 */
export async function tournamentCreate(core: LeaderboardCore, t: TournamentCreateInput): Promise<{ board: Board; created: boolean }> {
  checkConfig(t);
  const existing = await core.boards.get(t.id);
  if (existing !== null) {
    if (isTournament(existing)) return { board: existing, created: false };
    throw new GameError(Code.INVALID_ARGUMENT, "cannot create tournament as leaderboard is already in use");
  }
  const start = t.startTime ?? 0;
  const end = t.endTime ?? 0;
  const { rows } = await core.db.query<BoardRow>(
    `INSERT INTO leaderboard (id, authoritative, sort_order, operator, duration, reset_schedule, metadata, category,
       description, end_time, join_required, max_size, max_num_score, title, start_time, enable_ranks)
     VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7::JSONB, $8, $9, $10, $11, $12, $13, $14, COALESCE($15, date_trunc('second', now())), $16)
     ON CONFLICT (id) DO NOTHING
     RETURNING ${BOARD_COLUMNS}`,
    [
      t.id, t.authoritative ?? true, t.sortOrder ?? SortOrder.DESCENDING, t.operator ?? Operator.BEST, t.duration,
      t.resetSchedule ?? "", t.metadata ?? "{}", t.category ?? 0, t.description ?? "", new Date(end * 1000),
      t.joinRequired ?? false, t.maxSize ? t.maxSize : NO_MAX_SIZE, t.maxNumScore ? t.maxNumScore : 1_000_000,
      t.title ?? "", start > 0 ? new Date(start * 1000) : null, t.enableRanks ?? false,
    ],
  );
  if (rows.length === 0) {
    // A concurrent creation of the same id won.
    const b = await core.boards.read(core.db, t.id);
    if (b === null || !isTournament(b)) throw new GameError(Code.INVALID_ARGUMENT, "cannot create tournament as leaderboard is already in use");
    return { board: b, created: false };
  }
  const board = boardFromRow(rows[0], core.log);
  if (board === null) throw new GameError(Code.INTERNAL, "Error creating tournament");
  core.boards.put(board);
  core.boardsChanged();
  return { board, created: true };
}

/** Deletes a tournament and its records; a missing id (or a leaderboard's) is a no-op. */
export async function tournamentDelete(core: LeaderboardCore, id: string): Promise<void> {
  const b = await core.boards.get(id);
  if (b === null || !isTournament(b)) return;
  const { rowCount } = await core.db.query("DELETE FROM leaderboard WHERE id = $1", [id]);
  core.boards.forget(id);
  core.ranks.dropBoard(id);
  if (rowCount > 0) core.boardsChanged();
}

/** api.Tournament of a tournament with `size` entrants, as seen at `now`. */
export function tournamentToApi(b: Board, size: number, now: number): api.Tournament {
  const { startActive, endActive, expiry } = tournamentDeadlines(b, now);
  const canEnter = !(startActive > now || (endActive !== 0 && endActive < now)) && size < b.maxSize;
  const t: api.Tournament = {
    id: b.id,
    title: b.title,
    description: b.description,
    category: b.category,
    sort_order: b.sortOrder,
    size,
    max_size: b.maxSize,
    max_num_score: b.maxNumScore,
    can_enter: canEnter,
    end_active: endActive,
    next_reset: expiry,
    metadata: b.metadata,
    create_time: new Date(b.createTime * 1000),
    start_time: new Date(b.startTime * 1000),
    duration: b.duration,
    start_active: startActive,
    prev_reset: prevReset(b, now, b.startTime),
    operator: apiOperatorOf(b.operator),
    authoritative: b.authoritative,
    join_required: b.joinRequired,
  };
  if (b.endTime > 0) t.end_time = new Date(b.endTime * 1000);
  return t;
}

/** nk tournamentsGetId: tournaments among `ids` with their current size; unknown ids skipped. */
export async function tournamentsGet(core: LeaderboardCore, ids: readonly string[]): Promise<api.Tournament[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const { rows } = await core.db.query<BoardRow>(`SELECT ${BOARD_COLUMNS} FROM leaderboard WHERE id = ANY($1::TEXT[]) AND duration > 0`, [unique]);
  const now = nowSec(core);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: api.Tournament[] = [];
  for (const id of unique) {
    const r = byId.get(id);
    const b = r === undefined ? null : boardFromRow(r, core.log);
    if (r !== undefined && b !== null) out.push(tournamentToApi(b, r.size, now));
  }
  return out;
}

export interface TournamentListInput {
  categoryStart: number;
  categoryEnd: number;
  /** -1 = any start; else only tournaments starting at or after it. */
  startTime: number;
  /** -1 = not ended yet (or never ending); 0 = only never-ending; > 0 = ending by then. */
  endTime: number;
  limit: number;
  cursor: string;
}

interface ListCursor {
  s: number;
  e: number;
  c: number;
  i: string;
}

function decodeCursor(text: string): ListCursor {
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as ListCursor;
    if (typeof c.s === "number" && typeof c.e === "number" && typeof c.c === "number" && typeof c.i === "string") return c;
  } catch {
    // fall through
  }
  throw lbError(Reason.INVALID_CURSOR);
}

/** Tournaments ordered by start time, then end time (latest first), category and id. */
export async function tournamentList(core: LeaderboardCore, f: TournamentListInput): Promise<api.TournamentList> {
  const now = nowSec(core);
  const params: unknown[] = [f.categoryStart, f.categoryEnd, f.limit + 1];
  const where = ["duration > 0", "category >= $1", "category <= $2"];
  const p = (v: unknown): string => `$${params.push(v)}`;
  if (f.startTime >= 0) where.push(`start_time >= ${p(new Date(f.startTime * 1000))}`);
  if (f.endTime === 0) where.push("end_time = 'epoch'");
  else if (f.endTime === -1) where.push(`(end_time = 'epoch' OR end_time >= ${p(new Date(now * 1000))})`);
  else if (f.endTime > 0) where.push(`end_time <> 'epoch' AND end_time <= ${p(new Date(f.endTime * 1000))}`);
  if (f.cursor !== "") {
    const c = decodeCursor(f.cursor);
    const [s, e, cat, id] = [p(new Date(c.s * 1000)), p(new Date(c.e * 1000)), p(c.c), p(c.i)];
    where.push(`(start_time > ${s} OR (start_time = ${s} AND (end_time < ${e} OR (end_time = ${e} AND (category, id) > (${cat}, ${id})))))`);
  }
  const { rows } = await core.db.query<BoardRow>(
    `SELECT ${BOARD_COLUMNS} FROM leaderboard WHERE ${where.join(" AND ")}
     ORDER BY start_time ASC, end_time DESC, category ASC, id ASC LIMIT $3`, params,
  );
  const list: api.TournamentList = { tournaments: [], cursor: "" };
  const page = rows.slice(0, f.limit);
  for (const r of page) {
    const b = boardFromRow(r, core.log);
    if (b !== null) list.tournaments.push(tournamentToApi(b, r.size, now));
  }
  if (rows.length > f.limit) {
    const last = page[page.length - 1];
    const wire: ListCursor = { s: Math.floor(last.start_time.getTime() / 1000), e: Math.floor(last.end_time.getTime() / 1000), c: last.category, i: last.id };
    list.cursor = Buffer.from(JSON.stringify(wire), "utf8").toString("base64url");
  }
  return list;
}
