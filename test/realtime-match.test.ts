// Black-box: relayed matches with nakama-js sockets, JSON and protobuf clients in the same match
// observing each other: create (plain and named), join by id and by matchmaker token, presence events,
// match data with op codes, the reliable flag and `presences` targeting, leave and disconnect, and
// Nakama's errors (bad ids, unknown matches, authoritative ids without a host, bad tokens).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { RawSocket, closeAll, peer, wsUrl, type Format, type Peer, type Push } from "./realtime-kit.js";

let s: BootedServer;

before(async () => {
  s = await bootServer({ "logger.level": "warn" });
});
after(async () => {
  await s.stop();
});

const ids = (ps: Array<{ session_id: string }> | undefined): string[] => (ps ?? []).map((p) => p.session_id).sort();
const sid = (p: Peer): string => p.session.user_id as string;

function matchToken(mid: string, exp: number, key = "defaultencryptionkey"): string {
  const h = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");
  const b = Buffer.from(JSON.stringify({ mid, exp })).toString("base64url");
  return `${h}.${b}.${createHmac("sha256", key).update(`${h}.${b}`).digest("base64url")}`;
}

function dataFrom(p: Peer, opCode: number): (e: Push) => boolean {
  return (e) => e.kind === "match_data" && e.value.op_code === opCode && e.value.presence?.user_id === sid(p);
}

const MIXES: Array<[Format, Format, Format]> = [
  ["json", "protobuf", "json"],
  ["protobuf", "json", "protobuf"],
];

for (const [fa, fb, fc] of MIXES) {
  describe(`relayed match: ${fa} host, ${fb} and ${fc} guests`, () => {
    let a: Peer, b: Peer, c: Peer;
    let matchId: string;
    before(async () => {
      [a, b, c] = await Promise.all([peer(s, `ma${fa}1`, fa), peer(s, `mb${fb}2`, fb), peer(s, `mc${fc}3`, fc)]);
    });
    after(() => closeAll(a, b, c));

    test("create: a <uuid>. id, size 1, self presence", async () => {
      const m = await a.socket.createMatch();
      matchId = m.match_id;
      assert.match(matchId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.$/);
      assert.equal(m.size, 1);
      assert.equal(m.self.user_id, sid(a));
      assert.equal(m.self.username, a.name);
      assert.deepEqual(m.presences ?? [], []);
      assert.ok(!m.authoritative);
    });

    test("joins: the joiner sees the members, the members see the join", async () => {
      const mb = await b.socket.joinMatch(matchId);
      assert.equal(mb.match_id, matchId);
      assert.equal(mb.size, 1);
      assert.deepEqual((mb.presences ?? []).map((p) => p.user_id), [sid(a)]);
      const ev = await a.pushes.first("b's join", (e) => e.kind === "match_presence" && (e.value.joins ?? []).some((j: { user_id: string }) => j.user_id === sid(b)));
      assert.equal(ev.value.match_id, matchId);
      assert.equal(ev.value.joins[0].username, b.name);
      const mc = await c.socket.joinMatch(matchId);
      assert.equal(mc.size, 2);
      assert.deepEqual((mc.presences ?? []).map((p) => p.user_id).sort(), [sid(a), sid(b)].sort());
      await b.pushes.first("c's join seen by b", (e) => e.kind === "match_presence" && (e.value.joins ?? []).some((j: { user_id: string }) => j.user_id === sid(c)));
      // joining again is a no-op that answers with the match, self included in the list
      const again = await c.socket.joinMatch(matchId);
      assert.equal(again.size, 3);
    });

    test("data reaches every other member with sender presence and op code; never the sender", async () => {
      await a.socket.sendMatchState(matchId, 7, new Uint8Array([1, 2, 3]));
      for (const r of [b, c]) {
        const d = await r.pushes.first(`data at ${r.name}`, dataFrom(a, 7));
        assert.equal(d.value.match_id, matchId);
        assert.deepEqual([...(d.value.data as Uint8Array)], [1, 2, 3]);
        assert.equal(d.value.presence.username, a.name);
      }
      // a marker from b proves a got nothing of its own in between
      await b.socket.sendMatchState(matchId, 8, "marker");
      await a.pushes.first("b's marker", dataFrom(b, 8));
      assert.equal(a.pushes.seen.some(dataFrom(a, 7)), false);
    });

    test("presences targeting: only the listed session gets the data; reliable flag travels", async () => {
      const cPresence = (await a.socket.joinMatch(matchId)).presences.find((p) => p.user_id === sid(c));
      assert.ok(cPresence);
      await a.socket.sendMatchState(matchId, 21, "for c only", [cPresence], true);
      const got = await c.pushes.first("targeted data", dataFrom(a, 21));
      assert.equal(new TextDecoder().decode(got.value.data as Uint8Array), "for c only");
      assert.equal(got.value.reliable, true);
      await a.socket.sendMatchState(matchId, 22, "everyone");
      await b.pushes.first("broadcast after targeted", dataFrom(a, 22));
      assert.equal(b.pushes.seen.some(dataFrom(a, 21)), false);
    });

    test("leave: the others see it; data from a non-member is dropped", async () => {
      await c.socket.leaveMatch(matchId);
      const ev = await a.pushes.first("c's leave", (e) => e.kind === "match_presence" && (e.value.leaves ?? []).some((l: { user_id: string }) => l.user_id === sid(c)));
      assert.deepEqual(ids(ev.value.joins), []);
      await c.socket.sendMatchState(matchId, 30, "ghost");
      await b.socket.sendMatchState(matchId, 31, "member");
      await a.pushes.first("member data", dataFrom(b, 31));
      assert.equal(a.pushes.seen.some(dataFrom(c, 30)), false);
    });

    test("disconnect: the others see a leave", async () => {
      closeAll(b);
      await a.pushes.first("b's leave on disconnect", (e) => e.kind === "match_presence" && (e.value.leaves ?? []).some((l: { user_id: string }) => l.user_id === sid(b)));
    });
  });
}

describe("match errors and ids", () => {
  let p: Peer;
  let q: Peer;
  before(async () => {
    [p, q] = await Promise.all([peer(s, "materrs1", "json"), peer(s, "materrs2", "protobuf")]);
  });
  after(() => closeAll(p, q));

  const code = (e: { code: number; message: string }): [number, string] => [e.code, e.message];

  test("join: bad id is BAD_INPUT, unknown relayed match and authoritative ids without a host are MATCH_NOT_FOUND", async () => {
    for (const sock of [p.socket, q.socket]) {
      await assert.rejects(sock.joinMatch("not-a-match"), (e: any) => (assert.deepEqual(code(e), [3, "Invalid match ID"]), true));
      await assert.rejects(sock.joinMatch("nope.x"), (e: any) => (assert.deepEqual(code(e), [3, "Invalid match ID"]), true));
      await assert.rejects(sock.joinMatch("0b0b0b0b-0000-4000-8000-000000000000."), (e: any) => (assert.deepEqual(code(e), [4, "Match not found"]), true));
      await assert.rejects(sock.joinMatch("0b0b0b0b-0000-4000-8000-000000000000.node1"), (e: any) => (assert.deepEqual(code(e), [4, "Match not found"]), true));
      await assert.rejects(sock.leaveMatch("bad"), (e: any) => (assert.deepEqual(code(e), [3, "Invalid match ID"]), true));
    }
  });

  test("named matches: the id is UUIDv5(DNS, name), and a second create lands in the same match", async () => {
    const m1 = await p.socket.createMatch("lobby-42");
    assert.equal(m1.match_id, "cb77416e-bce5-5bb2-85d1-692c94ac20b2.");
    // nakama-js-protobuf 1.4's schema has no MatchCreate.name: the protobuf side speaks through our codec
    const raw = await RawSocket.open(wsUrl(s, q.session.token, "protobuf"), "protobuf");
    raw.send({ cid: "1", match_create: { name: "lobby-42" } });
    const m2 = (await raw.reply("1")).match as { match_id: string; size: number; presences: Array<{ user_id: string }> };
    assert.equal(m2.match_id, m1.match_id);
    assert.deepEqual(m2.presences.map((x) => x.user_id), [sid(p)]);
    assert.equal(m2.size, 2);
    await p.pushes.first("q joined the named match", (e) => e.kind === "match_presence" && (e.value.joins ?? []).some((j: { user_id: string }) => j.user_id === sid(q)));
    closeAll(raw);
  });

  test("join by matchmaker token, even an empty match; bad or expired tokens are BAD_INPUT", async () => {
    const mid = "5d0c2b7a-3a3f-4f6e-9c55-0c8a1a0e2f11.";
    const now = Math.floor(Date.now() / 1000);
    const m = await p.socket.joinMatch(undefined, matchToken(mid, now + 30));
    assert.equal(m.match_id, mid);
    assert.equal(m.size ?? 0, 0);
    const m2 = await q.socket.joinMatch(undefined, matchToken(mid, now + 30));
    assert.deepEqual((m2.presences ?? []).map((x) => x.user_id), [sid(p)]);
    for (const bad of [matchToken(mid, now - 1), matchToken(mid, now + 30, "wrongkey"), "abc", matchToken("nodot", now + 30)]) {
      await assert.rejects(q.socket.joinMatch(undefined, bad), (e: any) => (assert.deepEqual(code(e), [3, "Invalid match token"]), true));
    }
  });

  test("raw: match_join with neither id nor token; match_data_send with a bad id gets an error without cid", async () => {
    const raw = await RawSocket.open(wsUrl(s, p.session.token, "json"), "json");
    raw.send({ cid: "1", match_join: {} });
    assert.deepEqual((await raw.reply("1")).error, { code: 3, message: "No match ID or token found" });
    raw.send({ cid: "2", match_data_send: { match_id: "bad", op_code: "1" } });
    const err = await raw.messages.first("error without cid", (m) => m.error !== undefined && m.cid === undefined);
    assert.deepEqual(err, { error: { code: 3, message: "Invalid match ID" } });
    raw.send({ cid: "3", match_leave: { match_id: "0b0b0b0b-0000-4000-8000-000000000000." } });
    assert.deepEqual(await raw.reply("3"), { cid: "3" });
    closeAll(raw);
  });
});
