// Tests value conversion between Lua and JS with Nakama's table rules, raw bytes, host objects
// (tables of callables) and the failure cases (cycles, foreign refs).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LuaRef, luaMulti, withRawStrings } from "./types.js";
import { testVm } from "./test-support.js";
import type { TestVm } from "./test-support.js";

let t: TestVm;
let seen: unknown[] = [];
let rawSeen: unknown[] = [];
before(async () => {
  t = await testVm({
    host: {
      echo: (args) => luaMulti(...args),
      capture: (args) => {
        seen = args;
      },
      raw: withRawStrings((args) => {
        rawSeen = args;
      }),
    },
  });
});
after(() => t.vm.close());

async function fromLua(expr: string): Promise<unknown> {
  const [v] = await t.run(`return ${expr}`);
  return v;
}

describe("Lua → JS", () => {
  it("scalars", async () => {
    assert.deepEqual(await t.run('return nil, true, false, 42, 0.5, "héllo"'), [null, true, false, 42, 0.5, "héllo"]);
  });
  it("a table with an array part is an array over 1..maxN; hash keys are dropped", async () => {
    assert.deepEqual(await fromLua('{ "a", "b", nil, "d", name = "dropped" }'), ["a", "b", null, "d"]);
    assert.deepEqual(await fromLua("(function() local t = {} t[3] = 'x' return t end)()"), [null, null, "x"]);
  });
  it("other tables are objects with stringified keys; the empty table is {}", async () => {
    assert.deepEqual(await fromLua("{}"), {});
    assert.deepEqual(await fromLua('{ name = "n", [true] = 1, [0] = "zero", [-1] = "neg", [1.5] = "f" }'), { name: "n", true: 1, "0": "zero", "-1": "neg", "1.5": "f" });
  });
  it("nested tables and integral floats", async () => {
    assert.deepEqual(await fromLua('{ user = { id = "u", scores = { 10/2, 2^40 } }, list = {} }'), { user: { id: "u", scores: [5, 2 ** 40] }, list: {} });
  });
  it("functions are refs at the top level and text inside tables", async () => {
    const [fn, tbl] = await t.run("return print, { cb = print }");
    assert.ok(fn instanceof LuaRef);
    assert.equal((fn).kind, "function");
    assert.match((tbl as { cb: string }).cb, /^function: 0x[0-9a-f]+$/);
  });
  it("invalid UTF-8 decodes with U+FFFD; raw strings keep bytes", async () => {
    assert.equal(await fromLua('"a\\255b"'), "a\uFFFDb");
    const [bytes] = await t.vm.call((await t.run('return function() return "a\\255b" end'))[0] as LuaRef, [], { rawStrings: true });
    assert.deepEqual(bytes, new Uint8Array([0x61, 0xff, 0x62]));
  });
  it("host functions marked withRawStrings get Uint8Array arguments", async () => {
    await t.run('require("nakama").raw("\\0\\1\\255", 7, { s = "nested" })');
    assert.deepEqual(rawSeen, [new Uint8Array([0, 1, 255]), 7, { s: "nested" }]);
  });
  it("rejects tables that contain themselves", async () => {
    await assert.rejects(t.run('local t = {} t.self = t require("nakama").capture(t)'), /nakama\.capture: cannot convert a table that contains itself/);
    assert.deepEqual(await t.run('local s = {1} require("nakama").capture({ a = s, b = s }) return "shared ok"'), ["shared ok"]);
    assert.deepEqual(seen, [{ a: [1], b: [1] }]);
  });
  it("refuses to expand absurdly sparse tables", async () => {
    await assert.rejects(t.run('require("nakama").capture({ [50000000] = 1 })'), /too large to convert/);
  });
});

describe("JS → Lua", () => {
  it("round-trips plain data", async () => {
    const [fn] = await t.run("return function(...) return ... end");
    const value = { s: "x", n: 1.5, i: 3, b: true, list: [1, "two", { three: 3 }], nested: { deep: { deeper: [] } } };
    const [back] = await t.vm.call(fn as LuaRef, [value]);
    assert.deepEqual(back, { s: "x", n: 1.5, i: 3, b: true, list: [1, "two", { three: 3 }], nested: { deep: { deeper: {} } } });
  });
  it("arrays become 1-based tables, null/undefined become nil holes", async () => {
    const [fn] = await t.run("return function(a) return #a, a[1], a[2], a[3], type(a) end");
    assert.deepEqual(await t.vm.call(fn as LuaRef, [["x", null, "z"]]), [3, "x", null, "z", "table"]);
  });
  it("Uint8Array becomes a byte string; bigint a number; Map a table", async () => {
    const [fn] = await t.run("return function(b, n, m) return #b, b:byte(3), n, m.k, m[1] end");
    assert.deepEqual(await t.vm.call(fn as LuaRef, [new Uint8Array([1, 2, 255]), 10n, new Map<unknown, unknown>([["k", "v"], [1, "one"]])]), [3, 255, 10, "v", "one"]);
  });
  it("large numbers and integers", async () => {
    const [fn] = await t.run("return function(a, b, c) return tostring(a), tostring(b), tostring(c), a + 1 end");
    assert.deepEqual(await t.vm.call(fn as LuaRef, [1700000000000, 2 ** 31, -0.5]), ["1700000000000", "2147483648", "-0.5", 1700000000001]);
  });
  it("objects of functions become tables of callables (ctx/dispatcher style)", async () => {
    const calls: unknown[][] = [];
    const dispatcher = {
      broadcast_message: (args: unknown[]) => {
        calls.push(args);
      },
      label: "L",
    };
    const [fn] = await t.run("return function(d) d.broadcast_message(1, 'data', nil) return d.label, type(d.broadcast_message) end");
    assert.deepEqual(await t.vm.call(fn as LuaRef, [dispatcher]), ["L", "function"]);
    assert.deepEqual(calls, [[1, "data", null]]);
  });
  it("host functions may return several values and nested data", async () => {
    assert.deepEqual(await t.run('local a, b, c = require("nakama").echo(1, "x", { y = 2 }) return a, b, c.y'), [1, "x", 2]);
  });
  it("rejects cyclic JS values and refs of another VM", async () => {
    const [fn] = await t.run("return function(x) return x end");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await assert.rejects(t.vm.call(fn as LuaRef, [cyclic]), /contains itself/);
    const other = await testVm();
    const [foreign] = await other.run("return function() end");
    await assert.rejects(t.vm.call(fn as LuaRef, [foreign]), /another Lua VM/);
    await assert.rejects(other.vm.call(fn as LuaRef, []), /another Lua VM/);
    other.vm.close();
  });
});
