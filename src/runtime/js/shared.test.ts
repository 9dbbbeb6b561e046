// Tests VMs sharing one wasm module (moduleGroupSize > 1, used by match VMs): they run independently,
// a VM suspended in an async host call delays its module-mates without breaking them, a new VM is not
// placed in a module that is busy, a runaway VM gets an out-of-memory error while its mates keep their
// state, and a wasm-level failure in one VM fails every VM of its module cleanly.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { Code, GameError } from "../../errors.js";
import type { EngineContext } from "./engine.js";
import { engineOnce, makeVm, type VmOverrides } from "./testkit.js";
import type { JsVm } from "./vm.js";

const engine = engineOnce();

/** The engine context behind a VM (test-only reach into the implementation). */
function ecOf(vm: JsVm): EngineContext {
  return (vm as unknown as { ec: EngineContext }).ec;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function isCode(code: Code, re?: RegExp) {
  return (e: unknown) => e instanceof GameError && e.code === code && (re === undefined || re.test(e.message));
}

const COUNTER = `
  var n = 0, name = "";
  function setName(s) { name = s; return name; }
  function bump() { n++; return name + ":" + n; }
  function wait(x) { return nk.wait(x) + ":" + name; }`;

async function group(size: number, count: number, source: string, over: VmOverrides = {}): Promise<JsVm[]> {
  const e = await engine();
  const vms: JsVm[] = [];
  for (let i = 0; i < count; i++) vms.push(await makeVm(e, source, { moduleGroupSize: size, readOnlyGlobals: false, ...over }));
  return vms;
}

describe("js shared modules", () => {
  for (const build of ["asyncify", "sync"] as const) {
    it(`puts up to the group size of VMs in one module, each with its own globals (${build})`, async () => {
      const [a, b, c] = await group(2, 3, COUNTER, { build });
      assert.equal(ecOf(a).module, ecOf(b).module);
      assert.notEqual(ecOf(a).module, ecOf(c).module);
      await a.callGlobal("setName", ["a"]);
      await b.callGlobal("setName", ["b"]);
      assert.equal(await a.callGlobal("bump", []), "a:1");
      assert.equal(await a.callGlobal("bump", []), "a:2");
      assert.equal(await b.callGlobal("bump", []), "b:1");
      assert.equal(await c.callGlobal("bump", []), ":1");
      for (const vm of [a, b, c]) await vm.dispose();
    });
  }

  it("serializes a module's calls while one of its VMs is suspended, without breaking either", async () => {
    const gates = [deferred<string>(), deferred<string>()];
    let next = 0;
    const nk = { wait: () => gates[next++].promise };
    const [a, b] = await group(2, 2, COUNTER, { globals: { nk } });
    assert.equal(ecOf(a).module, ecOf(b).module);
    await a.callGlobal("setName", ["a"]);
    const first = a.callGlobal("wait", ["x"]); // suspends in nk.wait
    let bDone = false;
    const second = b.callGlobal("wait", ["y"]).then((v) => ((bDone = true), v)); // would suspend too: waits
    const plain = b.callGlobal("bump", []);
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(next, 1, "b did not enter the module while a was suspended");
    assert.equal(bDone, false);
    gates[0].resolve("one");
    assert.equal(await first, "one:a");
    while (next < 2) await tick();
    gates[1].resolve("two");
    assert.equal(await second, "two:");
    assert.equal(await plain, ":1");
    assert.deepEqual(a.health(), { ok: true });
    assert.deepEqual(b.health(), { ok: true });
    await a.dispose();
    await b.dispose();
  });

  it("places a new VM outside a module that is busy (a suspended handler may create a match)", async () => {
    const gate = deferred<string>();
    const [a] = await group(4, 1, COUNTER, { globals: { nk: { wait: () => gate.promise } } });
    const pending = a.callGlobal("wait", ["x"]);
    const [b] = await group(4, 1, COUNTER);
    assert.notEqual(ecOf(a).module, ecOf(b).module);
    assert.equal(await b.callGlobal("bump", []), ":1");
    gate.resolve("done");
    assert.equal(await pending, "done:");
    await a.dispose();
    await b.dispose();
  });

  it("gives a runaway VM an out-of-memory error; its module-mates keep their state and keep working", async () => {
    const source = `
      var kept = [], data = [];
      function fill() { for (var i = 0; i < 1000; i++) data.push({ i: i, s: "v" + i }); return data.length; }
      function sum() { var t = 0; for (var i = 0; i < data.length; i++) t += data[i].i; return t; }
      function hogCaught() { var a = []; try { for (;;) a.push("x".repeat(1024) + a.length); } catch (e) { a = null; return e.name + ": " + e.message; } }
      function hogKept() { for (;;) kept.push("y".repeat(1024) + kept.length); }`;
    const [mate, runaway] = await group(2, 2, source, { memoryLimitBytes: 16 << 20 });
    assert.equal(ecOf(mate).module, ecOf(runaway).module);
    assert.equal(ecOf(mate).wasmLimitBytes, 32 << 20, "the module cap is the group size times the per-VM limit");
    assert.equal(await mate.callGlobal("fill", []), 1000);
    assert.equal(await runaway.callGlobal("hogCaught", []), "InternalError: out of memory");
    assert.equal(await mate.callGlobal("sum", []), 499500);
    await assert.rejects(runaway.callGlobal("hogKept", []), isCode(Code.RESOURCE_EXHAUSTED, /memory limit exceeded/));
    assert.equal(runaway.health().ok, false);
    await runaway.dispose(); // what a match does after that error: its memory goes back to the module
    assert.equal(await mate.callGlobal("sum", []), 499500);
    assert.equal(await mate.callGlobal("fill", []), 2000);
    assert.deepEqual(mate.health(), { ok: true });
    await mate.dispose();
  });

  it("fails every VM of a module after a wasm-level failure in one of them, and frees them", async () => {
    const [a, b] = await group(2, 2, COUNTER);
    assert.equal(ecOf(a).module, ecOf(b).module);
    assert.equal(await b.callGlobal("bump", []), ":1");
    // Corrupt a's context pointer: its next call traps in wasm (out-of-bounds access).
    (ecOf(a).low as unknown as { r: { ctxPtr: number } }).r.ctxPtr = 0x7ffffff0;
    await assert.rejects(a.callGlobal("bump", []), isCode(Code.UNAVAILABLE, /javascript vm is broken/));
    await assert.rejects(b.callGlobal("bump", []), isCode(Code.UNAVAILABLE, /javascript vm is broken/));
    assert.equal(a.health().ok, false);
    assert.equal(b.health().ok, false);
    await a.dispose();
    await b.dispose();
    // The broken module takes no new VM.
    const [c] = await group(2, 1, COUNTER);
    assert.notEqual(ecOf(c).module, ecOf(a).module);
    assert.equal(await c.callGlobal("bump", []), ":1");
    await c.dispose();
  });
});
