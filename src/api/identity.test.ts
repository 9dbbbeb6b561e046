// Tests the identity routes through the router with internals the wire cannot reach: social verifier
// doubles, bans (login, refresh, old tokens), session.single_session, token expiry on a manual clock,
// and before/after hooks (rewrite, reject, the after hook's context).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { configFrom } from "../config/load.js";
import { silentLogger } from "../log.js";
import { noHooks, type AfterHook, type BeforeHook, type CallContext, type HookRegistry } from "../pipeline/hooks.js";
import { createSessionService, sessionSettingsFrom, type SessionService } from "../session/service.js";
import { buildRequest } from "../transport/request.js";
import { Router } from "../transport/router.js";
import type { HttpResponse } from "../transport/types.js";
import { openTestCore, testVerifiers, type TestCore } from "../identity/testkit.js";
import { createIdentityAdmin, registerIdentityRoutes, type IdentityDeps } from "./identity.js";

const BASIC = `Basic ${Buffer.from("defaultkey:").toString("base64")}`;
let t: TestCore;
before(async () => {
  t = await openTestCore();
});
after(async () => {
  await t.tdb.dispose();
});

interface Harness {
  send(method: string, path: string, body?: string, auth?: string): Promise<{ status: number; json: any; headers: Record<string, string> }>;
  sessions: SessionService;
  deps: IdentityDeps;
  clock: { ms: number };
}

function harness(overrides: Record<string, unknown> = {}, hooks: HookRegistry = noHooks): Harness {
  const config = configFrom({
    "social.apple.bundle_id": "com.example.game", "social.steam.publisher_key": "k", "social.steam.app_id": 480, ...overrides,
  }).config;
  const clock = { ms: Date.now() };
  const sessions = createSessionService(sessionSettingsFrom(config.session), { now: () => clock.ms });
  const log = silentLogger();
  const deps: IdentityDeps = { db: t.core.db, config, log, pipeline: { hooks: () => hooks, log }, sessions, social: testVerifiers() };
  const router = new Router({ log });
  registerIdentityRoutes(router, deps);
  return {
    sessions, deps, clock,
    async send(method, path, body = "", auth) {
      const q = path.indexOf("?");
      const headers: Record<string, string> = auth === undefined ? {} : { authorization: auth };
      const req = buildRequest({
        method, path: q < 0 ? path : path.slice(0, q), rawQuery: q < 0 ? "" : path.slice(q + 1), headers, peerAddress: "10.0.0.9",
      }, Buffer.from(body), 1);
      const res: HttpResponse = await router.handle(req);
      const text = res.body === undefined ? "" : res.body.toString();
      return { status: res.status, json: text === "" ? undefined : JSON.parse(text), headers: res.headers ?? {} };
    },
  };
}

test("social logins through verifier doubles create, find, and refuse bad tokens", async () => {
  const h = harness();
  const a = await h.send("POST", "/v2/account/authenticate/google?username=gina", '{"token":"google:api-g1:Gina"}', BASIC);
  assert.equal(a.status, 200);
  assert.equal(a.json.created, true);
  const again = await h.send("POST", "/v2/account/authenticate/google", '{"token":"google:api-g1"}', BASIC);
  assert.equal(again.json.created, undefined);
  const bad = await h.send("POST", "/v2/account/authenticate/steam", '{"token":"nope"}', BASIC);
  assert.deepEqual([bad.status, bad.json], [401, { code: 16, message: "Could not authenticate Steam profile." }]);
  const gc = await h.send("POST", "/v2/account/authenticate/gamecenter", JSON.stringify({
    player_id: "gc-1", bundle_id: "b", timestamp_seconds: "5", salt: "s", signature: "good-signature", public_key_url: "https://k",
  }), BASIC);
  assert.equal(gc.status, 200);
  const gcMissing = await h.send("POST", "/v2/account/authenticate/gamecenter", '{"player_id":"gc-2"}', BASIC);
  assert.deepEqual(gcMissing.json, { code: 3, message: "GameCenter bundle ID is required." });
  const appleOff = harness({ "social.apple.bundle_id": "" });
  const off = await appleOff.send("POST", "/v2/account/authenticate/apple", '{"token":"apple:a1"}', BASIC);
  assert.deepEqual([off.status, off.json], [400, { code: 9, message: "Apple authentication is not configured." }]);
});

test("a banned user cannot log in, refresh, or use an old token; unban restores logins", async () => {
  const h = harness();
  const admin = createIdentityAdmin(h.deps, { ...t.core });
  const s = await h.send("POST", "/v2/account/authenticate/device", '{"id":"api-ban-device-1"}', BASIC);
  const uid = (await h.send("GET", "/v2/account", "", `Bearer ${s.json.token}`)).json.user.id as string;
  h.clock.ms += 1000;
  await admin.ban([uid]);
  assert.equal(await admin.isBanned(uid), true);
  const login = await h.send("POST", "/v2/account/authenticate/device", '{"id":"api-ban-device-1"}', BASIC);
  assert.deepEqual([login.status, login.json], [403, { code: 7, message: "User account banned." }]);
  const refresh = await h.send("POST", "/v2/account/session/refresh", JSON.stringify({ token: s.json.refresh_token }), BASIC);
  assert.equal(refresh.status, 401);
  assert.equal((await h.send("GET", "/v2/account", "", `Bearer ${s.json.token}`)).status, 401);
  await admin.unban([uid]);
  assert.equal((await h.send("POST", "/v2/account/authenticate/device", '{"id":"api-ban-device-1"}', BASIC)).status, 200);
});

test("a ban recorded in the database survives a restart of the session cache", async () => {
  const h = harness();
  const s = await h.send("POST", "/v2/account/authenticate/device", '{"id":"api-ban-device-2"}', BASIC);
  const uid = (await h.send("GET", "/v2/account", "", `Bearer ${s.json.token}`)).json.user.id as string;
  await t.core.db.query("UPDATE users SET disable_time = $2 WHERE id = $1", [uid, new Date(h.clock.ms + 1000)]);
  const restarted = harness();
  restarted.clock.ms = h.clock.ms + 2000;
  assert.equal(await createIdentityAdmin(restarted.deps, t.core).restoreBans() >= 1, true);
  assert.equal((await restarted.send("GET", "/v2/account", "", `Bearer ${s.json.token}`)).status, 401);
  await t.core.db.query("UPDATE users SET disable_time = 'epoch' WHERE id = $1", [uid]);
});

test("a logout is persisted: after a restart the logged-out token stays refused", async () => {
  const h = harness();
  const a = await h.send("POST", "/v2/account/authenticate/device", '{"id":"api-persist-dev-1"}', BASIC);
  const b = await h.send("POST", "/v2/account/authenticate/device", '{"id":"api-persist-dev-1"}', BASIC);
  const out = await h.send("POST", "/v2/session/logout", JSON.stringify({ token: a.json.token, refresh_token: a.json.refresh_token }), `Bearer ${a.json.token}`);
  assert.equal(out.status, 200);
  const restarted = harness();
  assert.equal((await restarted.send("GET", "/v2/account", "", `Bearer ${a.json.token}`)).status, 200, "a fresh cache knows nothing yet");
  const restored = await createIdentityAdmin(restarted.deps, t.core).restoreSessionState();
  assert.ok(restored.revocations >= 1);
  assert.equal((await restarted.send("GET", "/v2/account", "", `Bearer ${a.json.token}`)).status, 401);
  const refresh = await restarted.send("POST", "/v2/account/session/refresh", JSON.stringify({ token: a.json.refresh_token }), BASIC);
  assert.equal(refresh.status, 401);
  assert.equal((await restarted.send("GET", "/v2/account", "", `Bearer ${b.json.token}`)).status, 200);
});

test("session.single_session: a new login revokes the older session", async () => {
  const h = harness({ "session.single_session": true });
  const a = await h.send("POST", "/v2/account/authenticate/device", '{"id":"api-single-dev-1"}', BASIC);
  const b = await h.send("POST", "/v2/account/authenticate/device", '{"id":"api-single-dev-1"}', BASIC);
  assert.equal((await h.send("GET", "/v2/account", "", `Bearer ${a.json.token}`)).status, 401);
  assert.equal((await h.send("GET", "/v2/account", "", `Bearer ${b.json.token}`)).status, 200);
});

test("tokens expire after session.token_expiry_sec; refresh tokens after refresh_token_expiry_sec", async () => {
  const h = harness({ "session.token_expiry_sec": 5, "session.refresh_token_expiry_sec": 10 });
  const a = await h.send("POST", "/v2/account/authenticate/device", '{"id":"api-expiry-dev-1"}', BASIC);
  h.clock.ms += 5000;
  const expired = await h.send("GET", "/v2/account", "", `Bearer ${a.json.token}`);
  assert.deepEqual([expired.status, expired.json, expired.headers["www-authenticate"]], [401, { code: 16, message: "Auth token invalid" }, "Auth token invalid"]);
  const r = await h.send("POST", "/v2/account/session/refresh", JSON.stringify({ token: a.json.refresh_token }), BASIC);
  assert.equal(r.status, 200);
  assert.equal((await h.send("GET", "/v2/account", "", `Bearer ${r.json.token}`)).status, 200);
  h.clock.ms += 11_000;
  const late = await h.send("POST", "/v2/account/session/refresh", JSON.stringify({ token: r.json.refresh_token }), BASIC);
  assert.deepEqual(late.json, { code: 16, message: "Refresh token invalid or expired." });
});

function registry(before: Record<string, BeforeHook>, after: Record<string, AfterHook>): HookRegistry {
  return { before: (n) => before[n.toLowerCase()], after: (n) => after[n.toLowerCase()] };
}

test("hooks: a before hook rewrites or rejects; the after hook sees the new user", async () => {
  let seen: CallContext | undefined;
  let afterDone!: () => void;
  const afterRan = new Promise<void>((resolve) => (afterDone = resolve));
  const h = harness({}, registry(
    {
      authenticatedevice: async (_ctx, req) => ({ ...(req as object), username: "hooked-name" }),
      authenticatecustom: async () => null,
    },
    {
      authenticatedevice: async (ctx) => {
        seen = { ...ctx };
        afterDone();
      },
    },
  ));
  const a = await h.send("POST", "/v2/account/authenticate/device?username=original", '{"id":"api-hook-dev-01"}', BASIC);
  assert.equal(a.status, 200);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((_, rej) => (timer = setTimeout(() => rej(new Error("after hook did not run")), 5000)));
  await Promise.race([afterRan, deadline]).finally(() => clearTimeout(timer));
  assert.equal(seen?.username, "hooked-name");
  assert.match(seen?.userId ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(seen?.clientIp, "10.0.0.9");
  const rejected = await h.send("POST", "/v2/account/authenticate/custom", '{"id":"api-hook-custom"}', BASIC);
  assert.deepEqual([rejected.status, rejected.json], [404, { code: 5, message: "Requested resource was not found." }]);
});
