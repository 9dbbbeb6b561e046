// Tests the per-call time limit and the per-VM memory limit: an infinite loop fails its call with
// DEADLINE_EXCEEDED and the VM keeps serving; an exhausted heap is catchable in the guest, and when it
// escapes, the call fails RESOURCE_EXHAUSTED and the VM asks to be replaced.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import { engineOnce, later, makeVm } from "./testkit.js";

const engine = engineOnce();

function isCode(code: Code, re?: RegExp) {
  return (e: unknown) => e instanceof GameError && e.code === code && (re === undefined || re.test(e.message));
}

const LOOPS = `
function spin() { for (;;) {} }
function spinCaught() { try { for (;;) {} } catch (e) { return "caught"; } }
async function spinAsync() { await null; while (true) {} }
function promiseFlood() { function again() { return Promise.resolve().then(again); } again(); return "returned"; }
function ok() { return "still here"; }`;

describe("js limits: time", () => {
  for (const build of ["asyncify", "sync"] as const) {
    it(`stops an infinite loop with DEADLINE_EXCEEDED and stays usable (${build})`, async () => {
      const vm = await makeVm(await engine(), LOOPS, { callTimeoutMs: 50, build });
      await assert.rejects(vm.callGlobal("spin", []), isCode(Code.DEADLINE_EXCEEDED, /execution time exceeded \(limit 50 ms\)/));
      assert.equal(await vm.callGlobal("ok", []), "still here");
      assert.equal(vm.stats().timeouts, 1);
      assert.deepEqual(vm.health(), { ok: true });
      await vm.dispose();
    });
  }

  it("cannot be caught by the guest", async () => {
    const vm = await makeVm(await engine(), LOOPS, { callTimeoutMs: 50 });
    await assert.rejects(vm.callGlobal("spinCaught", []), isCode(Code.DEADLINE_EXCEEDED));
    await vm.dispose();
  });

  it("covers loops inside async functions and endless promise chains", async () => {
    const vm = await makeVm(await engine(), LOOPS, { callTimeoutMs: 50 });
    await assert.rejects(vm.callGlobal("spinAsync", []), isCode(Code.DEADLINE_EXCEEDED));
    await assert.rejects(vm.callGlobal("promiseFlood", []), isCode(Code.DEADLINE_EXCEEDED));
    assert.equal(await vm.callGlobal("ok", []), "still here");
    await vm.dispose();
  });

  it("covers time spent awaiting a host function, even if the guest catches", async () => {
    const vm = await makeVm(await engine(), `
      function slow() { try { return nk.slow(); } catch (e) { return "swallowed"; } }
      function ok() { return "still here"; }`, {
      callTimeoutMs: 40,
      globals: { nk: { slow: () => later(5_000, "too late") } },
    });
    const t0 = performance.now();
    await assert.rejects(vm.callGlobal("slow", []), isCode(Code.DEADLINE_EXCEEDED));
    assert.ok(performance.now() - t0 < 4_000, "the call did not wait for the host promise");
    assert.equal(await vm.callGlobal("ok", []), "still here");
    await vm.dispose();
  });

  it("accepts a per-call timeout", async () => {
    const vm = await makeVm(await engine(), LOOPS, { callTimeoutMs: 10_000 });
    await assert.rejects(vm.callGlobal("spin", [], { timeoutMs: 30 }), isCode(Code.DEADLINE_EXCEEDED, /limit 30 ms/));
    await vm.dispose();
  });

  it("limits bundle evaluation too", async () => {
    await assert.rejects(makeVm(await engine(), "while (true) {}", { loadTimeoutMs: 50 }), isCode(Code.DEADLINE_EXCEEDED));
  });
});

describe("js limits: memory", () => {
  const HOG = `
    var kept = [];
    function hogCaught() { var a = []; try { for (;;) a.push("x".repeat(1024) + a.length); } catch (e) { a = null; return e.name + ": " + e.message; } }
    function hogKept() { for (;;) kept.push("y".repeat(1024) + kept.length); }
    function small() { return [1, 2, 3].map(function (x) { return x * 2; }); }`;

  it("gives the guest a catchable out-of-memory error and stays healthy", async () => {
    const vm = await makeVm(await engine(), HOG, { memoryLimitBytes: 16 << 20, readOnlyGlobals: false });
    assert.equal(await vm.callGlobal("hogCaught", []), "InternalError: out of memory");
    assert.deepEqual(await vm.callGlobal("small", []), [2, 4, 6]);
    assert.deepEqual(vm.health(), { ok: true });
    await vm.dispose();
  });

  it("fails an uncaught out-of-memory with RESOURCE_EXHAUSTED and flags the VM for replacement", async () => {
    const vm = await makeVm(await engine(), HOG, { memoryLimitBytes: 16 << 20, readOnlyGlobals: false });
    await assert.rejects(vm.callGlobal("hogKept", []), isCode(Code.RESOURCE_EXHAUSTED, /memory limit exceeded \(limit 16777216 bytes\)/));
    assert.deepEqual(vm.health(), { ok: false, reason: "memory limit exceeded" });
    // Kept alive for in-flight work: a call that needs no memory still answers.
    const r = await vm.callGlobal("small", []).catch((e: unknown) => e);
    assert.ok(Array.isArray(r) || (r instanceof GameError && r.code === Code.RESOURCE_EXHAUSTED));
    await vm.dispose();
  });

  it("stops a bundle that exhausts memory while loading", async () => {
    await assert.rejects(
      makeVm(await engine(), "var a = []; for (;;) a.push(new Array(1000).fill(1));", { memoryLimitBytes: 16 << 20 }),
      isCode(Code.RESOURCE_EXHAUSTED),
    );
  });
});
