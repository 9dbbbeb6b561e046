// Owns the nine authenticate routes (POST /v2/account/authenticate/{device,custom,email,apple,facebook,
// facebookinstantgame,gamecenter,google,steam}): body = the account message, `create` / `username` /
// `sync` from the query, Basic server-key auth, then the AuthenticateX pipeline: before hook →
// validation (Nakama's order and texts) → find-or-create → session pair → after hook.
import { api, toJson, type MessageType } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import type { AuthResult, IdentityCore } from "../identity/core.js";
import { authenticateByColumn, authenticateDevice, authenticateEmail, authenticateUsername } from "../identity/authenticate.js";
import { checkGameCenter } from "../identity/link.js";
import * as social from "../identity/social-auth.js";
import { Provider, notConfigured } from "../identity/social.js";
import { checkCustomIdForAuth, checkDeviceId, checkEmailAddress, passwordLongEnough, PASSWORD_TOO_SHORT, usernameForAuth, checkUsername } from "../identity/validate.js";
import { runPipeline } from "../pipeline/hooks.js";
import type { Router } from "../transport/router.js";
import { rawJson } from "../transport/json.js";
import { checkServerKey } from "./auth.js";
import type { IdentityDeps } from "./deps.js";
import { anonymousContext, decodeBodyField, queryBool, queryString } from "./request.js";

interface AuthRequest<A> {
  account?: A;
  create?: boolean;
  username: string;
  sync?: boolean;
}

/** What a provider's core step yields: the account and the vars to put in the session. */
interface Authenticated {
  result: AuthResult;
  vars: Record<string, string>;
  /** Runs after the session exists (friend import with `sync`). */
  afterLogin?: () => Promise<void>;
}

interface AuthSpec<A> {
  path: string;
  name: string;
  account: MessageType<A>;
  sync?: boolean;
  run: (core: IdentityCore, req: AuthRequest<A>) => Promise<Authenticated>;
}

function invalid(message: string): GameError {
  return new GameError(Code.INVALID_ARGUMENT, message);
}

function addAuthRoute<A>(router: Router, deps: IdentityDeps, core: IdentityCore, spec: AuthSpec<A>): void {
  router.add("POST", spec.path, async ({ req }) => {
    const request: AuthRequest<A> = {
      account: decodeBodyField(req, spec.account),
      create: queryBool(req, "create"),
      username: queryString(req, "username"),
    };
    if (spec.sync === true) request.sync = queryBool(req, "sync");
    checkServerKey(deps.config.socket.server_key, req.headers["authorization"]);
    const ctx = anonymousContext(req);
    const session = await runPipeline(deps.pipeline, spec.name, ctx, request, async (r) => {
      const { result, vars, afterLogin } = await spec.run(core, r);
      const issued = deps.sessions.login(result.userId, result.username, vars);
      if (afterLogin !== undefined) await afterLogin();
      // The after hook sees the new session's user, as in Nakama.
      Object.assign(ctx, { userId: result.userId, username: result.username, vars, expiry: issued.expiresAt });
      return { created: result.created, token: issued.token, refresh_token: issued.refreshToken } satisfies api.Session;
    });
    return rawJson(toJson(api.Session, session));
  });
}

const isCreate = (r: { create?: boolean }): boolean => r.create ?? true;

async function friendImport(deps: IdentityDeps, provider: "facebook" | "steam", result: AuthResult, token: string, steamId?: string): Promise<void> {
  if (deps.importFriends === undefined) return;
  await deps.importFriends(provider, result.userId, result.username, { token, steamId }).catch((err: unknown) => {
    deps.log.warn({ err, provider, uid: result.userId }, "friend import failed");
  });
}

/** The email route: email + password, or username + password when the email is empty. */
async function runEmail(core: IdentityCore, r: AuthRequest<api.AccountEmail>): Promise<Authenticated> {
  const acc = r.account;
  if (acc === undefined) throw invalid("Email address and password is required.");
  const byUsername = acc.email === "";
  if (!byUsername) checkEmailAddress(acc.email);
  if (!passwordLongEnough(acc.password)) throw invalid(PASSWORD_TOO_SHORT);
  let username = r.username;
  if (username === "") {
    if (byUsername) throw invalid("Username is required when email address is not supplied.");
    username = usernameForAuth("");
  } else checkUsername(username);
  if (byUsername) {
    // Creation is never possible here; `create` is ignored.
    const userId = await authenticateUsername(core, username, acc.password);
    return { result: { userId, username, created: false }, vars: acc.vars };
  }
  return { result: await authenticateEmail(core, acc.email.toLowerCase(), acc.password, username, isCreate(r)), vars: acc.vars };
}

function tokenOf(acc: { token: string } | undefined, required: string): string {
  if (acc === undefined || acc.token === "") throw invalid(required);
  return acc.token;
}

export function registerAuthenticateRoutes(router: Router, deps: IdentityDeps, core: IdentityCore): void {
  const base = "/v2/account/authenticate";
  addAuthRoute(router, deps, core, {
    path: `${base}/device`, name: "AuthenticateDevice", account: api.AccountDevice,
    run: async (c, r) => {
      checkDeviceId(r.account?.id ?? "");
      const acc = r.account as api.AccountDevice;
      return { result: await authenticateDevice(c, acc.id, usernameForAuth(r.username), isCreate(r)), vars: acc.vars };
    },
  });
  addAuthRoute(router, deps, core, {
    path: `${base}/custom`, name: "AuthenticateCustom", account: api.AccountCustom,
    run: async (c, r) => {
      checkCustomIdForAuth(r.account?.id ?? "");
      const acc = r.account as api.AccountCustom;
      return { result: await authenticateByColumn(c, "custom_id", acc.id, usernameForAuth(r.username), isCreate(r)), vars: acc.vars };
    },
  });
  addAuthRoute(router, deps, core, { path: `${base}/email`, name: "AuthenticateEmail", account: api.AccountEmail, run: runEmail });
  addAuthRoute(router, deps, core, {
    path: `${base}/apple`, name: "AuthenticateApple", account: api.AccountApple,
    run: async (c, r) => {
      if (!social.appleConfigured(c)) throw notConfigured(Provider.apple);
      const token = tokenOf(r.account, "Apple ID token is required.");
      return { result: await social.authenticateApple(c, token, usernameForAuth(r.username), isCreate(r)), vars: r.account?.vars ?? {} };
    },
  });
  addAuthRoute(router, deps, core, {
    path: `${base}/facebook`, name: "AuthenticateFacebook", account: api.AccountFacebook, sync: true,
    run: async (c, r) => {
      const token = tokenOf(r.account, "Facebook access token is required.");
      const result = await social.authenticateFacebook(c, token, usernameForAuth(r.username), isCreate(r));
      const afterLogin = r.sync === true ? () => friendImport(deps, "facebook", result, token) : undefined;
      return { result, vars: r.account?.vars ?? {}, afterLogin };
    },
  });
  registerMoreAuthenticateRoutes(router, deps, core, base);
}

function registerMoreAuthenticateRoutes(router: Router, deps: IdentityDeps, core: IdentityCore, base: string): void {
  addAuthRoute(router, deps, core, {
    path: `${base}/facebookinstantgame`, name: "AuthenticateFacebookInstantGame", account: api.AccountFacebookInstantGame,
    run: async (c, r) => {
      const spi = r.account?.signed_player_info ?? "";
      if (spi === "") throw invalid("Signed Player Info for a Facebook Instant Game is required.");
      const result = await social.authenticateFacebookInstantGame(c, spi, usernameForAuth(r.username), isCreate(r));
      return { result, vars: r.account?.vars ?? {} };
    },
  });
  addAuthRoute(router, deps, core, {
    path: `${base}/gamecenter`, name: "AuthenticateGameCenter", account: api.AccountGameCenter,
    run: async (c, r) => {
      const acc = r.account;
      if (acc === undefined) throw invalid("GameCenter access credentials are required.");
      const creds = gameCenterCredentials(acc);
      checkGameCenter(creds);
      return { result: await social.authenticateGameCenter(c, creds, usernameForAuth(r.username), isCreate(r)), vars: acc.vars };
    },
  });
  addAuthRoute(router, deps, core, {
    path: `${base}/google`, name: "AuthenticateGoogle", account: api.AccountGoogle,
    run: async (c, r) => {
      const token = tokenOf(r.account, "Google access token is required.");
      return { result: await social.authenticateGoogle(c, token, usernameForAuth(r.username), isCreate(r)), vars: r.account?.vars ?? {} };
    },
  });
  addAuthRoute(router, deps, core, {
    path: `${base}/steam`, name: "AuthenticateSteam", account: api.AccountSteam, sync: true,
    run: async (c, r) => {
      if (!social.steamConfigured(c)) throw notConfigured(Provider.steam);
      const token = tokenOf(r.account, "Steam access token is required.");
      const result = await social.authenticateSteam(c, token, usernameForAuth(r.username), isCreate(r));
      const afterLogin = r.sync === true ? () => friendImport(deps, "steam", result, token) : undefined;
      return { result, vars: r.account?.vars ?? {}, afterLogin };
    },
  });
}

export function gameCenterCredentials(acc: api.AccountGameCenter) {
  return {
    playerId: acc.player_id,
    bundleId: acc.bundle_id,
    timestampSeconds: Number(acc.timestamp_seconds),
    salt: acc.salt,
    signature: acc.signature,
    publicKeyUrl: acc.public_key_url,
  };
}
