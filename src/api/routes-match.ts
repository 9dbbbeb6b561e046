// Owns GET /v2/match (ListMatches, Bearer auth, through the pipeline under its request name):
// ?limit (1–100, default 10) &authoritative &label &min_size &max_size &query → MatchList. Validation and
// texts follow api_match.go; the listing rules are the match label index's (src/matchmaker/label-index.ts).
// A query that does not parse is INVALID_ARGUMENT with the parser's message (Nakama answers 500 "Error
// listing matches.": a client error is more useful as 400).
import { api, toJson } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import type { MatchesPort } from "../match/port.js";
import { runPipeline, type PipelineDeps } from "../pipeline/hooks.js";
import type { SessionService } from "../session/service.js";
import { rawJson } from "../transport/json.js";
import type { Router } from "../transport/router.js";
import { verifySessionToken } from "./auth.js";
import { queryBool, queryScalar, sessionContext } from "./request.js";
import { limitFrom, queryInt32 } from "./routes-storage.js";

export interface MatchRouteDeps {
  pipeline: PipelineDeps;
  sessions: SessionService;
  /** The match host (absent until it is wired: every list is empty). */
  matches: () => Pick<MatchesPort, "list"> | undefined;
}

function invalid(message: string): GameError {
  return new GameError(Code.INVALID_ARGUMENT, message);
}

/** api_match.go's checks, then the listing. */
export function listMatches(port: Pick<MatchesPort, "list"> | undefined, r: api.ListMatchesRequest): api.MatchList {
  const limit = limitFrom(r.limit, 10, 100);
  if (r.label !== undefined && r.authoritative === false) throw invalid("Label filtering is not supported for non-authoritative matches.");
  if (r.query !== undefined && r.authoritative === false) throw invalid("Query filtering is not supported for non-authoritative matches.");
  if (r.min_size !== undefined && r.min_size < 0) throw invalid("Minimum size must be 0 or above.");
  if (r.max_size !== undefined && r.max_size < 0) throw invalid("Maximum size must be 0 or above.");
  if (r.min_size !== undefined && r.max_size !== undefined && r.min_size > r.max_size) {
    throw invalid("Maximum size must be greater than or equal to minimum size when both are specified.");
  }
  const matches = port?.list({
    limit, authoritative: r.authoritative, label: r.label, minSize: r.min_size, maxSize: r.max_size, query: r.query,
  }) ?? [];
  return { matches };
}

export function registerMatchRoutes(router: Router, deps: MatchRouteDeps): void {
  router.add("GET", "/v2/match", async ({ req }) => {
    const request: api.ListMatchesRequest = {
      limit: queryInt32(req, "limit"),
      authoritative: queryBool(req, "authoritative"),
      label: queryScalar(req, "label"),
      min_size: queryInt32(req, "min_size"),
      max_size: queryInt32(req, "max_size"),
      query: queryScalar(req, "query"),
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListMatches", sessionContext(req, caller), request, async (r) => listMatches(deps.matches(), r));
    return rawJson(toJson(api.MatchList, list));
  });
}
