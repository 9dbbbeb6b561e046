// Owns the leaderboard REST routes (§1.4 rows 20, 50, 51, 85) with their request names, Nakama's
// validation and error texts, and `registerLeaderboardRoutes`, which also registers the tournament routes
// (routes-tournament.ts) on the same leaderboard core. Also owns reading the gateway's numeric query
// parameters (wrapper types: base-0 integers, Go's strconv error texts), shared with the tournament routes.
import { api, fromJson, toJson, type MessageType } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import type { Config } from "../config/schema.js";
import type { Logger } from "../log.js";
import { runPipeline, type PipelineDeps } from "../pipeline/hooks.js";
import {
  createLeaderboardCore, isReason, leaderboardRecordDelete, leaderboardRecordsHaystack, leaderboardRecordsList,
  leaderboardRecordWrite, Reason, type LeaderboardCore,
} from "../services/leaderboard/index.js";
import type { SessionService } from "../session/service.js";
import { parseUuid } from "../session/uuid.js";
import type { Db } from "../storage/db.js";
import { json, parseJsonObject, rawJson } from "../transport/json.js";
import type { Router } from "../transport/router.js";
import type { HttpRequest } from "../transport/types.js";
import { verifySessionToken } from "./auth.js";
import { queryScalar, queryValues, sessionContext } from "./request.js";
import { registerTournamentRoutes } from "./routes-tournament.js";

export interface LeaderboardRouteDeps {
  db: Db;
  config: Config;
  log: Logger;
  pipeline: PipelineDeps;
  sessions: SessionService;
  /** The leaderboard core shared with the scheduler and the runtime; built from db/config when absent. */
  leaderboards?: LeaderboardCore;
}

/** Registers the leaderboard and tournament routes; returns the leaderboard core they use. */
export function registerLeaderboardRoutes(router: Router, deps: LeaderboardRouteDeps): LeaderboardCore {
  const core = deps.leaderboards ?? createLeaderboardCore({
    db: deps.db, log: deps.log, rankCacheBlacklist: deps.config.leaderboard.blacklist_rank_cache,
  });
  addLeaderboardRoutes(router, deps, core);
  registerTournamentRoutes(router, deps, core);
  return core;
}

// ---- gateway query parameters ----

const GO_INT = /^[+-]?(?:0[xX]_?[0-9a-fA-F](?:_?[0-9a-fA-F])*|0[bB]_?[01](?:_?[01])*|0[oO]?_?[0-7](?:_?[0-7])*|[1-9](?:_?[0-9])*|0)$/;

/** Go's strconv.ParseInt / ParseUint with base 0 (0x, 0o, 0b, leading-0 octal, underscores). */
function parseGoInt(text: string, bits: 32 | 64, unsigned: boolean): bigint {
  const fn = unsigned ? "strconv.ParseUint" : "strconv.ParseInt";
  if (!GO_INT.test(text) || (unsigned && /^[+-]/.test(text))) throw new Error(`${fn}: parsing ${JSON.stringify(text)}: invalid syntax`);
  const neg = text.startsWith("-");
  let body = text.replace(/^[+-]/, "").replace(/_/g, "");
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
  const v = (neg ? -1n : 1n) * BigInt(body.replace(/^0O/, "0o").replace(/^0X/, "0x").replace(/^0B/, "0b"));
  const max = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = unsigned ? 0n : -(1n << BigInt(bits - 1));
  if (v > max || v < min) throw new Error(`${fn}: parsing ${JSON.stringify(text)}: value out of range`);
  return v;
}

/** A wrapper-typed integer query parameter (Int32Value, UInt32Value, Int64Value): undefined when absent. */
export function queryInt(req: HttpRequest, name: string, kind: "int32" | "uint32" | "int64"): bigint | undefined {
  const v = queryScalar(req, name);
  if (v === undefined) return undefined;
  try {
    return parseGoInt(v, kind === "int64" ? 64 : 32, kind === "uint32");
  } catch (err) {
    throw new GameError(Code.INVALID_ARGUMENT, `parsing field "${name}": ${(err as Error).message}`);
  }
}

/** The gateway's reading of a body bound to one field (`body: "record"`): an empty body leaves it unset. */
export function decodeFieldBody<T>(req: HttpRequest, type: MessageType<T>): T | undefined {
  if (req.body.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09)) return undefined;
  return fromJson(type, parseJsonObject(req.body), { unknown: "ignore" });
}

/** Nakama accepts record metadata only as a JSON object. */
export function isJsonObjectText(s: string): boolean {
  if (!s.trim().startsWith("{")) return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Canonical owner ids, or null when one is not a UUID. */
export function canonicalOwners(ids: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const id of ids) {
    const u = parseUuid(id);
    if (u === null) return null;
    out.push(u);
  }
  return out;
}

/** Maps a core failure: GameErrors named in `known` by reason get the REST text; others become `fallback`. */
export function restError(
  log: Logger, err: unknown, known: Partial<Record<Reason, readonly [Code, string]>>, fallback: string,
): GameError {
  for (const [reason, [code, text]] of Object.entries(known) as Array<[Reason, readonly [Code, string]]>) {
    if (isReason(err, reason)) return new GameError(code, text);
  }
  if (err instanceof GameError && !(err.code === Code.INTERNAL || err.code === Code.UNKNOWN) && !isDomainError(err)) return err;
  log.error({ err }, fallback);
  return new GameError(Code.INTERNAL, fallback, { cause: err });
}

function isDomainError(err: GameError): boolean {
  return (err as { reason?: unknown }).reason !== undefined;
}

const invalid = (m: string): GameError => new GameError(Code.INVALID_ARGUMENT, m);

// ---- leaderboard routes ----

function addLeaderboardRoutes(router: Router, deps: LeaderboardRouteDeps, core: LeaderboardCore): void {
  router.add("POST", "/v2/leaderboard/{leaderboard_id}", async ({ req, params }) => {
    const request: api.WriteLeaderboardRecordRequest = {
      leaderboard_id: params.leaderboard_id, record: decodeFieldBody(req, api.LeaderboardRecordWrite),
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const record = await runPipeline(deps.pipeline, "WriteLeaderboardRecord", sessionContext(req, caller), request, async (r) => {
      if (r.leaderboard_id === "") throw invalid("Invalid leaderboard ID.");
      if (r.record === undefined) throw invalid("Invalid input, record score value is required.");
      if (r.record.metadata !== "" && !isJsonObjectText(r.record.metadata)) throw invalid("Metadata value must be JSON, if provided.");
      const rec = r.record;
      return leaderboardRecordWrite(core, {
        caller: caller.userId, leaderboardId: r.leaderboard_id, ownerId: caller.userId, username: caller.username,
        score: BigInt(rec.score), subscore: BigInt(rec.subscore), metadata: rec.metadata, operator: rec.operator,
      }).catch((e: unknown) => {
        throw restError(core.log, e, {
          [Reason.LEADERBOARD_NOT_FOUND]: [Code.NOT_FOUND, "Leaderboard not found."],
          [Reason.LEADERBOARD_AUTHORITATIVE]: [Code.PERMISSION_DENIED, "Leaderboard only allows authoritative score submissions."],
        }, "Error writing score to leaderboard.");
      });
    });
    return rawJson(toJson(api.LeaderboardRecord, record));
  });

  router.add("DELETE", "/v2/leaderboard/{leaderboard_id}", async ({ req, params }) => {
    const request: api.DeleteLeaderboardRecordRequest = { leaderboard_id: params.leaderboard_id };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "DeleteLeaderboardRecord", sessionContext(req, caller), request, async (r) => {
      if (r.leaderboard_id === "") throw invalid("Invalid leaderboard ID.");
      await leaderboardRecordDelete(core, caller.userId, r.leaderboard_id, caller.userId).catch((e: unknown) => {
        throw restError(core.log, e, {
          [Reason.LEADERBOARD_NOT_FOUND]: [Code.NOT_FOUND, "Leaderboard not found."],
          [Reason.LEADERBOARD_AUTHORITATIVE]: [Code.PERMISSION_DENIED, "Leaderboard only allows authoritative score deletions."],
        }, "Error deleting score from leaderboard.");
      });
      return {};
    });
    return json({});
  });

  router.add("GET", "/v2/leaderboard/{leaderboard_id}", async ({ req, params }) => {
    const limit = queryInt(req, "limit", "int32");
    const expiry = queryInt(req, "expiry", "int64");
    const request: api.ListLeaderboardRecordsRequest = {
      leaderboard_id: params.leaderboard_id, owner_ids: queryValues(req, "owner_ids"),
      limit: limit === undefined ? undefined : Number(limit), cursor: queryScalar(req, "cursor") ?? "",
      expiry: expiry === undefined ? undefined : expiry.toString(),
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListLeaderboardRecords", sessionContext(req, caller), request, async (r) => {
      if (r.leaderboard_id === "") throw invalid("Invalid leaderboard ID.");
      let pageSize: number | null = null;
      if (r.limit !== undefined) {
        if (r.limit < 1 || r.limit > 1000) throw invalid("Invalid limit - limit must be between 1 and 1000.");
        pageSize = r.limit;
      } else if (r.owner_ids.length === 0 || r.cursor !== "") {
        pageSize = 1;
      }
      const owners = canonicalOwners(r.owner_ids);
      if (owners === null) throw invalid("One or more owner IDs are invalid.");
      return leaderboardRecordsList(core, r.leaderboard_id, {
        ownerIds: owners, limit: pageSize, cursor: r.cursor, overrideExpiry: Number(r.expiry ?? 0),
      }).catch((e: unknown) => {
        throw restError(core.log, e, {
          [Reason.LEADERBOARD_NOT_FOUND]: [Code.NOT_FOUND, "Leaderboard not found."],
          [Reason.INVALID_CURSOR]: [Code.INVALID_ARGUMENT, "Cursor is invalid or expired."],
        }, "Error listing records from leaderboard.");
      });
    });
    return rawJson(toJson(api.LeaderboardRecordList, list));
  });

  router.add("GET", "/v2/leaderboard/{leaderboard_id}/owner/{owner_id}", async ({ req, params }) => {
    const limit = queryInt(req, "limit", "uint32");
    const expiry = queryInt(req, "expiry", "int64");
    const request: api.ListLeaderboardRecordsAroundOwnerRequest = {
      leaderboard_id: params.leaderboard_id, owner_id: params.owner_id, limit: limit === undefined ? undefined : Number(limit),
      expiry: expiry === undefined ? undefined : expiry.toString(), cursor: queryScalar(req, "cursor") ?? "",
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListLeaderboardRecordsAroundOwner", sessionContext(req, caller), request, async (r) => {
      if (r.leaderboard_id === "") throw invalid("Invalid leaderboard ID.");
      const size = r.limit ?? 1;
      if (size < 1 || size > 100) throw invalid("Invalid limit - limit must be between 1 and 100.");
      if (r.owner_id === "") throw invalid("Owner ID must be provided for a haystack query.");
      const ownerId = parseUuid(r.owner_id);
      if (ownerId === null) throw invalid("Invalid owner ID provided.");
      return leaderboardRecordsHaystack(core, r.leaderboard_id, ownerId, size, r.cursor, Number(r.expiry ?? 0)).catch((e: unknown) => {
        throw restError(core.log, e, {
          [Reason.LEADERBOARD_NOT_FOUND]: [Code.NOT_FOUND, "Leaderboard not found."],
          [Reason.INVALID_CURSOR]: [Code.INVALID_ARGUMENT, "Cursor is invalid or expired."],
        }, "Error querying records from leaderboard.");
      });
    });
    return rawJson(toJson(api.LeaderboardRecordList, list));
  });
}
