// Tests the per-call time limit (instruction hook), that pcall cannot swallow it, that the VM stays
// usable afterwards, and the memory guards (string size cap, stack overflow).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import { LUA_MAX_STRING_BYTES } from "./fengari-loader.js";
import { testVm } from "./test-support.js";
import type { TestVm } from "./test-support.js";

let t: TestVm;
before(async () => {
  t = await testVm({
    timeoutMs: 100,
    host: {
      fail_async: async () => {
        throw new GameError(Code.NOT_FOUND, "gone");
      },
    },
  });
});
after(() => t.vm.close());

function isTimeout(e: unknown): boolean {
  assert.ok(e instanceof GameError);
  assert.equal(e.code, Code.DEADLINE_EXCEEDED);
  assert.match(e.message, /exceeded its time limit of \d+ ms/);
  return true;
}

describe("time limit", () => {
  it("stops an infinite loop and leaves the VM usable", async () => {
    await assert.rejects(t.run("while true do end"), isTimeout);
    assert.deepEqual(await t.run("return 'still alive'"), ["still alive"]);
  });
  it("cannot be swallowed by pcall or xpcall", async () => {
    await assert.rejects(t.run("while true do pcall(function() while true do end end) end"), isTimeout);
    await assert.rejects(t.run("while true do xpcall(function() while true do end end, function() while true do end end) end"), isTimeout);
    assert.deepEqual(await t.run("return 1"), [1]);
  });
  it("still applies after pcall recovered from a failed asynchronous host call", async () => {
    // Regression: fengari lost the 'allowhook' flag on this path, disabling the limit.
    await assert.rejects(t.run('local ok = pcall(require("nakama").fail_async) while true do end'), isTimeout);
  });
  it("also bounds pattern matching, which runs no Lua instructions", async () => {
    await assert.rejects(t.run('local s = string.rep("a", 3000) return s:find(".-.-.-.-.-b")'), (e: GameError) => {
      assert.equal(e.code, Code.DEADLINE_EXCEEDED);
      assert.match(e.message, /pattern matching exceeded the call's time limit/);
      return true;
    });
  });
  it("can be set per call", async () => {
    const fn = (await t.run("return function() while true do end end"))[0];
    await assert.rejects(t.vm.call(fn as never, [], { timeoutMs: 10 }), (e: GameError) => {
      assert.match(e.message, /time limit of 10 ms/);
      return true;
    });
  });
  it("tracks the failing line in the traceback", async () => {
    await assert.rejects(t.run("local n = 0\nwhile true do\n  n = n + 1\nend"), (e: GameError) => {
      assert.match((e.cause as { traceback: string }).traceback, /eval:[234]/);
      return true;
    });
  });
});

describe("memory guards", () => {
  it("caps string.rep", async () => {
    await assert.rejects(t.run(`return string.rep("x", ${LUA_MAX_STRING_BYTES + 1})`), /resulting string too large/);
  });
  it("caps concatenation", async () => {
    await assert.rejects(t.run('local s = string.rep("x", 2^25) s = s .. s .. s return #s'), /string length overflow/);
  });
  it("caps buffers (table.concat)", async () => {
    await assert.rejects(t.run('local p = string.rep("x", 2^25 * 1.5) return #table.concat({p, p})'), /string too large/);
  });
  it("deep recursion is a Lua error, not a crash", async () => {
    const [fn] = await t.run("return function() local function f(n) return 1 + f(n + 1) end return f(1) end");
    await assert.rejects(t.vm.call(fn as never, [], { timeoutMs: 20000 }), (e: GameError) => {
      assert.equal(e.code, Code.INTERNAL);
      assert.match(e.message, /stack overflow/);
      return true;
    });
    assert.deepEqual(await t.run("return 'ok'"), ["ok"]);
  });
});
