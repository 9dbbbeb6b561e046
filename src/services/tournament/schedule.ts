// Owns what the leaderboard scheduler needs from the domain, as Nakama's scheduler computes it: the next
// instant at which tournaments end their active window and the next instant at which boards reset (with
// the ids due then), and the work done at those instants: a tournament's seat count goes back to 0 at its
// reset, and the callbacks receive the board as it was one second before the instant.
import type { api } from "../../../proto/index.js";
import { BOARD_COLUMNS, boardFromRow, type BoardRow, type LeaderboardCore } from "../leaderboard/core.js";
import { leaderboardToApi } from "../leaderboard/boards.js";
import { tournamentDeadlines } from "../leaderboard/deadlines.js";
import { isTournament, type Board } from "../leaderboard/types.js";
import { tournamentToApi } from "./tournaments.js";

export interface Due {
  /** Unix seconds. */
  at: number;
  ids: string[];
}

export interface SchedulePlan {
  /** The earliest upcoming end of a tournament's active window. */
  end: Due | null;
  /** The earliest upcoming reset (leaderboard or tournament). */
  expiry: Due | null;
}

function earliest(due: Due | null, at: number, id: string): Due {
  if (due === null || at < due.at) return { at, ids: [id] };
  if (at === due.at) due.ids.push(id);
  return due;
}

/** Plans from every board with a schedule or a duration, at `now` (unix s). */
export async function planSchedule(core: LeaderboardCore, now: number): Promise<SchedulePlan> {
  const { rows } = await core.db.query<BoardRow>(
    `SELECT ${BOARD_COLUMNS} FROM leaderboard WHERE reset_schedule IS NOT NULL OR duration > 0`,
  );
  let end: Due | null = null;
  let expiry: Due | null = null;
  for (const r of rows) {
    const b = boardFromRow(r, core.log);
    if (b === null) continue;
    if (isTournament(b)) {
      if (b.endTime > 0 && b.endTime < now) continue; // ended for good
      const d = tournamentDeadlines(b, now);
      if (d.endActive > 0 && now < d.endActive) end = earliest(end, d.endActive, b.id);
      if (d.expiry > 0) expiry = earliest(expiry, d.expiry, b.id);
    } else if (b.cron !== null) {
      const next = b.cron.next(now);
      if (next !== null) expiry = earliest(expiry, next, b.id);
    }
  }
  return { end, expiry };
}

async function readBoard(core: LeaderboardCore, id: string): Promise<{ board: Board; size: number } | null> {
  const { rows } = await core.db.query<BoardRow>(`SELECT ${BOARD_COLUMNS} FROM leaderboard WHERE id = $1`, [id]);
  if (rows.length === 0) return null;
  const board = boardFromRow(rows[0], core.log);
  return board === null ? null : { board, size: rows[0].size };
}

export type DueBoard =
  | { kind: "leaderboard"; leaderboard: api.Leaderboard }
  | { kind: "tournament"; tournament: api.Tournament };

/**
 * The board `id` as its reset callback sees it (at `at - 1`); for a tournament its seat count is set back
 * to 0 first, so the new period can fill up again. Null when the board is gone.
 */
export async function resetDue(core: LeaderboardCore, id: string, at: number): Promise<DueBoard | null> {
  const found = await readBoard(core, id);
  if (found === null) return null;
  const { board, size } = found;
  if (!isTournament(board)) return { kind: "leaderboard", leaderboard: leaderboardToApi(board, at - 1) };
  const tournament = tournamentToApi(board, size, at - 1);
  await core.db.query("UPDATE leaderboard SET size = 0 WHERE id = $1", [id]);
  return { kind: "tournament", tournament };
}

/** The tournament `id` as its end callback sees it (at `at - 1`); null when gone or not a tournament. */
export async function endDue(core: LeaderboardCore, id: string, at: number): Promise<api.Tournament | null> {
  const found = await readBoard(core, id);
  if (found === null || !isTournament(found.board)) return null;
  return tournamentToApi(found.board, found.size, at - 1);
}
