// Tests the protobuf binary codec: byte-exact encodings derived by hand from the protobuf encoding
// spec, decoder leniency (unknown fields, wire-type mismatch, packed/unpacked, merging, oneof),
// malformed input, and round trips (binary and JSON) of generated samples of every message.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../src/errors.js";
import { decodeBinary, encodeBinary, envelopeCase, fromJson, rt, timestampFrom, timestampParts, toJson } from "./index.js";
import type { MessageType } from "./index.js";
import { compileAll } from "./codec.js";
import { map, message, repeated } from "./schema.js";
import type { ValueType } from "./schema.js";
import { apiDefs, rtDefs } from "./defs/index.js";

const E = rt.Envelope;
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex").replace(/(..)(?!$)/g, "$1 ");
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/ /g, ""), "hex"));

function badInput(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GameError && e.code === Code.INVALID_ARGUMENT, String(e));
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return true;
  });
}

void describe("protobuf: byte-exact encodings", () => {
  void it("ping with cid: cid = 1 (0a), ping = 32 (tag 258 → 82 02), empty", () => {
    assert.equal(hex(encodeBinary(E, { cid: "1", ping: {} })), "0a 01 31 82 02 00");
  });
  void it("match_data_send with op_code, data, reliable (envelope field 15 → 7a)", () => {
    const v = { cid: "2", match_data_send: { match_id: "m", op_code: "7", data: new Uint8Array([1, 2, 3]), reliable: true } };
    assert.equal(hex(encodeBinary(E, v)), "0a 01 32 7a 0c 0a 01 6d 10 07 1a 03 01 02 03 28 01");
    assert.deepEqual(decodeBinary(E, encodeBinary(E, v)), { ...v, match_data_send: { ...v.match_data_send, presences: [] } });
  });
  void it("error: code 3, message; a negative int32 is a 10-byte varint", () => {
    assert.equal(hex(encodeBinary(E, { error: { code: 3, message: "x" } })), "5a 05 08 03 12 01 78");
    assert.equal(hex(encodeBinary(rt.Error, { code: -1 })), "08 ff ff ff ff ff ff ff ff ff 01");
    assert.equal(decodeBinary(rt.Error, bytes("08 ff ff ff ff ff ff ff ff ff 01")).code, -1);
  });
  void it("int64: negative and maximal op_code", () => {
    assert.equal(hex(encodeBinary(rt.MatchDataSend, { op_code: "-1" })), "10 ff ff ff ff ff ff ff ff ff 01");
    assert.equal(hex(encodeBinary(rt.MatchDataSend, { op_code: "9223372036854775807" })), "10 ff ff ff ff ff ff ff ff 7f");
    assert.equal(decodeBinary(rt.MatchDataSend, bytes("10 ff ff ff ff ff ff ff ff ff 01")).op_code, "-1");
    assert.equal(decodeBinary(rt.MatchDataSend, bytes("10 ff ff ff ff ff ff ff ff 7f")).op_code, "9223372036854775807");
  });
  void it("wrappers are embedded messages; a zero wrapper is an empty one", () => {
    const v = { target: "r", type: 1, persistence: false, hidden: true };
    assert.equal(hex(encodeBinary(rt.ChannelJoin, v)), "0a 01 72 10 01 1a 00 22 02 08 01");
    assert.deepEqual(decodeBinary(rt.ChannelJoin, bytes("0a 01 72 10 01 1a 00 22 02 08 01")), v);
  });
  void it("map entries always carry key and value", () => {
    assert.equal(hex(encodeBinary(rt.MatchJoin, { token: "t", metadata: { k: "" } })), "12 01 74 1a 05 0a 01 6b 12 00");
    assert.equal(hex(encodeBinary(rt.MatchmakerAdd, { numeric_properties: { s: 10.5 } })),
      "2a 0c 0a 01 73 11 00 00 00 00 00 00 25 40");
  });
  void it("Timestamp is {seconds = 1, nanos = 2}", () => {
    const v = { create_time: timestampFrom(1700000000, 5) };
    assert.equal(hex(encodeBinary(rt.ChannelMessageAck, v)), "2a 08 08 80 e2 cf aa 06 10 05");
    const back = decodeBinary(rt.ChannelMessageAck, encodeBinary(rt.ChannelMessageAck, v)).create_time;
    assert.deepEqual(timestampParts(back), [1700000000, 5]);
  });
  void it("lengths of 128 bytes or more take a multi-byte varint", () => {
    const id = "a".repeat(200);
    const out = encodeBinary(E, { match_data_send: { match_id: id } });
    assert.equal(hex(out.subarray(0, 6)), "7a cb 01 0a c8 01");
    assert.equal(out.length, 3 + 3 + 200);
    assert.equal(decodeBinary(E, out).match_data_send?.match_id, id);
    const big = "b".repeat(20000);
    assert.equal(decodeBinary(E, encodeBinary(E, { match_data_send: { match_id: big } })).match_data_send?.match_id, big);
  });
});

// A test-only message covering kinds the Nakama schema does not use (packed repeated, float, uint64…).
const Kinds: MessageType<any> = message("test.Kinds", {
  ints: [1, repeated("int32")], f: [2, "float"], u64: [3, "uint64"], doubles: [4, repeated("double")],
  flag: [5, "bool"], names: [6, repeated("string")], blobs: [7, repeated("bytes")], when: [8, repeated("Timestamp")],
  counts: [9, map("int64")], wrapped: [10, "UInt64Value"], children: [11, repeated(() => Kinds)],
  level: [12, apiDefs.Operator],
});
compileAll([Kinds]);

void describe("protobuf: other kinds (test-only message)", () => {
  void it("packs repeated scalars and reads packed or unpacked", () => {
    assert.equal(hex(encodeBinary(Kinds, { ints: [1, 2, 300] })), "0a 04 01 02 ac 02");
    assert.deepEqual(decodeBinary(Kinds, bytes("08 01 08 02 08 ac 02")).ints, [1, 2, 300]);
    assert.deepEqual(decodeBinary(Kinds, bytes("0a 02 01 02 08 03")).ints, [1, 2, 3]);
    assert.equal(hex(encodeBinary(Kinds, { doubles: [1] })), "22 08 00 00 00 00 00 00 f0 3f");
  });
  void it("float, uint64, UInt64Value, enum", () => {
    assert.equal(hex(encodeBinary(Kinds, { f: 1.5 })), "15 00 00 c0 3f");
    assert.equal(hex(encodeBinary(Kinds, { u64: "18446744073709551615" })), "18 ff ff ff ff ff ff ff ff ff 01");
    assert.equal(decodeBinary(Kinds, bytes("18 ff ff ff ff ff ff ff ff ff 01")).u64, "18446744073709551615");
    assert.equal(hex(encodeBinary(Kinds, { wrapped: "0" })), "52 00");
    assert.equal(hex(encodeBinary(Kinds, { level: 3 })), "60 03");
    assert.equal(toJson(Kinds, { f: 0.1, u64: "18446744073709551615" }), '{"f":0.1,"u64":"18446744073709551615"}');
  });
  void it("round-trips every kind through both formats", () => {
    const v = {
      ints: [-1, 0, 2147483647], f: 0.25, u64: "9007199254740993", doubles: [0.5, -1e300], flag: true,
      names: ["", "é😀"], blobs: [new Uint8Array(0), new Uint8Array([9])], when: [timestampFrom(-5, 999999999)],
      counts: { a: "-9223372036854775808", b: "0" }, wrapped: "0", children: [{ flag: true }], level: 2,
    };
    const bin = decodeBinary(Kinds, encodeBinary(Kinds, v)) as Record<string, unknown>;
    const json = fromJson(Kinds, toJson(Kinds, v)) as Record<string, unknown>;
    assert.deepEqual(bin, json);
    assert.deepEqual(bin.counts, v.counts);
    assert.deepEqual(bin.names, v.names);
    assert.deepEqual(timestampParts((bin.when as Date[])[0]), [-5, 999999999]);
  });
});

void describe("protobuf: decoding", () => {
  const base = "0a 01 31 82 02 00"; // {cid: "1", ping: {}}
  void it("skips unknown fields of every wire type", () => {
    // field 100 varint, field 101 fixed64, field 102 bytes, field 103 fixed32, field 104 group
    const unknown = "a0 06 05 a9 06 01 02 03 04 05 06 07 08 b2 06 02 68 69 bd 06 01 02 03 04 c3 06 08 01 c4 06";
    assert.deepEqual(decodeBinary(E, bytes(`${unknown} ${base}`)), { cid: "1", ping: {} });
  });
  void it("skips a known field sent with the wrong wire type", () => {
    assert.deepEqual(decodeBinary(E, bytes(`08 05 ${base}`)), { cid: "1", ping: {} });
  });
  void it("merges repeated occurrences of a message field", () => {
    const v = decodeBinary(E, bytes("7a 03 0a 01 6d 7a 02 10 07"));
    assert.equal(v.match_data_send?.match_id, "m");
    assert.equal(v.match_data_send?.op_code, "7");
  });
  void it("keeps the last oneof member", () => {
    const v = decodeBinary(E, bytes("82 02 00 8a 02 00"));
    assert.deepEqual(v, { cid: "", pong: {} });
    assert.equal(envelopeCase(v), "pong");
  });
  void it("accepts a Buffer", () => {
    assert.deepEqual(decodeBinary(E, Buffer.from(bytes(base))), { cid: "1", ping: {} });
  });
  void it("returns bytes that are copies, not views of the frame", () => {
    const frame = encodeBinary(rt.MatchData, { data: new Uint8Array([1, 2]) });
    const v = decodeBinary(rt.MatchData, frame);
    frame.fill(0);
    assert.deepEqual(v.data, new Uint8Array([1, 2]));
  });
  void it("rejects malformed input as INVALID_ARGUMENT", () => {
    badInput(() => decodeBinary(E, bytes("0a 05 31")), "truncated");
    badInput(() => decodeBinary(E, bytes("7a 05 0a 01")), "truncated");
    badInput(() => decodeBinary(E, bytes("0a 02 c3 28")), "cid", "UTF-8");
    badInput(() => decodeBinary(E, bytes("7a 04 0a 02 c3 28")), "match_data_send.match_id", "UTF-8");
    badInput(() => decodeBinary(E, bytes("00 01")), "field number 0");
    badInput(() => decodeBinary(E, bytes("0f")), "wire type");
    badInput(() => decodeBinary(E, bytes("ff ff ff ff ff ff ff ff ff ff ff")), "varint");
  });
});

/** A sample value of a message with every field set (to non-zero values, except wrappers: zero). */
function sample(t: MessageType, seed: number, depth = 0): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  const groups = new Set<string>();
  for (const f of t.fields) {
    if (f.oneof !== undefined) {
      if (groups.has(f.oneof)) continue;
      groups.add(f.oneof);
    }
    const one = (i: number): unknown => elem(f.value, seed + f.number * 7 + i, depth);
    const deep = f.value.t === "message" && depth >= 3;
    if (f.label === "repeated") v[f.name] = deep ? [] : [one(0), one(1)];
    else if (f.label === "map") v[f.name] = deep ? {} : { k1: one(0), "key two": one(1) };
    else if (!deep) v[f.name] = one(0);
  }
  return v;
}

function elem(vt: ValueType, n: number, depth: number): unknown {
  switch (vt.t) {
    case "message": return sample(typeof vt.ref === "function" ? vt.ref() : vt.ref, n, depth + 1);
    case "enum": return 1 + (n % 3);
    case "timestamp": return timestampFrom(1700000000 + n, (n * 1234567) % 1e9);
    case "wrapper": return { string: "", bool: false, int32: 0, uint32: 0, int64: "0", uint64: "0", double: 0, float: 0, bytes: new Uint8Array(0) }[vt.scalar];
    case "scalar":
      switch (vt.scalar) {
        case "string": return `s${n}·é`;
        case "bool": return true;
        case "int32": return -1000 * n - 7;
        case "uint32": return 100000 * n + 3;
        case "int64": return n % 2 === 0 ? "-9007199254740993" : String(n * 1e6);
        case "uint64": return "18446744073709551615";
        case "double": return -n - 0.25;
        case "float": return 1.5;
        case "bytes": return new Uint8Array([n % 256, 0, 255]);
      }
  }
}

function roundTrips(type: MessageType, value: Record<string, unknown>): void {
  const fromBin = decodeBinary(type, encodeBinary(type, value as never));
  const fromJs = fromJson(type, toJson(type, value as never));
  assert.deepEqual(fromBin, value);
  assert.deepEqual(fromJs, value);
}

void describe("round trips of every message (binary and JSON)", () => {
  for (const [name, def] of Object.entries(rtDefs)) {
    if (def.kind !== "message") continue;
    void it(`rt.${name}`, () => roundTrips(def, sample(def, 1)));
  }
  void it("every nakama.api message", () => {
    for (const def of Object.values(apiDefs)) if (def.kind === "message") roundTrips(def, sample(def, 2));
  });
  void it("each of the 50 envelope cases, with envelopeCase naming it", () => {
    const members = rt.Envelope.oneofs.message;
    assert.equal(members.length, 50);
    for (const [i, name] of members.entries()) {
      const field = rt.Envelope.fields.find((f) => f.name === name);
      assert.ok(field && field.value.t === "message");
      const env = { cid: String(i), [name]: sample(typeof field.value.ref === "function" ? field.value.ref() : field.value.ref, i) };
      roundTrips(rt.Envelope, env);
      assert.equal(envelopeCase(decodeBinary(E, encodeBinary(E, env))), name);
    }
  });
});
