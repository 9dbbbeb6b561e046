// Tests the HS256 token format: round trip, Nakama's claim layout (escaping as JSON.stringify), and every
// rejection path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { signToken, signingKey, verifyToken, type SessionClaims } from "./jwt.js";

const key = signingKey("defaultencryptionkey");
const uid = "5b2d1c9e-8f3a-4c1b-9d2e-1f2a3b4c5d6e";
const claims: SessionClaims = { tid: "0a9b8c7d-1111-4222-8333-444455556666", uid, usn: "alice", vrs: { a: "1" }, exp: 2000, iat: 1000 };

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString("base64url");
}
function forge(header: unknown, payload: unknown, secret = "defaultencryptionkey"): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

test("a signed token verifies and carries Nakama's header and claim order", () => {
  const token = signToken(key, claims);
  const [h, p] = token.split(".");
  assert.equal(Buffer.from(h, "base64url").toString(), '{"alg":"HS256","typ":"JWT"}');
  assert.equal(Buffer.from(p, "base64url").toString(), `{"tid":"${claims.tid}","uid":"${uid}","usn":"alice","vrs":{"a":"1"},"exp":2000,"iat":1000}`);
  assert.deepEqual(verifyToken(key, token, 1500), claims);
});

test("empty claims are omitted like Go's omitempty", () => {
  const token = signToken(key, { ...claims, vrs: {}, usn: "" });
  const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(payload), ["tid", "uid", "exp", "iat"]);
});

test("claims text is JSON.stringify's for any username and vars; no claims at all is {}", () => {
  const odd = { ...claims, usn: 'a"b\\c\u0001\u2028é😀', vrs: { "k\"1": "v\n", z: "" } };
  const p = signToken(key, odd).split(".")[1];
  const { tid, uid: u, usn, vrs, exp, iat } = odd;
  assert.equal(Buffer.from(p, "base64url").toString(), JSON.stringify({ tid, uid: u, usn, vrs, exp, iat }));
  const empty = signToken(key, { tid: "", uid: "", usn: "", vrs: {}, exp: 0, iat: 0 }).split(".")[1];
  assert.equal(Buffer.from(empty, "base64url").toString(), "{}");
});

test("expired tokens and tokens without exp are refused", () => {
  const token = signToken(key, claims);
  assert.equal(verifyToken(key, token, 2000), null);
  assert.equal(verifyToken(key, forge({ alg: "HS256", typ: "JWT" }, { uid }), 0), null);
});

test("a wrong key, a tampered payload or a tampered signature is refused", () => {
  const token = signToken(key, claims);
  assert.equal(verifyToken(signingKey("other"), token, 1500), null);
  const [h, , s] = token.split(".");
  assert.equal(verifyToken(key, `${h}.${b64({ ...claims, usn: "mallory" })}.${s}`, 1500), null);
  assert.equal(verifyToken(key, `${token.slice(0, -2)}AA`, 1500), null);
});

test("only HS256 is accepted, even with a valid HMAC", () => {
  assert.equal(verifyToken(key, forge({ alg: "HS512", typ: "JWT" }, claims), 1500), null);
  assert.equal(verifyToken(key, forge({ alg: "none" }, claims), 1500), null);
  assert.notEqual(verifyToken(key, forge({ alg: "HS256" }, claims), 1500), null);
});

test("malformed tokens are refused without throwing", () => {
  for (const t of ["", "a", "a.b", "a.b.c.d", "..", "!!.!!.!!", `${b64({ alg: "HS256" })}.notjson.x`]) {
    assert.equal(verifyToken(key, t, 0), null, t);
  }
});

test("uid must be a UUID; other spellings are canonicalised", () => {
  assert.equal(verifyToken(key, forge({ alg: "HS256" }, { ...claims, uid: "nope" }), 1500), null);
  const got = verifyToken(key, forge({ alg: "HS256" }, { ...claims, uid: `{${uid.toUpperCase()}}` }), 1500);
  assert.equal(got?.uid, uid);
});

test("claims of the wrong type are refused", () => {
  assert.equal(verifyToken(key, forge({ alg: "HS256" }, { ...claims, exp: "2000" }), 1500), null);
  assert.equal(verifyToken(key, forge({ alg: "HS256" }, { ...claims, vrs: { a: 1 } }), 1500), null);
  assert.equal(verifyToken(key, forge({ alg: "HS256" }, { ...claims, usn: 5 }), 1500), null);
});
