// Unit tests of a match's life (MatchInstance + its dispatcher) against a scripted core and real
// session handles over fake sockets: ticks and the input queue, join attempts and markers, deferred
// broadcasts and their limit, targeting, kicks, labels, ending (nil state, errors, empty, terminate),
// signals.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { silentLogger } from "../log.js";
import { testCore, testSession } from "../realtime/testkit.js";
import type { SessionHandle } from "../realtime/index.js";
import type { FakeWire } from "../realtime/testkit.js";
import { MatchInstance, type JoinAnswer, type MatchEnv } from "./instance.js";
import type { MatchSettings } from "./settings.js";
import type { JoinCaller, MatchCore, MatchDispatch, MatchMessage, MatchPresence } from "./types.js";

const settings: MatchSettings = {
  node: "n1", inputQueueSize: 3, callQueueSize: 8, signalQueueSize: 2, joinAttemptQueueSize: 2, deferredQueueSize: 2,
  joinMarkerDeadlineMs: 1000, maxEmptySec: 0, callWaitMs: 1000, shutdownGraceSec: 0, callTimeoutMs: 1000,
  jsMemoryLimitBytes: 16 << 20, jsReadOnlyGlobals: true, jsBuild: "asyncify", jsModuleGroupSize: 8,
};

type Step = (tick: number, arg: unknown, d: MatchDispatch) => boolean | Promise<boolean>;

/** A core whose callbacks are scripted per test; every call is recorded. */
class ScriptedCore implements MatchCore {
  readonly engine = "native" as const;
  readonly calls: Array<{ cb: string; tick: number; arg: unknown }> = [];
  labels: string[] = [];
  closed = false;
  accept = true;
  on: Partial<Record<"join" | "leave" | "loop" | "terminate", Step>> = {};
  constructor(private readonly d: () => MatchDispatch) {}
  async init() {
    return { tickRate: 2, label: "{}" };
  }
  async joinAttempt(tick: number, caller: JoinCaller) {
    this.calls.push({ cb: "joinAttempt", tick, arg: caller.presence });
    return { alive: true, accept: this.accept, reason: this.accept ? "" : "no" };
  }
  private async run(cb: "join" | "leave" | "loop" | "terminate", tick: number, arg: unknown) {
    this.calls.push({ cb, tick, arg });
    return (await this.on[cb]?.(tick, arg, this.d())) ?? true;
  }
  join(tick: number, p: readonly MatchPresence[]) {
    return this.run("join", tick, p);
  }
  leave(tick: number, p: readonly MatchPresence[]) {
    return this.run("leave", tick, p);
  }
  loop(tick: number, m: readonly MatchMessage[]) {
    return this.run("loop", tick, m);
  }
  terminate(tick: number, grace: number) {
    return this.run("terminate", tick, grace);
  }
  async signal(_tick: number, data: string) {
    return data === "nil" ? { alive: false, data: "" } : { alive: true, data: `got ${data}` };
  }
  labelChanged(label: string) {
    this.labels.push(label);
  }
  async close() {
    this.closed = true;
  }
}

function setup(over: Partial<MatchSettings> = {}) {
  const rt = testCore();
  const untracked: string[] = [];
  const index: Array<{ label: string; size: number }> = [];
  let ended = 0;
  const env: MatchEnv = {
    id: "m.n1", handlerName: "h", settings: { ...settings, ...over }, log: silentLogger(),
    untrack: (sid) => void untracked.push(sid),
    untrackAll: () => undefined,
    indexChanged: (label, size) => void index.push({ label, size }),
    ended: () => void ended++,
  };
  const inst = new MatchInstance(env);
  const core = new ScriptedCore(() => inst.dispatch);
  inst.start(core, { tickRate: 2, label: "{}" });
  const user = (name: string) => testSession(rt, `0000000${name}-0000-4000-8000-000000000000`.slice(-36));
  return { inst, core, untracked, index, ended: () => ended, user };
}

function caller(h: SessionHandle): JoinCaller {
  return { presence: { userId: h.userId, sessionId: h.id, username: h.username, node: "n1", reason: 0 }, vars: {}, expiry: 0, lang: "", clientIp: "", clientPort: "" };
}

async function joinOf(inst: MatchInstance, h: SessionHandle): Promise<JoinAnswer> {
  let answer: JoinAnswer | undefined;
  await inst.joinAttempt(caller(h), h, {}, (a) => (answer = a));
  return answer as JoinAnswer;
}

function received(w: FakeWire): Array<Record<string, any>> {
  return w.envelopes();
}

function flush(h: SessionHandle): void {
  h.flush();
}

describe("match instance", () => {
  test("a tick drains the whole input queue into matchLoop; overflow is dropped", async () => {
    const { inst, core, user } = setup();
    const { h } = user("1");
    await joinOf(inst, h);
    for (let i = 0; i < 5; i++) inst.enqueue(h, 7, new Uint8Array([i]), true, 100 + i);
    await inst.loop();
    const loop = core.calls.find((c) => c.cb === "loop");
    const msgs = loop?.arg as MatchMessage[];
    assert.deepEqual(msgs.map((m) => m.data?.[0]), [0, 1, 2]);
    assert.equal(msgs[0].sender.sessionId, h.id);
    assert.equal(msgs[0].opCode, 7);
    assert.equal(inst.tick, 1);
    await inst.loop();
    assert.deepEqual(core.calls.filter((c) => c.cb === "loop").map((c) => (c.arg as MatchMessage[]).length), [3, 0]);
  });

  test("an accepted join answers first, then runs matchJoin; a rejected one does not", async () => {
    const { inst, core, user, index } = setup();
    const { h } = user("1");
    const a = await joinOf(inst, h);
    assert.deepEqual(a, { found: true, allow: true, reason: "", label: "{}" });
    assert.deepEqual(core.calls.map((c) => c.cb), ["joinAttempt", "join"]);
    assert.equal((core.calls[1].arg as MatchPresence[])[0].reason, 1);
    assert.equal(inst.size, 1);
    assert.equal(index.at(-1)?.size, 1);
    core.accept = false;
    assert.deepEqual(await joinOf(inst, user("2").h), { found: true, allow: false, reason: "no", label: "{}" });
    assert.equal(inst.size, 1);
  });

  test("an accepted join the tracker never confirms becomes a leave after the marker deadline", async () => {
    const { inst, core, user } = setup(); // 1000 ms at 2 ticks/s: 2 ticks
    const one = user("1").h;
    const two = user("2").h;
    await joinOf(inst, one);
    await joinOf(inst, two);
    await inst.presenceEvent([two.id], []);
    for (let i = 0; i < 3; i++) await inst.loop();
    const leaves = core.calls.filter((c) => c.cb === "leave").map((c) => (c.arg as MatchPresence[]).map((p) => p.sessionId));
    assert.deepEqual(leaves, [[one.id]]);
    assert.equal(inst.size, 1);
  });

  test("presence leaves call matchLeave with their reason", async () => {
    const { inst, core, user } = setup();
    const { h } = user("1");
    await joinOf(inst, h);
    await inst.presenceEvent([], [{ sessionId: h.id, reason: 4 }]);
    const leave = core.calls.find((c) => c.cb === "leave")?.arg as MatchPresence[];
    assert.equal(leave[0].reason, 4);
    assert.equal(inst.size, 0);
  });

  test("broadcasts: immediate, targeted (members only, [] = nobody), deferred until the callback returns", async () => {
    const { inst, core, user } = setup();
    const a = user("1");
    const b = user("2");
    await joinOf(inst, a.h);
    await joinOf(inst, b.h);
    let deferredSeenDuringCall = -1;
    core.on.loop = (_t, _m, d) => {
      d.broadcast(1, new Uint8Array([1]), null, { userId: a.h.userId, sessionId: a.h.id, username: "x" }, true, false);
      d.broadcast(2, null, [{ sessionId: b.h.id, node: "n1" }, { sessionId: "nope", node: "n1" }], null, false, false);
      d.broadcast(3, null, [], null, true, false);
      d.broadcast(4, null, null, null, true, true);
      flush(a.h);
      deferredSeenDuringCall = received(a.wire).filter((e) => e.match_data?.op_code === "4").length;
      return true;
    };
    await inst.loop();
    flush(a.h);
    flush(b.h);
    const ops = (w: FakeWire) => received(w).filter((e) => e.match_data).map((e) => e.match_data.op_code);
    assert.deepEqual(ops(a.wire), ["1", "4"]);
    assert.deepEqual(ops(b.wire), ["1", "2", "4"]);
    assert.equal(deferredSeenDuringCall, 0);
    const first = received(b.wire).find((e) => e.match_data?.op_code === "1")?.match_data;
    assert.equal(first.presence.session_id, a.h.id);
    assert.equal(first.match_id, "m.n1");
  });

  test("more deferred broadcasts than match.deferred_queue_size fail the callback (the match ends)", async () => {
    const { inst, core, user, ended } = setup();
    await joinOf(inst, user("1").h);
    core.on.loop = (_t, _m, d) => {
      for (let i = 0; i < 3; i++) d.broadcast(1, null, null, null, true, true);
      return true;
    };
    await inst.loop();
    assert.equal(inst.ended, true);
    assert.equal(ended(), 1);
    assert.equal(core.closed, true);
  });

  test("a kick: untracked, the kicked session is told, matchLeave runs after the callback", async () => {
    const { inst, core, user, untracked } = setup();
    const a = user("1");
    const b = user("2");
    await joinOf(inst, a.h);
    await joinOf(inst, b.h);
    core.on.loop = (_t, _m, d) => {
      d.kick([{ sessionId: b.h.id, node: "n1" }, { sessionId: a.h.id, node: "other-node" }]);
      return true;
    };
    await inst.loop();
    assert.deepEqual(untracked, [b.h.id]);
    flush(b.h);
    const told = received(b.wire).find((e) => e.match_presence_event)?.match_presence_event;
    assert.deepEqual(told.leaves.map((l: any) => l.session_id), [b.h.id]);
    const leave = core.calls.find((c) => c.cb === "leave")?.arg as MatchPresence[];
    assert.deepEqual(leave.map((p) => [p.sessionId, p.reason]), [[b.h.id, 3]]);
    assert.equal(inst.size, 1);
  });

  test("labels: 2048 bytes at most; an update reaches the index and the core", async () => {
    const { inst, core, index } = setup();
    assert.throws(() => inst.dispatch.updateLabel("x".repeat(2049)), /match label too long, must be 0-2048 bytes/);
    inst.dispatch.updateLabel('{"a":1}');
    assert.equal(inst.label, '{"a":1}');
    assert.deepEqual(core.labels, ['{"a":1}']);
    assert.equal(index.at(-1)?.label, '{"a":1}');
  });

  test("a nil state ends the match: every member gets one leave event naming them all", async () => {
    const { inst, core, user, ended } = setup();
    const a = user("1");
    const b = user("2");
    await joinOf(inst, a.h);
    await joinOf(inst, b.h);
    core.on.loop = () => false;
    await inst.loop();
    assert.equal(inst.ended, true);
    assert.equal(ended(), 1);
    for (const u of [a, b]) {
      flush(u.h);
      const e = received(u.wire).find((x) => x.match_presence_event)?.match_presence_event;
      assert.deepEqual(e.leaves.map((l: any) => l.session_id).sort(), [a.h.id, b.h.id].sort());
    }
    assert.throws(() => inst.dispatch.broadcast(1, null, null, null, true, false), /match stopped/);
    await inst.loop(); // no more calls after the end
    assert.equal(core.calls.filter((c) => c.cb === "loop").length, 1);
  });

  test("a handler error ends the match", async () => {
    const { inst, core } = setup();
    core.on.loop = () => {
      throw new Error("boom");
    };
    await inst.loop();
    assert.equal(inst.ended, true);
  });

  test("match.max_empty_sec: consecutive empty seconds of ticks end the match", async () => {
    const { inst, core, user } = setup({ maxEmptySec: 1 });
    await inst.loop();
    assert.equal(inst.ended, false);
    const { h } = user("1");
    await joinOf(inst, h);
    await inst.loop(); // not empty: the count starts again
    await inst.presenceEvent([], [{ sessionId: h.id, reason: 3 }]);
    await inst.loop();
    assert.equal(inst.ended, false);
    await inst.loop();
    assert.equal(inst.ended, true);
    assert.equal(core.calls.filter((c) => c.cb === "loop").length, 4);
  });

  test("terminate: no grace ends at once, a grace period lets the match run on", async () => {
    const one = setup();
    await one.inst.terminate(0);
    assert.equal(one.inst.ended, true);
    const two = setup();
    await two.inst.terminate(5);
    assert.equal(two.inst.ended, false);
    assert.deepEqual(two.core.calls.map((c) => [c.cb, c.arg]), [["terminate", 5]]);
  });

  test("signals answer with the handler's data; a nil state is 'match busy' and ends the match", async () => {
    const { inst } = setup();
    assert.equal(await inst.signal("x"), "got x");
    await assert.rejects(inst.signal("nil"), /match busy/);
    assert.equal(inst.ended, true);
  });
});
