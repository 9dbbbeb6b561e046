// Black-box: sessions over the wire. Refresh (new pair, same token id, vars), logout of one session and
// of all, and Bearer failures: missing, malformed, forged, expired, revoked, each with Nakama's 401.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { Client} from "@heroiclabs/nakama-js";
import { Session } from "@heroiclabs/nakama-js";
import { bootServer, clientFor, type BootedServer } from "./helpers/boot.js";

let s: BootedServer;
let client: Client;
const BASIC = `Basic ${Buffer.from("defaultkey:").toString("base64")}`;

before(async () => {
  s = await bootServer({ "logger.level": "warn" });
  client = clientFor(s, 4000);
});
after(async () => {
  await s.stop();
});

async function call(method: string, path: string, auth: string | undefined, body?: string) {
  const headers: Record<string, string> = auth === undefined ? {} : { authorization: auth };
  const r = await fetch(s.httpUrl + path, { method, headers, body });
  return { status: r.status, www: r.headers.get("www-authenticate"), text: await r.text() };
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as Record<string, unknown>;
}

function sign(payload: object, key: string): string {
  const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}

const INVALID = { status: 401, www: "Auth token invalid", text: '{"code":16,"message":"Auth token invalid"}' };

test("refresh returns a new pair with the same token id; vars can be replaced", async () => {
  const a = await client.authenticateDevice("ss-device-000001", true, "ssrefresh", { v: "1" });
  const first = { token: a.token, refresh: a.refresh_token };
  // nakama-js updates the session object in place.
  const b = await client.sessionRefresh(a, { v: "2" });
  assert.equal(claims(b.token).tid, claims(first.token).tid);
  assert.equal(claims(b.refresh_token).tid, claims(first.token).tid);
  assert.equal(claims(b.token).iat, claims(first.token).iat);
  assert.deepEqual(b.vars, { v: "2" });
  const acc = await client.getAccount(b);
  assert.equal(acc.user?.username, "ssrefresh");
  const kept = await call("POST", "/v2/account/session/refresh", BASIC, JSON.stringify({ token: b.refresh_token }));
  assert.deepEqual(claims((JSON.parse(kept.text) as { token: string }).token).vrs, { v: "2" });
});

test("refresh errors: missing token, bad token, wrong server key", async () => {
  assert.deepEqual(await call("POST", "/v2/account/session/refresh", BASIC, "{}"), {
    status: 400, www: null, text: '{"code":3,"message":"Refresh token is required."}',
  });
  const a = await client.authenticateDevice("ss-device-000002", true);
  assert.deepEqual(await call("POST", "/v2/account/session/refresh", BASIC, JSON.stringify({ token: a.token })), {
    status: 401, www: "Refresh token invalid or expired.", text: '{"code":16,"message":"Refresh token invalid or expired."}',
  });
  const noKey = await call("POST", "/v2/account/session/refresh", undefined, JSON.stringify({ token: a.refresh_token }));
  assert.equal(noKey.text, '{"code":16,"message":"Server key required"}');
});

test("logout revokes the token and its refresh token; other sessions live on", async () => {
  const a = await client.authenticateDevice("ss-device-000003", true, "sslogout");
  const other = await client.authenticateDevice("ss-device-000003");
  assert.equal(await client.sessionLogout(a, a.token, a.refresh_token), true);
  assert.deepEqual(await call("GET", "/v2/account", `Bearer ${a.token}`), INVALID);
  const refresh = await call("POST", "/v2/account/session/refresh", BASIC, JSON.stringify({ token: a.refresh_token }));
  assert.equal(refresh.text, '{"code":16,"message":"Refresh token invalid or expired."}');
  assert.equal((await call("GET", "/v2/account", `Bearer ${other.token}`)).status, 200);
});

test("logout with no tokens revokes every session of the user", async () => {
  const a = await client.authenticateDevice("ss-device-000004", true, "ssall");
  const b = await client.authenticateDevice("ss-device-000004");
  assert.equal((await call("POST", "/v2/session/logout", `Bearer ${a.token}`, "{}")).status, 200);
  assert.deepEqual(await call("GET", "/v2/account", `Bearer ${a.token}`), INVALID);
  assert.deepEqual(await call("GET", "/v2/account", `Bearer ${b.token}`), INVALID);
  const fresh = await client.authenticateDevice("ss-device-000004");
  assert.equal((await call("GET", "/v2/account", `Bearer ${fresh.token}`)).status, 200);
});

test("logout refuses another user's token with 400", async () => {
  const a = await client.authenticateDevice("ss-device-000005", true);
  const b = await client.authenticateDevice("ss-device-000006", true);
  const r = await call("POST", "/v2/session/logout", `Bearer ${a.token}`, JSON.stringify({ token: b.token }));
  assert.deepEqual(r, { status: 400, www: null, text: '{"code":3,"message":"Session token invalid."}' });
});

test("Bearer failures: missing, malformed, forged, expired, wrong scheme", async () => {
  assert.deepEqual(await call("GET", "/v2/account", undefined), {
    status: 401, www: "Auth token required", text: '{"code":16,"message":"Auth token required"}',
  });
  const a = await client.authenticateDevice("ss-device-000007", true);
  const uid = claims(a.token).uid as string;
  const now = Math.floor(Date.now() / 1000);
  const forged = sign({ tid: "x", uid, usn: "x", exp: now + 60, iat: now }, "not-the-key");
  const expired = sign({ tid: "y", uid, usn: "x", exp: now - 1, iat: now - 61 }, "defaultencryptionkey");
  for (const auth of ["Bearer", "Bearer garbage", `Bearer ${forged}`, `Bearer ${expired}`, `bearer ${a.token}`, `Basic ${a.token}`]) {
    assert.deepEqual(await call("GET", "/v2/account", auth), INVALID, auth);
  }
  // The same claims signed with the server's key are accepted: tokens need no server-side state.
  const minted = sign({ tid: "z", uid, usn: "x", exp: now + 60, iat: now }, "defaultencryptionkey");
  assert.equal((await call("GET", "/v2/account", `Bearer ${minted}`)).status, 200);
});

test("nakama-js parses the session it gets", async () => {
  const a = await client.authenticateDevice("ss-device-000008", true, "ssparse", { k: "v" });
  const restored = Session.restore(a.token, a.refresh_token);
  assert.equal(restored.username, "ssparse");
  assert.equal(restored.isexpired(Date.now() / 1000), false);
  assert.deepEqual(restored.vars, { k: "v" });
});
