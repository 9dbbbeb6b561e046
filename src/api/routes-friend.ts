// Owns the friend REST routes (Bearer auth, each through the pipeline under its request name):
//   POST   /v2/friend          AddFriends           → Empty   (?ids&usernames&metadata)
//   DELETE /v2/friend          DeleteFriends        → Empty   (?ids&usernames)
//   POST   /v2/friend/block    BlockFriends         → Empty   (?ids&usernames)
//   GET    /v2/friend          ListFriends          → FriendList (?limit&state&cursor; limit 1–1000, default 1000)
//   GET    /v2/friend/friends  ListFriendsOfFriends → FriendsOfFriendsList (?limit&cursor; 1–100, default 10)
// Validation and error texts follow api_friend.go; the work is src/services/friends. Also owns the
// error mapping the social routes share (socialErrors).
import { api, toJson } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import { runPipeline, type PipelineDeps } from "../pipeline/hooks.js";
import {
  addFriends, blockFriends, deleteFriends, isSocialError, listFriends, listFriendsOfFriends, userIdsByUsernames,
  type FriendsDeps,
} from "../services/friends/index.js";
import type { GroupChannelPort } from "../services/groups/index.js";
import type { NotifyFn } from "../services/notifications/index.js";
import { isJsonObjectText } from "../services/storage/json.js";
import type { SessionInfo, SessionService } from "../session/service.js";
import { parseUuid, SYSTEM_USER_ID } from "../session/uuid.js";
import type { Db } from "../storage/db.js";
import { json, rawJson } from "../transport/json.js";
import type { Router } from "../transport/router.js";
import type { HttpRequest } from "../transport/types.js";
import { verifySessionToken } from "./auth.js";
import { queryScalar, queryValues, sessionContext } from "./request.js";
import { limitFrom, queryInt32 } from "./routes-storage.js";

/** The realtime layer's part in the social routes (main.ts's Realtime fits). */
export interface SocialRealtime {
  isOnline(userId: string): boolean;
  notify(userIds: readonly string[], notifications: readonly api.Notification[]): void;
}

export interface SocialRouteDeps {
  db: Db;
  log: Logger;
  pipeline: PipelineDeps;
  sessions: SessionService;
  /** Online flags and live notifications; default: nobody online, notifications only stored. */
  realtime?: SocialRealtime;
  /** Live group channel events (chat layer); default: events are only stored in `message`. */
  groupChannel?: GroupChannelPort;
}

/** The services' deps for these routes. */
export function socialServiceDeps(deps: SocialRouteDeps, module: string): FriendsDeps {
  const rt = deps.realtime;
  const notify: NotifyFn | undefined = rt === undefined ? undefined : (ids, ns) => rt.notify(ids, ns);
  return { db: deps.db, log: deps.log.child({ module }), isOnline: rt === undefined ? undefined : (id) => rt.isOnline(id), notify };
}

/**
 * Runs a core call the way Nakama's handlers report failures: validation GameErrors pass through,
 * service reasons listed in `reasons` become that route's code and text, anything else is logged and
 * becomes INTERNAL with the route's text.
 */
export async function socialErrors<T>(
  log: Logger, internalText: string, fn: () => Promise<T>, reasons: Readonly<Record<string, readonly [Code, string]>> = {},
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isSocialError(err)) {
      const mapped = reasons[err.reason];
      if (mapped !== undefined) throw new GameError(mapped[0], mapped[1]);
    } else if (err instanceof GameError && err.code !== Code.INTERNAL) {
      throw err;
    }
    log.error({ err }, internalText);
    throw new GameError(Code.INTERNAL, internalText, { cause: err });
  }
}

const invalid = (message: string): GameError => new GameError(Code.INVALID_ARGUMENT, message);

interface Targets {
  ids: string[];
  usernames: string[];
}

/** api_friend.go's checks of ids and usernames, with the verb of the route ("add self as friend"…). */
function checkTargets(r: { ids: string[]; usernames: string[] }, caller: SessionInfo, self: string): string[] {
  const ids: string[] = [];
  for (const id of r.ids) {
    const canonical = parseUuid(id);
    if (id === caller.userId || canonical === caller.userId) throw invalid(`Cannot ${self}.`);
    if (canonical === null || canonical === SYSTEM_USER_ID) throw invalid(`Invalid user ID '${id}'.`);
    ids.push(canonical);
  }
  for (const u of r.usernames) {
    if (u === "") throw invalid("Username must not be empty.");
    if (u === caller.username) throw invalid(`Cannot ${self}.`);
  }
  return ids;
}

function targetsOf(req: HttpRequest): Targets {
  return { ids: queryValues(req, "ids"), usernames: queryValues(req, "usernames") };
}

export function registerFriendRoutes(router: Router, deps: SocialRouteDeps): void {
  const core = socialServiceDeps(deps, "friends");

  /** Validates, resolves usernames and runs `op` on the ids; `none` = what "nothing valid" does. */
  const edit = async (r: Targets, caller: SessionInfo, self: string, verb: string, none: "error" | "ok", op: (ids: string[]) => Promise<void>) => {
    if (r.ids.length === 0 && r.usernames.length === 0) return;
    const ids = checkTargets(r, caller, self);
    const text = `Error while trying to ${verb} friends.`;
    const byName = await socialErrors(core.log, text, () => userIdsByUsernames(core, r.usernames));
    if (ids.length + byName.length === 0) {
      if (none === "error") throw invalid("No valid ID or username was provided.");
      return;
    }
    await socialErrors(core.log, text, () => op([...ids, ...byName]));
  };

  router.add("POST", "/v2/friend", async ({ req }) => {
    const request: api.AddFriendsRequest = { ...targetsOf(req), metadata: queryScalar(req, "metadata") ?? "" };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "AddFriends", sessionContext(req, caller), request, async (r) => {
      if (r.metadata !== "" && !isJsonObjectText(r.metadata)) throw invalid("Metadata must be a valid JSON object.");
      await edit(r, caller, "add self as friend", "add", "error", (ids) => addFriends(core, caller.userId, caller.username, ids, r.metadata));
      return {};
    });
    return json({});
  });

  router.add("DELETE", "/v2/friend", async ({ req }) => {
    const request: api.DeleteFriendsRequest = targetsOf(req);
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "DeleteFriends", sessionContext(req, caller), request, async (r) => {
      await edit(r, caller, "delete self", "delete", "ok", (ids) => deleteFriends(core, caller.userId, caller.username, ids));
      return {};
    });
    return json({});
  });

  router.add("POST", "/v2/friend/block", async ({ req }) => {
    const request: api.BlockFriendsRequest = targetsOf(req);
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "BlockFriends", sessionContext(req, caller), request, async (r) => {
      await edit(r, caller, "block self", "block", "error", (ids) => blockFriends(core, caller.userId, ids));
      return {};
    });
    return json({});
  });

  router.add("GET", "/v2/friend", async ({ req }) => {
    const request: api.ListFriendsRequest = {
      limit: queryInt32(req, "limit"), state: queryInt32(req, "state"), cursor: queryScalar(req, "cursor") ?? "",
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListFriends", sessionContext(req, caller), request, async (r) => {
      const limit = limitFrom(r.limit, 1000, 1000);
      if (r.state !== undefined && (r.state < 0 || r.state > 3)) throw invalid("Invalid state - state must be between 0 and 3.");
      return socialErrors(core.log, "Error while trying to list friends.", () => listFriends(core, caller.userId, limit, r.state, r.cursor), {
        "friend cursor invalid": [Code.INVALID_ARGUMENT, "Cursor is invalid."],
      });
    });
    return rawJson(toJson(api.FriendList, list));
  });

  router.add("GET", "/v2/friend/friends", async ({ req }) => {
    const request: api.ListFriendsOfFriendsRequest = { limit: queryInt32(req, "limit"), cursor: queryScalar(req, "cursor") ?? "" };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListFriendsOfFriends", sessionContext(req, caller), request, async (r) => {
      const limit = limitFrom(r.limit, 10, 100);
      return socialErrors(core.log, "Error while trying to list friends.", () => listFriendsOfFriends(core, caller.userId, limit, r.cursor), {
        "friend cursor invalid": [Code.INVALID_ARGUMENT, "Cursor is invalid."],
      });
    });
    return rawJson(toJson(api.FriendsOfFriendsList, list));
  });
}
