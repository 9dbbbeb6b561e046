// Owns the leaderboard scheduler actor, Nakama's leaderboard scheduler as an actor: it plans from the
// database the next instant a tournament window ends and the next instant boards reset, sets one timer for
// each on the kernel clock (a ManualClock in tests), and when one fires it trims expired rank-cache
// periods, plans again at once, and hands the due boards to the callback runner outside the actor.
//
// Timers are capped at `replanMs`: a far instant is reached by re-planning, which also picks up boards
// another process created. An instant is handled once (`lastEnd` / `lastExpiry`), so a timer that fires a
// little early, or a plan that lands on the same instant twice, never runs its callbacks twice. Plans are
// never computed concurrently: a request while one runs is remembered and served right after.
import { tell, type ActorContext, type ActorSpec, type Timer } from "../kernel/index.js";
import type { Logger } from "../../src/log.js";
import type { LeaderboardCore } from "../../src/services/leaderboard/index.js";
import { planSchedule, type Due, type SchedulePlan } from "../../src/services/tournament/index.js";
import { runDue, type CallbackRegistry } from "./callbacks.js";
import { PLAN, type SchedulerMsg } from "./scheduler.messages.js";

export interface SchedulerActorDeps {
  core: LeaderboardCore;
  log: Logger;
  callbacks: CallbackRegistry;
  /** Wall clock, unix ms. */
  now: () => number;
  workers: number;
  queueSize: number;
  replanMs: number;
  /** Told every new plan (tests and debugging). */
  onPlan?: (plan: SchedulePlan) => void;
  /** Told when the work of an instant is done, with the number of failed callbacks. */
  onRan?: (kind: "end" | "expiry", at: number, failed: number) => void;
}

interface State {
  timers: Timer[];
  planning: boolean;
  planAgain: boolean;
  lastEnd: number;
  lastExpiry: number;
  unsubscribe: () => void;
}

type Ctx = ActorContext<SchedulerMsg>;

function startPlan(d: SchedulerActorDeps, s: State, ctx: Ctx): State {
  if (s.planning) return { ...s, planAgain: true };
  ctx.pipeToSelf(planSchedule(d.core, Math.floor(d.now() / 1000)), (result) => ({ type: "planned", result }));
  return { ...s, planning: true, planAgain: false };
}

function arm(d: SchedulerActorDeps, ctx: Ctx, kind: "end" | "expiry", due: Due | null): Timer | null {
  if (due === null) return null;
  const delay = Math.max(0, due.at * 1000 - d.now());
  if (delay > d.replanMs) return null;
  return ctx.scheduleOnce(delay, { type: "due", kind, at: due.at, ids: due.ids });
}

function planned(d: SchedulerActorDeps, s: State, msg: Extract<SchedulerMsg, { type: "planned" }>, ctx: Ctx): State {
  for (const t of s.timers) t.cancel();
  const timers: Timer[] = [ctx.scheduleOnce(d.replanMs, PLAN)];
  if (msg.result.ok) {
    const plan = msg.result.value;
    for (const t of [arm(d, ctx, "end", plan.end), arm(d, ctx, "expiry", plan.expiry)]) if (t !== null) timers.push(t);
    d.log.debug({ end: plan.end, expiry: plan.expiry }, "Leaderboard scheduler update");
    d.onPlan?.(plan);
  } else {
    d.log.error({ err: msg.result.error }, "Leaderboard scheduler could not plan; retrying later");
  }
  const next: State = { ...s, timers, planning: false };
  return s.planAgain ? startPlan(d, next, ctx) : next;
}

function due(d: SchedulerActorDeps, s: State, msg: Extract<SchedulerMsg, { type: "due" }>, ctx: Ctx): State {
  if (msg.kind === "expiry") d.core.ranks.trimExpired(msg.at);
  let next = startPlan(d, s, ctx);
  const last = msg.kind === "end" ? s.lastEnd : s.lastExpiry;
  if (msg.at <= last) return next;
  next = msg.kind === "end" ? { ...next, lastEnd: msg.at } : { ...next, lastExpiry: msg.at };
  d.log.info({ kind: msg.kind, at: msg.at, count: msg.ids.length }, "Leaderboard scheduler due");
  const run = runDue({ core: d.core, log: d.log, callbacks: d.callbacks, workers: d.workers, queueSize: d.queueSize }, msg.kind, msg.at, msg.ids);
  ctx.pipeToSelf(run, (result) => ({ type: "ran", kind: msg.kind, at: msg.at, result }));
  return next;
}

export function schedulerSpec(d: SchedulerActorDeps): ActorSpec<SchedulerMsg, State> {
  return {
    name: "leaderboard-scheduler",
    mailbox: { capacity: 1024, overflow: "drop-newest" },
    init: (ctx) => {
      const unsubscribe = d.core.onBoardsChanged(() => {
        tell(ctx.self, PLAN);
      });
      const s: State = { timers: [], planning: false, planAgain: false, lastEnd: 0, lastExpiry: 0, unsubscribe };
      return startPlan(d, s, ctx);
    },
    handle: (s, msg, ctx) => {
      switch (msg.type) {
        case "plan":
          return startPlan(d, s, ctx);
        case "planned":
          return planned(d, s, msg, ctx);
        case "due":
          return due(d, s, msg, ctx);
        case "ran":
          if (!msg.result.ok) d.log.error({ err: msg.result.error, kind: msg.kind, at: msg.at }, "leaderboard callbacks failed");
          else if (msg.result.value > 0) d.log.warn({ kind: msg.kind, at: msg.at, failed: msg.result.value }, "leaderboard callbacks failed");
          d.onRan?.(msg.kind, msg.at, msg.result.ok ? msg.result.value : -1);
          return s;
      }
    },
    onStop: (s) => {
      s.unsubscribe();
      for (const t of s.timers) t.cancel();
    },
  };
}
