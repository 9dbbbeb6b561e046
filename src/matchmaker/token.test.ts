// Tests of the matchmaker's match token: it names a relayed match, expires 30 s after minting, and is
// what the realtime layer's `match_join{token}` verification accepts (same key only).
import { test } from "node:test";
import assert from "node:assert/strict";
import { verifyMatchToken } from "../realtime/match-token.js";
import { mintMatchToken, newRelayedMatchId } from "./token.js";

test("a minted token carries the match id for 30 seconds, under its key only", () => {
  const mid = newRelayedMatchId();
  assert.match(mid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.$/);
  const token = mintMatchToken("key-1", mid, 1_700_000_000);
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as unknown;
  assert.deepEqual(claims, { mid, exp: 1_700_000_030 });
  assert.equal(verifyMatchToken("key-1", token, 1_700_000_029), mid);
  assert.equal(verifyMatchToken("key-1", token, 1_700_000_030), null);
  assert.equal(verifyMatchToken("key-2", token, 1_700_000_000), null);
});
