// Behaviour tests of group forming: min..max counts over intervals (max_intervals relaxation), count
// multiples (the searcher's and every member's), parties kept whole, tickets found after their last
// interval, each index path of the candidate planner, determinism, and stats.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { names, party, solo, testMatchmaker } from "./testkit.js";

describe("matchmaker: counts and intervals", () => {
  test("2..4 with three waiting: max-count only at interval 1, one group of 3 at interval 2", () => {
    const { mm } = testMatchmaker();
    for (const n of ["a", "b", "c"]) solo(mm, n, "*", 2, 4);
    assert.deepEqual(mm.process(), []);
    assert.deepEqual(names(mm.process()), [["a", "b", "c"]]);
  });

  test("2..4 with five waiting: the four oldest form a group at once, the fifth waits", () => {
    const { mm } = testMatchmaker();
    for (const n of ["a", "b", "c", "d", "e"]) solo(mm, n, "*", 2, 4);
    assert.deepEqual(names(mm.process()), [["a", "b", "c", "d"]]);
    assert.equal(mm.size, 1);
  });

  test("max_intervals: the minimum count is only accepted on the last interval", () => {
    const { mm } = testMatchmaker({ maxIntervals: 3 });
    for (const n of ["a", "b", "c"]) solo(mm, n, "*", 2, 4);
    assert.deepEqual(mm.process(), []);
    assert.deepEqual(mm.process(), []);
    assert.deepEqual(names(mm.process()), [["a", "b", "c"]]);
  });

  test("a ticket past its last interval is still found by newer tickets (max_intervals 1)", () => {
    const { mm } = testMatchmaker({ maxIntervals: 1 });
    solo(mm, "a", "*", 2, 4);
    assert.deepEqual(mm.process(), []);
    assert.equal(mm.activeCount, 0);
    assert.equal(mm.size, 1);
    solo(mm, "b", "*", 2, 4);
    assert.deepEqual(names(mm.process()), [["a", "b"]]);
  });

  test("count_multiple 2 on 2..4 with three waiting: the newest leaves, a pair forms", () => {
    const { mm } = testMatchmaker();
    for (const n of ["a", "b", "c"]) solo(mm, n, "*", 2, 4, { countMultiple: 2 });
    assert.deepEqual(mm.process(), []);
    assert.deepEqual(names(mm.process()), [["a", "b"]]);
    assert.deepEqual(mm.ticketsOfSession("session-c"), ["ticket-3"]);
  });

  test("count_multiple 2 on 2..4 with four waiting: a group of 4 at once", () => {
    const { mm } = testMatchmaker();
    for (const n of ["a", "b", "c", "d"]) solo(mm, n, "*", 2, 4, { countMultiple: 2 });
    assert.deepEqual(names(mm.process()), [["a", "b", "c", "d"]]);
  });

  test("the searcher's multiple shapes the group; the newest leave to reach it", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "*", 3, 6, { countMultiple: 3 });
    for (const n of ["b", "c", "d", "e"]) solo(mm, n, "*", 3, 6);
    assert.deepEqual(mm.process(), []);
    // a's last interval: a..e is 5, not a multiple of 3; d and e (the newest) leave.
    assert.deepEqual(names(mm.process()), [["a", "b", "c"]]);
    assert.equal(mm.size, 2);
  });

  test("every member's multiple counts: a member that cannot accept a size is left out", () => {
    const { mm } = testMatchmaker({ maxIntervals: 1 });
    solo(mm, "b", "+properties.x:none", 2, 4, { countMultiple: 2 });
    solo(mm, "c", "+properties.x:none", 2, 4);
    assert.deepEqual(mm.process(), []);
    solo(mm, "a", "*", 2, 4);
    // a + b + c = 3 is not a multiple of b's 2; the newest (c) leaves: a + b = 2.
    assert.deepEqual(names(mm.process()), [["a", "b"]]);
  });

  test("candidates with a narrower count range join; wider ones do not", () => {
    const { mm } = testMatchmaker();
    solo(mm, "wide", "+properties.x:none", 2, 8);
    solo(mm, "narrow", "+properties.x:none", 3, 3);
    solo(mm, "a", "*", 2, 4);
    solo(mm, "b", "*", 2, 4);
    assert.deepEqual(names(mm.process()), []);
    // a's last interval: candidates need min >= 2 and max <= 4 → narrow, b (not wide).
    assert.deepEqual(names(mm.process()), [["a", "b", "narrow"]]);
  });
});

describe("matchmaker: parties", () => {
  test("a party's members are matched together, with their party id", () => {
    const { mm } = testMatchmaker();
    party(mm, "p", ["p1", "p2"], "*", 3, 3);
    solo(mm, "x", "*", 3, 3);
    solo(mm, "y", "*", 3, 3);
    const groups = mm.process();
    assert.deepEqual(names(groups), [["p1", "p2", "x"]]);
    assert.deepEqual(groups[0].map((e) => [e.presence.username, e.partyId, e.ticket]), [["p1", "p", "ticket-1"], ["p2", "p", "ticket-1"], ["x", "", "ticket-2"]]);
  });

  test("a party is never split to reach a count multiple, nor matched alone", () => {
    const { mm } = testMatchmaker();
    party(mm, "p", ["p1", "p2"], "*", 2, 4);
    solo(mm, "s", "*", 2, 4, { countMultiple: 2 });
    assert.deepEqual(mm.process(), []);
    assert.deepEqual(mm.process(), []);
    assert.equal(mm.size, 2);
  });

  test("a party and a solo ticket sharing a session are never grouped", () => {
    const { mm } = testMatchmaker();
    party(mm, "p", ["a", "b"], "*", 3, 3);
    solo(mm, "a", "*", 3, 3);
    assert.deepEqual(mm.process(), []);
    solo(mm, "c", "*", 3, 3);
    assert.deepEqual(names(mm.process()), [["a", "b", "c"]]);
    assert.equal(mm.size, 1);
  });
});

describe("matchmaker: candidate index paths", () => {
  test("numeric range must clause picks the oldest ticket in range", () => {
    const { mm } = testMatchmaker();
    for (let i = 0; i < 50; i++) solo(mm, `p${i}`, "+properties.none:x", 2, 2, { numericProperties: { skill: 49 - i } });
    assert.deepEqual(mm.process(), []);
    solo(mm, "t", "+properties.skill:>40 +properties.skill:<=45", 2, 2);
    assert.deepEqual(names(mm.process()), [["p4", "t"]]);
  });

  test("number terms match numbers and the same text", () => {
    const { mm } = testMatchmaker();
    solo(mm, "a", "+properties.none:x", 2, 2, { stringProperties: { level: "3" } });
    solo(mm, "b", "+properties.none:x", 2, 2, { numericProperties: { level: 3 } });
    solo(mm, "c", "+properties.level:3", 2, 2, { numericProperties: { level: 4 } });
    solo(mm, "d", "+properties.level:3", 2, 2);
    assert.deepEqual(names(mm.process()), [["a", "c"], ["b", "d"]]);
  });

  test("should-only queries take the union of their terms; others are scanned", () => {
    const { mm } = testMatchmaker();
    solo(mm, "asia", "+properties.none:x", 2, 2, { stringProperties: { region: "asia" } });
    solo(mm, "us", "+properties.none:x", 2, 2, { stringProperties: { region: "us" } });
    solo(mm, "eu", "+properties.none:x", 2, 2, { stringProperties: { region: "eu" } });
    solo(mm, "s", "properties.region:eu^5 properties.region:us", 2, 2);
    solo(mm, "w", "+properties.region:a*", 2, 2);
    assert.deepEqual(names(mm.process()), [["eu", "s"], ["asia", "w"]]);
  });
});

describe("matchmaker: scale, determinism and stats", () => {
  test("1,000 `*` tickets of 2..2 pair up oldest first in one pass", () => {
    const { mm } = testMatchmaker();
    for (let i = 0; i < 1000; i++) solo(mm, `p${String(i).padStart(4, "0")}`, "*", 2, 2);
    const groups = names(mm.process());
    assert.equal(groups.length, 500);
    assert.deepEqual(groups[0], ["p0000", "p0001"]);
    assert.deepEqual(groups[499], ["p0998", "p0999"]);
    assert.equal(mm.size, 0);
  });

  test("the same adds give the same groups", () => {
    const run = () => {
      const { mm } = testMatchmaker();
      for (let i = 0; i < 60; i++) {
        const region = ["eu", "us", "asia"][i % 3];
        solo(mm, `p${i}`, `+properties.region:${region} properties.skill:>=${i % 7}^2`, 2, 4, { stringProperties: { region }, numericProperties: { skill: (i * 13) % 10 } });
      }
      return [mm.process(), mm.process()].map((gs) => gs.map((g) => g.map((e) => e.ticket)));
    };
    const first = run();
    assert.ok(first[0].length > 0);
    assert.deepEqual(run(), first);
  });

  test("stats: waiting tickets, the oldest creation time, and the last 10 completions", () => {
    const { mm, tick } = testMatchmaker();
    assert.deepEqual(mm.stats(), { ticketCount: 0, oldestTicketCreateTime: undefined, completions: [] });
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 7; i++) {
      solo(mm, `p${i}`, "*", 2, 2);
      tick(1000);
    }
    const s = mm.stats();
    assert.deepEqual([s.ticketCount, s.oldestTicketCreateTime], [7, t0]);
    tick(5000);
    assert.equal(mm.process().length, 3);
    const after = mm.stats();
    assert.deepEqual([after.ticketCount, after.oldestTicketCreateTime, after.completions.length], [1, t0 + 6000, 6]);
    assert.deepEqual(after.completions[0], { createTime: t0, completeTime: t0 + 12_000 });
  });
});
