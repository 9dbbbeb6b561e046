// Owns firing the runtime's server-side events: realtime session start/end (registerEventSessionStart /
// registerEventSessionEnd, with the session's user, vars, expiry, id, client address and lang in the
// context) and the leaderboard scheduler's leaderboard reset, tournament reset and tournament end hooks,
// each handed to the owning engine in Nakama's shapes:
//   Lua:    fn(context, leaderboard, reset) / fn(context, tournament, end, reset), snake_case tables
//           (sort_order a string; a leaderboard's prev_reset/next_reset strings, as Nakama formats them);
//   JS:     fn(ctx, logger, nk, leaderboard, reset) / (…, tournament, end, reset), camelCase objects;
//   native: the api.Leaderboard / api.Tournament message itself, as Go receives *api.Leaderboard.
// A hook that returns a value fails (Nakama: "must be nil"); the scheduler logs the failure.
import type { api } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import { ExecutionMode, systemContext, type ContextBase, type RuntimeContext } from "./context.js";
import { leaderboardJs, leaderboardLua, tournamentJs, tournamentLua } from "./nk/shapes-social.js";
import { RegKind, regKey, type EngineKind } from "./registry.js";
import type { Runtime } from "./runtime.js";

/** What a realtime session tells the events (satisfied by src/realtime's SessionHandle). */
export interface EventSession {
  readonly id: string;
  readonly identity: {
    readonly userId: string;
    readonly username: string;
    readonly vars: Readonly<Record<string, string>>;
    readonly expiry: number;
    readonly lang: string;
    readonly clientIp: string;
    readonly clientPort: string;
  };
  /** Why the server closed the session to protect itself, or null. */
  readonly failure: string | null;
}

/** The realtime core's session listeners (RealtimeCore.onSession). */
export interface SessionSource {
  onSession(when: "start" | "end", fn: (h: EventSession) => void): void;
}

/** The context of a session event: the session's values, no headers (as Nakama). */
export function sessionContext(base: ContextBase, h: EventSession): RuntimeContext {
  const i = h.identity;
  return systemContext(base, ExecutionMode.EVENT, {
    userId: i.userId, username: i.username, vars: i.vars, userSessionExp: i.expiry, sessionId: h.id,
    lang: i.lang, clientIp: i.clientIp, clientPort: i.clientPort,
  });
}

/**
 * Calls the runtime's session start/end events for every realtime session. The runtime is read at each
 * event (late-bound: none yet, nothing fired). The end reason is the server's failure reason, or "" for
 * an ordinary close.
 */
export function attachSessionEvents(
  source: SessionSource,
  runtime: () => Pick<Runtime, "sessionStart" | "sessionEnd"> | undefined,
  base: ContextBase,
): void {
  source.onSession("start", (h) => runtime()?.sessionStart(sessionContext(base, h)));
  source.onSession("end", (h) => runtime()?.sessionEnd(sessionContext(base, h), h.failure ?? ""));
}

type Obj = Record<string, unknown>;

/** A leaderboard as its reset hook receives it in `engine`. */
export function resetLeaderboard(engine: EngineKind, l: api.Leaderboard): unknown {
  if (engine === "native") return l;
  if (engine === "js") return leaderboardJs(l);
  const out: Obj = leaderboardLua(l);
  if (l.prev_reset !== 0) out.prev_reset = String(l.prev_reset);
  if (l.next_reset !== 0) out.next_reset = String(l.next_reset);
  return out;
}

/** A tournament as its end/reset hooks receive it in `engine`. */
export function hookTournament(engine: EngineKind, t: api.Tournament): unknown {
  if (engine === "native") return t;
  return engine === "js" ? tournamentJs(t) : tournamentLua(t);
}

/** The scheduler's registration points (actors/scheduler LeaderboardScheduler). */
export interface ScheduledHookSource {
  onLeaderboardReset(cb: (leaderboard: api.Leaderboard, reset: number) => Promise<void>): () => void;
  onTournamentReset(cb: (tournament: api.Tournament, end: number, reset: number) => Promise<void>): () => void;
  onTournamentEnd(cb: (tournament: api.Tournament, end: number, reset: number) => Promise<void>): () => void;
}

const HOOKS = {
  [RegKind.LEADERBOARD_RESET]: { mode: ExecutionMode.LEADERBOARD_RESET, name: "Leaderboard Reset" },
  [RegKind.TOURNAMENT_RESET]: { mode: ExecutionMode.TOURNAMENT_RESET, name: "Tournament Reset" },
  [RegKind.TOURNAMENT_END]: { mode: ExecutionMode.TOURNAMENT_END, name: "Tournament End" },
} as const;
type ScheduledKind = keyof typeof HOOKS;

async function callScheduled(
  runtime: Pick<Runtime, "call">,
  base: ContextBase,
  kind: ScheduledKind,
  payloads: (engine: EngineKind) => unknown[],
  fields: Obj,
): Promise<void> {
  const { mode, name } = HOOKS[kind];
  const value = await runtime.call(regKey(kind), systemContext(base, mode), payloads, { mode, ...fields });
  if (value !== undefined && value !== null) {
    throw new GameError(Code.INTERNAL, `Unexpected return type from runtime ${name} hook, must be nil.`);
  }
}

/**
 * Registers, on the scheduler, a callback for each of these hooks the runtime has a function for.
 * Returns the removal of every registration.
 */
export function attachScheduledHooks(
  scheduler: ScheduledHookSource,
  runtime: Pick<Runtime, "call" | "ownership">,
  base: ContextBase,
): () => void {
  const has = (kind: ScheduledKind): boolean => runtime.ownership.owner(regKey(kind)) !== undefined;
  const offs: Array<() => void> = [];
  if (has(RegKind.LEADERBOARD_RESET)) {
    offs.push(scheduler.onLeaderboardReset((l, reset) =>
      callScheduled(runtime, base, RegKind.LEADERBOARD_RESET, (e) => [resetLeaderboard(e, l), reset], { leaderboard: l.id })));
  }
  for (const kind of [RegKind.TOURNAMENT_RESET, RegKind.TOURNAMENT_END] as const) {
    if (!has(kind)) continue;
    const cb = (t: api.Tournament, end: number, reset: number): Promise<void> =>
      callScheduled(runtime, base, kind, (e) => [hookTournament(e, t), end, reset], { tournament: t.id });
    offs.push(kind === RegKind.TOURNAMENT_END ? scheduler.onTournamentEnd(cb) : scheduler.onTournamentReset(cb));
  }
  return () => {
    for (const off of offs) off();
  };
}
