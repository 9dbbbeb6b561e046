// Owns POST /v2/account/session/refresh (Basic server key; new token and refresh token with the same
// token id, after checking the account still exists and is not banned) and POST /v2/session/logout
// (Bearer; revokes the given tokens, or all of the user's when none are given).
import { api, toJson } from "../../proto/index.js";
import { Code, E, GameError, fail } from "../errors.js";
import { isSet, type IdentityCore } from "../identity/core.js";
import { USER_NOT_FOUND } from "../identity/authenticate.js";
import { runPipeline } from "../pipeline/hooks.js";
import type { Router } from "../transport/router.js";
import { json, rawJson } from "../transport/json.js";
import { checkServerKey, verifySessionToken } from "./auth.js";
import { revocationStore, type IdentityDeps } from "./deps.js";
import { anonymousContext, decodeBody, sessionContext } from "./request.js";

async function accountState(core: IdentityCore, userId: string): Promise<{ username: string; banned: boolean } | null> {
  try {
    const r = await core.db.query<{ username: string; disable_time: Date }>(
      "SELECT username, disable_time FROM users WHERE id = $1 LIMIT 1",
      [userId],
    );
    const row = r.rows[0];
    return row === undefined ? null : { username: row.username, banned: isSet(row.disable_time) };
  } catch (err) {
    core.log.error({ err, uid: userId }, "Error looking up user by ID.");
    throw new GameError(Code.INTERNAL, "Error finding user account.", { cause: err });
  }
}

export function registerSessionRoutes(router: Router, deps: IdentityDeps, core: IdentityCore): void {
  const revocations = revocationStore(deps);
  router.add("POST", "/v2/account/session/refresh", async ({ req }) => {
    const request = decodeBody(req, api.SessionRefreshRequest);
    checkServerKey(deps.config.socket.server_key, req.headers["authorization"]);
    const ctx = anonymousContext(req);
    const session = await runPipeline(deps.pipeline, "SessionRefresh", ctx, request, async (r) => {
      if (r.token === "") throw new GameError(Code.INVALID_ARGUMENT, "Refresh token is required.");
      const info = deps.sessions.verifyRefresh(r.token);
      if (info === null) throw fail(E.refreshTokenInvalid);
      const state = await accountState(core, info.userId);
      if (state === null) throw new GameError(Code.NOT_FOUND, USER_NOT_FOUND);
      if (state.banned) throw fail(E.userBanned);
      // New vars replace the old ones when given; otherwise the refresh token's vars carry over.
      const vars = Object.keys(r.vars).length > 0 ? r.vars : info.vars;
      const issued = deps.sessions.reissue(info, state.username, vars);
      Object.assign(ctx, { userId: info.userId, username: state.username, vars, expiry: issued.expiresAt });
      return { created: false, token: issued.token, refresh_token: issued.refreshToken } satisfies api.Session;
    });
    return rawJson(toJson(api.Session, session));
  });

  router.add("POST", "/v2/session/logout", async ({ req }) => {
    const request = decodeBody(req, api.SessionLogoutRequest);
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "SessionLogout", sessionContext(req, caller), request, async (r) => {
      const result = deps.sessions.logout(caller.userId, r.token, r.refresh_token);
      if (!result.all) {
        await revocations.save(caller.userId, result.revoked).catch((err: unknown) => {
          core.log.error({ err, uid: caller.userId }, "Error processing session logout.");
          throw new GameError(Code.INTERNAL, "Error processing session logout.", { cause: err });
        });
      }
      return {};
    });
    return json({});
  });
}
