// Owns the argument readers nk's leaderboard and tournament functions share, with Nakama's texts: board
// ids, sort orders and operators by name, int64 scores, owner lists, the records-list and haystack
// argument sets, and the "get by ids" list. `kind` picks the leaderboard or tournament wording.
import { parseUuid } from "../../session/uuid.js";
import { isValidCron } from "../../lib/cron.js";
import { ApiOperator, SortOrder, parseOperator } from "../../services/leaderboard/index.js";
import type { Operator, RecordsListInput } from "../../services/leaderboard/index.js";
import { isPlainObject, luaTypeName, type Args } from "./args.js";
import { stringsArg } from "./svc-args.js";

export type BoardKind = "leaderboard" | "tournament";

/** The board id argument: "expects a leaderboard ID string" / "expects a tournament ID string". */
export function boardIdArg(a: Args, i: number, kind: BoardKind): string {
  const id = a.str(i);
  if (id === "") throw a.fail(i, `expects a ${kind} ID string`);
  return id;
}

export function sortOrderArg(a: Args, i: number): SortOrder {
  const name = a.optStr(i, "desc");
  if (name === "asc" || name === "ascending") return SortOrder.ASCENDING;
  if (name === "desc" || name === "descending") return SortOrder.DESCENDING;
  throw a.fail(i, "expects sort order to be 'asc' or 'desc'");
}

/** A board's operator by name (default "best"); Nakama's tournament binding words its error "sort order". */
export function operatorArg(a: Args, i: number, kind: BoardKind): Operator {
  try {
    return parseOperator(a.optStr(i, "best"));
  } catch {
    throw a.fail(i, `expects ${kind === "leaderboard" ? "operator" : "sort order"} to be 'best', 'set', 'decr' or 'incr'`);
  }
}

const OVERRIDES: Record<string, ApiOperator> = {
  no_override: ApiOperator.NO_OVERRIDE,
  best: ApiOperator.BEST,
  set: ApiOperator.SET,
  incr: ApiOperator.INCREMENT,
  increment: ApiOperator.INCREMENT,
  decr: ApiOperator.DECREMENT,
  decrement: ApiOperator.DECREMENT,
};

/**
 * A write's operator override (absent / "" = none). Leaderboards take the short names; tournaments the
 * API enum names (NO_OVERRIDE, BEST, SET, INCREMENT, DECREMENT); both are accepted, in any case.
 */
export function overrideArg(a: Args, i: number): ApiOperator {
  const name = a.optStr(i, "").toLowerCase();
  if (name === "") return ApiOperator.NO_OVERRIDE;
  const op = OVERRIDES[name];
  if (op === undefined) throw a.fail(i, "invalid operator");
  return op;
}

/** An optional cron text: "" = never resets. */
export function resetScheduleArg(a: Args, i: number): string {
  const schedule = a.optStr(i, "");
  if (schedule !== "" && !isValidCron(schedule)) throw a.fail(i, "expects reset schedule to be a valid CRON expression");
  return schedule;
}

/** An optional int64 argument as bigint (Lua numbers are truncated, JS ones must be whole). */
export function int64Arg(a: Args, i: number): bigint {
  const n = a.optInt(i, 0);
  if (!Number.isFinite(n)) throw a.fail(i, "expects a whole number");
  return BigInt(n);
}

/** Owner ids of a records listing; null when absent. */
export function ownersArg(a: Args, i: number): string[] | null {
  const lua = a.lang === "lua";
  const raw = stringsArg(a, i, lua ? `table expected, got ${luaTypeName(a.get(i))}` : "expects an array of user ids",
    lua ? "expects each owner ID to be string" : "expects an array of user ids");
  if (raw === null) return null;
  return raw.map((id) => {
    const canonical = parseUuid(id);
    if (canonical === null) throw a.fail(i, lua ? "expects each owner ID to be a valid identifier" : "expects a valid owner id");
    return canonical;
  });
}

export interface RecordsListArgs {
  id: string;
  input: RecordsListInput;
  /** Lua only: an empty owners table makes Nakama return one empty table and nothing else. */
  emptyOwners: boolean;
}

/** (id, owners?, limit = 0, cursor?, override_expiry = 0); limit 0 = only the owners' records. */
export function recordsListArgs(a: Args, kind: BoardKind): RecordsListArgs {
  const id = boardIdArg(a, 0, kind);
  const owners = ownersArg(a, 1);
  const limit = a.optInt(2, 0);
  if (limit < 0 || limit > 10000) throw a.fail(2, "expects limit to be 0-10000");
  const cursor = a.optStr(3, "");
  const overrideExpiry = a.optInt(4, 0);
  return {
    id,
    input: { ownerIds: owners ?? [], limit: limit === 0 ? null : limit, cursor, overrideExpiry },
    emptyOwners: a.lang === "lua" && owners !== null && owners.length === 0,
  };
}

export interface HaystackArgs {
  id: string;
  ownerId: string;
  limit: number;
  cursor: string;
  expiry: number;
}

/** (id, owner_id, limit = 10, cursor?, expiry = 0). */
export function haystackArgs(a: Args, kind: BoardKind): HaystackArgs {
  const id = boardIdArg(a, 0, kind);
  const ownerId = parseUuid(a.str(1));
  if (ownerId === null) throw a.fail(1, "expects user ID to be a valid identifier");
  const limit = a.optInt(2, 10);
  if (limit < 1 || limit > 100) throw a.fail(2, "limit must be 1-100");
  const cursor = a.optStr(3, "");
  const expiry = a.optInt(4, 0);
  if (expiry < 0) throw a.fail(4, "expiry should be time since epoch in seconds and has to be a positive integer");
  return { id, ownerId, limit, cursor, expiry };
}

/** The ids of leaderboards_get_id / tournaments_get_id (Nakama's Lua texts say "tournament" for both). */
export function boardIdsArg(a: Args, kind: BoardKind): string[] {
  if (a.lang === "js") {
    const v = a.get(0);
    if (!a.has(0)) throw a.fail(0, `expects an array of ${kind} ids`);
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw a.fail(0, "expects an array of strings");
    return v as string[];
  }
  if (!a.has(0)) throw a.fail(0, "invalid tournament id list");
  const v = a.get(0);
  if (isPlainObject(v) && Object.keys(v).length === 0) return [];
  if (!Array.isArray(v)) throw a.fail(0, "invalid tournament id data");
  return v.map((x) => {
    if (typeof x !== "string" || x === "") throw a.fail(0, "each tournament id must be a string");
    return x;
  });
}
