// Tests asynchronous host functions (Lua sees synchronous calls), the per-VM call queue, and callNow
// (results without a promise when the code finishes synchronously, queued like call otherwise).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { GameError } from "../../errors.js";
import { Code } from "../../errors.js";
import { luaMulti } from "./types.js";
import { testVm, until } from "./test-support.js";

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe("asynchronous host functions", () => {
  it("look synchronous to Lua, with any result shape", async () => {
    const t = await testVm({
      host: {
        fetch: async ([id]) => ({ id, items: [1, 2, 3] }),
        pair: async () => luaMulti(200, "body"),
        nothing: async () => undefined,
      },
    });
    const r = await t.run(`
      local nk = require("nakama")
      local obj = nk.fetch("u1")
      local code, body = nk.pair()
      return obj.id, #obj.items, code, body, select("#", nk.nothing())`);
    assert.deepEqual(r, ["u1", 3, 200, "body", 0]);
    t.vm.close();
  });

  it("work inside pcall, loops, metamethods and module top level", async () => {
    const t = await testVm({
      modules: { boot: 'return { v = require("nakama").double(21) }' },
      host: { double: async ([n]) => (n as number) * 2 },
    });
    const r = await t.run(`
      local nk = require("nakama")
      local sum = 0
      for i = 1, 5 do sum = sum + nk.double(i) end
      local ok, v = pcall(nk.double, 4)
      local lazy = setmetatable({}, { __index = function(_, k) return nk.double(k) end })
      return sum, ok, v, lazy[50], require("boot").v`);
    assert.deepEqual(r, [30, true, 8, 100, 42]);
    t.vm.close();
  });

  it("cannot wait across a JS boundary such as string.gsub", async () => {
    const t = await testVm({ host: { slow: async () => "x" } });
    await assert.rejects(t.run('return (string.gsub("ab", "%a", function(c) return require("nakama").slow() end))'), (e: GameError) => {
      assert.match(e.message, /nakama\.slow: cannot wait for an asynchronous result here/);
      return true;
    });
    const [sync] = await t.run('return (string.gsub("ab", "%a", function(c) return c:upper() end))');
    assert.equal(sync, "AB");
    t.vm.close();
  });

  it("a host promise that outlives the deadline fails the call; the VM stays usable", async () => {
    const never = new Promise(() => undefined);
    const t = await testVm({ host: { hang: () => never }, timeoutMs: 50 });
    await assert.rejects(t.run('require("nakama").hang()'), (e: GameError) => {
      assert.equal(e.code, Code.DEADLINE_EXCEEDED);
      assert.match(e.message, /exceeded its time limit of 50 ms/);
      return true;
    });
    assert.deepEqual(await t.run("return 1 + 1"), [2]);
    t.vm.close();
  });
});

describe("call queue", () => {
  it("calls into one VM never interleave", async () => {
    const marks: string[] = [];
    const gates = new Map<string, ReturnType<typeof deferred<void>>>([["A", deferred()], ["B", deferred()]]);
    const t = await testVm({
      host: {
        mark: ([m]) => void marks.push(m as string),
        gate: ([name]) => gates.get(name as string)?.promise,
      },
    });
    const body = (n: string): string => `local nk = require("nakama") nk.mark("start ${n}") nk.gate("${n}") nk.mark("end ${n}") return "${n}"`;
    const a = t.run(body("A"));
    const b = t.run(body("B"));
    await until(() => marks.includes("start A"));
    await turns(5);
    assert.deepEqual(marks, ["start A"]); // B waits although A is suspended
    gates.get("B")?.resolve();
    gates.get("A")?.resolve();
    assert.deepEqual(await Promise.all([a, b]), [["A"], ["B"]]);
    assert.deepEqual(marks, ["start A", "end A", "start B", "end B"]);
    t.vm.close();
  });

  it("a failed call does not block the next one", async () => {
    const t = await testVm();
    const results = await Promise.allSettled([t.run('error("first")'), t.run("return 'second'")]);
    assert.equal(results[0].status, "rejected");
    assert.deepEqual(results[1], { status: "fulfilled", value: ["second"] });
    t.vm.close();
  });

  it("refuses a host function calling back into the VM that runs it", async () => {
    let inner: Promise<unknown> | null = null;
    const t = await testVm({
      host: {
        reenter: () => {
          inner = t.run("return 1");
          return "done";
        },
      },
    });
    assert.deepEqual(await t.run('return require("nakama").reenter()'), ["done"]);
    await assert.rejects(inner as unknown as Promise<unknown>, /called back into the Lua VM/);
    t.vm.close();
  });

  it("close() fails queued calls and later calls", async () => {
    const gate = deferred<void>();
    const t = await testVm({ host: { gate: () => gate.promise } });
    const running = t.run('require("nakama").gate() return 1');
    const queued = t.run("return 2");
    await turns(2);
    t.vm.close();
    gate.resolve();
    await assert.rejects(queued, (e: GameError) => e.code === Code.UNAVAILABLE);
    await assert.rejects(running, (e: GameError) => e.code === Code.UNAVAILABLE);
    await assert.rejects(t.run("return 3"), /closed/);
  });
});

describe("callNow", () => {
  it("answers synchronous code directly, suspending code with a promise, and stays serial with call", async () => {
    const marks: string[] = [];
    const gate = deferred<void>();
    const t = await testVm({ host: { mark: ([m]) => void marks.push(m as string), gate: () => gate.promise } });
    const evalRef = await t.vm.requireModule("__eval");
    assert.deepEqual(t.vm.callNow(evalRef, ["return 1 + 1, 'x'"]), [2, "x"]);
    const suspended = t.vm.callNow(evalRef, ['local nk = require("nakama") nk.mark("a1") nk.gate() nk.mark("a2") return "a"']);
    assert.ok(suspended instanceof Promise);
    // While the first call waits on its host promise, the next one (either way in) waits its turn.
    const next = t.vm.callNow(evalRef, ['require("nakama").mark("b") return "b"']);
    const viaCall = t.vm.call(evalRef, ['require("nakama").mark("c") return "c"']);
    assert.ok(next instanceof Promise);
    await turns(3);
    assert.deepEqual(marks, ["a1"]);
    gate.resolve();
    assert.deepEqual(await Promise.all([suspended, next, viaCall]), [["a"], ["b"], ["c"]]);
    assert.deepEqual(marks, ["a1", "a2", "b", "c"]);
    // Errors are thrown with the code call would reject with; the VM stays usable.
    const viaCallError = await t.vm.call(evalRef, ['error("boom")']).then(() => null, (e: GameError) => e);
    assert.throws(() => t.vm.callNow(evalRef, ['error("boom")']), (e: GameError) => e.code === viaCallError?.code && e.message === viaCallError.message);
    assert.deepEqual(t.vm.callNow(evalRef, ["return 3"]), [3]);
    t.vm.close();
    await assert.rejects(Promise.resolve(t.vm.callNow(evalRef, ["return 4"])), /closed/);
  });
});
