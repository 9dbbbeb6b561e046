// Owns the scheduler's callbacks: the registry the runtime fills through onLeaderboardReset /
// onTournamentReset / onTournamentEnd, and running the work due at one instant outside the actor, at most
// `workers` boards at a time (leaderboard.callback_queue_workers) and at most `queueSize` boards per
// instant (leaderboard.callback_queue_size; the rest are logged and skipped). A failing callback is logged
// and does not stop the others.
import type { api } from "../../proto/index.js";
import type { Logger } from "../../src/log.js";
import type { LeaderboardCore } from "../../src/services/leaderboard/index.js";
import { endDue, resetDue } from "../../src/services/tournament/index.js";

/** `reset`: unix seconds of the reset instant. */
export type LeaderboardResetCallback = (leaderboard: api.Leaderboard, reset: number) => Promise<void> | void;
/** `end`: the end of the active window; `reset`: the next reset (unix seconds; 0 = none). */
export type TournamentCallback = (tournament: api.Tournament, end: number, reset: number) => Promise<void> | void;

export class CallbackRegistry {
  readonly leaderboardReset = new Set<LeaderboardResetCallback>();
  readonly tournamentReset = new Set<TournamentCallback>();
  readonly tournamentEnd = new Set<TournamentCallback>();
}

export interface RunDeps {
  core: LeaderboardCore;
  log: Logger;
  callbacks: CallbackRegistry;
  workers: number;
  queueSize: number;
}

/** Calls each callback in turn; returns how many failed (each failure is logged). */
async function invoke(log: Logger, what: string, calls: ReadonlyArray<() => Promise<void> | void>): Promise<number> {
  let failed = 0;
  for (const call of calls) {
    try {
      await call();
    } catch (err) {
      failed++;
      log.warn({ err }, `Failed to invoke ${what} callback`);
    }
  }
  return failed;
}

/** The work for one board at an "expiry" instant: tournaments always reset their seats. */
async function expiryFor(d: RunDeps, id: string, at: number): Promise<number> {
  const due = await resetDue(d.core, id, at);
  if (due === null) return 0;
  if (due.kind === "leaderboard") {
    return invoke(d.log, "leaderboard reset", [...d.callbacks.leaderboardReset].map((cb) => () => cb(due.leaderboard, at)));
  }
  const t = due.tournament;
  return invoke(d.log, "tournament reset", [...d.callbacks.tournamentReset].map((cb) => () => cb(t, t.end_active, t.next_reset)));
}

async function endFor(d: RunDeps, id: string, at: number): Promise<number> {
  if (d.callbacks.tournamentEnd.size === 0) return 0;
  const t = await endDue(d.core, id, at);
  if (t === null) return 0;
  return invoke(d.log, "tournament end", [...d.callbacks.tournamentEnd].map((cb) => () => cb(t, t.end_active, t.next_reset)));
}

/** Runs the work due at `at` for `ids`; resolves with the number of failed callbacks. */
export async function runDue(d: RunDeps, kind: "end" | "expiry", at: number, ids: readonly string[]): Promise<number> {
  const queue = ids.slice(0, d.queueSize);
  if (ids.length > queue.length) {
    d.log.warn({ kind, at, skipped: ids.length - queue.length }, "leaderboard callback queue full; callbacks skipped");
  }
  let failed = 0;
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        // Await first, then add: `failed += await …` would read `failed` before another worker's update.
        const n = kind === "expiry" ? await expiryFor(d, id, at) : await endFor(d, id, at);
        failed += n;
      } catch (err) {
        failed++;
        d.log.error({ err, id, kind }, "leaderboard scheduler work failed");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, d.workers) }, worker));
  return failed;
}
