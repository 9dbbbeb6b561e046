// Unit tests of the match_data_send shortcut: for every frame it accepts, the envelope equals
// decodeBinary's; frames outside its shapes (cid, presences, odd field order, repeats, non-ASCII ids,
// big or negative op codes, empty data, truncation, other messages) are left to the generic decoder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeBinary, encodeBinary, rt, type Init } from "../../proto/index.js";
import { decodeMatchDataSend } from "./fast-decode.js";

const MATCH = "6a1b2c3d-1111-4222-8333-444455556666.";
const frame = (env: Init<rt.Envelope>): Buffer => Buffer.from(encodeBinary(rt.Envelope, env));

test("accepted frames decode exactly as decodeBinary does", () => {
  let accepted = 0;
  for (const id of [MATCH, "", "x".repeat(300)]) {
    for (const op of ["0", "1", "127", "128", "268435455"]) {
      for (const n of [1, 64, 127, 128, 5000]) {
        for (const reliable of [false, true]) {
          const f = frame({ match_data_send: { match_id: id, op_code: op, data: Buffer.alloc(n, 7), reliable } });
          const fast = decodeMatchDataSend(f);
          assert.notEqual(fast, null, `${id} ${op} ${n} ${reliable}`);
          assert.deepEqual(fast, decodeBinary(rt.Envelope, f));
          accepted++;
        }
      }
    }
  }
  assert.equal(accepted, 3 * 5 * 5 * 2);
});

test("the data is a view of the frame's own bytes", () => {
  const f = frame({ match_data_send: { match_id: MATCH, op_code: "1", data: Buffer.from("payload") } });
  const big = Buffer.concat([Buffer.from("prefix"), f]);
  const env = decodeMatchDataSend(big.subarray(6));
  assert.equal(Buffer.from(env?.match_data_send?.data ?? []).toString(), "payload");
});

test("anything else is left to the generic decoder", () => {
  const data = Buffer.from("d");
  const hex = (h: string): Buffer => Buffer.from(h.replace(/ /g, ""), "hex");
  const others: Buffer[] = [
    frame({ cid: "1", match_data_send: { match_id: MATCH, op_code: "1", data } }),
    frame({ match_data_send: { match_id: MATCH, op_code: "1", data, presences: [{ user_id: "a", session_id: "b", username: "", persistence: false }] } }),
    frame({ match_data_send: { match_id: "m\u00e9.", op_code: "1", data } }),
    frame({ match_data_send: { match_id: MATCH, op_code: "268435456", data } }),
    frame({ match_data_send: { match_id: MATCH, op_code: "-1", data } }),
    frame({ match_data_send: { match_id: MATCH, op_code: "1", data: Buffer.alloc(0) } }),
    frame({ match_create: {} }),
    frame({ ping: {} }),
    hex("7a 06 10 01 0a 01 6d 1a"), // fields out of order (op code before match id), then cut
    hex("7a 06 0a 01 6d 0a 01 6e"), // match id twice
    hex("7a 05 0a 01 6d 1a 01"), // data cut short
    hex("7a 06 0a 01 6d 1a 01 64 00"), // trailing byte past the declared length
    hex("7a 08 0a 01 6d 1a 01 64 28 02"), // reliable encoded as 2
    hex("7a 08 0a 01 6d 1a 01 64 30 01"), // unknown field 6
    hex("7a"),
    Buffer.alloc(0),
  ];
  for (const f of others) assert.equal(decodeMatchDataSend(f), null, f.toString("hex"));
  // The same hand-written frames, well formed, are accepted: the rejections above are for their flaw.
  for (const ok of ["7a 06 0a 01 6d 1a 01 64", "7a 08 0a 01 6d 1a 01 64 28 01", "7a 08 0a 01 6d 10 01 1a 01 64"]) {
    const f = hex(ok);
    assert.deepEqual(decodeMatchDataSend(f), decodeBinary(rt.Envelope, f), ok);
  }
});
