// Tests the JS VM basics: loading bundles (ES5 and ES2020+), calling globals, host globals, the process
// and console stubs, and both builds.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import { engineOnce, makeVm, recordingLogger } from "./testkit.js";

const engine = engineOnce();

describe("js vm: loading and calling", () => {
  for (const build of ["asyncify", "sync"] as const) {
    it(`calls a global function and returns its value (${build})`, async () => {
      const vm = await makeVm(await engine(), "function add(a, b) { return a + b; }", { build });
      assert.equal(await vm.callGlobal("add", [2, 40]), 42);
      assert.equal(vm.build, build);
      await vm.dispose();
    });
  }

  for (const build of ["asyncify", "sync"] as const) {
    it(`passes string arguments as the generic conversion does: empty, non-ASCII, long, lone surrogates (${build})`, async () => {
      const src = "function echo(s) { return [s, s.length]; }\nfunction echoNested(a) { return [a[0], a[0].length]; }";
      const vm = await makeVm(await engine(), src, { build });
      const cases = ["", "plain", "é 😀 中文", "x".repeat(1365), "y".repeat(5000), "é".repeat(3000), "a\ud800b", "\udc00"];
      for (const s of cases) {
        // A nested string goes through the generic marshal path (the library's newString).
        assert.deepEqual(await vm.callGlobal("echo", [s]), await vm.callGlobal("echoNested", [[s]]));
      }
      for (const s of cases.slice(0, 6)) assert.deepEqual(await vm.callGlobal("echo", [s]), [s, s.length]);
      await vm.dispose();
    });
  }

  it("runs ES2020+ syntax: classes with private fields, ?. and ??, BigInt, spread, async/await", async () => {
    const src = `
      class Counter { #n = 0; static label = "c"; inc() { return ++this.#n; } }
      const pick = (o) => o?.a?.b ?? "default";
      async function twice(x) { const v = await Promise.resolve(x); return [...[v], v]; }
      function run() {
        const c = new Counter(); c.inc();
        return { n: c.inc(), label: Counter.label, deep: pick({ a: { b: 0 } }), missing: pick({}),
                 big: String(2n ** 64n), flat: [1, [2, [3]]].flat(2), entries: Object.fromEntries([["k", 1]]) };
      }
      async function runAsync() { return (await twice(7)).length; }`;
    const vm = await makeVm(await engine(), src);
    assert.deepEqual(await vm.callGlobal("run", []), {
      n: 2, label: "c", deep: 0, missing: "default", big: "18446744073709551616", flat: [1, 2, 3], entries: { k: 1 },
    });
    assert.equal(await vm.callGlobal("runAsync", []), 2);
    await vm.dispose();
  });

  it("runs an ES5 TypeScript outFile bundle (var + __extends helper)", async () => {
    const src = `
      var __extends = (this && this.__extends) || function (d, b) {
        for (var p in b) if (b.hasOwnProperty(p)) d[p] = b[p];
        function __() { this.constructor = d; }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
      var Base = (function () { function Base() { this.kind = "base"; } Base.prototype.name = function () { return this.kind; }; return Base; }());
      var Child = (function (_super) { __extends(Child, _super); function Child() { _super.call(this); this.kind = "child"; } return Child; }(Base));
      var InitModule = function (ctx, logger, nk, initializer) { return new Child().name(); };`;
    const vm = await makeVm(await engine(), src);
    assert.equal(await vm.callGlobal("InitModule", [{}, {}, {}, {}]), "child");
    await vm.dispose();
  });

  it("installs host objects as globals with callable, frozen methods", async () => {
    const seen: unknown[] = [];
    const vm = await makeVm(await engine(), `
      function run() { nk.poke = 1; return [nk.echo("x", 2), typeof nk.poke, Object.isFrozen(nk), nk.echo.name]; }`, {
      globals: { nk: { echo: (args) => { seen.push(args); return args[0]; } } },
    });
    assert.deepEqual(await vm.callGlobal("run", []), ["x", "undefined", true, "echo"]);
    assert.deepEqual(seen, [["x", 2]]);
    await vm.dispose();
  });

  it("offers a process.env stub with the caller's values", async () => {
    const vm = await makeVm(await engine(), `
      function run() { return [process.env.NODE_ENV, process.env.MISSING === undefined, typeof process.versions.node, process.argv.length]; }`, {
      env: { NODE_ENV: "production" },
    });
    assert.deepEqual(await vm.callGlobal("run", []), ["production", true, "undefined", 0]);
    await vm.dispose();
  });

  it("routes console.* to the VM logger at the matching level", async () => {
    const rec = recordingLogger();
    const vm = await makeVm(await engine(), `function run() { console.log("hello", { a: 1 }, 2); console.warn("careful"); }`, { log: rec.log });
    await vm.callGlobal("run", []);
    const mine = rec.lines.filter((l) => l.source === "js-console");
    assert.deepEqual(mine.map((l) => [l.level, l.msg]), [["info", 'hello {"a":1} 2'], ["warn", "careful"]]);
    assert.equal(mine[0].file, "index.js");
    await vm.dispose();
  });

  it("fails NOT_FOUND for a missing global function", async () => {
    const vm = await makeVm(await engine(), "var notAFunction = 1;");
    await assert.rejects(vm.callGlobal("InitModule", []), (e: unknown) => e instanceof GameError && e.code === Code.NOT_FOUND && /InitModule/.test(e.message));
    await assert.rejects(vm.callGlobal("notAFunction", []), (e: unknown) => e instanceof GameError && e.code === Code.NOT_FOUND);
    await vm.dispose();
  });

  it("validates limits at creation", async () => {
    await assert.rejects(makeVm(await engine(), "", { callTimeoutMs: 0 }), (e: unknown) => e instanceof GameError && e.code === Code.INVALID_ARGUMENT);
    await assert.rejects(makeVm(await engine(), "", { memoryLimitBytes: 0 }), (e: unknown) => e instanceof GameError && e.code === Code.INVALID_ARGUMENT);
  });

  it("raises a memory limit below 16 MiB to 16 MiB and says so", async () => {
    const rec = recordingLogger();
    const vm = await makeVm(await engine(), "function f() { return 1; }", { memoryLimitBytes: 1 << 20, log: rec.log });
    assert.equal(await vm.callGlobal("f", []), 1);
    assert.ok(rec.lines.some((l) => l.level === "warn" && l.applied === 16 << 20));
    await vm.dispose();
  });

  it("rejects calls after dispose with UNAVAILABLE", async () => {
    const vm = await makeVm(await engine(), "function f() { return 1; }");
    await vm.dispose();
    await vm.dispose();
    await assert.rejects(vm.callGlobal("f", []), (e: unknown) => e instanceof GameError && e.code === Code.UNAVAILABLE);
    assert.deepEqual(vm.health(), { ok: false, reason: "disposed" });
  });

  it("reports memory in use", async () => {
    const vm = await makeVm(await engine(), "var big = []; function grow() { for (var i = 0; i < 20000; i++) big.push({ i: i }); }");
    const before = await vm.memoryUsed();
    await vm.callGlobal("grow", []);
    const afterGrow = await vm.memoryUsed();
    assert.ok(before > 10_000, `baseline ${before}`);
    assert.ok(afterGrow > before + 200_000, `grew from ${before} to ${afterGrow}`);
    await vm.dispose();
  });
});
