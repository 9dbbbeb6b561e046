// Unit tests of the relay's direct match_data encoding: for every shape (op codes across varint
// widths and outside the fast path, empty and large data, reliable or not, odd match ids and
// usernames) the bytes equal the generic codec's, in both wire formats, and are computed once; and
// the per-session memory of the last relayed match (or authoritative match) never outlives the stream
// it points to, nor lets a session that left send on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeBinary, rt, toJson, type Init } from "../../proto/index.js";
import { silentLogger } from "../log.js";
import { processFrame } from "./dispatch.js";
import { defaultHandlers } from "./index.js";
import { relayedMatchData } from "./match-data.js";
import type { AuthoritativeMatches } from "./ports.js";
import { testCore, testSession, turn } from "./testkit.js";
import { StreamMode, streamId } from "./tracker.js";
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
            const out = relayedMatchData(core.slab, s, id, op, data, reliable);
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
  const out = relayedMatchData(core.slab, h, MATCH, "3", view, false);
  const env: Init<rt.Envelope> = { match_data: { match_id: MATCH, presence: selfPresence(h), op_code: "3", data: view, reliable: false } };
  assert.deepEqual(Buffer.from(out.bytes("protobuf")), Buffer.from(encodeBinary(rt.Envelope, env)));
  assert.equal(Buffer.from(out.bytes("json")).toString("utf8"), toJson(rt.Envelope, env));
});

test("each format is encoded once, whatever the number of recipients", () => {
  const core = testCore();
  const { h } = testSession(core, U1);
  const out = relayedMatchData(core.slab, h, MATCH, "1", Buffer.from("hi"), true);
  assert.equal(out.bytes("protobuf"), out.bytes("protobuf"));
  assert.equal(out.bytes("json"), out.bytes("json"));
  const cached = h.selfPresenceBytes;
  assert.notEqual(cached, null);
  relayedMatchData(core.slab, h, MATCH, "2", Buffer.from("x"), false).bytes("protobuf");
  assert.equal(h.selfPresenceBytes, cached, "the sender's presence is encoded once per session");
});

test("the envelope of a directly written match_data is the one the generic codec would get", () => {
  const core = testCore();
  const { h } = testSession(core, U1, "protobuf", "ann");
  const data = Buffer.from("payload");
  const out = relayedMatchData(core.slab, h, MATCH, "7", data, true);
  assert.deepEqual(out.envelope, { match_data: { match_id: MATCH, presence: selfPresence(h), op_code: "7", data, reliable: true } });
});

test("a relayed match the sender last used is found again after it is dropped and re-created under the same name", async () => {
  const core = testCore();
  const table = defaultHandlers();
  const log = silentLogger();
  const [a, b, c] = [U1, "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"].map((u) => testSession(core, u, "json"));
  const send = (s: typeof a, env: Init<rt.Envelope>): void => void processFrame(core, table, s.h, Buffer.from(toJson(rt.Envelope, env)), log);
  const matchId = (w: typeof a): string => {
    const m = w.wire.envelopes().find((e) => e.match !== undefined)?.match?.match_id;
    assert.ok(m !== undefined);
    return m;
  };
  const data = (w: typeof a): string[] => w.wire.envelopes().flatMap((e) => (e.match_data === undefined ? [] : [Buffer.from(e.match_data.data).toString()]));
  send(a, { cid: "1", match_create: { name: "room" } });
  await turn();
  const id = matchId(a);
  send(b, { cid: "2", match_join: { match_id: id } });
  send(a, { match_data_send: { match_id: id, op_code: "1", data: Buffer.from("one") } });
  await turn();
  assert.deepEqual(data(b), ["one"]);
  // Everyone leaves: the stream is dropped. The same name gives the same id; only c is in it now.
  send(a, { cid: "3", match_leave: { match_id: id } });
  send(b, { cid: "4", match_leave: { match_id: id } });
  send(c, { cid: "5", match_create: { name: "room" } });
  send(a, { match_data_send: { match_id: id, op_code: "1", data: Buffer.from("not a member") } });
  send(c, { match_data_send: { match_id: id, op_code: "1", data: Buffer.from("nobody else") } });
  await turn();
  assert.equal(matchId(c), id);
  send(a, { cid: "6", match_join: { match_id: id } });
  send(a, { match_data_send: { match_id: id, op_code: "1", data: Buffer.from("two") } });
  await turn();
  assert.deepEqual(data(c), ["two"]);
  assert.deepEqual(data(b), ["one"]);
});

test("data for an authoritative match reaches it only while the sender is a member, across leaves and re-joins", async () => {
  const got: string[] = [];
  const authoritative: AuthoritativeMatches = {
    join: () => Promise.resolve({ found: true, allow: true, reason: "", label: "" }),
    sendData: (uuid, node, s, _op, data) => void got.push(`${uuid}.${node} ${s.id === a.h.id ? "a" : "?"} ${Buffer.from(data).toString()}`),
  };
  const core = testCore({ authoritative });
  const table = defaultHandlers();
  const log = silentLogger();
  const a = testSession(core, U1, "json");
  const uuid = "6a1b2c3d-1111-4222-8333-444455556666";
  const id = `${uuid}.node1`;
  const stream = streamId(StreamMode.MATCH_AUTHORITATIVE, uuid, "", "node1");
  const meta = { username: a.h.username, hidden: false, persistence: false, status: "" };
  const send = (text: string): void =>
    void processFrame(core, table, a.h, Buffer.from(toJson(rt.Envelope, { match_data_send: { match_id: id, op_code: "1", data: Buffer.from(text) } })), log);
  // b stays on the stream throughout (it lives on while a leaves and re-joins), until it is dropped.
  const b = testSession(core, "22222222-2222-4222-8222-222222222222", "json");
  core.tracker.track(b.h, stream, { ...meta, username: b.h.username });
  send("before joining");
  core.tracker.track(a.h, stream, meta);
  send("one");
  send("two");
  core.tracker.untrack(a.h.id, stream);
  send("after leaving");
  core.tracker.track(a.h, stream, meta);
  send("three");
  core.tracker.untrackByStream(stream);
  send("match gone");
  core.tracker.track(a.h, stream, meta);
  send("four");
  await turn();
  assert.deepEqual(got, ["one", "two", "three", "four"].map((t) => `${id} a ${t}`));
});
