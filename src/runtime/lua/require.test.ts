// Tests module loading: require by dotted or slashed name, loaded once, only from the module map,
// clear errors for missing modules and syntax errors, loadAll's sorted order, and host modules.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { GameError } from "../../errors.js";
import { createLuaVm } from "./vm.js";
import { modules, testVm } from "./test-support.js";
import { silentLogger } from "../../log.js";

describe("require", () => {
  it("dots and slashes name the same module, which runs once", async () => {
    let loads = 0;
    const t = await testVm({
      modules: { "lib.util": 'require("nakama").count() return { name = "util" }' },
      host: { count: () => void loads++ },
    });
    const [a, b, same] = await t.run('local a = require("lib.util") local b = require("lib/util") return a.name, b.name, a == b');
    assert.deepEqual([a, b, same, loads], ["util", "util", true, 1]);
    t.vm.close();
  });

  it("a module without a return value yields true", async () => {
    const t = await testVm({ modules: { side: "x_loaded = true" } });
    assert.deepEqual(await t.run('return require("side"), x_loaded'), [true, true]);
    t.vm.close();
  });

  it("a missing module is a clear error naming it", async () => {
    const t = await testVm();
    await assert.rejects(t.run('require("lib.missing")'), (e: GameError) => {
      assert.match(e.message, /module 'lib\.missing' not found/);
      return true;
    });
    t.vm.close();
  });

  it("does not read the disk: a real file path is not a module", async () => {
    const t = await testVm();
    await assert.rejects(t.run('require("/etc/passwd")'), /not found/);
    t.vm.close();
  });

  it("standard libraries and host modules are preloaded", async () => {
    const t = await testVm({ host: { ping: () => "pong" } });
    assert.deepEqual(await t.run('return require("string") == string, require("bit32") == bit32, require("nakama").ping(), package.loaded.nakama ~= nil'), [true, true, "pong", true]);
    t.vm.close();
  });

  it("a syntax error names the file and line", async () => {
    const t = await testVm({ modules: { "lib.bad": "local x = 1\nlocal y = = 2" } });
    await assert.rejects(t.run('require("lib.bad")'), (e: GameError) => {
      assert.equal(e.code, 13);
      assert.match(e.message, /^lib\/bad\.lua:2: unexpected symbol near '='/);
      return true;
    });
    t.vm.close();
  });

  it("a module that failed stays failed (Lua 5.1's marker)", async () => {
    const t = await testVm({ modules: { boom: 'error("init failed")' } });
    await assert.rejects(t.run('require("boom")'), /boom\.lua:1: init failed/);
    await assert.rejects(t.run('require("boom")'), /loop or previous error loading module 'boom'/);
    t.vm.close();
  });

  it("mutual requires are detected as a loop", async () => {
    const t = await testVm({ modules: { a: 'require("b")', b: 'require("a")' } });
    await assert.rejects(t.run('require("a")'), /loop or previous error loading module 'a'/);
    t.vm.close();
  });
});

describe("loadAll", () => {
  it("requires every module in sorted name order", async () => {
    const order: string[] = [];
    const vm = await createLuaVm({
      modules: modules({
        zeta: 'require("nakama").mark("zeta")',
        alpha: 'require("nakama").mark("alpha")',
        "lib.mid": 'require("nakama").mark("lib.mid")',
        beta: 'require("lib.mid") require("nakama").mark("beta")',
      }),
      hostModules: { nakama: { mark: ([n]) => void order.push(n as string) } },
      callTimeoutMs: 1000,
      log: silentLogger(),
    });
    await vm.loadAll();
    assert.deepEqual(order, ["alpha", "lib.mid", "beta", "zeta"]);
    vm.close();
  });

  it("fails on the first module error with its file and line", async () => {
    const vm = await createLuaVm({
      modules: modules({ a: "local t = nil\nreturn t.x", b: "" }),
      callTimeoutMs: 1000,
      log: silentLogger(),
    });
    await assert.rejects(vm.loadAll(), (e: GameError) => {
      assert.equal(e.code, 13);
      assert.match(e.message, /^a\.lua:2: attempt to index a nil value/);
      assert.match((e.cause as { traceback: string }).traceback, /a\.lua:2/);
      return true;
    });
    vm.close();
  });

  it("rejects two module names that normalize to the same module", async () => {
    await assert.rejects(
      createLuaVm({ modules: modules({ "a.b": "", "a/b": "" }), callTimeoutMs: 1000, log: silentLogger() }),
      /defined twice/,
    );
  });
});
