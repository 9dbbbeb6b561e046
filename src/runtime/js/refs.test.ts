// Tests function and value references: any function can be registered and called later (loops, dicts,
// inline arrows, handler objects, class methods with `this`), ref ownership rules, values kept in the VM
// (match state with functions), and that nothing leaks (200 VMs created and disposed).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import { isJsRef } from "./refs.js";
import type { JsRef } from "./refs.js";
import { engineOnce, makeVm } from "./testkit.js";

const engine = engineOnce();

/** An initializer like the framework's: collects every registered function by id. */
function collector() {
  const rpcs = new Map<string, JsRef>();
  const matches = new Map<string, Record<string, unknown>>();
  const initializer = {
    registerRpc: ([id, fn]: unknown[]) => {
      assert.ok(isJsRef(fn) && fn.kind === "function");
      rpcs.set(String(id), fn.keep());
    },
    registerMatch: ([name, handlers]: unknown[]) => {
      const h = handlers as Record<string, unknown>;
      for (const v of Object.values(h)) if (isJsRef(v)) v.keep();
      matches.set(String(name), h);
    },
  };
  return { rpcs, matches, initializer };
}

const BUNDLE = `
const table = { dict_a: (ctx, l, nk, p) => "a:" + p, dict_b: function (ctx, l, nk, p) { return "b:" + p; } };
const outside = { matchInit: function () { return { state: { n: 0 }, tickRate: 10, label: "outside" }; },
                  matchLoop: function (ctx, l, nk, d, tick, state) { state.n++; return { state: state }; } };
class Handler {
  constructor() { this.prefix = "cls"; }
  matchInit() { return { state: { who: this.prefix, fns: { twice: (x) => x * 2 } }, tickRate: 5, label: this.prefix }; }
  matchLoop(ctx, l, nk, d, tick, state) { return { state: { who: state.who, n: (state.n || 0) + state.fns.twice(tick), fns: state.fns } }; }
}
function InitModule(ctx, logger, nk, initializer) {
  for (let i = 0; i < 3; i++) initializer.registerRpc("loop_" + i, (c, l, n, p) => "loop" + i + ":" + p);
  for (const id of Object.keys(table)) initializer.registerRpc(id, table[id]);
  initializer.registerRpc("inline", function (c, l, n, p) { return "inline:" + p; });
  initializer.registerRpc("method", { greet() { return "method:" + this.tag; }, tag: "t" }.greet);
  const obj = { tag: "bound", greet() { return "this:" + this.tag; } };
  initializer.registerMatch("outside", outside);
  initializer.registerMatch("class", new Handler());
  initializer.registerMatch("literal", obj);
}`;

describe("js refs: any function can be registered", () => {
  it("registers functions from loops, dicts, inline, handler objects and class instances", async () => {
    const vm = await makeVm(await engine(), BUNDLE);
    const { rpcs, matches, initializer } = collector();
    await vm.callGlobal("InitModule", [{}, {}, {}, initializer]);
    assert.deepEqual([...rpcs.keys()].sort(), ["dict_a", "dict_b", "inline", "loop_0", "loop_1", "loop_2", "method"]);
    assert.equal(await vm.call(rpcs.get("loop_2")!, [{}, {}, {}, "p"]), "loop2:p");
    assert.equal(await vm.call(rpcs.get("dict_b")!, [{}, {}, {}, "p"]), "b:p");
    assert.equal(await vm.call(rpcs.get("inline")!, [{}, {}, {}, "p"]), "inline:p");
    // A bare function taken off an object has no `this` of its own (sloppy mode: globalThis), as in JS.
    assert.equal(await vm.call(rpcs.get("method")!, []), "method:undefined");
    // Functions reached through an object keep that object as `this`.
    const literal = matches.get("literal")!;
    assert.equal(await vm.call(literal.greet as JsRef, []), "this:bound");
    assert.equal(vm.stats().refs, 7 + 2 + 2 + 1);
    await vm.dispose();
  });

  it("keeps match state (with functions inside) in the VM across calls via refKeys", async () => {
    const vm = await makeVm(await engine(), BUNDLE);
    const { matches, initializer } = collector();
    await vm.callGlobal("InitModule", [{}, {}, {}, initializer]);
    const cls = matches.get("class")!;
    const init = (await vm.call(cls.matchInit as JsRef, [{}, {}, {}, {}], { refKeys: ["state"] })) as Record<string, unknown>;
    assert.equal(init.tickRate, 5);
    assert.equal(init.label, "cls");
    let state = init.state as JsRef;
    assert.ok(isJsRef(state) && state.kind === "value");
    for (let tick = 1; tick <= 3; tick++) {
      const r = (await vm.call(cls.matchLoop as JsRef, [{}, {}, {}, {}, tick, state, []], { refKeys: ["state"] })) as { state: JsRef };
      state.release();
      state = r.state;
    }
    const seen = (await vm.read(state)) as { who: string; n: number; fns: { twice: JsRef } };
    assert.equal(seen.who, "cls");
    assert.equal(seen.n, 12);
    assert.ok(isJsRef(seen.fns.twice));
    assert.equal(await vm.call(seen.fns.twice, [21]), 42);
    seen.fns.twice.release();
    state.release();
    await vm.dispose();
  });

  it("returns a whole result as a ref with result: 'ref'", async () => {
    const vm = await makeVm(await engine(), "function make() { return { hits: 0, hit() { return ++this.hits; } }; }");
    const obj = (await vm.callGlobal("make", [], { result: "ref" })) as JsRef;
    assert.equal(obj.kind, "value");
    const copy = (await vm.read(obj)) as { hits: number; hit: JsRef };
    assert.equal(await vm.call(copy.hit, []), 1);
    assert.equal(await vm.call(copy.hit, []), 2);
    assert.deepEqual(((await vm.read(obj)) as { hits: number }).hits, 2);
    await vm.dispose();
  });
});

describe("js refs: ownership", () => {
  it("releases refs borrowed by a host function unless it keeps them", async () => {
    let borrowed: JsRef | undefined;
    let kept: JsRef | undefined;
    const vm = await makeVm(await engine(), "function run() { h.take(() => 1); h.keep(() => 2); }", {
      globals: { h: { take: ([f]) => void (borrowed = f as JsRef), keep: ([f]) => void (kept = (f as JsRef).keep()) } },
    });
    await vm.callGlobal("run", []);
    assert.equal(borrowed!.alive, false);
    assert.equal(kept!.alive, true);
    await assert.rejects(vm.call(borrowed!, []), (e: unknown) => e instanceof GameError && e.code === Code.FAILED_PRECONDITION);
    assert.equal(await vm.call(kept!, []), 2);
    kept!.release();
    assert.equal(kept!.alive, false);
    assert.equal(vm.stats().refs, 0);
    await vm.dispose();
  });

  it("lets a host function hand a borrowed ref straight back", async () => {
    const vm = await makeVm(await engine(), "function run() { var f = h.same(function () { return 7; }); return f(); }", {
      globals: { h: { same: ([f]) => f } },
    });
    assert.equal(await vm.callGlobal("run", []), 7);
    assert.equal(vm.stats().refs, 0);
    await vm.dispose();
  });

  it("refuses a ref from another VM", async () => {
    const a = await makeVm(await engine(), "function f() { return function () { return 1; }; }");
    const b = await makeVm(await engine(), "function g(x) { return typeof x; }");
    const fn = (await a.callGlobal("f", [])) as JsRef;
    await assert.rejects(b.call(fn, []), (e: unknown) => e instanceof GameError && /another VM/.test(e.message));
    await assert.rejects(b.callGlobal("g", [fn]), (e: unknown) => e instanceof GameError && e.code === Code.FAILED_PRECONDITION);
    await a.dispose();
    assert.equal(fn.alive, false);
    await b.dispose();
  });

  it("keeps a reused host object built once with makeRef", async () => {
    const sent: unknown[] = [];
    const vm = await makeVm(await engine(), "function loop(d, tick) { d.broadcastMessage(1, 'tick' + tick); }");
    const dispatcher = await vm.makeRef({ broadcastMessage: (args: unknown[]) => void sent.push(args) });
    for (let t = 0; t < 3; t++) await vm.callGlobal("loop", [dispatcher, t]);
    assert.deepEqual(sent, [[1, "tick0"], [1, "tick1"], [1, "tick2"]]);
    await vm.dispose();
  });

  it("deep-freezes a value built with makeRef(value, { frozen: true }), even if the bundle replaced Object.freeze", async () => {
    const src = `
      Object.freeze = function (o) { return o; };
      function write(o) {
        o.top = "changed"; o.nested.inner = "changed"; o.list.push("x"); o.list[0] = "changed"; o.added = 1;
        return JSON.stringify(o);
      }
      function strictWrite(o) { "use strict"; try { o.nested.inner = "changed"; return "writable"; } catch (e) { return e.name; } }
      function frozen(o) { return [Object.isFrozen(o), Object.isFrozen(o.nested), Object.isFrozen(o.list)]; }`;
    const vm = await makeVm(await engine(), src);
    const value = { top: "t", nested: { inner: "i" }, list: ["a", "b"], n: 1 };
    const ref = await vm.makeRef(value, { frozen: true });
    assert.deepEqual(await vm.callGlobal("frozen", [ref]), [true, true, true]);
    await assert.rejects(vm.callGlobal("write", [ref]), (err: unknown) => err instanceof GameError);
    assert.equal(await vm.callGlobal("strictWrite", [ref]), "TypeError");
    assert.deepEqual(await vm.read(ref), value);
    const plain = await vm.makeRef({ a: { b: 1 } });
    assert.deepEqual(await vm.callGlobal("frozen", [plain]), [false, true, true]); // no nested/list: isFrozen(undefined)
    ref.release();
    plain.release();
    await vm.dispose();
  });

  it("expires host functions passed as call arguments when the call ends", async () => {
    const vm = await makeVm(await engine(), `
      var kept = [];
      function stash(d) { kept.push(d.send); return d.send("now"); }
      function useLater() { try { kept[0]("later"); return "called"; } catch (e) { return [e.code, e.message]; } }`, { readOnlyGlobals: false });
    assert.equal(await vm.callGlobal("stash", [{ send: ([m]: unknown[]) => `sent ${String(m)}` }]), "sent now");
    const later = (await vm.callGlobal("useLater", [])) as [number, string];
    assert.equal(later[0], Code.FAILED_PRECONDITION);
    assert.match(later[1], /no longer available/);
    assert.equal(vm.stats().hostFunctions, 5);
    await vm.dispose();
  });
});

describe("js refs: no leaks", () => {
  for (const [build, count] of [["asyncify", 200], ["sync", 50]] as const) {
    it(`creates and disposes ${count} VMs holding unreleased refs without a leak assertion (${build})`, async () => {
      const eng = await engine();
      for (let i = 0; i < count; i++) {
        const { initializer } = collector();
        const vm = await makeVm(eng, BUNDLE, { build });
        await vm.callGlobal("InitModule", [{}, {}, {}, initializer]);
        await vm.dispose();
      }
    });
  }
});
