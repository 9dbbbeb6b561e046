// Owns the leaderboard domain's vocabulary: a board as the service holds it (leaderboards and tournaments
// share one table and one shape), the sort orders and operators with their database and API numbers, the
// string names nk functions take, and the domain errors (each with Nakama's runtime text and a reason the
// REST layer maps to its own text).
import { Code, GameError } from "../../errors.js";
import type { CronSchedule } from "../../lib/cron.js";

/** Database / runtime numbering (leaderboard.sort_order). */
export const SortOrder = { ASCENDING: 0, DESCENDING: 1 } as const;
export type SortOrder = (typeof SortOrder)[keyof typeof SortOrder];

/** Database numbering (leaderboard.operator): 0 best, 1 set, 2 incr, 3 decr. */
export const Operator = { BEST: 0, SET: 1, INCREMENT: 2, DECREMENT: 3 } as const;
export type Operator = (typeof Operator)[keyof typeof Operator];

/** The API enum (nakama.api.Operator): NO_OVERRIDE 0, BEST 1, SET 2, INCREMENT 3, DECREMENT 4. */
export const ApiOperator = { NO_OVERRIDE: 0, BEST: 1, SET: 2, INCREMENT: 3, DECREMENT: 4 } as const;
export type ApiOperator = (typeof ApiOperator)[keyof typeof ApiOperator];

/** The API enum value of a database operator. */
export function apiOperatorOf(op: Operator): ApiOperator {
  return (op + 1) as ApiOperator;
}

/** The database operator a write uses: the board's, unless the write overrides it. Unknown values → null. */
export function effectiveOperator(board: Operator, override: number | undefined): Operator | null {
  if (override === undefined || override === ApiOperator.NO_OVERRIDE) return board;
  if (override >= ApiOperator.BEST && override <= ApiOperator.DECREMENT) return (override - 1) as Operator;
  return null;
}

/** nk's sort order names ("asc"/"ascending", "desc"/"descending"); others → Nakama's error. */
export function parseSortOrder(name: string): SortOrder {
  switch (name) {
    case "asc":
    case "ascending":
      return SortOrder.ASCENDING;
    case "desc":
    case "descending":
      return SortOrder.DESCENDING;
    default:
      throw new GameError(Code.INVALID_ARGUMENT, "expects sort order to be 'asc' or 'desc'");
  }
}

/** nk's operator names ("best", "set", "incr"/"increment", "decr"/"decrement"); others → Nakama's error. */
export function parseOperator(name: string): Operator {
  switch (name) {
    case "best":
      return Operator.BEST;
    case "set":
      return Operator.SET;
    case "incr":
    case "increment":
      return Operator.INCREMENT;
    case "decr":
    case "decrement":
      return Operator.DECREMENT;
    default:
      throw new GameError(Code.INVALID_ARGUMENT, "expects operator to be 'best', 'set', 'incr' or 'decr'");
  }
}

/** A leaderboard or tournament (duration > 0) as the service keeps it. Times are unix seconds. */
export interface Board {
  readonly id: string;
  readonly authoritative: boolean;
  readonly sortOrder: SortOrder;
  readonly operator: Operator;
  /** The cron text, "" when the board never resets. */
  readonly resetSchedule: string;
  readonly cron: CronSchedule | null;
  /** JSON object text. */
  readonly metadata: string;
  readonly createTime: number;
  readonly category: number;
  readonly description: string;
  /** Seconds; 0 for a leaderboard. */
  readonly duration: number;
  /** 0 = never ends. */
  readonly endTime: number;
  readonly joinRequired: boolean;
  readonly maxSize: number;
  readonly maxNumScore: number;
  readonly title: string;
  readonly startTime: number;
  readonly enableRanks: boolean;
}

export function isTournament(b: Board): boolean {
  return b.duration !== 0;
}

/** Nakama stores "no size limit" as MaxInt32; only tournaments with a real limit track `size`. */
export const NO_MAX_SIZE = 2147483647;

export function hasMaxSize(b: Board): boolean {
  return b.maxSize !== NO_MAX_SIZE;
}

/** Why a call failed, for the REST layer's own texts; the GameError message is the runtime's text. */
export const Reason = {
  LEADERBOARD_NOT_FOUND: "leaderboard_not_found",
  LEADERBOARD_AUTHORITATIVE: "leaderboard_authoritative",
  INVALID_CURSOR: "invalid_cursor",
  INVALID_OPERATOR: "invalid_operator",
  TOURNAMENT_NOT_FOUND: "tournament_not_found",
  TOURNAMENT_AUTHORITATIVE: "tournament_authoritative",
  TOURNAMENT_MAX_SIZE: "tournament_max_size",
  TOURNAMENT_OUTSIDE_DURATION: "tournament_outside_duration",
  TOURNAMENT_MAX_NUM_SCORE: "tournament_max_num_score",
  TOURNAMENT_JOIN_REQUIRED: "tournament_join_required",
  INVALID_CONFIG: "invalid_config",
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** A domain failure: `message` is what nk callers see (Nakama's runtime error text). */
export class LeaderboardError extends GameError {
  readonly reason: Reason;
  constructor(reason: Reason, code: GameError["code"], message: string) {
    super(code, message);
    this.name = "LeaderboardError";
    this.reason = reason;
  }
}

const texts: Record<Reason, readonly [GameError["code"], string]> = {
  leaderboard_not_found: [Code.NOT_FOUND, "leaderboard not found"],
  leaderboard_authoritative: [Code.PERMISSION_DENIED, "leaderboard only allows authoritative submissions"],
  invalid_cursor: [Code.INVALID_ARGUMENT, "leaderboard cursor invalid"],
  invalid_operator: [Code.INVALID_ARGUMENT, "invalid operator"],
  tournament_not_found: [Code.NOT_FOUND, "tournament not found"],
  tournament_authoritative: [Code.PERMISSION_DENIED, "tournament only allows authoritative submissions"],
  tournament_max_size: [Code.FAILED_PRECONDITION, "tournament max size reached"],
  tournament_outside_duration: [Code.FAILED_PRECONDITION, "tournament outside of duration"],
  tournament_max_num_score: [Code.FAILED_PRECONDITION, "max number score count reached"],
  tournament_join_required: [Code.FAILED_PRECONDITION, "required to join before writing tournament record"],
  invalid_config: [Code.INVALID_ARGUMENT, "invalid tournament configuration"],
};

/** The domain error for `reason`, with Nakama's runtime text (or `message` when given). */
export function lbError(reason: Reason, message?: string): LeaderboardError {
  const [code, text] = texts[reason];
  return new LeaderboardError(reason, code, message ?? text);
}

export function isReason(err: unknown, reason: Reason): boolean {
  return err instanceof LeaderboardError && err.reason === reason;
}
