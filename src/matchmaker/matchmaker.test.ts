// Behaviour tests of the matchmaker core, ported from the cases of Nakama's matchmaker_test.go (written
// anew against our API): add/remove, basic, `*`, range and range+value matches, must and must-not
// properties that must and must not match, ordering by boost and age, mutual matching with
// rev_precision (pairs and groups of three), and the per-session / per-party ticket limits.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../errors.js";
import { names, party, presence, solo, testMatchmaker } from "./testkit.js";

function rejects(fn: () => unknown, code: Code, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof GameError && err.code === code && pattern.test(err.message));
}

describe("matchmaker: add and remove", () => {
  test("add returns a ticket; remove by its session; a second remove is not found", () => {
    const { mm } = testMatchmaker();
    const t = solo(mm, "a", "properties.a1:foo", 2, 2, { stringProperties: { a1: "bar" } });
    assert.equal(t, "ticket-1");
    assert.equal(mm.size, 1);
    rejects(() => mm.removeSessionTicket("session-b", t), Code.NOT_FOUND, /^matchmaker ticket not found$/);
    mm.removeSessionTicket("session-a", t);
    assert.equal(mm.size, 0);
    rejects(() => mm.removeSessionTicket("session-a", t), Code.NOT_FOUND, /ticket not found/);
  });

  test("a removed ticket is not matched", () => {
    const { mm } = testMatchmaker();
    const a = solo(mm, "a", "*", 2, 2);
    solo(mm, "b", "*", 2, 2);
    mm.removeSessionTicket("session-a", a);
    assert.deepEqual(mm.process(), []);
    solo(mm, "c", "*", 2, 2);
    assert.deepEqual(names(mm.process()), [["b", "c"]]);
  });

  test("party tickets are removed by their party, not by a member's session", () => {
    const { mm } = testMatchmaker();
    const t = party(mm, "p1", ["a", "b"], "*", 3, 3);
    rejects(() => mm.removeSessionTicket("session-a", t), Code.NOT_FOUND, /not found/);
    rejects(() => mm.removePartyTicket("p2", t), Code.NOT_FOUND, /not found/);
    mm.removePartyTicket("p1", t);
    assert.equal(mm.size, 0);
  });

  test("removeSession drops every ticket holding the session; removeParty every party ticket", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "*", 2, 2);
    solo(mm, "a", "*", 3, 3);
    party(mm, "p1", ["a", "b"], "*", 4, 4);
    party(mm, "p1", ["b", "c"], "*", 4, 4);
    solo(mm, "d", "*", 2, 2);
    assert.equal(mm.removeSession("session-a"), 3);
    assert.deepEqual(mm.ticketsOfSession("session-b"), ["ticket-4"]);
    assert.equal(mm.removeParty("p1"), 1);
    assert.equal(mm.size, 1);
    assert.equal(mm.removeSession("session-nobody"), 0);
  });
});

describe("matchmaker: property queries", () => {
  test("basic match: each ticket's query names the other's property", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "properties.a3:bar", 2, 2, { stringProperties: { a3: "baz" } });
    solo(mm, "b", "properties.a3:baz", 2, 2, { stringProperties: { a3: "bar" }, numericProperties: { skill: 7 } });
    const groups = mm.process();
    assert.deepEqual(names(groups), [["a", "b"]]);
    const b = groups[0].find((e) => e.presence.username === "b");
    assert.deepEqual(b?.presence, presence("b"));
    assert.deepEqual([b?.ticket, b?.partyId, b?.stringProperties, b?.numericProperties, b?.properties], ["ticket-2", "", { a3: "bar" }, { skill: 7 }, { a3: "bar", skill: 7 }]);
    assert.equal(mm.size, 0);
  });

  test("`*` matches anyone (and an empty query means `*`)", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "*", 2, 2, { numericProperties: { b1: 15 } });
    solo(mm, "b", "", 2, 2);
    assert.deepEqual(names(mm.process()), [["a", "b"]]);
  });

  test("numeric ranges, alone and with a string value, match", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "+properties.b1:>=10 +properties.b1:<=20", 2, 2, { numericProperties: { b1: 15 } });
    solo(mm, "b", "+properties.b1:>=10 +properties.b1:<=20", 2, 2, { numericProperties: { b1: 15 } });
    solo(mm, "c", "+properties.b1:>=10 +properties.b1:<=20", 3, 3, { stringProperties: { c2: "foo" }, numericProperties: { c1: 15 } });
    solo(mm, "d", "+properties.c1:>=10 +properties.c1:<=20 +properties.c2:foo", 3, 3, { stringProperties: { c2: "foo" }, numericProperties: { b1: 15 } });
    solo(mm, "e", "+properties.c1:>=10 +properties.c1:<=20 +properties.c2:foo", 3, 3, { stringProperties: { c2: "foo" }, numericProperties: { c1: 12 } });
    assert.deepEqual(names(mm.process()), [["a", "b"], ["c", "d", "e"]]);
  });

  test("properties that must not match keep tickets apart", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "properties.a5:bar", 2, 2, { stringProperties: { a5: "baz" } });
    solo(mm, "b", "properties.a5:bar", 2, 2, { stringProperties: { a5: "baz" } });
    solo(mm, "c", "+properties.b2:>=10 +properties.b2:<=20 +properties.id:x", 2, 2, { stringProperties: { id: "x" }, numericProperties: { b2: 25 } });
    solo(mm, "d", "+properties.b2:>=10 +properties.b2:<=20 +properties.id:x", 2, 2, { stringProperties: { id: "x" }, numericProperties: { b2: 5 } });
    solo(mm, "e", "+properties.c4:foo -properties.mode:ranked", 2, 2, { stringProperties: { c4: "foo", mode: "casual" } });
    solo(mm, "f", "+properties.c4:foo -properties.mode:casual", 2, 2, { stringProperties: { c4: "foo", mode: "ranked" } });
    assert.deepEqual(mm.process(), []);
    assert.equal(mm.size, 6);
  });

  test("of three equal tickets, the two oldest match", () => {
    const { mm } = testMatchmaker();
    for (const n of ["a", "b", "c"]) solo(mm, n, "properties.a6:bar +properties.id:x", 2, 2, { stringProperties: { id: "x", a6: "bar" } });
    assert.deepEqual(names(mm.process()), [["a", "b"]]);
    assert.deepEqual(mm.ticketsOfSession("session-c"), ["ticket-3"]);
  });

  test("boosted clauses pick the best candidate over an older one", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "properties.n1:<10^10 properties.a6:bar +properties.id:x", 2, 2, { stringProperties: { id: "x", a6: "bar" }, numericProperties: { n1: 5 } });
    solo(mm, "b", "properties.n1:>10^10 properties.a6:bar +properties.id:x", 2, 2, { stringProperties: { id: "x", a6: "bar" }, numericProperties: { n1: 15 } });
    solo(mm, "c", "properties.n1:<10^10 properties.a6:bar +properties.id:x", 2, 2, { stringProperties: { id: "x", a6: "bar" }, numericProperties: { n1: 5 } });
    assert.deepEqual(names(mm.process()), [["a", "c"]]);
  });

  test("optional terms raise the score; equal scores go to the oldest", () => {
    const { mm } = testMatchmaker();
    const q = "properties.a6:bar properties.a6:foo +properties.id:x";
    solo(mm, "a", q, 2, 2, { stringProperties: { id: "x", a6: "bar" } });
    solo(mm, "b", q, 2, 2, { stringProperties: { id: "x", a6: "foo" } });
    solo(mm, "c", q, 2, 2, { stringProperties: { id: "x", a6: "bar" } });
    assert.deepEqual(names(mm.process()), [["a", "b"]]);
  });

  test("regular expressions over a blocked list", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "+properties.game_mode:bar", 2, 2, { stringProperties: { blocked: "user-x user-y", game_mode: "foo" } });
    solo(mm, "c", "+properties.game_mode:foo -properties.blocked:/.*user\\-y.*/", 2, 2, { stringProperties: { game_mode: "foo", blocked: "" } });
    solo(mm, "b", "+properties.game_mode:foo -properties.blocked:/.*user\\-b.*/", 2, 2, { stringProperties: { game_mode: "foo", blocked: "" } });
    // a searches for nobody; c, the next oldest, blocks a and takes b.
    assert.deepEqual(names(mm.process()), [["b", "c"]]);
  });
});

describe("matchmaker: mutual acceptance (rev_precision)", () => {
  const oneWay = (mm: ReturnType<typeof testMatchmaker>["mm"]) => {
    solo(mm, "a", "+properties.b1:>=10 +properties.b1:<=20", 2, 2, { numericProperties: { b1: 5 } });
    solo(mm, "b", "+properties.b1:>=10 +properties.b1:<=20", 2, 2, { numericProperties: { b1: 15 } });
  };

  test("one-way acceptance is enough by default (Nakama's rev_precision false)", () => {
    const { mm } = testMatchmaker();
    oneWay(mm);
    assert.deepEqual(names(mm.process()), [["a", "b"]]);
  });

  test("with rev_precision, a ticket whose query rejects the other is not matched", () => {
    const { mm } = testMatchmaker({ revPrecision: true });
    oneWay(mm);
    assert.deepEqual(mm.process(), []);
  });

  test("with rev_precision, mutual pairs still match", () => {
    const { mm } = testMatchmaker({ revPrecision: true });
    solo(mm, "a", "+properties.mode:x", 2, 2, { stringProperties: { mode: "x" } });
    solo(mm, "b", "+properties.mode:x", 2, 2, { stringProperties: { mode: "x" } });
    assert.deepEqual(names(mm.process()), [["a", "b"]]);
  });

  test("groups of three: every member must accept every other", () => {
    for (const bQuery of ["+properties.foo:bar properties.b1:20^10", "+properties.foo:bar +properties.b1:<10 properties.b1:20^10"]) {
      const { mm } = testMatchmaker({ revPrecision: true });
      solo(mm, "a", "+properties.foo:bar properties.b1:10^10", 3, 3, { stringProperties: { foo: "bar" }, numericProperties: { b1: 5 } });
      solo(mm, "b", bQuery, 3, 3, { stringProperties: { foo: "bar" }, numericProperties: { b1: 10 } });
      const cQuery = bQuery.includes("<10") ? "+properties.foo:bar" : "+properties.foo:bar +properties.b1:<10";
      solo(mm, "c", cQuery, 3, 3, { stringProperties: { foo: "bar" }, numericProperties: { b1: 20 } });
      assert.deepEqual(mm.process(), [], bQuery);
    }
  });

  test("rev_threshold: one-way matches are accepted after that many intervals (0 = never)", () => {
    for (const [threshold, expected] of [[1, [["a", "b"]]], [0, []]] as const) {
      const { mm } = testMatchmaker({ revPrecision: true, revThreshold: threshold, maxIntervals: 2 });
      solo(mm, "a", "+properties.b1:>=10", 2, 3, { numericProperties: { b1: 5 } });
      solo(mm, "b", "+properties.b1:>=10", 2, 3, { numericProperties: { b1: 15 } });
      assert.deepEqual(mm.process(), []);
      assert.deepEqual(names(mm.process()), expected);
    }
  });
});

describe("matchmaker: ticket limits", () => {
  test("max_tickets per session; a matched ticket frees a slot", () => {
    const { mm } = testMatchmaker();
    for (let i = 0; i < 3; i++) solo(mm, "a", "properties.a5:bar", 2, 2, { stringProperties: { a5: "bar" } });
    rejects(() => solo(mm, "a", "*", 2, 2), Code.RESOURCE_EXHAUSTED, /^matchmaker too many tickets$/);
    solo(mm, "b", "properties.a5:bar", 2, 2, { stringProperties: { a5: "bar" } });
    assert.deepEqual(names(mm.process()), [["a", "b"]]);
    solo(mm, "a", "*", 2, 2);
    rejects(() => solo(mm, "a", "*", 2, 2), Code.RESOURCE_EXHAUSTED, /too many tickets/);
  });

  test("max_tickets per party; a party never matches itself", () => {
    const { mm } = testMatchmaker({ maxTickets: 2 });
    party(mm, "party-a", ["a1"], "*", 2, 2);
    party(mm, "party-a", ["a2"], "*", 2, 2);
    rejects(() => party(mm, "party-a", ["a3"], "*", 2, 2), Code.RESOURCE_EXHAUSTED, /too many tickets/);
    assert.deepEqual(mm.process(), []);
    party(mm, "party-b", ["b1"], "*", 2, 2);
    const groups = mm.process();
    assert.deepEqual(names(groups), [["a1", "b1"]]);
    assert.deepEqual(groups[0].map((e) => e.partyId), ["party-a", "party-b"]);
    party(mm, "party-a", ["a4"], "*", 2, 2);
    rejects(() => party(mm, "party-a", ["a5"], "*", 2, 2), Code.RESOURCE_EXHAUSTED, /too many tickets/);
  });

  test("a session's own tickets never match each other", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "*", 2, 2);
    solo(mm, "a", "*", 2, 2);
    assert.deepEqual(mm.process(), []);
  });
});

describe("matchmaker: bad input", () => {
  test("counts are checked with Nakama's texts; queries and duplicate sessions are refused", () => {
    const { mm } = testMatchmaker();
    rejects(() => solo(mm, "a", "*", 1, 2), Code.INVALID_ARGUMENT, /^Invalid minimum count, must be >= 2$/);
    rejects(() => solo(mm, "a", "*", 3, 2), Code.INVALID_ARGUMENT, /^Invalid maximum count, must be >= minimum count$/);
    rejects(() => solo(mm, "a", "*", 2, 4, { countMultiple: 0 }), Code.INVALID_ARGUMENT, /^Invalid count multiple, must be >= 1$/);
    rejects(() => solo(mm, "a", "*", 3, 6, { countMultiple: 2 }), Code.INVALID_ARGUMENT, /minimum count, must divide$/);
    rejects(() => solo(mm, "a", "*", 2, 5, { countMultiple: 2 }), Code.INVALID_ARGUMENT, /maximum count, must divide$/);
    rejects(() => solo(mm, "a", "properties.x:>oops", 2, 2), Code.INVALID_ARGUMENT, /^matchmaker query invalid: invalid query: syntax error: unexpected 'oops' at position 14$/);
    rejects(() => party(mm, "p", ["a", "a"], "*", 2, 2), Code.INVALID_ARGUMENT, /^matchmaker duplicate session$/);
    assert.equal(mm.size, 0);
  });

  test("after stop, adds are refused and passes form nothing", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "*", 2, 2);
    solo(mm, "b", "*", 2, 2);
    mm.stop();
    rejects(() => solo(mm, "c", "*", 2, 2), Code.UNAVAILABLE, /^matchmaker not available$/);
    assert.deepEqual(mm.process(), []);
  });
});
