// Tests the schema DSL's validation, the Nakama numbering facts the schema must keep (Envelope 1–51,
// v3.40 Party fields), and that the generated api.ts / rt.ts are up to date with proto/defs/.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { api, rt } from "./index.js";
import type { MessageType } from "./index.js";
import { enumType, message, repeated, toJsonName } from "./schema.js";
import { generate } from "./gen-types.js";

const numbers = (t: MessageType): Record<string, number> => Object.fromEntries(t.fields.map((f) => [f.name, f.number]));

void describe("schema DSL", () => {
  void it("rejects duplicate field numbers, bad numbers, bad names and unknown types", () => {
    assert.throws(() => message("t.A", { a: [1, "string"], b: [1, "string"] }), /duplicate field number 1/);
    assert.throws(() => message("t.A", { a: [0, "string"] }), /bad field number/);
    assert.throws(() => message("t.A", { a: [19000, "string"] }), /bad field number/);
    assert.throws(() => message("t.A", { Bad: [1, "string"] }), /bad field name/);
    assert.throws(() => message("t.A", { a: [1, "int128" as "string"] }), /unknown type/);
    assert.throws(() => message("t.A", { a: [1, repeated("string"), { oneof: "x" }] }), /oneof member cannot be repeated/);
  });
  void it("derives protoc's lowerCamelCase JSON names", () => {
    assert.equal(toJsonName("user_id_one"), "userIdOne");
    assert.equal(toJsonName("numeric_properties"), "numericProperties");
    assert.equal(toJsonName("cid"), "cid");
  });
  void it("an uncompiled message fails loudly", () => {
    const t = message("t.Uncompiled", { a: [1, "string"] });
    assert.throws(() => t.codec.ej({}), /before compileAll/);
  });
  void it("enums are frozen value maps", () => {
    const e = enumType("t.E", { A: 0, B: 1 });
    assert.equal(e.values.B, 1);
    assert.ok(Object.isFrozen(e.values));
  });
});

void describe("Nakama numbering", () => {
  void it("Envelope: cid = 1, then 50 oneof members numbered 2–51 in Nakama's order", () => {
    const env = numbers(rt.Envelope);
    assert.equal(env.cid, 1);
    assert.deepEqual(rt.Envelope.fields.slice(1).map((f) => f.number), Array.from({ length: 50 }, (_x, i) => i + 2));
    const spot = { channel: 2, channel_message: 5, error: 11, match_data: 14, match_data_send: 15, match_join: 16,
      matchmaker_matched: 20, notifications: 23, rpc: 24, status_update: 29, ping: 32, pong: 33, party: 34,
      party_close: 42, party_data_send: 49, party_presence_event: 50, party_update: 51 };
    for (const [name, n] of Object.entries(spot)) assert.equal(env[name], n, name);
  });
  void it("rt.Party uses v3.40 numbers (hidden 3, max_size 4, self 5, leader 6, presences 7, label 8)", () => {
    assert.deepEqual(numbers(rt.Party), { party_id: 1, open: 2, hidden: 3, max_size: 4, self: 5, leader: 6, presences: 7, label: 8 });
    assert.deepEqual(numbers(rt.PartyCreate), { open: 1, max_size: 2, label: 3, hidden: 4 });
    assert.deepEqual(numbers(rt.PartyUpdate), { party_id: 1, label: 2, open: 3, hidden: 4 });
  });
  void it("keeps non-contiguous numbers where Nakama has them", () => {
    assert.deepEqual(numbers(rt.MatchmakerUser), { presence: 1, party_id: 2, string_properties: 5, numeric_properties: 6 });
    assert.deepEqual(numbers(rt.StatusPresenceEvent), { joins: 2, leaves: 3 });
    assert.equal(numbers(api.ListTournamentsRequest).limit, 6);
    assert.equal(numbers(api.ListTournamentsRequest).cursor, 8);
  });
  void it("enums carry Nakama's values", () => {
    assert.equal(rt.ErrorCode.RUNTIME_FUNCTION_EXCEPTION, 7);
    assert.equal(api.StoreProvider.SAMSUNG_GALAXY_STORE, 4);
    assert.equal(api.Operator.DECREMENT, 4);
  });
});

/** The committed source of a generated file, whether this test runs from proto/ or dist/proto/. */
function sourceOf(file: string): string {
  const here = new URL(`./${file}`, import.meta.url);
  return readFileSync(existsSync(here) ? here : new URL(`../../proto/${file}`, import.meta.url), "utf8");
}

void describe("generated types", () => {
  void it("proto/api.ts and proto/rt.ts match proto/defs/ (run `npx tsx proto/gen-types.ts` if not)", () => {
    for (const [file, text] of Object.entries(generate())) assert.equal(sourceOf(file), text, `${file} is stale`);
  });
});
