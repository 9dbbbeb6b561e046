// Unit tests of the match_data_send shortcut: for every frame it accepts, the envelope equals
// decodeBinary's; frames outside its shapes (cid, presences, odd field order, repeats, non-ASCII ids,
// big or negative op codes, empty data, truncation, other messages) are left to the generic decoder.
// The same for JSON text frames, against fromJson with unknown fields refused (as dispatch decodes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeBinary, encodeBinary, fromJson, rt, toJson, type Init } from "../../proto/index.js";
import { decodeMatchDataSend, decodeMatchDataSendJson } from "./fast-decode.js";

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

// ---- JSON ---------------------------------------------------------------------------------------

const text = (s: string): Buffer => Buffer.from(s, "utf8");
/** What dispatch's generic JSON decode gives: the envelope, or "error". */
function generic(f: Buffer): rt.Envelope | "error" {
  try {
    return fromJson(rt.Envelope, f, { unknown: "error" });
  } catch {
    return "error";
  }
}

test("JSON: accepted frames decode exactly as fromJson does", () => {
  let accepted = 0;
  for (const id of [MATCH, "", "x".repeat(300), "a/b<c>&d'e"]) {
    for (const op of ["0", "1", "127", "128", "268435455", "999999999"]) {
      for (const n of [1, 2, 3, 24, 64, 128, 5000]) {
        for (const reliable of [false, true]) {
          const f = text(toJson(rt.Envelope, { match_data_send: { match_id: id, op_code: op, data: Buffer.alloc(n, n % 251), reliable } }));
          const fast = decodeMatchDataSendJson(f);
          assert.notEqual(fast, null, f.toString());
          assert.deepEqual(fast, generic(f), f.toString());
          accepted++;
        }
      }
    }
  }
  assert.equal(accepted, 4 * 6 * 7 * 2);
});

test("JSON: other orders, both base64 alphabets, unpadded data and explicit false are accepted alike", () => {
  const frames = [
    '{"match_data_send":{"data":"ZA==","op_code":"7","match_id":"m."}}',
    '{"match_data_send":{"reliable":false,"data":"ZGF0YQ","match_id":"m."}}',
    '{"match_data_send":{"op_code":"3","data":"-_-_"}}',
    '{"match_data_send":{"data":"+/+/","reliable":true}}',
    '{"match_data_send":{"match_id":"m.","data":"ZGE"}}',
    '{"match_data_send":{"match_id":"m.","op_code":5,"data":"ZA==","presences":[]}}', // as the Nakama JS client sends
    '{"match_data_send":{"presences":[],"op_code":0,"match_id":"m.","data":"ZA==","reliable":true}}',
    '{"match_data_send":{"data":"ZA==","op_code":123456789}}',
    '{"match_data_send":{"match_id":"m.","op_code":"1","data":"ZB=="}}', // non-zero trailing bits
  ];
  for (const s of frames) {
    const f = text(s);
    const fast = decodeMatchDataSendJson(f);
    assert.notEqual(fast, null, s);
    assert.deepEqual(fast, generic(f), s);
  }
  const fast = decodeMatchDataSendJson(text('{"match_data_send":{"match_id":"m.","data":"ZA=="}}'));
  assert.equal(fast?.match_data_send?.data.constructor, Uint8Array);
});

test("JSON: anything else is left to the generic decoder", () => {
  const others = [
    '{"cid":"1","match_data_send":{"match_id":"m.","op_code":"1","data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","op_code":"1","data":"ZA==","presences":[{"session_id":"s","user_id":"u"}]}}',
    '{"match_data_send":{"match_id":"m.","op_code":"1","data":""}}',
    '{"match_data_send":{"match_id":"m.","op_code":"1"}}',
    '{"match_data_send":{}}',
    '{"match_data_send":{"match_id":"m\\u00e9","op_code":"1","data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m\u00e9","op_code":"1","data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","op_code":1.0,"data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","op_code":1e2,"data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","op_code":-1,"data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","op_code":01,"data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","op_code":"1,"data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==","op_code":1234567890}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==","presences":[],"presences":[]}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==","presences":[ ]}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==","presences":null}}',
    '{"match_data_send":{"match_id":"m.","op_code":"01","data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","op_code":"-1","data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","op_code":"1234567890","data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","op_code":"1.0","data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","match_id":"n.","data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA=","op_code":"1"}}',
    '{"match_data_send":{"match_id":"m.","data":"Z","op_code":"1"}}',
    '{"match_data_send":{"match_id":"m.","data":"Z===","op_code":"1"}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==ZA==","op_code":"1"}}',
    '{"match_data_send":{"match_id":"m.","data":"Z A=","op_code":"1"}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==","reliable":1}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==","reliable":null}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==","reliable":true,"reliable":false}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==","unknown":1}}',
    '{"match_data_send":{"matchId":"m.","data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==",}}',
    '{"match_data_send":{"match_id":"m.",,"data":"ZA=="}}',
    '{"match_data_send": {"match_id":"m.","data":"ZA=="}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA=="} }',
    '{"match_data_send":{"match_id":"m.","data":"ZA=="}}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA==}}',
    '{"match_data_send":{"match_id":"m\t.","data":"ZA=="}}',
    '{"match_create":{}}',
    '{"match_data_send":{"match_id":"m.","data":"ZA=="}',
    "",
    "}}",
  ];
  for (const s of others) assert.equal(decodeMatchDataSendJson(text(s)), null, s);
  // Well formed, the same frames are accepted: the rejections above are for their flaw.
  for (const s of ['{"match_data_send":{"match_id":"m.","data":"ZA=="}}', '{"match_data_send":{"match_id":"m.","data":"ZA==","reliable":true}}']) {
    assert.deepEqual(decodeMatchDataSendJson(text(s)), generic(text(s)), s);
  }
});

test("JSON: random mutations of a frame never decode differently from fromJson", () => {
  const bases = [
    toJson(rt.Envelope, { match_data_send: { match_id: MATCH, op_code: "12", data: Buffer.from("hello world!"), reliable: true } }),
    JSON.stringify({ match_data_send: { match_id: MATCH, op_code: 12, data: "aGVsbG8gd29ybGQh", presences: [] } }),
  ];
  const alphabet = '{}[]":,=+/-_ \\abcdefZA019tx.e\u00e9';
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    let s = bases[i % bases.length];
    for (let k = 1 + rnd(3); k > 0; k--) {
      const p = rnd(s.length);
      const what = rnd(3);
      const ch = alphabet[rnd(alphabet.length)];
      s = what === 0 ? s.slice(0, p) + s.slice(p + 1) : what === 1 ? s.slice(0, p) + ch + s.slice(p) : s.slice(0, p) + ch + s.slice(p + 1);
    }
    const f = text(s);
    const fast = decodeMatchDataSendJson(f);
    if (fast === null) continue;
    accepted++;
    assert.deepEqual(fast, generic(f), s);
  }
  assert.ok(accepted > 100, `only ${accepted} mutations were accepted`);
});
