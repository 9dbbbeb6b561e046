// Unit tests of realtime identifiers: UUIDv5 against RFC 4122's DNS example, match id splitting as
// Nakama's SplitN, and matchmaker match tokens (sign, verify, expiry, wrong key, wrong algorithm).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { NAMESPACE_DNS, splitMatchId, toUuid, uuidV5 } from "./ids.js";
import { signMatchToken, verifyMatchToken } from "./match-token.js";

test("uuidV5 matches the well-known value for python.org", () => {
  assert.equal(uuidV5(NAMESPACE_DNS, "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
});

test("match ids split at the first dot; the part before must be a UUID (any gofrs spelling)", () => {
  assert.deepEqual(splitMatchId("0B0B0B0B-0000-4000-8000-000000000000.node.x"), { uuid: "0b0b0b0b-0000-4000-8000-000000000000", node: "node.x" });
  assert.deepEqual(splitMatchId("0b0b0b0b000040008000000000000000."), { uuid: "0b0b0b0b-0000-4000-8000-000000000000", node: "" });
  assert.equal(splitMatchId("0b0b0b0b-0000-4000-8000-000000000000"), null);
  assert.equal(splitMatchId("x."), null);
  assert.equal(toUuid("nope"), null);
});

test("match tokens: valid until exp, only with the right key and HS256", () => {
  const now = 1_700_000_000;
  const t = signMatchToken("k", "m.", now + 30);
  assert.equal(verifyMatchToken("k", t, now), "m.");
  assert.equal(verifyMatchToken("k", t, now + 30), null);
  assert.equal(verifyMatchToken("other", t, now), null);
  const [, p] = t.split(".");
  const h = Buffer.from('{"alg":"HS384","typ":"JWT"}').toString("base64url");
  const forged = `${h}.${p}.${createHmac("sha256", "k").update(`${h}.${p}`).digest("base64url")}`;
  assert.equal(verifyMatchToken("k", forged, now), null);
  assert.equal(verifyMatchToken("k", "a.b", now), null);
});
