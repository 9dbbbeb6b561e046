// Tests values kept inside the VM: refs to functions and tables passed back into later calls
// (match state holding a Lua function), getField/toJs, and release.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LuaRef } from "./types.js";
import { testVm } from "./test-support.js";

describe("refs", () => {
  it("match state holding a function survives across calls", async () => {
    const t = await testVm({
      modules: {
        handler: `
          local M = {}
          function M.init() return { tick = 0, greet = function(n) return "hello " .. n end } end
          function M.loop(state) state.tick = state.tick + 1 return state end
          function M.read(state) return state.tick, state.greet("bob") end
          return M`,
      },
    });
    const mod = await t.vm.requireModule("handler");
    assert.equal(mod.kind, "table");
    const init = t.vm.getField(mod, "init") as LuaRef;
    const loop = t.vm.getField(mod, "loop") as LuaRef;
    const read = t.vm.getField(mod, "read") as LuaRef;
    assert.equal(init.kind, "function");
    let [state] = await t.vm.call(init, [], { refResults: [0] });
    for (let i = 0; i < 3; i++) [state] = await t.vm.call(loop, [state], { refResults: [0] });
    assert.deepEqual(await t.vm.call(read, [state]), [3, "hello bob"]);
    t.vm.close();
  });

  it("a nil result kept as ref is null; primitives kept as ref round-trip", async () => {
    const t = await testVm();
    const [fn] = await t.run("return function(x) return nil, x end");
    const [none, kept] = await t.vm.call(fn as LuaRef, ["v"], { refResults: [0, 1] });
    assert.equal(none, null);
    assert.ok(kept instanceof LuaRef);
    assert.equal((kept).kind, "string");
    assert.deepEqual(await t.vm.call(fn as LuaRef, [kept]), [null, "v"]);
    t.vm.close();
  });

  it("getField reads raw fields; toJs converts a held table", async () => {
    const t = await testVm({ modules: { m: 'return setmetatable({ n = 1, s = "x", t = { 1, 2 } }, { __index = function() return "meta" end })' } });
    const mod = await t.vm.requireModule("m");
    assert.equal(t.vm.getField(mod, "n"), 1);
    assert.equal(t.vm.getField(mod, "missing"), null);
    assert.ok(t.vm.getField(mod, "t") instanceof LuaRef);
    assert.deepEqual(t.vm.toJs(mod), { n: 1, s: "x", t: [1, 2] });
    t.vm.close();
  });

  it("a released ref cannot be used", async () => {
    const t = await testVm();
    const [fn] = await t.run("return function() return 1 end");
    const ref = fn as LuaRef;
    assert.deepEqual(await t.vm.call(ref), [1]);
    t.vm.release(ref);
    assert.equal(ref.released, true);
    await assert.rejects(t.vm.call(ref), /after release/);
    t.vm.close();
  });

  it("functions passed to host functions arrive as callable refs", async () => {
    let registered: LuaRef | null = null;
    const t = await testVm({
      modules: { mod: 'require("nakama").register_rpc(function(ctx, payload) return ctx.user_id .. ":" .. payload end, "echo")' },
      host: {
        register_rpc: ([fn]) => {
          registered = fn as LuaRef;
        },
      },
    });
    await t.vm.loadAll();
    assert.ok(registered !== null);
    assert.deepEqual(await t.vm.call(registered, [{ user_id: "u1" }, "hi"]), ["u1:hi"]);
    t.vm.close();
  });
});
