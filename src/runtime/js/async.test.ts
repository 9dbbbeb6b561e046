// Tests asynchronous host functions seen synchronously by the guest (asyncify), async guest handlers,
// the one-call-at-a-time queue per VM, independent suspension of different VMs, and the guards that keep
// a suspension from happening where it would corrupt the wasm stack; callNow answering without a promise hop.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import { isJsRef } from "./refs.js";
import { engineOnce, later, makeVm } from "./testkit.js";

const engine = engineOnce();

describe("js async: host functions look synchronous", () => {
  const storage = new Map<string, unknown>([["k1", { gold: 10 }]]);
  const nk = {
    storageRead: async ([keys]: unknown[]) => {
      await later(2, null);
      return (keys as Array<{ key: string }>).map((k) => ({ key: k.key, value: storage.get(k.key) ?? null }));
    },
    now: () => 1700000000000,
  };

  it("returns an async host result directly to the guest", async () => {
    const vm = await makeVm(await engine(), `
      function rpc(ctx, logger, nk, payload) {
        var objs = nk.storageRead([{ collection: "c", key: "k1" }, { collection: "c", key: "none" }]);
        return JSON.stringify({ gold: objs[0].value.gold, missing: objs[1].value, t: nk.now() });
      }`);
    const out = await vm.callGlobal("rpc", [{}, {}, nk, ""]);
    assert.deepEqual(JSON.parse(out as string), { gold: 10, missing: null, t: 1700000000000 });
    await vm.dispose();
  });

  it("supports async guest handlers that call async host functions between awaits", async () => {
    const vm = await makeVm(await engine(), `
      async function rpc(ctx, logger, nk) {
        var a = nk.storageRead([{ key: "k1" }])[0].value.gold;
        await null;
        var b = await new Promise(function (res) { res(nk.storageRead([{ key: "k1" }])[0].value.gold); });
        return a + b;
      }`);
    assert.equal(await vm.callGlobal("rpc", [{}, {}, nk]), 20);
    await vm.dispose();
  });

  it("runs fire-and-forget promise jobs before the call returns", async () => {
    const vm = await makeVm(await engine(), `
      var log = [];
      function rpc(ctx, l, nk) { Promise.resolve().then(function () { log.push(nk.storageRead([{ key: "k1" }]).length); }); return "sync"; }
      function read() { return log; }`, { readOnlyGlobals: false });
    assert.equal(await vm.callGlobal("rpc", [{}, {}, nk]), "sync");
    assert.deepEqual(await vm.callGlobal("read", []), [1]);
    await vm.dispose();
  });

  it("fails a returned promise that can never settle", async () => {
    const vm = await makeVm(await engine(), "function rpc() { return new Promise(function () {}); }");
    await assert.rejects(vm.callGlobal("rpc", []), (e: unknown) => e instanceof GameError && /never settles/.test(e.message));
    await vm.dispose();
  });

  it("turns a promise from a host function into a guest error in the sync build", async () => {
    const vm = await makeVm(await engine(), `
      function rpc() { try { nk.storageRead([]); return "no"; } catch (e) { return [e.code, e.message]; } }`, {
      build: "sync",
      globals: { nk },
    });
    assert.deepEqual(await vm.callGlobal("rpc", []), [Code.INTERNAL, "host function storageRead is asynchronous but this VM uses the sync build"]);
    await vm.dispose();
  });

  it("refuses an async host function called while a value is being converted (toJSON)", async () => {
    const vm = await makeVm(await engine(), `
      function rpc() { return { toJSON: function () { return nk.storageRead([{ key: "k1" }]); } }; }
      function ok() { return nk.storageRead([{ key: "k1" }])[0].value.gold; }`, { globals: { nk } });
    await assert.rejects(vm.callGlobal("rpc", []), (e: unknown) => e instanceof GameError && /during a value conversion/.test(e.message));
    assert.equal(await vm.callGlobal("ok", []), 10);
    await vm.dispose();
  });
});

describe("js async: one call at a time per VM", () => {
  it("queues concurrent calls and never overlaps them", async () => {
    const events: string[] = [];
    let inside = 0;
    let maxInside = 0;
    const vm = await makeVm(await engine(), "function rpc(id) { h.enter(id); h.wait(); h.leave(id); return id; }", {
      globals: {
        h: {
          enter: ([id]) => { inside++; maxInside = Math.max(maxInside, inside); events.push(`in ${String(id)}`); },
          wait: () => later(3, null),
          leave: ([id]) => { inside--; events.push(`out ${String(id)}`); },
        },
      },
    });
    const results = await Promise.all([1, 2, 3].map((id) => vm.callGlobal("rpc", [id])));
    assert.deepEqual(results, [1, 2, 3]);
    assert.equal(maxInside, 1);
    assert.deepEqual(events, ["in 1", "out 1", "in 2", "out 2", "in 3", "out 3"]);
    await vm.dispose();
  });

  it("lets different VMs suspend at the same time", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let waiting = 0;
    let allWaiting!: () => void;
    const everyoneIn = new Promise<void>((r) => (allWaiting = r));
    const globals = {
      h: {
        wait: async () => {
          if (++waiting === 4) allWaiting();
          await gate;
          return "released";
        },
      },
    };
    const vms = await Promise.all([0, 1, 2, 3].map(async () => makeVm(await engine(), "function rpc() { return h.wait(); }", { globals })));
    const calls = vms.map((vm) => vm.callGlobal("rpc", []));
    await everyoneIn; // all four guests are suspended inside the host function at once
    release();
    assert.deepEqual(await Promise.all(calls), ["released", "released", "released", "released"]);
    await Promise.all(vms.map((vm) => vm.dispose()));
  });

  it("finishes the running call and fails queued ones on dispose", async () => {
    let entered!: () => void;
    const running = new Promise<void>((r) => (entered = r));
    const vm = await makeVm(await engine(), "function rpc() { return h.slow(); }", {
      globals: { h: { slow: () => { entered(); return later(5, "done"); } } },
    });
    const first = vm.callGlobal("rpc", []);
    const second = vm.callGlobal("rpc", []);
    await running;
    const disposed = vm.dispose();
    assert.equal(await first, "done");
    await assert.rejects(second, (e: unknown) => e instanceof GameError && e.code === Code.UNAVAILABLE);
    await disposed;
  });

  it("refuses a re-entrant call from one of the VM's own host functions", async () => {
    const holder: { vm?: { callGlobal(n: string, a: unknown[]): Promise<unknown> } } = {};
    let inner: Promise<unknown> | undefined;
    const vm = await makeVm(await engine(), "function rpc() { return h.reenter(); } function other() { return 1; }", {
      globals: {
        h: {
          reenter: () => {
            inner = holder.vm!.callGlobal("other", []);
            inner.catch(() => undefined);
            return "ok";
          },
        },
      },
    });
    holder.vm = vm;
    assert.equal(await vm.callGlobal("rpc", []), "ok");
    await assert.rejects(inner!, (e: unknown) => e instanceof GameError && e.code === Code.FAILED_PRECONDITION);
    await vm.dispose();
  });
});

describe("js callNow: the same call without a promise hop when it can be", () => {
  const nk = { storageRead: async () => later(2, [{ value: 1 }, { value: 2 }]) };

  it("answers a synchronous call with its value, a suspending call and calls behind it with promises, and throws what call rejects with", async () => {
    const vm = await makeVm(await engine(), `
      function echo(ctx, l, nk, p) { return p; }
      function slow(ctx, l, nk) { return nk.storageRead([]).length; }
      function boom() { throw new Error("boom"); }
      function get(name) { return globalThis[name]; }`);
    const [echo, slow, boom] = await Promise.all(["echo", "slow", "boom"].map((n) => vm.callGlobal("get", [n], { result: "ref" })));
    if (!isJsRef(echo) || !isJsRef(slow) || !isJsRef(boom)) throw new Error("expected function refs");
    assert.equal(vm.callNow(echo, [{}, {}, nk, "hi"]), "hi");
    const suspended = vm.callNow(slow, [{}, {}, nk]);
    assert.ok(suspended instanceof Promise, "a call waiting on an async host function answers a promise");
    const behind = vm.callNow(echo, [{}, {}, nk, "after"]);
    assert.ok(behind instanceof Promise, "a call behind a running one waits its turn");
    assert.equal(await suspended, 2);
    assert.equal(await behind, "after");
    const isBoom = (e: unknown) => e instanceof GameError && /boom/.test(e.message);
    assert.throws(() => vm.callNow(boom, []), isBoom);
    await assert.rejects(vm.call(boom, []), isBoom);
    assert.equal(vm.callNow(echo, [{}, {}, nk, "again"]), "again", "the VM serves calls after a throw");
    await vm.dispose();
  });
});
