// Owns GET /v2/matchmaker/stats (GetMatchmakerStats, Bearer auth, through the pipeline under its request
// name; no input): the matchmaker's waiting ticket count, the creation time of the oldest waiting
// ticket, and the creation and completion times of the last matched entries (Nakama keeps 10).
import { api, toJson } from "../../proto/index.js";
import type { MatchmakerStatsSnapshot } from "../matchmaker/index.js";
import { runPipeline, type PipelineDeps } from "../pipeline/hooks.js";
import type { SessionService } from "../session/service.js";
import { rawJson } from "../transport/json.js";
import type { Router } from "../transport/router.js";
import { verifySessionToken } from "./auth.js";
import { sessionContext } from "./request.js";

export interface MatchmakerRouteDeps {
  pipeline: PipelineDeps;
  sessions: SessionService;
  /** The matchmaker (absent until it is wired: no tickets). */
  matchmaker: () => { stats(): Promise<MatchmakerStatsSnapshot> } | undefined;
}

/** A stats snapshot on the wire. */
export function statsMessage(s: MatchmakerStatsSnapshot): api.MatchmakerStats {
  return {
    ticket_count: s.ticketCount,
    oldest_ticket_create_time: s.oldestTicketCreateTime === undefined ? undefined : new Date(s.oldestTicketCreateTime),
    completions: s.completions.map((c) => ({ create_time: new Date(c.createTime), complete_time: new Date(c.completeTime) })),
  };
}

const NO_STATS: MatchmakerStatsSnapshot = Object.freeze({ ticketCount: 0, completions: [] });

export function registerMatchmakerRoutes(router: Router, deps: MatchmakerRouteDeps): void {
  router.add("GET", "/v2/matchmaker/stats", async ({ req }) => {
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const stats = await runPipeline(deps.pipeline, "GetMatchmakerStats", sessionContext(req, caller), undefined, async () =>
      statsMessage((await deps.matchmaker()?.stats()) ?? NO_STATS),
    );
    return rawJson(toJson(api.MatchmakerStats, stats));
  });
}
