// Unit tests of the relay's direct match_data encoding: for every shape (op codes across varint
// widths and outside the fast path, empty and large data, reliable or not, odd match ids and
// usernames) the bytes equal the generic codec's, in both wire formats, and are computed once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeBinary, rt, toJson, type Init } from "../../proto/index.js";
import { MatchDataOutgoing } from "./match-data.js";
import { testCore, testSession } from "./testkit.js";
import { selfPresence } from "./wire.js";

const U1 = "11111111-1111-4111-8111-111111111111";
const MATCH = "6a1b2c3d-1111-4222-8333-444455556666.";

test("match_data bytes equal the generic codec's in both formats", () => {
  const core = testCore();
  const senders = ["bob", "", 'q"uo\\te', "\u00e9\u2028\u0001\ud83d\ude00"].map((name) => testSession(core, U1, "json", name).h);
  const ops = ["0", "1", "127", "128", "16383", "16384", "2147483647", "2147483648", "-5", "12345678901234", "-9223372036854775808"];
  const datas = [0, 1, 24, 64, 127, 128, 300, 20_000].map((n) => Buffer.alloc(n, n % 251));
  const ids = [MATCH, "", "m\u00e9\u2028", "x".repeat(200)];
  let cases = 0;
  for (const s of senders) {
    for (const op of ops) {
      for (const data of datas) {
        for (const reliable of [false, true]) {
          for (const id of ids) {
            const out = new MatchDataOutgoing(core.slab, s, id, op, data, reliable);
            const env: Init<rt.Envelope> = { match_data: { match_id: id, presence: selfPresence(s), op_code: op, data, reliable } };
            assert.deepEqual(Buffer.from(out.bytes("protobuf")), Buffer.from(encodeBinary(rt.Envelope, env)), `protobuf ${op} ${data.length} ${reliable} ${id}`);
            assert.equal(Buffer.from(out.bytes("json")).toString("utf8"), toJson(rt.Envelope, env), `json ${op} ${data.length} ${reliable} ${id}`);
            cases++;
          }
        }
      }
    }
  }
  assert.equal(cases, senders.length * ops.length * datas.length * 2 * ids.length);
});

test("data given as a view into a bigger buffer is encoded from its own bytes only", () => {
  const core = testCore();
  const { h } = testSession(core, U1);
  const big = Buffer.from("0123456789abcdef");
  const view = new Uint8Array(big.buffer, big.byteOffset + 4, 6);
  const out = new MatchDataOutgoing(core.slab, h, MATCH, "3", view, false);
  const env: Init<rt.Envelope> = { match_data: { match_id: MATCH, presence: selfPresence(h), op_code: "3", data: view, reliable: false } };
  assert.deepEqual(Buffer.from(out.bytes("protobuf")), Buffer.from(encodeBinary(rt.Envelope, env)));
  assert.equal(Buffer.from(out.bytes("json")).toString("utf8"), toJson(rt.Envelope, env));
});

test("each format is encoded once, whatever the number of recipients", () => {
  const core = testCore();
  const { h } = testSession(core, U1);
  const out = new MatchDataOutgoing(core.slab, h, MATCH, "1", Buffer.from("hi"), true);
  assert.equal(out.bytes("protobuf"), out.bytes("protobuf"));
  assert.equal(out.bytes("json"), out.bytes("json"));
  const cached = h.selfPresenceBytes;
  assert.notEqual(cached, null);
  new MatchDataOutgoing(core.slab, h, MATCH, "2", Buffer.from("x"), false).bytes("protobuf");
  assert.equal(h.selfPresenceBytes, cached, "the sender's presence is encoded once per session");
});
