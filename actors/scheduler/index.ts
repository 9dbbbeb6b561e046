// Owns the public surface of the leaderboard scheduler: `startLeaderboardScheduler(parent, deps)` spawns
// the scheduler actor under `parent` and returns the handle the runtime registers its callbacks on
// (leaderboard reset, tournament reset, tournament end; each registration returns its removal). The
// composition root starts one per server with the leaderboard core it also gives the routes.
import { spawn, stop, tell, type ActorRef, type Parent } from "../kernel/index.js";
import type { Logger } from "../../src/log.js";
import type { LeaderboardCore } from "../../src/services/leaderboard/index.js";
import type { SchedulePlan } from "../../src/services/tournament/index.js";
import { CallbackRegistry, type LeaderboardResetCallback, type TournamentCallback } from "./callbacks.js";
import { schedulerSpec } from "./scheduler.actor.js";
import { PLAN, type SchedulerMsg } from "./scheduler.messages.js";

export type { LeaderboardResetCallback, TournamentCallback } from "./callbacks.js";
export type { SchedulerMsg } from "./scheduler.messages.js";

export interface LeaderboardSchedulerDeps {
  core: LeaderboardCore;
  log: Logger;
  /** Wall clock, unix ms (default: the core's). Tests pair it with the kernel's ManualClock. */
  now?: () => number;
  /** leaderboard.callback_queue_workers (default 8). */
  workers?: number;
  /** leaderboard.callback_queue_size (default 65536). */
  queueSize?: number;
  /** Longest timer before planning again (default 60 s). */
  replanMs?: number;
  onPlan?: (plan: SchedulePlan) => void;
  /** Told when the work due at an instant is done (failed = failed callbacks, -1 = the run failed). */
  onRan?: (kind: "end" | "expiry", at: number, failed: number) => void;
}

export interface LeaderboardScheduler {
  readonly ref: ActorRef<SchedulerMsg>;
  /** Called at each reset of a leaderboard with a reset schedule: (leaderboard, reset unix s). */
  onLeaderboardReset(cb: LeaderboardResetCallback): () => void;
  /** Called at each reset of a tournament: (tournament, end of its window, next reset). */
  onTournamentReset(cb: TournamentCallback): () => void;
  /** Called when a tournament's active window ends: (tournament, end, next reset). */
  onTournamentEnd(cb: TournamentCallback): () => void;
  /** Plans again now (boards created or deleted behind the core's back). */
  update(): void;
  stop(): Promise<void>;
}

export function startLeaderboardScheduler(parent: Parent, deps: LeaderboardSchedulerDeps): LeaderboardScheduler {
  const callbacks = new CallbackRegistry();
  const ref = spawn(parent, schedulerSpec({
    core: deps.core,
    log: deps.log.child({ module: "leaderboard-scheduler" }),
    callbacks,
    now: deps.now ?? deps.core.now,
    workers: deps.workers ?? 8,
    queueSize: deps.queueSize ?? 65_536,
    replanMs: deps.replanMs ?? 60_000,
    onPlan: deps.onPlan,
    onRan: deps.onRan,
  }));
  const add = <T>(set: Set<T>, cb: T): (() => void) => {
    set.add(cb);
    return () => set.delete(cb);
  };
  return {
    ref,
    onLeaderboardReset: (cb) => add(callbacks.leaderboardReset, cb),
    onTournamentReset: (cb) => add(callbacks.tournamentReset, cb),
    onTournamentEnd: (cb) => add(callbacks.tournamentEnd, cb),
    update: () => {
      tell(ref, PLAN);
    },
    stop: () => stop(ref),
  };
}
