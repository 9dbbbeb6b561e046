// Tests the shared compiled-chunk cache: a module is parsed once for many VMs, cached bytecode
// keeps file/line information, and a cached syntax error is reported the same way every time.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { GameError } from "../../errors.js";
import { silentLogger } from "../../log.js";
import { LuaChunkCache } from "./chunk-cache.js";
import { modules } from "./test-support.js";
import { createLuaVm } from "./vm.js";

const SOURCES = {
  good: 'local M = {}\nfunction M.fail()\n  error("from cached code")\nend\nreturn M',
  bad: "local x = = 1",
};

describe("LuaChunkCache", () => {
  it("compiles each module once for every VM that shares it", async () => {
    const cache = new LuaChunkCache();
    const vms = await Promise.all([1, 2, 3].map(() => createLuaVm({ modules: modules(SOURCES), callTimeoutMs: 1000, log: silentLogger(), chunkCache: cache })));
    for (const vm of vms) {
      const mod = await vm.requireModule("good");
      await assert.rejects(vm.call(vm.getField(mod, "fail") as never), (e: GameError) => {
        assert.equal(e.message, "good.lua:3: from cached code");
        return true;
      });
    }
    assert.equal(cache.size, 1);
    for (const vm of vms) vm.close();
  });

  it("reports a cached syntax error like a fresh one", async () => {
    const cache = new LuaChunkCache();
    const messages: string[] = [];
    for (let i = 0; i < 2; i++) {
      const vm = await createLuaVm({ modules: modules(SOURCES), callTimeoutMs: 1000, log: silentLogger(), chunkCache: cache });
      await assert.rejects(vm.requireModule("bad"), (e: GameError) => {
        messages.push(e.message);
        return true;
      });
      vm.close();
    }
    assert.equal(messages[0], "bad.lua:1: unexpected symbol near '='");
    assert.equal(messages[1], messages[0]);
  });

  it("keys on the source: an edited module is recompiled", async () => {
    const cache = new LuaChunkCache();
    for (const v of ["1", "2"]) {
      const vm = await createLuaVm({ modules: modules({ m: `return ${v}` }), callTimeoutMs: 1000, log: silentLogger(), chunkCache: cache });
      const ref = await vm.requireModule("m");
      assert.equal(vm.toJs(ref), Number(v));
      vm.close();
    }
    assert.equal(cache.size, 2);
  });
});
