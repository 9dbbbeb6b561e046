// Owns GET/PUT/DELETE /v2/account (the caller's own account) and GET /v2/user (other users by ids,
// usernames, Facebook ids), all with Bearer auth and their pipeline names GetAccount, UpdateAccount,
// DeleteAccount, GetUsers.
import { api, toJson } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import { deleteAccount, getAccount, updateAccount } from "../identity/account.js";
import type { IdentityCore } from "../identity/core.js";
import { getUsers } from "../identity/users.js";
import { byteLength } from "../identity/validate.js";
import { runPipeline } from "../pipeline/hooks.js";
import { parseUuid } from "../session/uuid.js";
import type { Router } from "../transport/router.js";
import { json, rawJson } from "../transport/json.js";
import { verifySessionToken } from "./auth.js";
import type { IdentityDeps } from "./deps.js";
import { decodeBody, queryValues, sessionContext } from "./request.js";

function internal(message: string, cause: unknown): GameError {
  return cause instanceof GameError ? cause : new GameError(Code.INTERNAL, message, { cause });
}

export function registerAccountRoutes(router: Router, deps: IdentityDeps, core: IdentityCore): void {
  router.add("GET", "/v2/account", async ({ req }) => {
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const account = await runPipeline(deps.pipeline, "GetAccount", sessionContext(req, caller), undefined, async () => {
      const a = await getAccount(core, caller.userId).catch((e: unknown) => {
        throw internal("Error retrieving user account.", e);
      });
      if (a === null) throw new GameError(Code.NOT_FOUND, "Account not found.");
      // The user-facing account does not expose the disable time (Nakama).
      a.disable_time = undefined;
      return a;
    });
    return rawJson(toJson(api.Account, account));
  });

  router.add("PUT", "/v2/account", async ({ req }) => {
    const request = decodeBody(req, api.UpdateAccountRequest);
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "UpdateAccount", sessionContext(req, caller), request, async (r) => {
      if (r.username !== undefined && (r.username === "" || byteLength(r.username) > 128)) {
        throw new GameError(Code.INVALID_ARGUMENT, "Username invalid, must be 1-128 bytes.");
      }
      await updateAccount(core, caller.userId, {
        username: r.username,
        displayName: r.display_name,
        avatarUrl: r.avatar_url,
        langTag: r.lang_tag,
        location: r.location,
        timezone: r.timezone,
      });
      return {};
    });
    return json({});
  });

  router.add("DELETE", "/v2/account", async ({ req }) => {
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "DeleteAccount", sessionContext(req, caller), undefined, async () => {
      // Nakama's API deletes without a tombstone (recorded = false); the console/runtime may record one.
      const deleted = await deleteAccount(core, caller.userId, false).catch((e: unknown) => {
        core.log.error({ err: e, uid: caller.userId }, "Error occurred while trying to delete the user.");
        throw new GameError(Code.INTERNAL, "Error deleting user account.", { cause: e });
      });
      if (deleted) {
        deps.sessions.revokeAll(caller.userId);
        deps.disconnectUser?.(caller.userId, "deleted");
      }
      return {};
    });
    return json({});
  });

  router.add("GET", "/v2/user", async ({ req }) => {
    const request: api.GetUsersRequest = {
      ids: queryValues(req, "ids"),
      usernames: queryValues(req, "usernames"),
      facebook_ids: queryValues(req, "facebook_ids"),
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const users = await runPipeline(deps.pipeline, "GetUsers", sessionContext(req, caller), request, async (r) => {
      const ids: string[] = [];
      for (const id of r.ids) {
        const canonical = parseUuid(id);
        if (canonical === null) throw new GameError(Code.INVALID_ARGUMENT, `ID '${id}' is not a valid system ID.`);
        ids.push(canonical);
      }
      const list = await getUsers(core, ids, r.usernames, r.facebook_ids).catch((e: unknown) => {
        throw internal("Error retrieving user accounts.", e);
      });
      return { users: list } satisfies api.Users;
    });
    return rawJson(toJson(api.Users, users));
  });
}
