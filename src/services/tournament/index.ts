// Owns the public surface of the tournament service (issue 7, item 3). Tournaments share the leaderboard
// core (createLeaderboardCore in src/services/leaderboard): pass the same core object.
//
// README — what each core function backs (REST request name; nk in JS / Lua):
//   tournamentCreate(core, input)          nk tournamentCreate / tournament_create
//   tournamentDelete(core, id)             nk tournamentDelete / tournament_delete
//   tournamentAddAttempt(core, id, o, n)   nk tournamentAddAttempt / tournament_add_attempt
//   tournamentJoin(core, id, owner, name)  REST JoinTournament; nk tournamentJoin / tournament_join
//   tournamentList(core, filter)           REST ListTournaments; nk tournamentList / tournament_list
//   tournamentsGet(core, ids)              nk tournamentsGetId / tournaments_get_id
//   tournamentRecordWrite(core, w)         REST WriteTournamentRecord (PUT and POST); nk tournamentRecordWrite /
//                                          tournament_record_write (caller "")
//   tournamentRecordDelete(core, c, id, o) REST DeleteTournamentRecord; nk tournamentRecordDelete / tournament_record_delete
//   tournamentRecordsList(core, id, in)    REST ListTournamentRecords; nk tournamentRecordsList / tournament_records_list
//   tournamentRecordsHaystack(core, ...)   REST ListTournamentRecordsAroundOwner; nk tournamentRecordsHaystack /
//                                          tournament_records_haystack
//   boardRanksDisable(core, id, true)      nk tournamentsRanksDisable (also tournamentRanksDisable) / tournament_ranks_disable
//   planSchedule / resetDue / endDue       the scheduler actor (actors/scheduler): reset and end callbacks
//
// nk bindings wrap creation failures as Nakama does ("error creating tournament: <message>").
export {
  tournamentCreate, tournamentDelete, tournamentList, tournamentsGet, tournamentToApi,
  type TournamentCreateInput, type TournamentListInput,
} from "./tournaments.js";
export {
  tournamentAddAttempt, tournamentFor, tournamentJoin, tournamentRecordDelete, tournamentRecordsHaystack, tournamentRecordsList,
  tournamentRecordWrite,
} from "./records.js";
export { endDue, planSchedule, resetDue, type Due, type DueBoard, type SchedulePlan } from "./schedule.js";
