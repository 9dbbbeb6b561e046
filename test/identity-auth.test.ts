// Black-box: authenticate routes over the wire with @heroiclabs/nakama-js and raw fetch (for exact
// bytes): device, custom, email and username login, created flags, token claims, and every bad input
// of the issue with Nakama's status, body and WWW-Authenticate header.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { Client } from "@heroiclabs/nakama-js";
import { bootServer, clientFor, type BootedServer } from "./helpers/boot.js";

let s: BootedServer;
let client: Client;
const BASIC = `Basic ${Buffer.from("defaultkey:").toString("base64")}`;

before(async () => {
  s = await bootServer({ "logger.level": "warn", "social.facebook_instant_game.app_secret": "fbig-secret" });
  client = clientFor(s, 4000);
});
after(async () => {
  await s.stop();
});

async function post(path: string, body: string, headers: Record<string, string> = { authorization: BASIC }) {
  const r = await fetch(s.httpUrl + path, { method: "POST", headers, body });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as Record<string, unknown>;
}

test("device: create, then login to the same account; vars and claims in the token", async () => {
  const a = await client.authenticateDevice("bb-device-000001", true, "bbalice", { lvl: "3" });
  assert.equal(a.created, true);
  assert.equal(a.username, "bbalice");
  assert.deepEqual(a.vars, { lvl: "3" });
  const b = await client.authenticateDevice("bb-device-000001", true, "ignored");
  assert.equal(b.created, false);
  assert.equal(b.user_id, a.user_id);
  const c = claims(b.token);
  assert.deepEqual(Object.keys(c), ["tid", "uid", "usn", "exp", "iat"]);
  assert.equal((c.exp as number) - (c.iat as number), 60);
  const r = claims(b.refresh_token);
  assert.equal(r.tid, c.tid);
  assert.equal((r.exp as number) - (r.iat as number), 3600);
});

test("the raw session body: created omitted when false", async () => {
  const first = await post("/v2/account/authenticate/device", '{"id":"bb-device-raw-01"}');
  assert.equal(first.status, 200);
  assert.deepEqual(Object.keys(JSON.parse(first.text) as object), ["created", "token", "refresh_token"]);
  const again = await post("/v2/account/authenticate/device", '{"id":"bb-device-raw-01"}');
  assert.deepEqual(Object.keys(JSON.parse(again.text) as object), ["token", "refresh_token"]);
});

test("custom and email accounts; username + password login; camelCase body fields accepted", async () => {
  const c = await client.authenticateCustom("bb-custom-1", true, "bbcustom");
  assert.equal(c.created, true);
  const e = await client.authenticateEmail("BB.Email@Example.com", "password123", true, "bbemail");
  assert.equal(e.created, true);
  const again = await client.authenticateEmail("bb.email@example.com", "password123");
  assert.equal(again.user_id, e.user_id);
  const byName = await post("/v2/account/authenticate/email?username=bbemail", '{"email":"","password":"password123"}');
  assert.equal(byName.status, 200);
  assert.equal(claims((JSON.parse(byName.text) as { token: string }).token).uid, e.user_id);
  const camel = await post("/v2/account/authenticate/device", '{"id":"bb-device-camel","vars":{"a":"b"},"unknownField":1}');
  assert.equal(camel.status, 200);
});

test("create=false for an unknown device is 404 'User account not found.'", async () => {
  const r = await post("/v2/account/authenticate/device?create=false", '{"id":"bb-device-nobody"}');
  assert.equal(r.status, 404);
  assert.equal(r.text, '{"code":5,"message":"User account not found."}');
});

test("missing and wrong server keys are 401 with WWW-Authenticate", async () => {
  const missing = await post("/v2/account/authenticate/device", '{"id":"bb-device-000001"}', {});
  assert.equal(missing.status, 401);
  assert.equal(missing.text, '{"code":16,"message":"Server key required"}');
  assert.equal(missing.headers.get("www-authenticate"), "Server key required");
  const wrong = await post("/v2/account/authenticate/device", '{"id":"bb-device-000001"}', {
    authorization: `Basic ${Buffer.from("nope:").toString("base64")}`,
  });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.text, '{"code":16,"message":"Server key invalid"}');
  assert.equal(wrong.headers.get("www-authenticate"), "Server key invalid");
  const bearer = await post("/v2/account/authenticate/device", '{"id":"bb-device-000001"}', { authorization: "Bearer abc" });
  assert.equal(bearer.text, '{"code":16,"message":"Server key invalid"}');
});

test("malformed JSON and wrong types are 400 code 3", async () => {
  const bad = await post("/v2/account/authenticate/device", '{"id":');
  assert.equal(bad.status, 400);
  assert.equal((JSON.parse(bad.text) as { code: number }).code, 3);
  const wrongType = await post("/v2/account/authenticate/device", '{"id":12345678901}');
  assert.equal(wrongType.status, 400);
  assert.equal((JSON.parse(wrongType.text) as { code: number }).code, 3);
  const badBool = await post("/v2/account/authenticate/device?create=maybe", '{"id":"bb-device-000001"}');
  assert.equal(badBool.status, 400);
  assert.equal(badBool.text, '{"code":3,"message":"parsing field \\"create\\": strconv.ParseBool: parsing \\"maybe\\": invalid syntax"}');
});

test("id, username, email and password rules give Nakama's messages", async () => {
  const cases: Array<[string, string, string]> = [
    ["/v2/account/authenticate/device", '{"id":"short"}', "Device ID invalid, must be 10-128 bytes."],
    ["/v2/account/authenticate/device", "{}", "Device ID is required."],
    ["/v2/account/authenticate/device", '{"id":"has spaces in it"}', "Device ID invalid, no spaces or control characters allowed."],
    ["/v2/account/authenticate/custom", '{"id":"abc"}', "Custom ID invalid, must be 6-128 bytes."],
    ["/v2/account/authenticate/email", '{"email":"x@example.com","password":"short"}', "Password must be at least 8 characters long."],
    ["/v2/account/authenticate/email", '{"email":"not-an-email","password":"password123"}', "Invalid email address format."],
    ["/v2/account/authenticate/email", '{"email":"","password":"password123"}', "Username is required when email address is not supplied."],
    ["/v2/account/authenticate/email", "", "Email address and password is required."],
    ["/v2/account/authenticate/gamecenter", "", "GameCenter access credentials are required."],
    [`/v2/account/authenticate/device?username=${"u".repeat(129)}`, '{"id":"bb-device-long-u"}', "Username invalid, must be 1-128 bytes."],
  ];
  for (const [path, body, message] of cases) {
    const r = await post(path, body);
    assert.equal(r.status, 400, path);
    assert.equal(r.text, JSON.stringify({ code: 3, message }), path);
  }
});

test("a duplicate username is 409 and creates nothing; a later create with a free name works", async () => {
  await client.authenticateDevice("bb-device-dup-01", true, "bbdupname");
  const r = await post("/v2/account/authenticate/device?username=bbdupname", '{"id":"bb-device-dup-02"}');
  assert.equal(r.status, 409);
  assert.equal(r.text, '{"code":6,"message":"Username is already in use."}');
  const missing = await post("/v2/account/authenticate/device?create=false", '{"id":"bb-device-dup-02"}');
  assert.equal(missing.status, 404);
});

test("wrong passwords are 401 'Invalid credentials.'", async () => {
  await client.authenticateEmail("bb.pw@example.com", "password123", true, "bbpw");
  for (const body of ['{"email":"bb.pw@example.com","password":"wrongpass1"}', '{"email":"","password":"wrongpass1"}']) {
    const r = await post("/v2/account/authenticate/email?username=bbpw", body);
    assert.equal(r.status, 401);
    assert.equal(r.text, '{"code":16,"message":"Invalid credentials."}');
    assert.equal(r.headers.get("www-authenticate"), "Invalid credentials.");
  }
});

test("unconfigured social providers are 400 FAILED_PRECONDITION", async () => {
  const cases: Array<[string, string, string]> = [
    ["apple", '{"token":"t"}', "Apple authentication is not configured."],
    ["google", '{"token":"t"}', "Google authentication is not configured."],
    ["facebook", '{"token":"t"}', "Facebook authentication is not configured."],
    ["steam", '{"token":"t"}', "Steam authentication is not configured."],
  ];
  for (const [provider, body, message] of cases) {
    const r = await post(`/v2/account/authenticate/${provider}`, body);
    assert.equal(r.status, 400, provider);
    assert.equal(r.text, JSON.stringify({ code: 9, message }), provider);
  }
  const required = await post("/v2/account/authenticate/google", "{}");
  assert.equal(required.text, '{"code":3,"message":"Google access token is required."}');
});

test("facebook instant game with the configured app secret", async () => {
  const payload = Buffer.from(JSON.stringify({ algorithm: "HMAC-SHA256", player_id: "bb-fbig-1" })).toString("base64url");
  const sig = createHmac("sha256", "fbig-secret").update(payload).digest("base64url");
  const sess = await client.authenticateFacebookInstantGame(`${sig}.${payload}`, true, "bbfbig");
  assert.equal(sess.created, true);
  const forged = await post("/v2/account/authenticate/facebookinstantgame", JSON.stringify({ signed_player_info: `AAAA.${payload}` }));
  assert.equal(forged.status, 500);
  assert.equal(forged.text, '{"code":15,"message":"Error extracting the Facebook Instant Game player ID or validating the signature"}');
});
