// Owns the REST routes of chat and parties (Bearer auth, through the pipeline under their request names):
//   GET /v2/channel/{channel_id}  ListChannelMessages → ChannelMessageList (?limit&forward&cursor; limit 1–100, default 1;
//                                                       forward default true)
//   GET /v2/party                 ListParties         → PartyList (?limit&open&query&cursor; limit 1–100, default 10)
// and `registerChatAndParties`, main.ts's one call that also adds the chat and party envelopes to the
// realtime dispatch table and returns the group channel port the group routes publish events to.
// Texts follow api_channel.go; the work is src/realtime/chat and src/realtime/party.
import { api, toJson } from "../../proto/index.js";
import type { Config } from "../config/schema.js";
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import { runPipeline, type PipelineDeps } from "../pipeline/hooks.js";
import {
  channelStream, chatHandlers, groupChannelPort, HistoryFailure, listChannelMessages, type HistoryDeps,
} from "../realtime/chat/index.js";
import type { RealtimeCore } from "../realtime/core.js";
import type { HandlerTable } from "../realtime/dispatch.js";
import { startParties, type PartyMatchmaker, type PartyRegistry } from "../realtime/party/index.js";
import { isGroupMember, type GroupChannelPort } from "../services/groups/index.js";
import type { NotifyFn } from "../services/notifications/index.js";
import type { SessionService } from "../session/service.js";
import type { Db } from "../storage/db.js";
import { rawJson } from "../transport/json.js";
import type { Router } from "../transport/router.js";
import { verifySessionToken } from "./auth.js";
import { queryBool, queryScalar, sessionContext } from "./request.js";
import { limitFrom, queryInt32 } from "./routes-storage.js";

const invalid = (message: string): GameError => new GameError(Code.INVALID_ARGUMENT, message);

export interface ChannelRouteDeps {
  db: Db;
  log: Logger;
  pipeline: PipelineDeps;
  sessions: SessionService;
}

export function registerChannelRoutes(router: Router, deps: ChannelRouteDeps & { history: HistoryDeps }): void {
  router.add("GET", "/v2/channel/{channel_id}", async ({ req, params }) => {
    const request: api.ListChannelMessagesRequest = {
      channel_id: params.channel_id ?? "",
      limit: queryInt32(req, "limit"),
      forward: queryBool(req, "forward"),
      cursor: queryScalar(req, "cursor") ?? "",
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListChannelMessages", sessionContext(req, caller), request, async (r) => {
      if (r.channel_id === "") throw invalid("Invalid channel ID.");
      const limit = limitFrom(r.limit, 1, 100);
      const stream = channelStream(r.channel_id);
      if (stream === null) throw invalid("Invalid channel ID.");
      try {
        return await listChannelMessages(deps.history, {
          stream, channelId: r.channel_id, callerId: caller.userId, limit, forward: r.forward ?? true, cursor: r.cursor,
        });
      } catch (err) {
        throw historyError(deps.log, err);
      }
    });
    return rawJson(toJson(api.ChannelMessageList, list));
  });
}

function historyError(log: Logger, err: unknown): GameError {
  if (err instanceof GameError) {
    if (err.message === HistoryFailure.cursorInvalid) return invalid("Cursor is invalid or expired.");
    if (err.message === HistoryFailure.groupNotFound) return invalid("Group not found.");
    if (err.message === HistoryFailure.channelInvalid) return invalid("Channel not found.");
  }
  log.error({ err }, "Error listing messages from channel");
  return new GameError(Code.INTERNAL, "Error listing messages from channel.", { cause: err });
}

export function registerPartyRoutes(router: Router, deps: ChannelRouteDeps & { parties: PartyRegistry }): void {
  router.add("GET", "/v2/party", async ({ req }) => {
    const request: api.ListPartiesRequest = {
      limit: queryInt32(req, "limit"),
      open: queryBool(req, "open"),
      query: queryScalar(req, "query"),
      cursor: queryScalar(req, "cursor"),
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListParties", sessionContext(req, caller), request, async (r) =>
      deps.parties.list({ limit: limitFrom(r.limit, 10, 100), open: r.open, query: r.query, cursor: r.cursor }),
    );
    return rawJson(toJson(api.PartyList, list));
  });
}

/** What chat and parties need from the realtime service (actors/realtime's Realtime fits). */
export interface ChatRealtime {
  readonly core: RealtimeCore;
  addHandlers(table: HandlerTable): void;
  notify: NotifyFn;
}

export interface ChatAndPartiesDeps extends ChannelRouteDeps {
  config: Config;
  realtime: ChatRealtime;
  /** The matchmaker once it is wired (party_matchmaker_add/remove); absent: "matchmaker not available". */
  matchmaker?: () => PartyMatchmaker | undefined;
}

/**
 * Wires chat and parties: their envelopes into the realtime dispatch table, their REST routes, and
 * returns the group channel port for the group routes (`registerSocialRoutes(router, { ...d, groupChannel })`).
 */
export function registerChatAndParties(router: Router, d: ChatAndPartiesDeps): GroupChannelPort {
  const log = d.log.child({ module: "chat" });
  const member = (groupId: string, userId: string): Promise<boolean> => isGroupMember({ db: d.db }, groupId, userId);
  const parties = startParties(d.realtime.core, {
    log: d.log.child({ module: "party" }),
    singleParty: d.config.session.single_party && d.config.session.single_socket,
    matchmaker: d.matchmaker,
  });
  d.realtime.addHandlers({
    ...chatHandlers({ db: d.db, log, isGroupMember: member, notify: (ids, ns) => d.realtime.notify(ids, ns) }),
    ...parties.handlers,
  });
  registerChannelRoutes(router, { ...d, log, history: { db: d.db, log, isGroupMember: member } });
  registerPartyRoutes(router, { ...d, parties: parties.registry });
  return groupChannelPort(d.realtime.core);
}
