// Tests the credential parsers as Nakama's interceptor reads them: Basic server key and Bearer tokens.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GameError } from "../errors.js";
import { createSessionService } from "../session/service.js";
import { bearerToken, checkServerKey, parseBasicAuth, verifySessionToken } from "./auth.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

function fails(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof GameError && e.code === 16 && e.message === message);
}

test("Basic: username before the first colon; strict padded base64; case-sensitive prefix", () => {
  assert.deepEqual(parseBasicAuth(`Basic ${b64("key:pa:ss")}`), { username: "key", password: "pa:ss" });
  assert.deepEqual(parseBasicAuth(`Basic ${b64("key:")}`), { username: "key", password: "" });
  assert.equal(parseBasicAuth(`Basic ${b64("nocolon")}`), null);
  assert.equal(parseBasicAuth(`basic ${b64("key:")}`), null);
  assert.equal(parseBasicAuth(`Basic ${b64("key:").replace(/=+$/, "")}`), null);
  assert.equal(parseBasicAuth("Basic !!!!"), null);
});

test("server key: required, then exact match of the username", () => {
  fails(() => checkServerKey("defaultkey", undefined), "Server key required");
  fails(() => checkServerKey("defaultkey", ""), "Server key invalid");
  fails(() => checkServerKey("defaultkey", `Basic ${b64("other:")}`), "Server key invalid");
  fails(() => checkServerKey("defaultkey", "Bearer x"), "Server key invalid");
  checkServerKey("defaultkey", `Basic ${b64("defaultkey:anything")}`);
});

test("bearer: required, then a valid unrevoked token", () => {
  const sessions = createSessionService({
    encryptionKey: "k", refreshEncryptionKey: "r", tokenExpirySec: 60, refreshTokenExpirySec: 3600, singleSession: false,
  });
  const uid = "33333333-3333-4333-8333-333333333333";
  const s = sessions.login(uid, "u", {});
  assert.equal(bearerToken("Bearer abc"), "abc");
  assert.equal(bearerToken("bearer abc"), null);
  fails(() => verifySessionToken(sessions, undefined), "Auth token required");
  fails(() => verifySessionToken(sessions, "Bearer nope"), "Auth token invalid");
  fails(() => verifySessionToken(sessions, `Bearer ${s.refreshToken}`), "Auth token invalid");
  assert.equal(verifySessionToken(sessions, `Bearer ${s.token}`).userId, uid);
  sessions.revokeAll(uid);
  fails(() => verifySessionToken(sessions, `Bearer ${s.token}`), "Auth token invalid");
});
