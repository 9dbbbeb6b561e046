// Owns the public surface of the leaderboard service (issue 7, item 2). Import from here only.
//
// README — what each core function backs (REST request name; nk in JS / Lua; Go names are PascalCase):
//   createLeaderboardCore(deps)            one per server: registry, rank cache, clock; pass it to everything
//   warmRankCache(core)                    after start, in the background: loads ranks of current periods
//   leaderboardCreate(core, input)         nk leaderboardCreate / leaderboard_create
//   leaderboardDelete(core, id)            nk leaderboardDelete / leaderboard_delete
//   leaderboardList(core, limit, cursor)   nk leaderboardList / leaderboard_list
//   leaderboardsGet(core, ids)             nk leaderboardsGetId / leaderboards_get_id
//   boardRanksDisable(core, id, false)     nk leaderboardRanksDisable / leaderboard_ranks_disable
//   leaderboardRecordWrite(core, w)        REST WriteLeaderboardRecord (caller = user);
//                                          nk leaderboardRecordWrite / leaderboard_record_write (caller "")
//   leaderboardRecordDelete(core, c, id, o) REST DeleteLeaderboardRecord; nk leaderboardRecordDelete /
//                                          leaderboard_record_delete (caller "")
//   leaderboardRecordsList(core, id, in)   REST ListLeaderboardRecords; nk leaderboardRecordsList /
//                                          leaderboard_records_list
//   leaderboardRecordsHaystack(core, ...)  REST ListLeaderboardRecordsAroundOwner; nk leaderboardRecordsHaystack /
//                                          leaderboard_records_haystack
//   leaderboardRecordsListCursorFromRank   nk leaderboardRecordsListCursorFromRank / leaderboard_records_list_cursor_from_rank
//   recordsDeletionStep(core)              account deletion (IdentityDeps.deletionSteps)
//   cronNext / cronPrev (src/lib/cron.ts)  nk cronNext / cron_next, cronPrev / cron_prev
//
// nk bindings: parse "asc"/"desc" and "best"/"set"/"incr"/"decr" with parseSortOrder / parseOperator
// (Nakama's texts), pass metadata as JSON text, scores as bigint, owner ids canonical (parseUuid). Domain
// failures are LeaderboardError: `message` is Nakama's runtime text, `reason` lets REST pick its own.
// Ranks: `enableRanks` defaults to false (Nakama's nk default); records of boards without ranks have rank
// 0 except in ranked pages, where the rank is the position.
export { createLeaderboardCore, nowSec, warmRankCache, type LeaderboardCore, type LeaderboardCoreDeps } from "./core.js";
export {
  boardRanksDisable, leaderboardCreate, leaderboardDelete, leaderboardList, leaderboardsGet, leaderboardToApi,
  type LeaderboardCreateInput,
} from "./boards.js";
export { leaderboardRecordDelete, leaderboardRecordWrite, recordsDeletionStep, type RecordWriteInput } from "./records.js";
export {
  leaderboardRecordsHaystack, leaderboardRecordsList, leaderboardRecordsListCursorFromRank, recordsHaystack, recordsList,
  type RecordsListInput,
} from "./listing.js";
export { currentExpiry, leaderboardExpiry, listingExpiry, tournamentDeadlines, type Deadlines } from "./deadlines.js";
export {
  ApiOperator, apiOperatorOf, isReason, isTournament, LeaderboardError, Operator, parseOperator, parseSortOrder, Reason,
  SortOrder, type Board,
} from "./types.js";
