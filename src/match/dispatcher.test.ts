// Unit tests of the bytes an authoritative match's broadcasts put on the wire: for every shape (with and
// without a sender, op codes across varint widths and outside the direct writer's range, no / empty /
// small / large data, reliable or not, deferred or not, unicode and JSON-escaped usernames) they equal
// the generic codec's encoding of the envelope Nakama sends, in both wire formats; a sender whose
// fields change between broadcasts is encoded afresh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeBinary, rt, toJson, type Init } from "../../proto/index.js";
import { testCore, testSession, type FakeWire } from "../realtime/testkit.js";
import type { SessionHandle } from "../realtime/index.js";
import { MatchDispatcher, type DispatchOwner } from "./dispatcher.js";
import { PresenceList, type Member } from "./presences.js";
import type { SenderPresence } from "./types.js";

const MATCH = "6a1b2c3d-1111-4222-8333-444455556666.n1";

function setup() {
  const core = testCore();
  const presences = new PresenceList();
  const owner: DispatchOwner = {
    id: MATCH, node: "n1", presences, deferredLimit: 1_000_000, ended: false, slab: core.slab,
    untrack: () => undefined, kicked: () => undefined, setLabel: () => undefined,
  };
  const users = (["json", "protobuf"] as const).map((format, i) => {
    const s = testSession(core, `${i + 1}1111111-1111-4111-8111-111111111111`, format);
    const m: Member = { presence: { userId: s.h.userId, sessionId: s.h.id, username: s.h.username, node: "n1", reason: 0 }, session: s.h };
    presences.join([m]);
    return s;
  });
  return { dispatcher: new MatchDispatcher(owner), users };
}

/** What each session got since the last call, as raw bytes. */
function take(users: ReadonlyArray<{ h: SessionHandle; wire: FakeWire }>): Buffer[][] {
  return users.map(({ h, wire }) => {
    h.flush();
    const got = wire.sent.map((m) => Buffer.from(m.data as Uint8Array));
    wire.sent.length = 0;
    return got;
  });
}

/** The envelope the generic codec encodes for a broadcast (Nakama's match_data). */
function envelope(op: number, data: Uint8Array | null, sender: SenderPresence | null, reliable: boolean): Init<rt.Envelope> {
  const md: Init<rt.MatchData> = { match_id: MATCH, op_code: String(op), data: data ?? new Uint8Array(0), reliable };
  if (sender !== null) md.presence = { user_id: sender.userId, session_id: sender.sessionId, username: sender.username };
  return { match_data: md };
}

test("authoritative broadcasts put the generic codec's bytes on the wire, in both formats", () => {
  const { dispatcher, users } = setup();
  const senders: Array<SenderPresence | null> = [null, ...["bob", "", 'q"uo\\te', "\u00e9\u2028\u0001\ud83d\ude00"].map((username, i) => ({
    userId: "22222222-2222-4222-8222-222222222222", sessionId: `3333333${i}-3333-4333-8333-333333333333`, username,
  }))];
  const ops = [0, 1, 127, 128, 16383, 16384, 2147483647, 2147483648, -5, 12345678901234];
  const datas = [null, ...[0, 1, 24, 64, 300, 20_000].map((n) => Buffer.alloc(n, n % 251))];
  let cases = 0;
  for (const sender of senders) {
    for (const op of ops) {
      for (const data of datas) {
        for (const reliable of [false, true]) {
          for (const deferred of [false, true]) {
            dispatcher.broadcast(op, data, null, sender, reliable, deferred);
            if (deferred) dispatcher.flushDeferred();
            const env = envelope(op, data, sender, reliable);
            const [json, bin] = take(users);
            const what = `${sender?.username} ${op} ${data?.length} ${reliable} ${deferred}`;
            assert.deepEqual(json, [Buffer.from(toJson(rt.Envelope, env), "utf8")], `json ${what}`);
            assert.deepEqual(bin, [Buffer.from(encodeBinary(rt.Envelope, env))], `protobuf ${what}`);
            cases++;
          }
        }
      }
    }
  }
  assert.equal(cases, senders.length * ops.length * datas.length * 4);
});

test("a sender whose user id or username changes between broadcasts is encoded afresh", () => {
  const { dispatcher, users } = setup();
  const sessionId = "44444444-4444-4444-8444-444444444444";
  const variants: SenderPresence[] = [
    { userId: "22222222-2222-4222-8222-222222222222", sessionId, username: "ann" },
    { userId: "22222222-2222-4222-8222-222222222222", sessionId, username: "anne" },
    { userId: "55555555-5555-4555-8555-555555555555", sessionId, username: "anne" },
    { userId: "22222222-2222-4222-8222-222222222222", sessionId, username: "ann" },
  ];
  for (const sender of variants) {
    dispatcher.broadcast(3, Buffer.from("hi"), [{ sessionId: users[0].h.id, node: "n1" }, { sessionId: users[1].h.id, node: "n1" }], sender, true, false);
    const env = envelope(3, Buffer.from("hi"), sender, true);
    const [json, bin] = take(users);
    assert.deepEqual(json, [Buffer.from(toJson(rt.Envelope, env), "utf8")], sender.username);
    assert.deepEqual(bin, [Buffer.from(encodeBinary(rt.Envelope, env))], sender.username);
  }
});

test("more senders than the dispatcher keeps encoded still get their own presence", () => {
  const { dispatcher, users } = setup();
  for (let i = 0; i < 200; i++) {
    const sender = { userId: "22222222-2222-4222-8222-222222222222", sessionId: `${String(i).padStart(8, "0")}-4444-4444-8444-444444444444`, username: `p${i}` };
    dispatcher.broadcast(1, null, null, sender, true, false);
    const [json] = take(users);
    assert.deepEqual(json, [Buffer.from(toJson(rt.Envelope, envelope(1, null, sender, true)), "utf8")]);
  }
});
