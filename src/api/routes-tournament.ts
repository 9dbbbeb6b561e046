// Owns the tournament REST routes (§1.4 rows 22, 33, 58, 59, 60, 87, 88) with their request names,
// Nakama's validation and error texts. Registered by registerLeaderboardRoutes (routes-leaderboard.ts),
// which hands over the shared leaderboard core.
import { api, toJson } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import { runPipeline } from "../pipeline/hooks.js";
import { nowSec, Reason, type LeaderboardCore } from "../services/leaderboard/index.js";
import {
  tournamentJoin, tournamentList, tournamentRecordDelete, tournamentRecordsHaystack, tournamentRecordsList, tournamentRecordWrite,
} from "../services/tournament/index.js";
import { parseUuid } from "../session/uuid.js";
import { json, rawJson } from "../transport/json.js";
import type { RouteContext, Router } from "../transport/router.js";
import { verifySessionToken } from "./auth.js";
import { queryScalar, queryValues, sessionContext } from "./request.js";
import {
  canonicalOwners, decodeFieldBody, isJsonObjectText, queryInt, restError, type LeaderboardRouteDeps,
} from "./routes-leaderboard.js";

const invalid = (m: string): GameError => new GameError(Code.INVALID_ARGUMENT, m);
const notFound: readonly [Code, string] = [Code.NOT_FOUND, "Tournament not found."];

export function registerTournamentRoutes(router: Router, deps: LeaderboardRouteDeps, core: LeaderboardCore): void {
  const write = async ({ req, params }: RouteContext) => {
    const request: api.WriteTournamentRecordRequest = {
      tournament_id: params.tournament_id, record: decodeFieldBody(req, api.TournamentRecordWrite),
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const record = await runPipeline(deps.pipeline, "WriteTournamentRecord", sessionContext(req, caller), request, async (r) => {
      if (r.tournament_id === "") throw invalid("Tournament ID must be provided.");
      if (r.record === undefined) throw invalid("Invalid input, record score value is required.");
      if (r.record.metadata !== "" && !isJsonObjectText(r.record.metadata)) throw invalid("Metadata value must be JSON, if provided.");
      const board = await core.boards.get(r.tournament_id);
      if (board === null) throw new GameError(...notFound);
      if (board.endTime > 0 && board.endTime <= nowSec(core)) throw new GameError(Code.NOT_FOUND, "Tournament not found or has ended.");
      const rec = r.record;
      return tournamentRecordWrite(core, {
        caller: caller.userId, leaderboardId: r.tournament_id, ownerId: caller.userId, username: caller.username,
        score: BigInt(rec.score), subscore: BigInt(rec.subscore), metadata: rec.metadata, operator: rec.operator,
      }).catch((e: unknown) => {
        throw restError(core.log, e, {
          [Reason.TOURNAMENT_NOT_FOUND]: notFound,
          [Reason.TOURNAMENT_MAX_SIZE]: [Code.FAILED_PRECONDITION, "Tournament has reached max size."],
          [Reason.TOURNAMENT_AUTHORITATIVE]: [Code.PERMISSION_DENIED, "Tournament only allows authoritative score submissions."],
          [Reason.TOURNAMENT_MAX_NUM_SCORE]: [Code.FAILED_PRECONDITION, "Reached allowed max number of score attempts."],
          [Reason.TOURNAMENT_JOIN_REQUIRED]: [Code.FAILED_PRECONDITION, "Must join tournament before attempting to write value."],
          [Reason.TOURNAMENT_OUTSIDE_DURATION]: [Code.FAILED_PRECONDITION, "Tournament is not active and cannot accept new scores."],
        }, "Error writing score to tournament.");
      });
    });
    return rawJson(toJson(api.LeaderboardRecord, record));
  };
  router.add("PUT", "/v2/tournament/{tournament_id}", write);
  router.add("POST", "/v2/tournament/{tournament_id}", write);

  router.add("DELETE", "/v2/tournament/{tournament_id}", async ({ req, params }) => {
    const request: api.DeleteTournamentRecordRequest = { tournament_id: params.tournament_id };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "DeleteTournamentRecord", sessionContext(req, caller), request, async (r) => {
      if (r.tournament_id === "") throw invalid("Invalid tournament ID.");
      await tournamentRecordDelete(core, caller.userId, r.tournament_id, caller.userId).catch((e: unknown) => {
        throw restError(core.log, e, {
          [Reason.TOURNAMENT_NOT_FOUND]: notFound,
          [Reason.TOURNAMENT_AUTHORITATIVE]: [Code.PERMISSION_DENIED, "Tournament only allows authoritative score deletions."],
        }, "Error deleting score from tournament.");
      });
      return {};
    });
    return json({});
  });

  router.add("POST", "/v2/tournament/{tournament_id}/join", async ({ req, params }) => {
    const request: api.JoinTournamentRequest = { tournament_id: params.tournament_id };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "JoinTournament", sessionContext(req, caller), request, async (r) => {
      await tournamentJoin(core, r.tournament_id, caller.userId, caller.username).catch((e: unknown) => {
        throw restError(core.log, e, {
          [Reason.TOURNAMENT_NOT_FOUND]: notFound,
          [Reason.TOURNAMENT_MAX_SIZE]: [Code.INVALID_ARGUMENT, "Tournament cannot be joined as it has reached its max size."],
          [Reason.TOURNAMENT_OUTSIDE_DURATION]: [Code.INVALID_ARGUMENT, "Tournament is not active and cannot accept new joins."],
        }, "Error while trying to join tournament.");
      });
      return {};
    });
    return json({});
  });

  router.add("GET", "/v2/tournament", async ({ req }) => {
    const num = (name: string, kind: "int32" | "uint32"): number | undefined => {
      const v = queryInt(req, name, kind);
      return v === undefined ? undefined : Number(v);
    };
    const request: api.ListTournamentsRequest = {
      category_start: num("category_start", "uint32"), category_end: num("category_end", "uint32"),
      start_time: num("start_time", "uint32"), end_time: num("end_time", "uint32"), limit: num("limit", "int32"),
      cursor: queryScalar(req, "cursor") ?? "",
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListTournaments", sessionContext(req, caller), request, async (r) => {
      const categoryStart = r.category_start ?? 0;
      const categoryEnd = r.category_end ?? 127;
      if (r.category_end !== undefined) {
        if (categoryEnd >= 128) throw invalid("Tournament category end must be >=0 and <128.");
        if (categoryEnd < categoryStart) throw invalid("Tournament category end must be greater than category start.");
      }
      // Neither time given: only tournaments that have not ended yet.
      const startTime = r.start_time ?? -1;
      const endTime = r.end_time ?? -1;
      if (r.end_time !== undefined && endTime !== 0 && endTime < startTime) throw invalid("Tournament end time must be greater than start time.");
      const limit = r.limit ?? 100;
      if (limit < 1 || limit > 100) throw invalid("Limit must be between 1 and 100.");
      return tournamentList(core, { categoryStart, categoryEnd, startTime, endTime, limit, cursor: r.cursor }).catch((e: unknown) => {
        throw restError(core.log, e, { [Reason.INVALID_CURSOR]: [Code.INVALID_ARGUMENT, "Cursor is invalid or expired."] }, "Error listing tournaments.");
      });
    });
    return rawJson(toJson(api.TournamentList, list));
  });

  router.add("GET", "/v2/tournament/{tournament_id}", async ({ req, params }) => {
    const limit = queryInt(req, "limit", "int32");
    const expiry = queryInt(req, "expiry", "int64");
    const request: api.ListTournamentRecordsRequest = {
      tournament_id: params.tournament_id, owner_ids: queryValues(req, "owner_ids"),
      limit: limit === undefined ? undefined : Number(limit), cursor: queryScalar(req, "cursor") ?? "",
      expiry: expiry === undefined ? undefined : expiry.toString(),
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListTournamentRecords", sessionContext(req, caller), request, async (r) => {
      if (r.tournament_id === "") throw invalid("Tournament ID must be provided");
      const owners = canonicalOwners(r.owner_ids);
      if (owners === null) throw invalid("One or more owner IDs are invalid.");
      let pageSize: number | null = null;
      if (r.limit !== undefined) {
        if (r.limit < 1 || r.limit > 100) throw invalid("Invalid limit - limit must be between 1 and 100.");
        pageSize = r.limit;
      } else if (r.owner_ids.length === 0 || r.cursor === "") {
        pageSize = 10;
      }
      return tournamentRecordsList(core, r.tournament_id, {
        ownerIds: owners, limit: pageSize, cursor: r.cursor, overrideExpiry: Number(r.expiry ?? 0),
      }).catch((e: unknown) => {
        throw restError(core.log, e, {
          [Reason.TOURNAMENT_NOT_FOUND]: notFound,
          [Reason.TOURNAMENT_OUTSIDE_DURATION]: [Code.NOT_FOUND, "Tournament has ended."],
          [Reason.INVALID_CURSOR]: [Code.INVALID_ARGUMENT, "Cursor is invalid or expired."],
        }, "Error listing records from tournament.");
      });
    });
    return rawJson(toJson(api.TournamentRecordList, list));
  });

  router.add("GET", "/v2/tournament/{tournament_id}/owner/{owner_id}", async ({ req, params }) => {
    const limit = queryInt(req, "limit", "uint32");
    const expiry = queryInt(req, "expiry", "int64");
    const request: api.ListTournamentRecordsAroundOwnerRequest = {
      tournament_id: params.tournament_id, owner_id: params.owner_id, limit: limit === undefined ? undefined : Number(limit),
      expiry: expiry === undefined ? undefined : expiry.toString(), cursor: queryScalar(req, "cursor") ?? "",
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListTournamentRecordsAroundOwner", sessionContext(req, caller), request, async (r) => {
      if (r.tournament_id === "") throw invalid("Invalid tournament ID.");
      const size = r.limit ?? 100;
      if (size < 1 || size > 100) throw invalid("Invalid limit - limit must be between 1 and 100.");
      if (r.owner_id === "") throw invalid("Owner ID must be provided for a haystack query.");
      const ownerId = parseUuid(r.owner_id);
      if (ownerId === null) throw invalid("Invalid owner ID provided.");
      return tournamentRecordsHaystack(core, r.tournament_id, ownerId, size, r.cursor, Number(r.expiry ?? 0)).catch((e: unknown) => {
        throw restError(core.log, e, {
          [Reason.TOURNAMENT_NOT_FOUND]: notFound,
          [Reason.INVALID_CURSOR]: [Code.INVALID_ARGUMENT, "Cursor is invalid or expired."],
        }, "Error querying records from leaderboard.");
      });
    });
    return rawJson(toJson(api.TournamentRecordList, list));
  });
}
