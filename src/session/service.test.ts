// Tests the session service and its deny-list cache with a manual clock: issue, verify, refresh,
// logout (one token, all tokens), single_session, ban, same-second precision and sweeping.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GameError } from "../errors.js";
import { createSessionService, type SessionSettings } from "./service.js";
import { signToken, signingKey } from "./jwt.js";

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";

function setup(over: Partial<SessionSettings> = {}) {
  const clock = { ms: 1_700_000_000_000 };
  const settings: SessionSettings = {
    encryptionKey: "k1", refreshEncryptionKey: "k2", tokenExpirySec: 60, refreshTokenExpirySec: 3600, singleSession: false, ...over,
  };
  const s = createSessionService(settings, { now: () => clock.ms });
  return { s, clock };
}

test("a login yields a verifiable token and refresh token sharing one token id", () => {
  const { s } = setup();
  const a = s.login(U1, "alice", { k: "v" });
  const info = s.verify(a.token);
  assert.ok(info);
  assert.equal(info.userId, U1);
  assert.equal(info.username, "alice");
  assert.deepEqual(info.vars, { k: "v" });
  assert.equal(info.expiresAt, a.expiresAt);
  const r = s.verifyRefresh(a.refreshToken);
  assert.equal(r?.tokenId, info.tokenId);
  // Keys are not interchangeable.
  assert.equal(s.verify(a.refreshToken), null);
  assert.equal(s.verifyRefresh(a.token), null);
});

test("tokens expire on the configured schedule", () => {
  const { s, clock } = setup();
  const a = s.login(U1, "alice", {});
  clock.ms += 59_000;
  assert.ok(s.verify(a.token));
  clock.ms += 1_000;
  assert.equal(s.verify(a.token), null);
  assert.ok(s.verifyRefresh(a.refreshToken));
  clock.ms += 3_540_000;
  assert.equal(s.verifyRefresh(a.refreshToken), null);
});

test("reissue keeps token id and issue time and extends expiry", () => {
  const { s, clock } = setup();
  const a = s.login(U1, "alice", {});
  clock.ms += 30_000;
  const from = s.verifyRefresh(a.refreshToken);
  assert.ok(from);
  const b = s.reissue(from, "alice2", { x: "y" });
  assert.equal(b.tokenId, a.tokenId);
  assert.equal(b.issuedAt, a.issuedAt);
  assert.equal(b.expiresAt, a.expiresAt + 30);
  const info = s.verify(b.token);
  assert.equal(info?.username, "alice2");
  assert.deepEqual(info?.vars, { x: "y" });
});

test("logout of one token revokes it and its refresh token but not other sessions", () => {
  const { s } = setup();
  const a = s.login(U1, "alice", {});
  const b = s.login(U1, "alice", {});
  s.logout(U1, a.token, a.refreshToken);
  assert.equal(s.verify(a.token), null);
  assert.equal(s.verifyRefresh(a.refreshToken), null);
  assert.ok(s.verify(b.token));
  assert.ok(s.verifyRefresh(b.refreshToken));
});

test("logout with no tokens revokes everything issued so far, later logins work", () => {
  const { s, clock } = setup();
  const a = s.login(U1, "alice", {});
  const other = s.login(U2, "bob", {});
  s.logout(U1, "", "");
  assert.equal(s.verify(a.token), null);
  assert.equal(s.verifyRefresh(a.refreshToken), null);
  assert.ok(s.verify(other.token));
  // Same second as the invalidation: only tokens issued after it are valid.
  const b = s.login(U1, "alice", {});
  assert.ok(s.verify(b.token));
  clock.ms += 1_000;
  const c = s.login(U1, "alice", {});
  assert.ok(s.verify(c.token));
  assert.ok(s.verify(b.token));
});

test("logout refuses tokens of another user or signed with the wrong key", () => {
  const { s } = setup();
  const a = s.login(U1, "alice", {});
  const b = s.login(U2, "bob", {});
  assert.throws(() => s.logout(U1, b.token, ""), (e: unknown) => e instanceof GameError && e.code === 3 && e.message === "Session token invalid.");
  assert.throws(() => s.logout(U1, "", a.token), (e: unknown) => e instanceof GameError && e.message === "Refresh token invalid.");
  assert.throws(() => s.logout(U1, "garbage", ""), GameError);
  assert.ok(s.verify(a.token));
});

test("single_session revokes older tokens at the next login, even in the same second", () => {
  const { s } = setup({ singleSession: true });
  const a = s.login(U1, "alice", {});
  const b = s.login(U1, "alice", {});
  assert.equal(s.verify(a.token), null);
  assert.equal(s.verifyRefresh(a.refreshToken), null);
  assert.ok(s.verify(b.token));
  const c = s.login(U1, "alice", {});
  assert.equal(s.verify(b.token), null);
  assert.ok(s.verify(c.token));
});

test("ban invalidates every token of the banned users only", () => {
  const { s, clock } = setup();
  const a = s.login(U1, "alice", {});
  const b = s.login(U2, "bob", {});
  clock.ms += 2_000;
  s.ban([U1]);
  assert.equal(s.verify(a.token), null);
  assert.equal(s.verifyRefresh(a.refreshToken), null);
  assert.ok(s.verify(b.token));
});

test("tokens minted elsewhere without iat are judged by exp - expiry", () => {
  const { s, clock } = setup();
  const exp = Math.floor(clock.ms / 1000) + 60;
  const legacy = signToken(signingKey("k1"), { tid: "t-1", uid: U1, usn: "a", vrs: {}, exp, iat: 0 });
  assert.ok(s.verify(legacy));
  clock.ms += 1_000;
  s.revokeAll(U1);
  assert.equal(s.verify(legacy), null);
});

test("generateToken honours an explicit expiry and the default", () => {
  const { s, clock } = setup();
  const t0 = Math.floor(clock.ms / 1000);
  const g = s.generateToken(U1, "alice", t0 + 5000, { a: "b" });
  assert.equal(g.expiresAt, t0 + 5000);
  assert.equal(s.verify(g.token)?.expiresAt, t0 + 5000);
  assert.equal(s.generateToken(U1, "alice", 0, {}).expiresAt, t0 + 60);
});

test("the cache forgets entries once nothing they deny can still be valid", () => {
  const { s, clock } = setup();
  const a = s.login(U1, "alice", {});
  s.logout(U1, a.token, a.refreshToken);
  s.revokeAll(U2);
  assert.equal(s.cache.size(), 2);
  clock.ms += 3_602_000;
  s.cache.sweep();
  assert.equal(s.cache.size(), 0);
});
