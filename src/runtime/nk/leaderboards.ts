// Owns nk's leaderboard functions over src/services/leaderboard (one LeaderboardCore per server, from
// NkDeps.leaderboards), with Nakama's argument orders, texts and shapes (shapes-social.ts):
//   leaderboard_create(id, authoritative = false, sort = "desc", operator = "best", reset?, metadata?, enable_ranks = false)
//   leaderboard_delete(id); leaderboard_list(limit = 10, cursor?) → boards, cursor | JS { leaderboards, cursor }
//   leaderboard_ranks_disable(id); leaderboards_get_id(ids) → boards
//   leaderboard_record_write(id, owner, username?, score = 0, subscore = 0, metadata?, operator?) → record
//   leaderboard_record_delete(id, owner)
//   leaderboard_records_list(id, owners?, limit = 0, cursor?, override_expiry = 0)
//       → Lua records, owner_records, next_cursor, prev_cursor, rank_count | JS { records, ownerRecords, … }
//   leaderboard_records_haystack(id, owner, limit = 10, cursor?, expiry = 0)
//       → Lua records, next_cursor, prev_cursor, rank_count | JS the full list object
//   leaderboard_records_list_cursor_from_rank(id, rank, expiry = 0) → cursor
// JS names are the camelCase ones (leaderboardRecordsListCursorFromRank…). Core failures keep their code
// and are wrapped as Nakama does ("error writing leaderboard record: leaderboard not found").
import {
  boardRanksDisable, isReason, leaderboardCreate, leaderboardDelete, leaderboardList, leaderboardRecordDelete,
  leaderboardRecordsHaystack, leaderboardRecordsList, leaderboardRecordsListCursorFromRank, leaderboardRecordWrite,
  leaderboardsGet, Reason,
} from "../../services/leaderboard/index.js";
import { wrapError, wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import {
  boardIdArg, boardIdsArg, haystackArgs, int64Arg, operatorArg, overrideArg, recordsListArgs, resetScheduleArg, sortOrderArg,
} from "./board-args.js";
import { leaderboardJs, leaderboardLua, recordJs, recordListJs, recordListLua, recordLua } from "./shapes-social.js";
import { none, optMapJson, uuidArg } from "./svc-args.js";
import { leaderboardCore } from "./svc-deps.js";
import type { NkBinding, NkCall } from "./types.js";

async function create(a: Args, call: NkCall): Promise<void> {
  const input = {
    id: boardIdArg(a, 0, "leaderboard"),
    authoritative: a.optBool(1, false),
    sortOrder: sortOrderArg(a, 2),
    operator: operatorArg(a, 3, "leaderboard"),
    resetSchedule: resetScheduleArg(a, 4),
    metadata: optMapJson(a, 5, "expects metadata to be an object") ?? "{}",
    enableRanks: a.optBool(6, false),
  };
  await wrapped("error creating leaderboard", () => leaderboardCreate(leaderboardCore(call), input));
}

async function remove(a: Args, call: NkCall): Promise<void> {
  const id = boardIdArg(a, 0, "leaderboard");
  await wrapped("error deleting leaderboard", () => leaderboardDelete(leaderboardCore(call), id));
}

async function list(a: Args, call: NkCall) {
  const limit = a.optInt(0, 10);
  if (limit < 1 || limit > 100) throw a.fail(0, "limit must be 1-100");
  const cursor = a.optStr(1, "");
  try {
    return await leaderboardList(leaderboardCore(call), limit, cursor);
  } catch (err) {
    if (isReason(err, Reason.INVALID_CURSOR)) throw a.fail(1, "expects cursor to be valid when provided");
    throw wrapError("error listing leaderboards", err);
  }
}

async function ranksDisable(a: Args, call: NkCall): Promise<void> {
  const id = a.str(0);
  if (a.lang === "lua" && id === "") throw a.fail(0, "expects a leaderboard id string");
  await boardRanksDisable(leaderboardCore(call), id, false);
}

async function write(a: Args, call: NkCall) {
  const lua = a.lang === "lua";
  const leaderboardId = boardIdArg(a, 0, "leaderboard");
  const ownerId = uuidArg(a, 1, "expects owner ID to be a valid identifier");
  const username = a.optStr(2, "");
  const score = int64Arg(a, 3);
  if (lua && score < 0n) throw a.fail(3, "expects score to be >= 0");
  const subscore = int64Arg(a, 4);
  // Nakama's Lua binding reports the subscore at argument #4.
  if (lua && subscore < 0n) throw a.fail(3, "expects subscore to be >= 0");
  const metadata = optMapJson(a, 5, "expects metadata to be an object") ?? "";
  const operator = overrideArg(a, 6);
  return wrapped("error writing leaderboard record", () =>
    leaderboardRecordWrite(leaderboardCore(call), { caller: "", leaderboardId, ownerId, username, score, subscore, metadata, operator }));
}

async function deleteRecord(a: Args, call: NkCall): Promise<void> {
  const id = boardIdArg(a, 0, "leaderboard");
  const ownerId = uuidArg(a, 1, "expects owner ID to be a valid identifier");
  await wrapped("error deleting leaderboard record", () => leaderboardRecordDelete(leaderboardCore(call), "", id, ownerId));
}

async function recordsList(a: Args, call: NkCall) {
  const r = recordsListArgs(a, "leaderboard");
  if (r.emptyOwners) return null;
  return wrapped("error listing leaderboard records", () => leaderboardRecordsList(leaderboardCore(call), r.id, r.input));
}

async function haystack(a: Args, call: NkCall) {
  const h = haystackArgs(a, "leaderboard");
  const prefix = a.lang === "lua" ? "error listing leaderboard records haystack" : "error listing leaderboard records around owner";
  return wrapped(prefix, () => leaderboardRecordsHaystack(leaderboardCore(call), h.id, h.ownerId, h.limit, h.cursor, h.expiry));
}

async function cursorFromRank(a: Args, call: NkCall): Promise<string> {
  const lua = a.lang === "lua";
  const id = a.str(0);
  if (id === "") throw a.fail(0, lua ? "expects a leaderboard ID string" : "invalid leaderboard id");
  const rank = a.int(1);
  if (rank < 1) throw a.fail(1, "invalid rank - must be > 1");
  return leaderboardRecordsListCursorFromRank(leaderboardCore(call), id, rank, a.optInt(2, 0));
}

async function getById(a: Args, call: NkCall) {
  const ids = boardIdsArg(a, "leaderboard");
  return ids.length === 0 ? [] : leaderboardsGet(leaderboardCore(call), ids);
}

export function leaderboardBindings(): NkBinding[] {
  return [
    define({ lua: "leaderboard_create", js: "leaderboardCreate", luaFn: (a, c) => none(create(a, c)), jsFn: (a, c) => create(a, c) }),
    define({ lua: "leaderboard_delete", js: "leaderboardDelete", luaFn: (a, c) => none(remove(a, c)), jsFn: (a, c) => remove(a, c) }),
    define({
      lua: "leaderboard_list",
      js: "leaderboardList",
      luaFn: async (a, c) => {
        const l = await list(a, c);
        return [l.leaderboards.map(leaderboardLua), l.cursor === "" ? null : l.cursor];
      },
      jsFn: async (a, c) => {
        const l = await list(a, c);
        return { leaderboards: l.leaderboards.map(leaderboardJs), cursor: l.cursor === "" ? null : l.cursor };
      },
    }),
    define({
      lua: "leaderboard_ranks_disable",
      js: "leaderboardRanksDisable",
      luaFn: (a, c) => none(ranksDisable(a, c)),
      jsFn: (a, c) => ranksDisable(a, c),
    }),
    define({
      lua: "leaderboard_record_write",
      js: "leaderboardRecordWrite",
      luaFn: async (a, c) => [recordLua(await write(a, c))],
      jsFn: async (a, c) => recordJs(await write(a, c)),
    }),
    define({
      lua: "leaderboard_record_delete",
      js: "leaderboardRecordDelete",
      luaFn: (a, c) => none(deleteRecord(a, c)),
      jsFn: (a, c) => deleteRecord(a, c),
    }),
    define({
      lua: "leaderboard_records_list",
      js: "leaderboardRecordsList",
      luaFn: async (a, c) => {
        const l = await recordsList(a, c);
        return l === null ? [[]] : recordListLua(l, false);
      },
      jsFn: async (a, c) => recordListJs((await recordsList(a, c)) ?? emptyList()),
    }),
    define({
      lua: "leaderboard_records_haystack",
      js: "leaderboardRecordsHaystack",
      luaFn: async (a, c) => recordListLua(await haystack(a, c), true),
      jsFn: async (a, c) => recordListJs(await haystack(a, c)),
    }),
    define({
      lua: "leaderboard_records_list_cursor_from_rank",
      js: "leaderboardRecordsListCursorFromRank",
      luaFn: async (a, c) => [await cursorFromRank(a, c)],
      jsFn: (a, c) => cursorFromRank(a, c),
    }),
    define({
      lua: "leaderboards_get_id",
      js: "leaderboardsGetId",
      luaFn: async (a, c) => [(await getById(a, c)).map(leaderboardLua)],
      jsFn: async (a, c) => (await getById(a, c)).map(leaderboardJs),
    }),
  ];
}

function emptyList() {
  return { records: [], owner_records: [], next_cursor: "", prev_cursor: "", rank_count: "0" };
}
