// Unit tests of matched delivery: each member's spliced envelope is byte-identical to encoding the whole
// envelope (JSON and protobuf; token and match id; a party sharing a ticket; a group big enough for
// multi-byte lengths; non-ASCII properties), sessions of both formats receive their own ticket and self,
// and a member whose session has gone is skipped. Also the hook's entry shapes and return values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeBinary, rt, toJson, type Init } from "../../../proto/index.js";
import type { MatchedResult, MatchmakerEntry } from "../../matchmaker/index.js";
import { testCore, testSession, turn } from "../testkit.js";
import { deliverMatched, hookEntries, matchedOutgoing, matchIdOf } from "./index.js";

function entry(name: string, ticket: string, sessionId = `session-${name}`, partyId = "", extra: Partial<MatchmakerEntry> = {}): MatchmakerEntry {
  const stringProperties = { region: "eu", name: `ñame-${name}` };
  const numericProperties = { skill: 10.5 };
  return {
    ticket,
    presence: { userId: `user-${name}`, sessionId, username: name, node: "node1" },
    partyId,
    properties: { ...stringProperties, ...numericProperties },
    stringProperties,
    numericProperties,
    createTime: 1_700_000_000_000,
    ...extra,
  };
}

/** The whole envelope member `i` should receive, built without splicing. */
function whole(result: MatchedResult, i: number): Init<rt.Envelope> {
  const users: Init<rt.MatchmakerUser>[] = result.entries.map((e) => ({
    presence: { user_id: e.presence.userId, session_id: e.presence.sessionId, username: e.presence.username },
    party_id: e.partyId,
    string_properties: e.stringProperties,
    numeric_properties: e.numericProperties,
  }));
  const id = result.matchId !== undefined ? { match_id: result.matchId } : { token: result.token };
  return { matchmaker_matched: { ticket: result.entries[i].ticket, ...id, users, self: users[i] } };
}

test("spliced envelopes equal whole encodings in both formats (token, match id, party, long groups)", () => {
  const partyGroup = [entry("a", "t1", undefined, "p1"), entry("b", "t1", undefined, "p1"), entry("c", "t2")];
  const big = Array.from({ length: 150 }, (_, i) => entry(`n${i}`, `t${i}`));
  const cases: MatchedResult[] = [
    { entries: partyGroup, token: "header.payload.signature" },
    { entries: partyGroup, matchId: "0bdc2ba6-7ed6-4a58-9d39-0cdb9c1a4b3d.node1" },
    { entries: big, token: "x".repeat(300) },
  ];
  for (const result of cases) {
    const outs = matchedOutgoing(result);
    assert.equal(outs.length, result.entries.length);
    outs.forEach(({ sessionId, out }, i) => {
      assert.equal(sessionId, result.entries[i].presence.sessionId);
      const env = whole(result, i);
      assert.equal(Buffer.from(out.bytes("json")).toString("utf8"), toJson(rt.Envelope, env));
      assert.deepEqual(Buffer.from(out.bytes("protobuf")), Buffer.from(encodeBinary(rt.Envelope, env)));
      assert.equal(out.bytes("json"), out.bytes("json"), "encoded once per format");
    });
  }
});

test("every member's session gets its own matchmaker_matched; gone sessions are skipped", async () => {
  const core = testCore();
  const a = testSession(core, "11111111-1111-4111-8111-111111111111", "json", "a");
  const b = testSession(core, "22222222-2222-4222-8222-222222222222", "protobuf", "b");
  const result: MatchedResult = {
    entries: [entry("a", "t1", a.h.id), entry("b", "t2", b.h.id), entry("gone", "t3", "no-such-session")],
    token: "jwt",
  };
  assert.equal(deliverMatched(core, [result]), 2);
  await turn();
  for (const [side, ticket, name] of [[a, "t1", "a"], [b, "t2", "b"]] as const) {
    const [env] = side.wire.envelopes();
    const m = env.matchmaker_matched as rt.MatchmakerMatched;
    assert.equal(m.ticket, ticket);
    assert.equal(m.token, "jwt");
    assert.equal(m.self?.presence?.username, name);
    assert.deepEqual(m.users.map((u) => u.presence?.username), ["a", "b", "gone"]);
    assert.deepEqual(m.self?.string_properties, { region: "eu", name: `ñame-${name}` });
  }
  assert.equal(b.wire.sent[0].isBinary, true);
});

test("hook entries: Lua snake_case, JS and native camelCase, party id only for party tickets", () => {
  const entries = [entry("a", "t1", undefined, "p1"), entry("c", "t2")];
  assert.deepEqual(hookEntries("lua", entries), [
    { presence: { user_id: "user-a", session_id: "session-a", username: "a", node: "node1" }, properties: { region: "eu", name: "ñame-a", skill: 10.5 }, party_id: "p1" },
    { presence: { user_id: "user-c", session_id: "session-c", username: "c", node: "node1" }, properties: { region: "eu", name: "ñame-c", skill: 10.5 } },
  ]);
  for (const engine of ["js", "native"] as const) {
    assert.deepEqual(hookEntries(engine, entries), [
      { presence: { userId: "user-a", sessionId: "session-a", username: "a", node: "node1" }, properties: { region: "eu", name: "ñame-a", skill: 10.5 }, partyId: "p1" },
      { presence: { userId: "user-c", sessionId: "session-c", username: "c", node: "node1" }, properties: { region: "eu", name: "ñame-c", skill: 10.5 } },
    ]);
  }
});

test("a hook's result: a string is a match id; nothing or empty is none; anything else fails", () => {
  assert.equal(matchIdOf("m.node1"), "m.node1");
  for (const none of [undefined, null, ""]) assert.equal(matchIdOf(none), undefined);
  assert.throws(() => matchIdOf(42), /must be string or nil/);
});
