// Tests of the matchmaker actor on a ManualClock: a pass runs each interval_sec and not before; groups
// reach onMatched once per pass with one shared, verifiable 30-second token per group, or the match id
// the matched hook returns (a throwing hook falls back to a token); adds made together are answered
// one by one (a failing add does not fail its batch); removal by owner, session and party; stop.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../../src/errors.js";
import { silentLogger } from "../../src/log.js";
import { DEFAULT_SETTINGS, type MatchmakerEntry, type TicketRequest } from "../../src/matchmaker/index.js";
import { verifyMatchToken } from "../../src/realtime/match-token.js";
import { createKernel, ManualClock, type Kernel } from "../kernel/index.js";
import { Probe } from "../kernel/testkit.js";
import { startMatchmaker, type MatchedResult, type MatchmakerDeps, type MatchmakerHandle } from "./index.js";

const KEY = "test-encryption-key";
const T0 = 1_700_000_000_000;

interface Rig {
  kernel: Kernel;
  clock: ManualClock;
  mm: MatchmakerHandle;
  matched: Probe<MatchedResult[]>;
}

let kernels: Kernel[] = [];
afterEach(async () => {
  await Promise.all(kernels.map((k) => k.shutdown()));
  kernels = [];
});

function rig(extra: Partial<MatchmakerDeps> = {}): Rig {
  const clock = new ManualClock();
  const kernel = createKernel({ log: silentLogger(), clock });
  kernels.push(kernel);
  const matched = new Probe<MatchedResult[]>();
  let id = 0;
  const mm = startMatchmaker(kernel.root, {
    log: silentLogger(),
    settings: { ...DEFAULT_SETTINGS, intervalSec: 15 },
    encryptionKey: KEY,
    onMatched: (r) => matched.push(r),
    now: () => T0 + clock.now(),
    newTicketId: () => `ticket-${++id}`,
    ...extra,
  });
  return { kernel, clock, mm, matched };
}

function req(name: string, extra: Partial<TicketRequest> = {}): TicketRequest {
  return {
    sessionId: `session-${name}`,
    partyId: "",
    presences: [{ userId: `user-${name}`, sessionId: `session-${name}`, username: name, node: "node1" }],
    query: "*",
    minCount: 2,
    maxCount: 2,
    ...extra,
  };
}

const users = (r: MatchedResult) => r.entries.map((e) => e.presence.username).sort();

describe("matchmaker actor", () => {
  test("a pass runs every interval_sec; each group shares one 30-second token", async () => {
    const r = rig();
    const tickets = await Promise.all(["a", "b", "c"].map((n) => r.mm.add(req(n))));
    assert.deepEqual(tickets.map((t) => [t.ticket, t.createTime]), [["ticket-1", T0], ["ticket-2", T0], ["ticket-3", T0]]);
    r.clock.advance(14_999);
    assert.equal((await r.mm.stats()).ticketCount, 3);
    assert.equal(r.matched.seen.length, 0);
    r.clock.advance(1);
    const [results] = await r.matched.count(1);
    assert.deepEqual(results.map(users), [["a", "b"]]);
    const { token, matchId } = results[0];
    assert.equal(matchId, undefined);
    assert.ok(token !== undefined);
    const mid = verifyMatchToken(KEY, token, T0 / 1000 + 15);
    assert.match(mid ?? "", /^[0-9a-f-]{36}\.$/);
    assert.equal(verifyMatchToken(KEY, token, T0 / 1000 + 15 + 30), null);
    // c waits for a partner; the next pass (with d) pairs them with a fresh token.
    await r.mm.add(req("d"));
    r.clock.advance(15_000);
    const [, second] = await r.matched.count(2);
    assert.deepEqual(second.map(users), [["c", "d"]]);
    assert.notEqual(second[0].token, token);
    assert.equal((await r.mm.stats()).ticketCount, 0);
  });

  test("the matched hook's match id replaces the token; a failing hook falls back to one", async () => {
    const seen: MatchmakerEntry[][] = [];
    const r = rig({
      matchedHook: async (entries) => {
        seen.push(entries);
        if (entries.some((e) => e.presence.username === "x")) throw new Error("hook failed");
        return entries[0].properties.mode === "auth" ? "0bdc2ba6-7ed6-4a58-9d39-0cdb9c1a4b3d.node1" : "";
      },
    });
    await Promise.all([
      r.mm.add(req("a", { query: "+properties.mode:auth", stringProperties: { mode: "auth" } })),
      r.mm.add(req("b", { query: "+properties.mode:auth", stringProperties: { mode: "auth" } })),
      r.mm.add(req("c", { query: "+properties.mode:relay", stringProperties: { mode: "relay" } })),
      r.mm.add(req("d", { query: "+properties.mode:relay", stringProperties: { mode: "relay" } })),
      r.mm.add(req("x", { query: "+properties.mode:x", stringProperties: { mode: "x" } })),
      r.mm.add(req("y", { query: "+properties.mode:x", stringProperties: { mode: "x" } })),
    ]);
    r.clock.advance(15_000);
    const [results] = await r.matched.count(1);
    assert.equal(seen.length, 3);
    assert.deepEqual(results.map((g) => [users(g), g.matchId, typeof g.token]), [
      [["a", "b"], "0bdc2ba6-7ed6-4a58-9d39-0cdb9c1a4b3d.node1", "undefined"],
      [["c", "d"], undefined, "string"],
      [["x", "y"], undefined, "string"],
    ]);
  });

  test("adds made together are answered one by one", async () => {
    const r = rig();
    const outcomes = await Promise.allSettled([
      r.mm.add(req("a")),
      r.mm.add(req("a")),
      r.mm.add(req("a", { query: "properties.x:>" })),
      r.mm.add(req("a")),
      r.mm.add(req("a")),
    ]);
    assert.deepEqual(outcomes.map((o) => (o.status === "fulfilled" ? o.value.ticket : (o.reason as GameError).message)), [
      "ticket-1", "ticket-2", "matchmaker query invalid: invalid query: syntax error: unexpected end of query at position 14", "ticket-3", "matchmaker too many tickets",
    ]);
    const bad = outcomes[4];
    assert.ok(bad.status === "rejected" && bad.reason instanceof GameError && bad.reason.code === Code.RESOURCE_EXHAUSTED);
  });

  test("removal by owner, by session and by party", async () => {
    const r = rig();
    const a = await r.mm.add(req("a"));
    await assert.rejects(r.mm.remove({ sessionId: "session-b" }, a.ticket), (e: unknown) => e instanceof GameError && e.code === Code.NOT_FOUND);
    await r.mm.remove({ sessionId: "session-a" }, a.ticket);
    const p = await r.mm.add(req("p1", { sessionId: "", partyId: "party", minCount: 3, maxCount: 3, presences: [req("p1").presences[0], req("p2").presences[0]] }));
    await r.mm.add(req("b"));
    await r.mm.add(req("b"));
    assert.equal((await r.mm.stats()).ticketCount, 3);
    r.mm.removeSession("session-b");
    assert.equal((await r.mm.stats()).ticketCount, 1);
    await assert.rejects(r.mm.remove({ partyId: "other" }, p.ticket), /matchmaker ticket not found/);
    r.mm.removeParty("party");
    assert.equal((await r.mm.stats()).ticketCount, 0);
    r.clock.advance(15_000);
    assert.equal((await r.mm.stats()).ticketCount, 0);
    assert.equal(r.matched.seen.length, 0);
  });

  test("processNow runs a pass at once; after stop adds are refused", async () => {
    const r = rig();
    await Promise.all([r.mm.add(req("a")), r.mm.add(req("b"))]);
    r.mm.processNow();
    const [results] = await r.matched.count(1);
    assert.deepEqual(results.map(users), [["a", "b"]]);
    await r.mm.stop();
    await assert.rejects(r.mm.add(req("c")), (e: unknown) => e instanceof GameError && e.code === Code.UNAVAILABLE);
  });
});
