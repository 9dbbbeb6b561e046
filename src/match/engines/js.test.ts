// Tests of the JS match engine's dispatcher path against a recording MatchDispatch: broadcasts reach the
// host in call order whether they travel one by one or collected per callback (interleaved with kicks,
// label updates and nk calls), a bad sender fails at the call and can be caught, broadcasts made before
// a handler error are still sent, and messages (with their binary payloads) reach matchLoop intact.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { silentLogger } from "../../log.js";
import type { NkBinding, NkDeps } from "../../runtime/nk/types.js";
import type { MatchSettings } from "../settings.js";
import type { MatchCore, MatchDispatch, MatchMessage, MatchPresence, PresenceTarget, SenderPresence } from "../types.js";
import { MatchCoreFactory } from "./index.js";
import { jsBuildOf } from "./js-build.js";
import { jsNkTable } from "./js.js";

const settings: MatchSettings = {
  node: "n1", inputQueueSize: 8, callQueueSize: 8, signalQueueSize: 2, joinAttemptQueueSize: 2, deferredQueueSize: 2,
  joinMarkerDeadlineMs: 1000, maxEmptySec: 0, callWaitMs: 1000, shutdownGraceSec: 0, callTimeoutMs: 2000,
  jsMemoryLimitBytes: 16 << 20, jsReadOnlyGlobals: true, jsBuild: "asyncify", jsModuleGroupSize: 8,
};

const U1 = "00000000-0000-4000-8000-000000000001";
const S1 = "10000000-0000-4000-8000-000000000001";
const P1: MatchPresence = { userId: U1, sessionId: S1, username: "ann|x", node: "n1", reason: 0 };

/** Every dispatcher call, as one line each, in the order the host saw them. */
class Recorder implements MatchDispatch {
  readonly lines: string[] = [];
  broadcast(op: number, data: Uint8Array | null, to: readonly PresenceTarget[] | null, from: SenderPresence | null, reliable: boolean, deferred: boolean): void {
    const text = data === null ? "null" : `[${[...data].join(",")}]`;
    const who = from === null ? "-" : `${from.userId}/${from.sessionId}/${from.username}`;
    this.lines.push(`${deferred ? "deferred" : "broadcast"} ${op} ${text} ${to === null ? "all" : to.map((t) => t.sessionId).join("+")} ${who} ${reliable}`);
  }
  kick(targets: readonly PresenceTarget[]): void {
    this.lines.push(`kick ${targets.map((t) => t.sessionId).join("+")}`);
  }
  updateLabel(label: string): void {
    this.lines.push(`label ${label}`);
  }
}

/** A bundle registering match "m" whose matchLoop runs `body` (ctx, logger, nk, dispatcher, tick, state, messages in scope). */
function bundle(body: string): string {
  return `
var handler = {
  matchInit: function (ctx, logger, nk, params) { return { state: { n: 0 }, tickRate: 10, label: "" }; },
  matchJoinAttempt: function (ctx, logger, nk, dispatcher, tick, state) { return { state: state, accept: true }; },
  matchJoin: function (ctx, logger, nk, dispatcher, tick, state, presences) { return { state: state }; },
  matchLeave: function (ctx, logger, nk, dispatcher, tick, state, presences) { return { state: state }; },
  matchLoop: function (ctx, logger, nk, dispatcher, tick, state, messages) { ${body} },
  matchTerminate: function () { return null; },
  matchSignal: function (ctx, logger, nk, dispatcher, tick, state) { return { state: state }; },
};
function InitModule(ctx, logger, nk, initializer) { initializer.registerMatch("m", handler); }
`;
}

async function core(
  body: string, rec: Recorder, over: Partial<MatchSettings> = {}, more: NkBinding[] = [], whole?: string,
  shared?: { factory: MatchCoreFactory; source: { file: string; source: string } },
): Promise<MatchCore> {
  const log = silentLogger();
  // One nk function that records its call in the same list (to check order against broadcasts).
  const note: NkBinding = { js: "note", callJs: (_c, args) => void rec.lines.push(`nk ${String(args[0])}`), jsImmediate: true };
  const factory = shared?.factory ?? new MatchCoreFactory(log);
  const source = shared?.source ?? { file: "index.js", source: whole ?? bundle(body) };
  const c = await factory.create(
    { native: () => undefined, lua: new Map(), js: (n) => (n === "m" ? source : undefined) },
    {
      matchId: "mid", node: "n1", base: { env: {}, node: "n1", version: "t" }, handlerName: "m", dispatch: rec,
      nk: {} as NkDeps, bindings: [note, ...more], settings: { ...settings, ...over }, log,
    },
  );
  await c.init({});
  return c;
}

/** The payload of a recorded broadcast line, as text. */
function payloadText(line: string): string {
  return Buffer.from(JSON.parse(line.split(" ")[2]) as number[]).toString();
}

function msg(data: Uint8Array | null, opCode = 1): MatchMessage {
  return { sender: P1, opCode, data, reliable: true, receiveTimeMs: 1234 };
}

for (const jsBuild of ["asyncify", "sync"] as const) describe(`JS match engine: dispatcher (${jsBuild} build)`, () => {
  test("broadcasts keep call order around kicks, label updates, nk calls and generic broadcasts", async () => {
    const rec = new Recorder();
    const c = await core(`
      var s = messages[0].sender;
      dispatcher.broadcastMessage(1, "a");
      dispatcher.broadcastMessage(2, "b", null, s);
      dispatcher.broadcastMessage(3, "c", null, s, false);
      nk.note("x");
      dispatcher.broadcastMessage(4, messages[0].data);
      dispatcher.matchLabelUpdate("L");
      dispatcher.broadcastMessage(5, "e", [s]);
      dispatcher.broadcastMessage(6, "f", null, s);
      dispatcher.matchKick([s]);
      dispatcher.broadcastMessageDeferred(7, "g", null, s);
      dispatcher.broadcastMessage(8, null, null, s);
      dispatcher.broadcastMessage(70000, "z", null, s);
      return { state: state };`, rec, { jsBuild });
    assert.equal(await c.loop(0, [msg(new Uint8Array([0, 1, 255]))]), true);
    const who = `${U1}/${S1}/ann|x`;
    assert.deepEqual(rec.lines, [
      "broadcast 1 [97] all - true",
      `broadcast 2 [98] all ${who} true`,
      `broadcast 3 [99] all ${who} false`,
      "nk x",
      "broadcast 4 [0,1,255] all - true",
      "label L",
      `broadcast 5 [101] ${S1} - true`,
      `broadcast 6 [102] all ${who} true`,
      `kick ${S1}`,
      `deferred 7 [103] all ${who} true`,
      `broadcast 8 null all ${who} true`,
      `broadcast 70000 [122] all ${who} true`,
    ]);
    // The same again on a later tick (senders already checked: everything may travel collected).
    rec.lines.length = 0;
    assert.equal(await c.loop(1, [msg(new Uint8Array([9]))]), true);
    assert.equal(rec.lines.length, 12);
    assert.equal(rec.lines[3], "nk x");
    await c.close();
  });

  test("a bad sender or op code fails at the call (catchable); earlier broadcasts are still sent", async () => {
    const rec = new Recorder();
    const c = await core(`
      dispatcher.broadcastMessage(1, "ok");
      var errs = [];
      try { dispatcher.broadcastMessage(2, "x", null, { userId: "nope", sessionId: "${S1}", username: "u" }); } catch (e) { errs.push(e.message); }
      try { dispatcher.broadcastMessage(2.5, "x"); } catch (e) { errs.push(e.message); }
      dispatcher.broadcastMessage(3, errs.join(";"));
      return { state: state };`, rec, { jsBuild });
    assert.equal(await c.loop(0, []), true);
    assert.equal(rec.lines.length, 2);
    assert.equal(rec.lines[0], "broadcast 1 [111,107] all - true");
    const text = Buffer.from(JSON.parse(rec.lines[1].split(" ")[2]) as number[]).toString();
    assert.match(text, /^expects presence to contain valid userId;.*expects number/);
    await c.close();
  });

  test("broadcasts made before a handler error are sent, then the error surfaces", async () => {
    const rec = new Recorder();
    const c = await core(`
      dispatcher.broadcastMessage(1, "a");
      dispatcher.broadcastMessage(2, "b", null, messages[0].sender);
      dispatcher.broadcastMessage(3, "c", null, messages[0].sender);
      throw new Error("boom");`, rec, { jsBuild });
    await assert.rejects(c.loop(0, [msg(null)]), /boom/);
    assert.deepEqual(rec.lines.map((l) => l.split(" ").slice(0, 2).join(" ")), ["broadcast 1", "broadcast 2", "broadcast 3"]);
    await c.close();
  });

  test("broadcasts made before the time limit stops a handler are sent", async () => {
    const rec = new Recorder();
    const c = await core(`
      dispatcher.broadcastMessage(1, "a");
      for (;;) {}`, rec, { jsBuild, callTimeoutMs: 200 });
    await assert.rejects(c.loop(0, []), /execution time exceeded/);
    assert.deepEqual(rec.lines, ["broadcast 1 [97] all - true"]);
    await c.close();
  });

  test("messages reach matchLoop with sender, op code, data (ArrayBuffer or null), reliable and receive time", async () => {
    const rec = new Recorder();
    const c = await core(`
      dispatcher.broadcastMessage(0, JSON.stringify(messages.map(function (m) {
        return { s: m.sender, op: m.opCode, d: m.data === null ? null : Array.prototype.slice.call(new Uint8Array(m.data)),
          ab: m.data instanceof ArrayBuffer, r: m.reliable, t: m.receiveTimeMs };
      })));
      return { state: state };`, rec, { jsBuild });
    const big = new Uint8Array(300).map((_, i) => i % 256);
    await c.loop(0, [msg(new Uint8Array([0, 0, 7])), msg(null, 2), msg(new Uint8Array(0), 3), msg(big, 4)]);
    const text = Buffer.from(JSON.parse(rec.lines[0].split(" ")[2]) as number[]).toString();
    const got = JSON.parse(text) as Array<{ s: unknown; op: number; d: number[] | null; ab: boolean; r: boolean; t: number }>;
    const sender = { userId: U1, sessionId: S1, username: "ann|x", node: "n1" };
    assert.deepEqual(got, [
      { s: sender, op: 1, d: [0, 0, 7], ab: true, r: true, t: 1234 },
      { s: sender, op: 2, d: null, ab: false, r: true, t: 1234 },
      { s: sender, op: 3, d: [], ab: true, r: true, t: 1234 },
      { s: sender, op: 4, d: [...big], ab: true, r: true, t: 1234 },
    ]);
    await c.close();
  });

  test("relayed bytes arrive exact and in call order, small or large, many per call, changed before the call", async () => {
    const rec = new Recorder();
    const c = await core(`
      for (var i = 0; i < messages.length; i++) {
        var m = messages[i];
        dispatcher.broadcastMessage(m.opCode, m.data, null, m.sender);
        if (m.opCode === 2) { new Uint8Array(m.data)[0] = 42; dispatcher.broadcastMessage(20, m.data, null, m.sender, false); }
        dispatcher.broadcastMessage(30, "t" + i, null, m.sender);
      }
      for (var k = 0; k < 12; k++) dispatcher.broadcastMessage(40 + k, new Uint8Array(300).fill(k).buffer, null, messages[0].sender);
      dispatcher.broadcastMessage(60, new Uint8Array(3000).fill(255).buffer);
      dispatcher.broadcastMessage(61, new Uint8Array(5000).fill(0).buffer);
      dispatcher.broadcastMessage(62, new ArrayBuffer(0));
      return { state: state };`, rec, { jsBuild });
    const all = new Uint8Array(256).map((_, i) => i);
    const nuls = new Uint8Array(40);
    const check = async (tick: number, input: MatchMessage[]): Promise<void> => {
      rec.lines.length = 0;
      assert.equal(await c.loop(tick, input), true);
      const want: string[] = [];
      const who = `${U1}/${S1}/ann|x`;
      const bytes = (d: Uint8Array | null): string => (d === null ? "null" : `[${[...d].join(",")}]`);
      input.forEach((m, i) => {
        want.push(`broadcast ${m.opCode} ${bytes(m.data)} all ${who} true`);
        if (m.opCode === 2 && m.data !== null) want.push(`broadcast 20 ${bytes(Uint8Array.from(m.data, (b, j) => (j === 0 ? 42 : b)))} all ${who} false`);
        want.push(`broadcast 30 ${bytes(Buffer.from(`t${i}`))} all ${who} true`);
      });
      for (let k = 0; k < 12; k++) want.push(`broadcast ${40 + k} ${bytes(new Uint8Array(300).fill(k))} all ${who} true`);
      want.push(`broadcast 60 ${bytes(new Uint8Array(3000).fill(255))} all - true`);
      want.push(`broadcast 61 ${bytes(new Uint8Array(5000))} all - true`);
      want.push("broadcast 62 [] all - true");
      assert.deepEqual(rec.lines, want);
    };
    // Small input (fits the VM's io buffer), then input too big for it, then small again.
    await check(0, [msg(all, 1), msg(nuls, 2), msg(null, 3), msg(new Uint8Array(0), 4)]);
    await check(1, [msg(new Uint8Array(1500).fill(1), 1), msg(new Uint8Array(900).map((_, i) => 255 - (i % 256)), 2)]);
    await check(2, [msg(all, 2), msg(Uint8Array.from([0, 255, 0]), 5)]);
    await c.close();
  });

  test("more broadcasts per callback than one batch holds arrive exact and in call order, from every callback", async () => {
    const rec = new Recorder();
    const relay = `
      for (var i = 0; i < 300; i++) {
        var m = messages[i % messages.length];
        if (i % 3 === 0) dispatcher.broadcastMessage(i, m.data, null, m.sender, i % 2 === 0);
        else if (i % 3 === 1) dispatcher.broadcastMessage(i, "s" + i, null, m.sender);
        else dispatcher.broadcastMessage(i, new Uint8Array(i % 50).fill(i % 256).buffer, null, null, false);
      }`;
    const c = await core(`${relay} return { state: state };`, rec, { jsBuild });
    const who = `${U1}/${S1}/ann|x`;
    const bytes = (d: Uint8Array | null): string => (d === null ? "null" : `[${[...d].join(",")}]`);
    const input = [msg(Uint8Array.from([1, 0, 2]), 1), msg(new Uint8Array(40).fill(9), 2)];
    const want: string[] = [];
    for (let i = 0; i < 300; i++) {
      const m = input[i % input.length];
      if (i % 3 === 0) want.push(`broadcast ${i} ${bytes(m.data)} all ${who} ${i % 2 === 0}`);
      else if (i % 3 === 1) want.push(`broadcast ${i} ${bytes(Buffer.from(`s${i}`))} all ${who} true`);
      else want.push(`broadcast ${i} ${bytes(new Uint8Array(i % 50).fill(i % 256))} all - false`);
    }
    for (let tick = 0; tick < 3; tick++) {
      rec.lines.length = 0;
      assert.equal(await c.loop(tick, input), true);
      assert.deepEqual(rec.lines, want, `tick ${tick}`);
    }
    await c.close();
  });

  test("broadcasts from matchJoinAttempt, matchJoin, matchLeave and matchSignal are sent with each call's result", async () => {
    const rec = new Recorder();
    const c = await core("", rec, { jsBuild }, [], `
var send = function (d, tag, sender) { for (var i = 0; i < 3; i++) d.broadcastMessage(i, tag + i, null, sender); };
var handler = {
  matchInit: function (ctx, logger, nk, params) { return { state: {}, tickRate: 10, label: "" }; },
  matchJoinAttempt: function (ctx, logger, nk, d, tick, state, p) { send(d, "attempt", p); return { state: state, accept: true }; },
  matchJoin: function (ctx, logger, nk, d, tick, state, ps) { send(d, "join", ps[0]); return { state: state }; },
  matchLeave: function (ctx, logger, nk, d, tick, state, ps) { send(d, "leave", null); return { state: state }; },
  matchLoop: function (ctx, logger, nk, d, tick, state, messages) { return { state: state }; },
  matchTerminate: function () { return null; },
  matchSignal: function (ctx, logger, nk, d, tick, state, data) { send(d, "signal", null); return { state: state, data: "ok" }; },
};
function InitModule(ctx, logger, nk, initializer) { initializer.registerMatch("m", handler); }`);
    const lines = (): string[] => rec.lines.splice(0).map((l) => `${l.split(" ")[1]} ${Buffer.from(JSON.parse(l.split(" ")[2]) as number[]).toString()} ${l.split(" ")[4]}`);
    const a = `${U1}/${S1}/ann|x`;
    const caller = { presence: P1, vars: {}, expiry: 0, lang: "", clientIp: "", clientPort: "" };
    assert.equal((await c.joinAttempt(0, caller, {})).accept, true);
    assert.deepEqual(lines(), [`0 attempt0 ${a}`, `1 attempt1 ${a}`, `2 attempt2 ${a}`]);
    assert.equal(await c.join(0, [P1]), true);
    assert.deepEqual(lines(), [`0 join0 ${a}`, `1 join1 ${a}`, `2 join2 ${a}`]);
    assert.equal(await c.leave(1, [P1]), true);
    assert.deepEqual(lines(), ["0 leave0 -", "1 leave1 -", "2 leave2 -"]);
    assert.deepEqual(await c.signal(2, "x"), { alive: true, data: "ok" });
    assert.deepEqual(lines(), ["0 signal0 -", "1 signal1 -", "2 signal2 -"]);
    await c.close();
  });

  test("matchLoop gets the tick and the messages, idle or not, small or large input", async () => {
    const rec = new Recorder();
    const c = await core(`
      dispatcher.broadcastMessage(1, tick + ":" + messages.length + ":" + (typeof tick));
      return { state: state };`, rec, { jsBuild });
    await c.loop(0, []);
    await c.loop(7, [msg(null), msg(new Uint8Array(5))]);
    await c.loop(123456789, [msg(new Uint8Array(4000))]);
    await c.loop(2 ** 40, []);
    const text = rec.lines.map((l) => Buffer.from(JSON.parse(l.split(" ")[2]) as number[]).toString());
    assert.deepEqual(text, ["0:0:number", "7:2:number", "123456789:1:number", `${2 ** 40}:0:number`]);
    await c.close();
  });

  test("a relayed sender is the sender object as it is at the call: changed fields, repeats, other ticks, deferred", async () => {
    const rec = new Recorder();
    const U2 = "00000000-0000-4000-8000-000000000002";
    const c = await core(`
      if (state.kept === undefined) state.kept = messages[0].sender;
      for (var i = 0; i < messages.length; i++) {
        var m = messages[i];
        dispatcher.broadcastMessage(m.opCode, null, null, m.sender);
        dispatcher.broadcastMessage(m.opCode, null, null, m.sender);
        if (m.opCode === 2) { m.sender.username = "bob"; dispatcher.broadcastMessage(m.opCode, null, null, m.sender); }
        if (m.opCode === 3) { m.sender.userId = "${U2}"; dispatcher.broadcastMessage(m.opCode, null, null, m.sender); }
        if (m.opCode === 4) { m.sender.userId = "bad"; try { dispatcher.broadcastMessage(m.opCode, null, null, m.sender); } catch (e) {} }
      }
      dispatcher.broadcastMessage(9, null, null, state.kept);
      if (messages.length > 0) dispatcher.broadcastMessageDeferred(8, null, null, messages[messages.length - 1].sender);
      return { state: state };`, rec, { jsBuild });
    await c.loop(0, [msg(null, 1), msg(null, 2)]);
    await c.loop(1, [msg(null, 3), msg(null, 4), msg(null, 1)]);
    const who = (l: string): string => `${l.split(" ")[1]} ${l.split(" ")[4]}`;
    const a = `${U1}/${S1}/ann|x`;
    assert.deepEqual(rec.lines.filter((l) => !l.startsWith("deferred")).map(who), [
      `1 ${a}`, `1 ${a}`, `2 ${a}`, `2 ${a}`, `2 ${U1}/${S1}/bob`, `9 ${a}`,
      `3 ${a}`, `3 ${a}`, `3 ${U2}/${S1}/ann|x`, `4 ${a}`, `4 ${a}`, `1 ${a}`, `1 ${a}`, `9 ${a}`,
    ]);
    assert.deepEqual(rec.lines.filter((l) => l.startsWith("deferred")).map(who), [`8 ${U1}/${S1}/bob`, `8 ${a}`]);
    await c.close();
  });
});

describe("JS match engine: nk", () => {
  test("handlers see every JS binding; arguments, async results and errors cross as in any nk call", async () => {
    const rec = new Recorder();
    const more: NkBinding[] = [
      { js: "later", callJs: async (_c, args) => ({ got: args }) },
      { js: "fail", callJs: () => Promise.reject(Object.assign(new Error("nope"), { code: 5 })) },
      { lua: "lua_only", callLua: () => [] },
    ];
    const c = await core(`
      var keys = Object.keys(nk).sort().join(",");
      var r = nk.later(1, "two", { three: [3] }, undefined);
      var err = "";
      try { nk.fail(); } catch (e) { err = e.message; }
      nk.note("n");
      dispatcher.broadcastMessage(0, JSON.stringify({ keys: keys, r: r, err: err, none: typeof nk.call }));
      return { state: state };`, rec, {}, more);
    await c.loop(0, []);
    assert.equal(rec.lines[0], "nk n");
    const text = Buffer.from(JSON.parse(rec.lines[1].split(" ")[2]) as number[]).toString();
    assert.deepEqual(JSON.parse(text), { keys: "fail,later,note", r: { got: [1, "two", { three: [3] }, null] }, err: "nope", none: "undefined" });
    await c.close();
  });
});

describe("JS match engine: sync build (match.js_build sync)", () => {
  test("nk functions that answer at once work; one that waits is refused before it starts, with a catchable error", async () => {
    const rec = new Recorder();
    let started = 0;
    const more: NkBinding[] = [
      { js: "later", callJs: async (_c, args) => ((started++), { got: args }) },
      { js: "now", callJs: (_c, args) => ({ got: args }), jsImmediate: true },
    ];
    const c = await core(`
      var err = "", code = 0;
      try { nk.later(1); } catch (e) { err = e.message; code = e.code; }
      var r = nk.now(2);
      dispatcher.broadcastMessage(0, JSON.stringify({ err: err, code: code, r: r }));
      return { state: state };`, rec, { jsBuild: "sync" }, more);
    await c.loop(0, []);
    const out = JSON.parse(payloadText(rec.lines[0])) as { err: string; code: number; r: unknown };
    assert.equal(out.err, "nk.later waits for its result, which match VMs on the sync build cannot do (set match.js_build: asyncify)");
    assert.equal(out.code, 9); // FAILED_PRECONDITION
    assert.deepEqual(out.r, { got: [2] });
    assert.equal(started, 0);
    await c.close();
  });
});

describe("JS match engine: build choice (match.js_build auto)", () => {
  const later: NkBinding = { js: "later", callJs: async (_c, args) => ({ got: args }) };
  const refused = "nk.later waits for its result, which match VMs on the sync build cannot do (set match.js_build: asyncify)";
  // Calls nk.later through a name the bundle's text does not contain, and reports what happened.
  const probe = `
      var name = ["lat", "er"].join(""), out;
      try { out = nk[name](7); } catch (e) { out = e.message; }
      dispatcher.broadcastMessage(0, JSON.stringify(out));
      return { state: state };`;
  /** What the probe saw in the bundle's first and second match VMs (one factory, as in a server). */
  async function firstAndSecond(whole: string): Promise<unknown[]> {
    const shared = { factory: new MatchCoreFactory(silentLogger()), source: { file: "index.js", source: whole } };
    const seen: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const rec = new Recorder();
      const c = await core("", rec, { jsBuild: "auto" }, [later], whole, shared);
      await c.loop(0, []);
      seen.push(JSON.parse(payloadText(rec.lines[0])));
      await c.close();
    }
    return seen;
  }
  const withInit = (init: string, extra = ""): string => {
    const from = 'function InitModule(ctx, logger, nk, initializer) { initializer.registerMatch("m", handler); }';
    assert.ok(bundle(probe).includes(from));
    return bundle(probe).replace(from, `${extra}\nfunction InitModule(ctx, logger, nk, initializer) {\n  initializer.registerMatch("m", handler);\n${init}\n}`);
  };

  test("no waiting nk function named: the first match VM runs on asyncify, the next ones on sync", async () => {
    assert.deepEqual(await firstAndSecond(bundle(probe)), [{ got: [7] }, refused]);
  });

  test("waiting calls only in functions registered with the initializer (inline or by a name used nowhere else): sync", async () => {
    const init = `  initializer.registerRpc("a", function (ctx, logger, nk, payload) { return JSON.stringify(nk.later(1)); });
  initializer.registerRpc("b", rpcB);
  initializer.registerRpc("c", rpcC);
  initializer.registerRpc("d", (ctx, logger, nk, payload) => nk.later(4));`;
    const extra = `function rpcB(ctx, logger, nk, payload) { return nk.later(2); }
var rpcC = function (ctx, logger, nk, payload) { return nk.later(3); };`;
    assert.deepEqual(await firstAndSecond(withInit(init, extra)), [{ got: [7] }, refused]);
  });

  test("a registered function the match code can reach, or a waiting name anywhere else, keeps asyncify", async () => {
    const cases = [
      // The RPC function is also called from InitModule (a third mention of its name).
      withInit('  initializer.registerRpc("b", rpcB);\n  rpcB;', "function rpcB(ctx, logger, nk, payload) { return nk.later(2); }"),
      // Registered through a wrapper of the module's own: the wrapper may keep it.
      withInit('  wrap(function () { return nk.later(1); });', "function wrap(f) { return f; }"),
      // Named in match code (here, a comment in the handler file).
      `${bundle(probe)}\n// nk.later is used elsewhere\n`,
    ];
    for (const whole of cases) assert.deepEqual(await firstAndSecond(whole), [{ got: [7] }, { got: [7] }], whole);
  });

  test("only whole words count", () => {
    const table = jsNkTable([later, { js: "now", callJs: () => 1, jsImmediate: true }]);
    const build = (text: string): string => jsBuildOf(text, table.waiting, "auto").build;
    assert.equal(build("nk.now(1); var laterals = 2; var x_later = 1; $later();"), "sync");
    for (const text of ["nk.later(1)", 'nk["later"](1)', "var { later } = nk;", "// calls later\n"]) assert.equal(build(text), "asyncify", text);
    // matchSignal is also a handler's name: only a property read (after a dot, or quoted) counts.
    const signal = jsNkTable([{ js: "matchSignal", callJs: async () => "" }]);
    const withSignal = (text: string): string => jsBuildOf(text, signal.waiting, "auto").build;
    for (const text of ["var h = { matchSignal: function () {} };", "function matchSignal(ctx) {}\nvar h = { matchInit, matchSignal };"]) {
      assert.equal(withSignal(text), "sync", text);
    }
    for (const text of ["nk.matchSignal(id, d)", "nk . matchSignal(id)", 'nk["matchSignal"](id)', "var s = nk.matchSignal;"]) {
      assert.equal(withSignal(text), "asyncify", text);
    }
    assert.deepEqual(jsBuildOf("nk.later()", table.waiting, "sync"), { build: "sync", reason: "match.js_build" });
    assert.deepEqual(jsBuildOf("nk.later()", table.waiting, "auto"), { build: "asyncify", reason: "later" });
  });
});
