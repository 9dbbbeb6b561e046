// Owns nk's authenticate functions (device, custom, email, Apple, Facebook, Facebook Instant, Game Center,
// Google, Steam) and authenticate_token_generate, over the identity core. Argument order, defaults and
// error texts are Nakama's (runtime_lua_nakama.go / runtime_javascript_nakama.go):
//   Lua:  local user_id, username, created = nk.authenticate_device(id, username?, create = true)
//   JS:   nk.authenticateDevice(id, username?, create = true) → { userId, username, created }
// Facebook and Steam take `importFriends` (default true) before the username; Game Center takes the six
// credentials first. Core failures read "error authenticating: <core message>" and keep the core's code.
// Token generation: Lua returns `token, exp`; JS `{ token, exp }`.
import { Code, GameError } from "../../errors.js";
import { authenticateByColumn, authenticateDevice, authenticateEmail, authenticateUsername } from "../../identity/authenticate.js";
import type { AuthResult } from "../../identity/core.js";
import * as social from "../../identity/social-auth.js";
import type { GameCenterCredentials } from "../../identity/social.js";
import { byteLength, generateUsername, hasInvalidChars } from "../../identity/validate.js";
import { parseUuid } from "../../session/uuid.js";
import { stringMap, wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import type { NkBinding, NkCall } from "./types.js";

/** Nakama's invalidUsernameRegex (see identity/validate.ts for how Go compiles it). */
const INVALID_USERNAME = /[\x00-\x1f\x7f]|[[\t\n\r\f\v]\]/;
/** Nakama's emailRegex. */
const EMAIL = /^.+@.+\..+$/;

/** The optional username argument: empty → generated; else no control characters, ≤ 128 bytes. */
export function authUsername(a: Args, i: number): string {
  const username = a.optStr(i, "");
  if (username === "") return generateUsername();
  if (INVALID_USERNAME.test(username)) throw a.fail(i, "expects username to be valid, no spaces or control characters allowed");
  if (byteLength(username) > 128) throw a.fail(i, "expects id to be valid, must be 1-128 bytes");
  return username;
}

function checkedId(a: Args, i: number, min: number, max: number): string {
  const id = a.str(i);
  if (id === "") throw a.fail(i, "expects id string");
  if (hasInvalidChars(id)) throw a.fail(i, "expects id to be valid, no spaces or control characters allowed");
  const n = byteLength(id);
  if (n < min || n > max) throw a.fail(i, `expects id to be valid, must be ${min}-${max} bytes`);
  return id;
}

function required(a: Args, i: number, message: string): string {
  const s = a.str(i);
  if (s === "") throw a.fail(i, message);
  return s;
}

type Auth = (a: Args, call: NkCall) => Promise<AuthResult>;

const luaResult = (r: AuthResult): unknown[] => [r.userId, r.username, r.created];
const jsResult = (r: AuthResult): { userId: string; username: string; created: boolean } => ({
  userId: r.userId,
  username: r.username,
  created: r.created,
});

/** One authenticate function in both languages; `auth` parses the arguments and calls the core. */
function authBinding(lua: string, js: string, auth: Auth): NkBinding {
  return define({
    lua,
    js,
    luaFn: async (a, call) => luaResult(await auth(a, call)),
    jsFn: async (a, call) => jsResult(await auth(a, call)),
  });
}

const authenticating = (fn: () => Promise<AuthResult>): Promise<AuthResult> => wrapped("error authenticating", fn);

async function importFriends(call: NkCall, provider: "facebook" | "steam", r: AuthResult, token: string, steamId?: string): Promise<void> {
  const importer = call.deps.services?.importFriends;
  if (importer === undefined) return;
  // Failures are logged and do not fail the authentication (Nakama).
  await importer(provider, r.userId, r.username, { token, steamId }).catch((err: unknown) => {
    call.deps.log.warn({ err, provider, uid: r.userId }, "friend import failed");
  });
}

const device: Auth = async (a, call) => {
  const id = checkedId(a, 0, 10, 128);
  const username = authUsername(a, 1);
  const create = a.optBool(2, true);
  return authenticating(() => authenticateDevice(call.deps.identity, id, username, create));
};

const custom: Auth = async (a, call) => {
  const id = checkedId(a, 0, 6, 128);
  const username = authUsername(a, 1);
  const create = a.optBool(2, true);
  return authenticating(() => authenticateByColumn(call.deps.identity, "custom_id", id, username, create));
};

const email: Auth = async (a, call) => {
  const address = a.optStr(0, "");
  if (address !== "") {
    if (hasInvalidChars(address)) throw a.fail(0, "expects email to be valid, no spaces or control characters allowed");
    if (!EMAIL.test(address)) throw a.fail(0, "expects email to be valid, invalid email address format");
    const n = byteLength(address);
    if (n < 10 || n > 255) throw a.fail(0, "expects email to be valid, must be 10-255 bytes");
  }
  const password = a.str(1);
  if (password === "") throw a.fail(1, "expects password string");
  if (byteLength(password) < 8) throw a.fail(1, "expects password to be valid, must be longer than 8 characters");
  if (address === "" && a.optStr(2, "") === "") throw a.fail(a.lang === "lua" ? 0 : 2, "expects username string when email is not supplied");
  const username = authUsername(a, 2);
  const create = a.optBool(3, true);
  const core = call.deps.identity;
  if (address === "") {
    const userId = await wrapped("error authenticating", () => authenticateUsername(core, username, password));
    return { userId, username, created: false };
  }
  return authenticating(() => authenticateEmail(core, address.toLowerCase(), password, username, create));
};

const apple: Auth = async (a, call) => {
  if (call.deps.identity.socialConfig.apple.bundle_id === "") throw new GameError(Code.FAILED_PRECONDITION, "Apple authentication is not configured");
  const token = required(a, 0, "expects token string");
  const username = authUsername(a, 1);
  const create = a.optBool(2, true);
  return authenticating(() => social.authenticateApple(call.deps.identity, token, username, create));
};

const facebook: Auth = async (a, call) => {
  const token = required(a, 0, a.lang === "lua" ? "expects access token string" : "expects token string");
  const doImport = a.optBool(1, true);
  const username = authUsername(a, 2);
  const create = a.optBool(3, true);
  const r = await authenticating(() => social.authenticateFacebook(call.deps.identity, token, username, create));
  if (doImport) await importFriends(call, "facebook", r, token);
  return r;
};

const facebookInstant: Auth = async (a, call) => {
  const info = required(a, 0, "expects signed player info");
  const username = authUsername(a, 1);
  const create = a.optBool(2, true);
  return authenticating(() => social.authenticateFacebookInstantGame(call.deps.identity, info, username, create));
};

/** The six Game Center credentials from position `from` (authenticate: 0, link: 1). */
export function gameCenterArgs(a: Args, from: number): GameCenterCredentials {
  const playerId = required(a, from, "expects player ID string");
  const bundleId = required(a, from + 1, "expects bundle ID string");
  const ts = a.int(from + 2);
  if (ts === 0) throw a.fail(from + 2, "expects timestamp value");
  const salt = required(a, from + 3, "expects salt string");
  const signature = required(a, from + 4, "expects signature string");
  const publicKeyUrl = required(a, from + 5, "expects public key URL string");
  return { playerId, bundleId, timestampSeconds: ts, salt, signature, publicKeyUrl };
}

const gameCenter: Auth = async (a, call) => {
  const creds = gameCenterArgs(a, 0);
  const username = authUsername(a, 6);
  const create = a.optBool(7, true);
  return authenticating(() => social.authenticateGameCenter(call.deps.identity, creds, username, create));
};

const google: Auth = async (a, call) => {
  const token = required(a, 0, "expects ID token string");
  const username = authUsername(a, 1);
  const create = a.optBool(2, true);
  return authenticating(() => social.authenticateGoogle(call.deps.identity, token, username, create));
};

const steam: Auth = async (a, call) => {
  if (!social.steamConfigured(call.deps.identity)) throw new GameError(Code.FAILED_PRECONDITION, "Steam authentication is not configured");
  const token = required(a, 0, a.lang === "lua" ? "expects access token string" : "expects token string");
  const doImport = a.optBool(1, true);
  const username = authUsername(a, 2);
  const create = a.optBool(3, true);
  const core = call.deps.identity;
  const profile = await wrapped("error authenticating", () => social.verifySteam(core, token));
  const r = await authenticating(() => authenticateByColumn(core, "steam_id", profile.id, username, create));
  if (doImport) await importFriends(call, "steam", r, token, profile.id);
  return r;
};

interface TokenArgs {
  userId: string;
  username: string;
  exp: number;
  vars: Record<string, string>;
}

function tokenArgs(a: Args): TokenArgs {
  const raw = a.str(0);
  if (raw === "") throw a.fail(0, "expects user id");
  const userId = parseUuid(raw);
  if (userId === null) throw a.fail(0, "expects valid user id");
  // Lua requires the username argument (CheckString); both generate one when it is empty.
  const given = a.lang === "lua" ? a.str(1) : a.optStr(1, "");
  const username = given === "" ? generateUsername() : given;
  const exp = a.optInt(2, 0);
  const vars = a.lang === "lua"
    ? stringMap(a, 3, "vars keys must be strings", "vars values must be strings")
    : stringMap(a, 3, "expects object with string keys and values", "expects string");
  return { userId, username, exp, vars: vars ?? {} };
}

const tokenGenerate = define({
  lua: "authenticate_token_generate",
  js: "authenticateTokenGenerate",
  luaFn: (a, call) => {
    const t = tokenArgs(a);
    const r = call.deps.sessions.generateToken(t.userId, t.username, t.exp, t.vars);
    return [r.token, r.expiresAt];
  },
  jsFn: (a, call) => {
    const t = tokenArgs(a);
    const r = call.deps.sessions.generateToken(t.userId, t.username, t.exp, t.vars);
    return { token: r.token, exp: r.expiresAt };
  },
  immediate: true,
});

export function authBindings(): NkBinding[] {
  return [
    authBinding("authenticate_device", "authenticateDevice", device),
    authBinding("authenticate_custom", "authenticateCustom", custom),
    authBinding("authenticate_email", "authenticateEmail", email),
    authBinding("authenticate_apple", "authenticateApple", apple),
    authBinding("authenticate_facebook", "authenticateFacebook", facebook),
    authBinding("authenticate_facebook_instant_game", "authenticateFacebookInstantGame", facebookInstant),
    authBinding("authenticate_game_center", "authenticateGameCenter", gameCenter),
    authBinding("authenticate_google", "authenticateGoogle", google),
    authBinding("authenticate_steam", "authenticateSteam", steam),
    tokenGenerate,
  ];
}
