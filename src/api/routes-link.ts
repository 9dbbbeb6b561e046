// Owns POST /v2/account/link/* and /v2/account/unlink/* (Bearer): body = the account message (or
// LinkFacebookRequest's account + `sync` query, LinkSteamRequest as the whole body), each through its
// LinkX / UnlinkX pipeline, replying `{}`.
import { api, type MessageType } from "../../proto/index.js";
import type { IdentityCore } from "../identity/core.js";
import * as link from "../identity/link.js";
import * as unlink from "../identity/unlink.js";
import { runPipeline } from "../pipeline/hooks.js";
import type { SessionInfo } from "../session/service.js";
import type { Router } from "../transport/router.js";
import type { HttpRequest } from "../transport/types.js";
import { json } from "../transport/json.js";
import { verifySessionToken } from "./auth.js";
import type { IdentityDeps } from "./deps.js";
import { decodeBody, decodeBodyField, queryBool, sessionContext } from "./request.js";
import { gameCenterCredentials } from "./routes-authenticate.js";

type Op<R> = (core: IdentityCore, caller: SessionInfo, request: R) => Promise<void>;

function addRoute<R>(
  router: Router,
  deps: IdentityDeps,
  core: IdentityCore,
  path: string,
  name: string,
  read: (req: HttpRequest) => R,
  op: Op<R>,
): void {
  router.add("POST", path, async ({ req }) => {
    const request = read(req);
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, name, sessionContext(req, caller), request, async (r) => {
      await op(core, caller, r);
      return {};
    });
    return json({});
  });
}

const body = <T>(type: MessageType<T>) => (req: HttpRequest): T => decodeBody(req, type);

export function registerLinkRoutes(router: Router, deps: IdentityDeps, core: IdentityCore): void {
  const add = <R>(path: string, name: string, read: (req: HttpRequest) => R, op: Op<R>): void =>
    addRoute(router, deps, core, path, name, read, op);
  const L = "/v2/account/link";
  add(`${L}/apple`, "LinkApple", body(api.AccountApple), (c, u, r) => link.linkApple(c, u.userId, r.token));
  add(`${L}/custom`, "LinkCustom", body(api.AccountCustom), (c, u, r) => link.linkCustom(c, u.userId, r.id));
  add(`${L}/device`, "LinkDevice", body(api.AccountDevice), (c, u, r) => link.linkDevice(c, u.userId, r.id));
  add(`${L}/email`, "LinkEmail", body(api.AccountEmail), (c, u, r) => link.linkEmail(c, u.userId, r.email, r.password));
  add(
    `${L}/facebook`, "LinkFacebook",
    (req): api.LinkFacebookRequest => ({ account: decodeBodyField(req, api.AccountFacebook), sync: queryBool(req, "sync") }),
    async (c, u, r) => {
      const p = await link.linkFacebook(c, u.userId, r.account?.token ?? "");
      // Nakama imports friends unless sync=false, and only with a classic (not Limited Login) token.
      if ((r.sync ?? true) && !p.limitedLogin && deps.importFriends !== undefined) {
        await deps.importFriends("facebook", u.userId, u.username, { token: r.account?.token ?? "" }).catch((err: unknown) => {
          deps.log.warn({ err, uid: u.userId }, "facebook friend import failed");
        });
      }
    },
  );
  add(`${L}/facebookinstantgame`, "LinkFacebookInstantGame", body(api.AccountFacebookInstantGame), (c, u, r) =>
    link.linkFacebookInstantGame(c, u.userId, r.signed_player_info));
  add(`${L}/gamecenter`, "LinkGameCenter", body(api.AccountGameCenter), (c, u, r) =>
    link.linkGameCenter(c, u.userId, gameCenterCredentials(r)));
  add(`${L}/google`, "LinkGoogle", body(api.AccountGoogle), (c, u, r) => link.linkGoogle(c, u.userId, r.token));
  add(`${L}/steam`, "LinkSteam", body(api.LinkSteamRequest), async (c, u, r) => {
    const token = r.account?.token ?? "";
    const p = await link.linkSteam(c, u.userId, token);
    if (r.sync === true && deps.importFriends !== undefined) {
      await deps.importFriends("steam", u.userId, u.username, { token, steamId: p.id }).catch((err: unknown) => {
        deps.log.warn({ err, uid: u.userId }, "steam friend import failed");
      });
    }
  });
  registerUnlinkRoutes(add);
}

function registerUnlinkRoutes(add: <R>(path: string, name: string, read: (req: HttpRequest) => R, op: Op<R>) => void): void {
  const U = "/v2/account/unlink";
  add(`${U}/apple`, "UnlinkApple", body(api.AccountApple), (c, u, r) => unlink.unlinkApple(c, u.userId, r.token));
  add(`${U}/custom`, "UnlinkCustom", body(api.AccountCustom), (c, u, r) => unlink.unlinkCustom(c, u.userId, r.id));
  add(`${U}/device`, "UnlinkDevice", body(api.AccountDevice), (c, u, r) => unlink.unlinkDevice(c, u.userId, r.id));
  add(`${U}/email`, "UnlinkEmail", body(api.AccountEmail), (c, u, r) => unlink.unlinkEmail(c, u.userId, r.email));
  add(`${U}/facebook`, "UnlinkFacebook", body(api.AccountFacebook), (c, u, r) => unlink.unlinkFacebook(c, u.userId, r.token));
  add(`${U}/facebookinstantgame`, "UnlinkFacebookInstantGame", body(api.AccountFacebookInstantGame), (c, u, r) =>
    unlink.unlinkFacebookInstantGame(c, u.userId, r.signed_player_info));
  add(`${U}/gamecenter`, "UnlinkGameCenter", body(api.AccountGameCenter), (c, u, r) =>
    unlink.unlinkGameCenter(c, u.userId, gameCenterCredentials(r)));
  add(`${U}/google`, "UnlinkGoogle", body(api.AccountGoogle), (c, u, r) => unlink.unlinkGoogle(c, u.userId, r.token));
  add(`${U}/steam`, "UnlinkSteam", body(api.AccountSteam), (c, u, r) => unlink.unlinkSteam(c, u.userId, r.token));
}
