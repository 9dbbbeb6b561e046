// Unit tests of chat channel ids (Nakama's ChannelIdToStream / StreamToChannelId rules), room name checks,
// content checks, and history cursors (round trip, tampering).
import { test } from "node:test";
import assert from "node:assert/strict";
import { channelIdOf, channelStream, dmStream, roomNameProblem } from "./ids.js";
import { decodeHistoryCursor, encodeHistoryCursor } from "./history.js";
import { isJsonObjectText } from "./messages.js";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";

test("channel ids parse into their streams and print back", () => {
  assert.deepEqual(channelStream("2...lobby"), { mode: 2, subject: "", subcontext: "", label: "lobby" });
  assert.deepEqual(channelStream("2...a.b.c"), { mode: 2, subject: "", subcontext: "", label: "a.b.c" });
  assert.deepEqual(channelStream(`3.${A}..`), { mode: 3, subject: A, subcontext: "", label: "" });
  assert.deepEqual(channelStream(`3.${A.toUpperCase()}..`), { mode: 3, subject: A, subcontext: "", label: "" });
  assert.deepEqual(channelStream("3.00000000-0000-0000-0000-000000000000.."), { mode: 3, subject: "", subcontext: "", label: "" });
  assert.deepEqual(channelStream(`4.${A}.${B}.`), { mode: 4, subject: A, subcontext: B, label: "" });
  for (const bad of ["", "2..", "2...", `2...${"x".repeat(65)}`, "2.x..room", "3.nope..", `3.${A}.x.`, `4.${A}.${B}.label`, "5...x", "x.y.z.w"]) {
    assert.equal(channelStream(bad), null, bad);
  }
  assert.equal(channelIdOf(dmStream(B, A)), `4.${A}.${B}.`);
  assert.equal(channelIdOf(dmStream(A, B)), `4.${A}.${B}.`);
  assert.equal(channelIdOf({ mode: 5, subject: A, subcontext: "", label: "" }), null);
});

test("room names: 1-64 bytes, no control characters, valid text", () => {
  assert.equal(roomNameProblem("ok room"), null);
  assert.equal(roomNameProblem("é".repeat(32)), null);
  assert.match(roomNameProblem("é".repeat(33)) ?? "", /1-64 chars/);
  assert.match(roomNameProblem("a\u007f") ?? "", /control chars/);
  assert.match(roomNameProblem("a\ud800b") ?? "", /valid UTF-8/);
});

test("message content must be a JSON object", () => {
  assert.equal(isJsonObjectText('{"a":1}'), true);
  assert.equal(isJsonObjectText(' \n{"a":[1]} '), true);
  for (const bad of ["", "[]", "1", '"s"', "{", "{} x", "null"]) assert.equal(isJsonObjectText(bad), false, bad);
});

test("history cursors round-trip; anything else is refused", () => {
  const c = { mode: 2, subject: "", subcontext: "", label: "room", createTime: 1700000000, id: A, forward: true, isNext: false };
  assert.deepEqual(decodeHistoryCursor(encodeHistoryCursor(c)), c);
  for (const bad of ["", "garbage", Buffer.from("[1,2]").toString("base64"), Buffer.from(JSON.stringify([2, "", "", "r", 1.5, A, true, true])).toString("base64")]) {
    assert.equal(decodeHistoryCursor(bad), null, bad);
  }
});
