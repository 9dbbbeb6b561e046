// Unit tests of src/runtime/server-events.ts with a fake runtime and a fake scheduler: each scheduler
// callback calls runtime.call with the hook's key, execution mode and Nakama's per-engine arguments;
// hooks the runtime does not own are not registered; a returned value fails the callback; session
// listeners hand the session's context (and the end reason) to sessionStart / sessionEnd.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { api } from "../../proto/index.js";
import type { ContextBase, RuntimeContext } from "./context.js";
import { RegKind, regKey, type EngineKind } from "./registry.js";
import { attachScheduledHooks, attachSessionEvents, type EventSession, type ScheduledHookSource } from "./server-events.js";

const base: ContextBase = { env: { A: "1" }, node: "n1", version: "v" };

type Call = { key: string; ctx: RuntimeContext; args: unknown[]; fields: Record<string, unknown> | undefined };

function fakeRuntime(engine: EngineKind, owned: readonly string[], returns: unknown = undefined) {
  const calls: Call[] = [];
  return {
    calls,
    runtime: {
      ownership: { owner: (key: string) => (owned.includes(key) ? engine : undefined) } as never,
      call: async (key: string, ctx: RuntimeContext, payloads: (e: EngineKind) => unknown[], fields?: Record<string, unknown>) => {
        calls.push({ key, ctx, args: payloads(engine), fields });
        return returns;
      },
    },
  };
}

function fakeScheduler() {
  const lb: Array<(l: api.Leaderboard, reset: number) => Promise<void>> = [];
  const tr: Array<(t: api.Tournament, end: number, reset: number) => Promise<void>> = [];
  const te: Array<(t: api.Tournament, end: number, reset: number) => Promise<void>> = [];
  const add = <T>(list: T[], cb: T) => {
    list.push(cb);
    return () => void list.splice(list.indexOf(cb), 1);
  };
  const source: ScheduledHookSource = {
    onLeaderboardReset: (cb) => add(lb, cb),
    onTournamentReset: (cb) => add(tr, cb),
    onTournamentEnd: (cb) => add(te, cb),
  };
  return { source, lb, tr, te };
}

const LB: api.Leaderboard = {
  id: "weekly", sort_order: 1, operator: 3, prev_reset: 1_700_000_000, next_reset: 1_700_000_060, metadata: '{"a":1}',
  create_time: new Date(1_600_000_000_000), authoritative: true,
};
const T: api.Tournament = {
  id: "cup", title: "Cup", description: "d", category: 2, sort_order: 0, size: 3, max_size: 10, max_num_score: 5,
  can_enter: false, end_active: 1_700_000_020, next_reset: 0, metadata: "{}", create_time: new Date(1_600_000_000_000),
  start_time: new Date(1_690_000_000_000), end_time: undefined, duration: 20, start_active: 1_700_000_000, prev_reset: 0,
  operator: 1, authoritative: true, join_required: false,
};

describe("scheduled hooks", () => {
  const all = [regKey(RegKind.LEADERBOARD_RESET), regKey(RegKind.TOURNAMENT_RESET), regKey(RegKind.TOURNAMENT_END)];

  it("a leaderboard reset reaches Lua as a snake_case table and the reset time", async () => {
    const f = fakeRuntime("lua", all);
    const s = fakeScheduler();
    attachScheduledHooks(s.source, f.runtime, base);
    assert.deepEqual([s.lb.length, s.tr.length, s.te.length], [1, 1, 1]);
    await s.lb[0](LB, 1_700_000_060);
    const [c] = f.calls;
    assert.equal(c.key, regKey(RegKind.LEADERBOARD_RESET));
    assert.equal(c.ctx.executionMode, "leaderboard_reset");
    assert.deepEqual([c.ctx.userId, c.ctx.node, c.ctx.env], ["", "n1", { A: "1" }]);
    assert.deepEqual(c.args, [{
      id: "weekly", authoritative: true, operator: "increment", sort_order: "1", metadata: { a: 1 }, create_time: 1_600_000_000,
      prev_reset: "1700000000", next_reset: "1700000060",
    }, 1_700_000_060]);
    assert.equal(c.fields?.mode, "leaderboard_reset");
  });

  it("a leaderboard reset reaches JS camelCase and native as the api message", async () => {
    for (const [engine, expected] of [
      ["js", { id: "weekly", operator: "increment", sortOrder: 1, metadata: { a: 1 }, createTime: 1_600_000_000, prevReset: 1_700_000_000, nextReset: 1_700_000_060, authoritative: true }],
      ["native", LB],
    ] as const) {
      const f = fakeRuntime(engine, all);
      const s = fakeScheduler();
      attachScheduledHooks(s.source, f.runtime, base);
      await s.lb[0](LB, 60);
      assert.deepEqual(f.calls[0].args, [expected, 60], engine);
    }
  });

  it("tournament end and reset pass (tournament, end, reset) in each engine's shape", async () => {
    const lua = fakeRuntime("lua", all);
    const s = fakeScheduler();
    attachScheduledHooks(s.source, lua.runtime, base);
    await s.te[0](T, 1_700_000_020, 0);
    await s.tr[0](T, 1_700_000_020, 1_700_000_060);
    assert.deepEqual(lua.calls.map((c) => [c.key, c.ctx.executionMode]), [
      [regKey(RegKind.TOURNAMENT_END), "tournament_end"], [regKey(RegKind.TOURNAMENT_RESET), "tournament_reset"],
    ]);
    const [t, end, reset] = lua.calls[1].args as [Record<string, unknown>, number, number];
    assert.deepEqual([end, reset], [1_700_000_020, 1_700_000_060]);
    assert.deepEqual([t.id, t.sort_order, t.end_active, t.operator, t.end_time, t.next_reset], ["cup", "0", 1_700_000_020, "best", null, null]);
    const js = fakeRuntime("js", all);
    const s2 = fakeScheduler();
    attachScheduledHooks(s2.source, js.runtime, base);
    await s2.te[0](T, 5, 0);
    const jt = js.calls[0].args[0] as Record<string, unknown>;
    assert.deepEqual([jt.id, jt.sortOrder, jt.endActive, jt.maxSize, jt.endTime, "nextReset" in jt], ["cup", 0, 1_700_000_020, 10, null, false]);
  });

  it("registers only the hooks the runtime owns; the removal unregisters them", () => {
    const f = fakeRuntime("lua", [regKey(RegKind.TOURNAMENT_END)]);
    const s = fakeScheduler();
    const off = attachScheduledHooks(s.source, f.runtime, base);
    assert.deepEqual([s.lb.length, s.tr.length, s.te.length], [0, 0, 1]);
    off();
    assert.deepEqual([s.lb.length, s.tr.length, s.te.length], [0, 0, 0]);
  });

  it("a hook returning a value fails the callback", async () => {
    const f = fakeRuntime("js", all, "oops");
    const s = fakeScheduler();
    attachScheduledHooks(s.source, f.runtime, base);
    await assert.rejects(s.lb[0](LB, 1), /Leaderboard Reset hook, must be nil/);
    await assert.rejects(s.te[0](T, 1, 0), /Tournament End hook, must be nil/);
  });
});

describe("session events", () => {
  it("hands each session's context to sessionStart and sessionEnd (with the failure reason)", () => {
    const listeners: Record<string, (h: EventSession) => void> = {};
    const seen: Array<[string, RuntimeContext, string?]> = [];
    let loaded = false;
    attachSessionEvents({ onSession: (when, fn) => void (listeners[when] = fn) }, () => (loaded ? {
      sessionStart: (ctx) => void seen.push(["start", ctx]),
      sessionEnd: (ctx, reason) => void seen.push(["end", ctx, reason]),
    } : undefined), base);
    const h: EventSession = {
      id: "sid-1", failure: null,
      identity: { userId: "u1", username: "ann", vars: { k: "v" }, expiry: 123, lang: "fr", clientIp: "1.2.3.4", clientPort: "555" },
    };
    listeners.start(h); // no runtime yet: nothing fired
    assert.equal(seen.length, 0);
    loaded = true;
    listeners.start(h);
    listeners.end({ ...h, failure: "session outgoing queue full" });
    assert.deepEqual(seen.map(([k, , r]) => [k, r]), [["start", undefined], ["end", "session outgoing queue full"]]);
    const ctx = seen[0][1];
    assert.deepEqual(
      [ctx.executionMode, ctx.userId, ctx.username, ctx.vars, ctx.userSessionExp, ctx.sessionId, ctx.lang, ctx.clientIp, ctx.clientPort, ctx.node],
      ["event", "u1", "ann", { k: "v" }, 123, "sid-1", "fr", "1.2.3.4", "555", "n1"],
    );
  });
});
