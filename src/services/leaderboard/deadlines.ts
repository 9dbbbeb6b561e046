// Owns time arithmetic of boards, as Nakama computes it: a leaderboard's current period (it expires at the
// next cron instant, or never), a tournament's active window and expiry (start/end time, duration, reset
// schedule), the previous reset, and which period a listing with an `expiry` override reads.
// All values are unix seconds; 0 means "never" / "not set".
import type { Board } from "./types.js";
import { isTournament } from "./types.js";

/** When the board's current records expire: the next reset, or 0 for a board that never resets. */
export function leaderboardExpiry(b: Board, nowSec: number): number {
  return b.cron === null ? 0 : (b.cron.next(nowSec) ?? 0);
}

/** The last reset before now, or 0 when there is no schedule or the board starts in the future. */
export function prevReset(b: Board, nowSec: number, startTime: number): number {
  if (b.cron === null || startTime > nowSec) return 0;
  return b.cron.prev(nowSec) ?? 0;
}

export interface Deadlines {
  /** When the current (or next) active window opens. */
  startActive: number;
  /** When it closes: no scores accepted from then on. */
  endActive: number;
  /** When the current records expire (the next reset, capped at the end time); 0 = never. */
  expiry: number;
}

/** Nakama's calculateTournamentDeadlines for the tournament `b` at `nowSec`. */
export function tournamentDeadlines(b: Board, nowSec: number): Deadlines {
  const t = Math.floor(nowSec);
  const { startTime, endTime, duration, cron } = b;
  if (cron === null) {
    const endActive = endTime > 0 && startTime + duration > endTime ? endTime : startTime + duration;
    return { startActive: startTime, endActive, expiry: endTime };
  }
  const next = (s: number): number => cron.next(s) ?? 0;
  let startActive: number;
  if (t < startTime) {
    startActive = next(startTime);
  } else if (next(t - 1) === t) {
    // Exactly on a reset instant: the new period starts now.
    startActive = t;
  } else {
    startActive = cron.prev(t) ?? 0;
  }
  let endActive = startActive + duration;
  let expiry = next(startActive);
  if (endActive > expiry) endActive = expiry;
  if (startTime > endActive) {
    // The start time falls after this window closed but before the next reset: use the first window after it.
    startActive = next(startTime);
    endActive = startActive + duration;
    expiry = next(startActive);
    if (endActive > expiry) endActive = expiry;
  } else if (startTime > startActive) {
    startActive = startTime;
  }
  if (endTime > 0 && expiry > endTime) {
    expiry = endTime;
    if (endActive > expiry) endActive = expiry;
  }
  return { startActive, endActive, expiry };
}

/** The expiry of the board's current records (tournament or leaderboard). */
export function currentExpiry(b: Board, nowSec: number): number {
  return isTournament(b) ? tournamentDeadlines(b, nowSec).expiry : leaderboardExpiry(b, nowSec);
}

/**
 * The period a listing reads: `override` when non-zero, else the current one. `possible` is false when the
 * current period of a tournament has already expired (no records can be listed).
 */
export function listingExpiry(b: Board, override: number, nowSec: number): { expiry: number; possible: boolean } {
  if (override !== 0) return { expiry: override, possible: true };
  if (isTournament(b)) {
    const { expiry } = tournamentDeadlines(b, nowSec);
    if (expiry !== 0 && expiry <= nowSec) return { expiry: 0, possible: false };
    return { expiry, possible: true };
  }
  return { expiry: leaderboardExpiry(b, nowSec), possible: true };
}
