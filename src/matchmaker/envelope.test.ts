// Tests of `matchmaker_matched` building: one message per matched presence with shared users and id,
// and the recipient's own ticket and self; JSON as Nakama writes it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rt, toJson } from "../../proto/index.js";
import { matchedMessages } from "./envelope.js";
import { names, party, solo, testMatchmaker } from "./testkit.js";

test("each member gets its ticket and self; all share users and the token or match id", () => {
  const { mm } = testMatchmaker();
  party(mm, "p", ["a", "b"], "*", 3, 3, { stringProperties: { mode: "duo" } });
  solo(mm, "c", "*", 3, 3, { numericProperties: { skill: 10.5 } });
  const [group] = mm.process();
  assert.deepEqual(names([group]), [["a", "b", "c"]]);
  const out = matchedMessages({ entries: group, token: "jwt" });
  assert.deepEqual(out.map((d) => [d.sessionId, d.node, d.message.ticket, d.message.self?.presence?.username]), [
    ["session-a", "node1", "ticket-1", "a"],
    ["session-b", "node1", "ticket-1", "b"],
    ["session-c", "node1", "ticket-2", "c"],
  ]);
  assert.equal(
    toJson(rt.MatchmakerMatched, out[2].message),
    '{"ticket":"ticket-2","token":"jwt","users":[' +
      '{"presence":{"user_id":"user-a","session_id":"session-a","username":"a"},"party_id":"p","string_properties":{"mode":"duo"}},' +
      '{"presence":{"user_id":"user-b","session_id":"session-b","username":"b"},"party_id":"p","string_properties":{"mode":"duo"}},' +
      '{"presence":{"user_id":"user-c","session_id":"session-c","username":"c"},"numeric_properties":{"skill":10.5}}],' +
      '"self":{"presence":{"user_id":"user-c","session_id":"session-c","username":"c"},"numeric_properties":{"skill":10.5}}}',
  );
  const byId = matchedMessages({ entries: group, matchId: "m.node1" });
  assert.deepEqual([byId[0].message.match_id, byId[0].message.token], ["m.node1", undefined]);
});
