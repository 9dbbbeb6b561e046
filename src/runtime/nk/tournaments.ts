// Owns nk's tournament functions over src/services/tournament (sharing the server's LeaderboardCore), with
// Nakama's argument orders, texts and shapes (shapes-social.ts):
//   tournament_create(id, authoritative = true, sort = "desc", operator = "best", duration, reset?, metadata?,
//     title?, description?, category = 0, start_time = 0, end_time = 0, max_size = 0, max_num_score = 0,
//     join_required = false, enable_ranks = false)
//   tournament_delete(id); tournament_add_attempt(id, owner, count); tournament_join(id, user_id, username)
//   tournaments_get_id(ids) → tournaments
//   tournament_list(category_start = 0, category_end = 0, start_time?, end_time?, limit = 10, cursor?)
//       → Lua tournaments, cursor | JS { tournaments, cursor }
//   tournament_ranks_disable(id) (JS tournamentsRanksDisable, and the typings' tournamentRanksDisable)
//   tournament_record_write(id, owner, username?, score = 0, subscore = 0, metadata?, operator?) → record
//   tournament_record_delete(id, owner); tournament_records_list(…) and tournament_records_haystack(…) as
//   the leaderboard ones.
// As in Nakama, a start time without an end time fails tournament_list's "end >= start" check.
import {
  boardRanksDisable, isReason, Reason,
} from "../../services/leaderboard/index.js";
import {
  tournamentAddAttempt, tournamentCreate, tournamentDelete, tournamentJoin, tournamentList, tournamentRecordDelete,
  tournamentRecordsHaystack, tournamentRecordsList, tournamentRecordWrite, tournamentsGet,
} from "../../services/tournament/index.js";
import { wrapError, wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import {
  boardIdArg, boardIdsArg, haystackArgs, int64Arg, operatorArg, overrideArg, recordsListArgs, resetScheduleArg, sortOrderArg,
} from "./board-args.js";
import { recordJs, recordListJs, recordListLua, recordLua, tournamentJs, tournamentLua } from "./shapes-social.js";
import { none, optMapJson, uuidArg } from "./svc-args.js";
import { leaderboardCore } from "./svc-deps.js";
import type { NkBinding, NkCall } from "./types.js";

/** Non-negative whole-number options of tournament_create, with their Nakama texts. */
function count(a: Args, i: number, message: string): number {
  const n = a.optInt(i, 0);
  if (n < 0) throw a.fail(i, message);
  return n;
}

async function create(a: Args, call: NkCall): Promise<void> {
  const id = boardIdArg(a, 0, "tournament");
  const authoritative = a.optBool(1, true);
  const sortOrder = sortOrderArg(a, 2);
  const operator = operatorArg(a, 3, "tournament");
  const duration = a.optInt(4, 0);
  if (duration <= 0) throw a.fail(4, "duration must be > 0");
  const resetSchedule = resetScheduleArg(a, 5);
  const metadata = optMapJson(a, 6, "expects metadata to be an object") ?? "{}";
  const title = a.optStr(7, "");
  const description = a.optStr(8, "");
  const category = a.optInt(9, 0);
  if (category < 0 || category >= 128) throw a.fail(9, "category must be 0-127");
  const startTime = count(a, 10, "startTime must be >= 0.");
  const endTime = a.optInt(11, 0);
  if (endTime !== 0 && endTime <= startTime) throw a.fail(11, "endTime must be > startTime. Use 0 to indicate a tournament that never ends.");
  const maxSize = count(a, 12, "maxSize must be >= 0");
  const maxNumScore = count(a, 13, "maxNumScore must be >= 0");
  const input = {
    id, authoritative, sortOrder, operator, duration, resetSchedule, metadata, title, description, category, startTime, endTime,
    maxSize, maxNumScore, joinRequired: a.optBool(14, false), enableRanks: a.optBool(15, false),
  };
  await wrapped("error creating tournament", () => tournamentCreate(leaderboardCore(call), input));
}

async function remove(a: Args, call: NkCall): Promise<void> {
  const id = boardIdArg(a, 0, "tournament");
  await wrapped("error deleting tournament", () => tournamentDelete(leaderboardCore(call), id));
}

async function addAttempt(a: Args, call: NkCall): Promise<void> {
  const id = boardIdArg(a, 0, "tournament");
  const owner = uuidArg(a, 1, "expects owner ID to be a valid identifier", "expects an owner ID string");
  const n = a.int(2);
  if (n === 0) throw a.fail(2, "expects an attempt count number != 0");
  await wrapped("error adding tournament attempts", () => tournamentAddAttempt(leaderboardCore(call), id, owner, n));
}

async function join(a: Args, call: NkCall): Promise<void> {
  const id = boardIdArg(a, 0, "tournament");
  const userId = uuidArg(a, 1, "expects user ID to be a valid identifier", "expects a user ID string");
  const username = a.str(2);
  if (username === "") throw a.fail(2, "expects a username string");
  await wrapped("error joining tournament", () => tournamentJoin(leaderboardCore(call), id, userId, username));
}

async function getById(a: Args, call: NkCall) {
  const ids = boardIdsArg(a, "tournament");
  if (ids.length === 0) return [];
  return wrapped("failed to get tournaments", () => tournamentsGet(leaderboardCore(call), ids));
}

/** tournament_list's texts differ per language ("categoryStart must be 0-127" / "category start must be 0-127"). */
function listArgs(a: Args) {
  const lua = a.lang === "lua";
  const t = (luaText: string, jsText: string): string => (lua ? luaText : jsText);
  const categoryStart = a.optInt(0, 0);
  if (categoryStart < 0 || categoryStart >= 128) throw a.fail(0, t("categoryStart must be 0-127", "category start must be 0-127"));
  const categoryEnd = a.optInt(1, 0);
  if (categoryEnd < 0 || categoryEnd >= 128) throw a.fail(1, t("categoryEnd must be 0-127", "category end must be 0-127"));
  if (categoryStart > categoryEnd) throw a.fail(1, t("categoryEnd must be >= categoryStart", "category end must be >= category start"));
  const time = (i: number, luaText: string, jsText: string): number => {
    if (!a.has(i)) return -1;
    if (typeof a.get(i) !== "number") throw a.fail(i, t(luaText, "expects number"));
    const v = a.int(i);
    if (v < 0) throw a.fail(i, t(luaText, jsText));
    return v;
  };
  const startTime = time(2, "startTime must be >= 0", "start time must be >= 0");
  const endTime = time(3, "endTime must be >= 0", "end time must be >= 0");
  if (startTime > endTime) throw a.fail(3, t("endTime must be >= startTime", "end time must be >= start time"));
  const limit = a.optInt(4, 10);
  if (limit < 1 || limit > 100) throw a.fail(4, "limit must be 1-100");
  return { categoryStart, categoryEnd, startTime, endTime, limit, cursor: a.optStr(5, "") };
}

async function list(a: Args, call: NkCall) {
  const input = listArgs(a);
  try {
    return await tournamentList(leaderboardCore(call), input);
  } catch (err) {
    if (isReason(err, Reason.INVALID_CURSOR)) throw a.fail(5, "expects cursor to be valid when provided");
    throw wrapError("error listing tournaments", err);
  }
}

async function ranksDisable(a: Args, call: NkCall): Promise<void> {
  const id = a.str(0);
  if (a.lang === "lua" && id === "") throw a.fail(0, "expects a tournament id string");
  await boardRanksDisable(leaderboardCore(call), id, true);
}

async function write(a: Args, call: NkCall) {
  const leaderboardId = boardIdArg(a, 0, "tournament");
  const ownerId = uuidArg(a, 1, "expects user ID to be a valid identifier");
  const input = {
    caller: "", leaderboardId, ownerId, username: a.optStr(2, ""), score: int64Arg(a, 3), subscore: int64Arg(a, 4),
    metadata: optMapJson(a, 5, "expects metadata to be an object") ?? "", operator: overrideArg(a, 6),
  };
  return wrapped("error writing tournament record", () => tournamentRecordWrite(leaderboardCore(call), input));
}

async function deleteRecord(a: Args, call: NkCall): Promise<void> {
  const id = boardIdArg(a, 0, "tournament");
  const ownerId = uuidArg(a, 1, "expects owner ID to be a valid identifier");
  await wrapped("error deleting tournament record", () => tournamentRecordDelete(leaderboardCore(call), "", id, ownerId));
}

async function recordsList(a: Args, call: NkCall) {
  const r = recordsListArgs(a, "tournament");
  if (r.emptyOwners) return null;
  return wrapped("error listing tournament records", () => tournamentRecordsList(leaderboardCore(call), r.id, r.input));
}

async function haystack(a: Args, call: NkCall) {
  const h = haystackArgs(a, "tournament");
  return wrapped("error listing tournament records haystack", () =>
    tournamentRecordsHaystack(leaderboardCore(call), h.id, h.ownerId, h.limit, h.cursor, h.expiry));
}

const orNull = (s: string): string | null => (s === "" ? null : s);

export function tournamentBindings(): NkBinding[] {
  return [
    define({ lua: "tournament_create", js: "tournamentCreate", luaFn: (a, c) => none(create(a, c)), jsFn: (a, c) => create(a, c) }),
    define({ lua: "tournament_delete", js: "tournamentDelete", luaFn: (a, c) => none(remove(a, c)), jsFn: (a, c) => remove(a, c) }),
    define({ lua: "tournament_add_attempt", js: "tournamentAddAttempt", luaFn: (a, c) => none(addAttempt(a, c)), jsFn: (a, c) => addAttempt(a, c) }),
    define({ lua: "tournament_join", js: "tournamentJoin", luaFn: (a, c) => none(join(a, c)), jsFn: (a, c) => join(a, c) }),
    define({
      lua: "tournaments_get_id",
      js: "tournamentsGetId",
      luaFn: async (a, c) => [(await getById(a, c)).map(tournamentLua)],
      jsFn: async (a, c) => (await getById(a, c)).map(tournamentJs),
    }),
    define({
      lua: "tournament_list",
      js: "tournamentList",
      luaFn: async (a, c) => {
        const l = await list(a, c);
        return [l.tournaments.map(tournamentLua), orNull(l.cursor)];
      },
      jsFn: async (a, c) => {
        const l = await list(a, c);
        return { tournaments: l.tournaments.map(tournamentJs), cursor: orNull(l.cursor) };
      },
    }),
    define({ lua: "tournament_ranks_disable", js: "tournamentsRanksDisable", luaFn: (a, c) => none(ranksDisable(a, c)), jsFn: (a, c) => ranksDisable(a, c) }),
    // The typings (index.d.ts) name it tournamentRanksDisable; the server binds tournamentsRanksDisable.
    define({ js: "tournamentRanksDisable", jsFn: (a, c) => ranksDisable(a, c) }),
    define({
      lua: "tournament_record_write",
      js: "tournamentRecordWrite",
      luaFn: async (a, c) => [recordLua(await write(a, c))],
      jsFn: async (a, c) => recordJs(await write(a, c)),
    }),
    define({ lua: "tournament_record_delete", js: "tournamentRecordDelete", luaFn: (a, c) => none(deleteRecord(a, c)), jsFn: (a, c) => deleteRecord(a, c) }),
    define({
      lua: "tournament_records_list",
      js: "tournamentRecordsList",
      luaFn: async (a, c) => {
        const l = await recordsList(a, c);
        return l === null ? [[]] : recordListLua(l, false);
      },
      jsFn: async (a, c) => {
        const l = await recordsList(a, c);
        return l === null ? [] : recordListJs(l);
      },
    }),
    define({
      lua: "tournament_records_haystack",
      js: "tournamentRecordsHaystack",
      luaFn: async (a, c) => recordListLua(await haystack(a, c), true),
      jsFn: async (a, c) => recordListJs(await haystack(a, c)),
    }),
  ];
}
