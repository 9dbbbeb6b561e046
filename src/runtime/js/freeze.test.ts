// Tests js_read_only_globals: after InitModule returns, globals cannot be added, reassigned or mutated
// through (deep freeze of the bundle's own global values), while intrinsics stay unfrozen and top-level
// let/const bindings stay mutable (documented limits).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { engineOnce, makeVm } from "./testkit.js";

const engine = engineOnce();

const BUNDLE = `
var counter = 0;
var cache = { hits: 0, nested: { list: [1] } };
function helper() { return 1; }
let lexical = 0;
function InitModule() { counter = 1; cache.hits = 1; globalThis.addedDuringInit = true; }
function sloppy() {
  counter++; cache.hits++; cache.fresh = 1; helper.extra = 1; lexical++;
  var push = "ok";
  try { cache.nested.list.push(2); } catch (e) { push = e.name; }
  try { undeclared = 5; } catch (e) {}
  return { counter: counter, hits: cache.hits, list: cache.nested.list.length, push: push, fresh: cache.fresh,
           extra: helper.extra, lexical: lexical, undeclared: typeof undeclared, added: typeof addedDuringInit };
}
function strict() {
  "use strict";
  var errors = [];
  try { counter = 99; } catch (e) { errors.push(e.name); }
  try { cache.hits = 99; } catch (e) { errors.push(e.name); }
  try { globalThis.brandNew = 1; } catch (e) { errors.push(e.name); }
  return errors;
}
function intrinsicsStillWork() {
  var e = new Error("x"); e.name = "CustomError";
  Array.prototype.troupeTest = 1;
  var ok = [].troupeTest === 1;
  delete Array.prototype.troupeTest;
  return [e.name, ok, JSON.stringify({ a: [1, 2] }), [3, 1, 2].sort().join(",")];
}`;

describe("js read-only globals", () => {
  it("leaves globals writable until InitModule returns", async () => {
    const vm = await makeVm(await engine(), BUNDLE);
    const before = (await vm.callGlobal("sloppy", [])) as Record<string, unknown>;
    assert.equal(before.counter, 1);
    assert.equal(vm.stats().frozen, false);
    await vm.dispose();
  });

  it("freezes the global object and the bundle's global values after InitModule (sloppy writes are ignored)", async () => {
    const vm = await makeVm(await engine(), BUNDLE);
    await vm.callGlobal("InitModule", []);
    assert.equal(vm.stats().frozen, true);
    // Built-in methods that mutate (push) throw even in sloppy mode once the array is frozen; ignored
    // writes leave fresh/extra undefined (absent after conversion).
    assert.deepEqual(await vm.callGlobal("sloppy", []), {
      counter: 1, hits: 1, list: 1, push: "TypeError", lexical: 1, undeclared: "undefined", added: "boolean",
    });
    // A second call sees the same state: nothing leaked from the first one except the let binding.
    const again = (await vm.callGlobal("sloppy", [])) as Record<string, unknown>;
    assert.deepEqual([again.counter, again.hits, again.lexical], [1, 1, 2]);
    await vm.dispose();
  });

  it("makes strict-mode writes throw TypeError", async () => {
    const vm = await makeVm(await engine(), BUNDLE);
    await vm.callGlobal("InitModule", []);
    assert.deepEqual(await vm.callGlobal("strict", []), ["TypeError", "TypeError", "TypeError"]);
    await vm.dispose();
  });

  it("does not freeze intrinsics (custom error names and prototype extensions still work)", async () => {
    const vm = await makeVm(await engine(), BUNDLE);
    await vm.callGlobal("InitModule", []);
    assert.deepEqual(await vm.callGlobal("intrinsicsStillWork", []), ["CustomError", true, '{"a":[1,2]}', "1,2,3"]);
    await vm.dispose();
  });

  it("can be turned off (readOnlyGlobals: false)", async () => {
    const vm = await makeVm(await engine(), BUNDLE, { readOnlyGlobals: false });
    await vm.callGlobal("InitModule", []);
    const r = (await vm.callGlobal("sloppy", [])) as Record<string, unknown>;
    assert.deepEqual([r.counter, r.hits, r.fresh, r.undeclared, r.list], [2, 2, 1, "number", 2]);
    assert.equal(vm.stats().frozen, false);
    await vm.dispose();
  });

  it("freezes after the configured init function", async () => {
    const vm = await makeVm(await engine(), `var n = 0; function setup() { n = 5; } function bump() { n++; return n; }`, { initFunction: "setup" });
    await vm.callGlobal("setup", []);
    assert.equal(await vm.callGlobal("bump", []), 5);
    await vm.dispose();
  });
});
