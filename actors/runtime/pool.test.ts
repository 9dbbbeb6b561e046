// Tests the VM pool actor with fake VMs: one call at a time per VM, calls queue while every VM is busy
// and the pool grows up to its maximum (2× more concurrent calls than VMs all succeed), a full queue
// fails at once with RESOURCE_EXHAUSTED, unusable VMs are replaced, warm-up stops at the minimum, a
// failing factory fails the waiting calls instead of looping, and an engine answering synchronously
// (callNow) is called in the caller's turn while a suspended call keeps its VM until it settles.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, GameError } from "../../src/errors.js";
import { silentLogger } from "../../src/log.js";
import type { EngineFactory, EngineVm, GuestCall } from "../../src/runtime/engine.js";
import { systemContext, ExecutionMode } from "../../src/runtime/context.js";
import type { PoolLimits } from "../../src/runtime/pool.js";
import { createKernel, type Kernel } from "../kernel/index.js";
import { Gate, Probe } from "../kernel/testkit.js";
import { poolStarter } from "./index.js";

const ctx = systemContext({ env: {}, node: "n", version: "v" }, ExecutionMode.RPC);
const call = (key: string): GuestCall => ({ key, ctx, args: [], fields: {} });

interface Fake {
  factory: EngineFactory;
  created: Probe<number>;
  closed: Probe<number>;
  /** Per VM: calls in progress right now (never above 1). */
  maxInFlight: number;
  gate: Gate;
}

/** `now`: the VMs also answer through callNow (synchronously, except "rpc:wait"; "rpc:throw" throws). */
function fakeFactory(opts: { fail?: boolean; unusableAfter?: number; now?: boolean } = {}): Fake {
  const created = new Probe<number>();
  const closed = new Probe<number>();
  const fake: Fake = { factory: undefined as unknown as EngineFactory, created, closed, maxInFlight: 0, gate: new Gate() };
  let n = 0;
  const make = (): EngineVm => {
    const id = ++n;
    let inFlight = 0;
    let calls = 0;
    created.push(id);
    const vm: EngineVm = {
      kind: "lua",
      keys: () => ["rpc:x"],
      storageIndexes: () => [],
      async call(c) {
        inFlight++;
        fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
        calls++;
        try {
          if (c.key === "rpc:wait") await fake.gate.wait;
          return `vm${id}:${c.key}`;
        } finally {
          inFlight--;
        }
      },
      usable: () => opts.unusableAfter === undefined || calls < opts.unusableAfter,
      close: async () => closed.push(id),
    };
    if (opts.now === true) {
      vm.callNow = (c) => {
        if (c.key === "rpc:wait") return vm.call(c);
        if (inFlight > 0) throw new Error("a second call while one is in progress");
        calls++;
        if (c.key === "rpc:throw") throw new Error("boom");
        return `vm${id}:${c.key}`;
      };
    }
    return vm;
  };
  fake.factory = {
    kind: "lua",
    create: async () => {
      if (opts.fail) throw new GameError(Code.INTERNAL, "factory broken");
      return make();
    },
  };
  return fake;
}

/** Waits (deadline, no sleep-and-hope) until the pool's counters satisfy `pred`. */
async function statsUntil(pool: { stats(): Readonly<Record<string, number>> }, pred: (s: Readonly<Record<string, number>>) => boolean, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!pred(pool.stats())) {
    if (Date.now() > deadline) throw new Error(`pool stats never matched: ${JSON.stringify(pool.stats())}`);
    await new Promise((r) => setImmediate(r));
  }
}

function startPool(kernel: Kernel, fake: Fake, limits: Partial<PoolLimits>) {
  const first = fake.factory.create();
  return first.then((vm) => poolStarter(kernel.root)(fake.factory, vm, { min: 1, max: 2, queueSize: 100, askTimeoutMs: 2000, ...limits }));
}

describe("runtime VM pool actor", () => {
  it("serves 2× more concurrent calls than VMs, one call at a time per VM, growing to the maximum", async () => {
    const kernel = createKernel({ log: silentLogger() });
    const fake = fakeFactory();
    const pool = await startPool(kernel, fake, { min: 1, max: 4 });
    const pending = Array.from({ length: 8 }, () => pool.call(call("rpc:wait")));
    await statsUntil(pool, (st) => st.busy === 4 && st.vms === 4);
    assert.equal(pool.stats().queued, 4);
    fake.gate.open();
    const results = (await Promise.all(pending)) as string[];
    assert.equal(results.length, 8);
    assert.equal(new Set(results.map((r) => r.split(":")[0])).size, 4, "all four VMs served");
    assert.equal(fake.maxInFlight, 1, "a VM never runs two calls at once");
    assert.equal(pool.stats().created, 4);
    assert.equal(pool.stats().peakQueued, 7, "7 waited while the first VM ran and the others were created");
    await pool.stop();
    await fake.closed.count(4);
    await kernel.shutdown();
  });

  it("calls an idle VM that answers synchronously in the caller's turn; a call that suspends keeps its VM until it settles", async () => {
    const kernel = createKernel({ log: silentLogger() });
    const fake = fakeFactory({ now: true });
    const pool = await startPool(kernel, fake, { min: 1, max: 1 });
    assert.equal(await pool.call(call("rpc:x")), "vm1:rpc:x");
    assert.equal(pool.stats().busy, 0, "a synchronous answer frees the VM at once");
    const suspended = pool.call(call("rpc:wait"));
    const behind = pool.call(call("rpc:x"));
    await statsUntil(pool, (st) => st.busy === 1 && st.queued === 1);
    fake.gate.open();
    assert.equal(await suspended, "vm1:rpc:wait");
    assert.equal(await behind, "vm1:rpc:x", "the queued call ran once the suspended one settled");
    await assert.rejects(pool.call(call("rpc:throw")), (e: unknown) => e instanceof GameError && e.code === Code.INTERNAL);
    await statsUntil(pool, (st) => st.busy === 0);
    assert.equal(await pool.call(call("rpc:x")), "vm1:rpc:x", "a throwing call frees its VM too");
    assert.equal(fake.maxInFlight, 1);
    assert.equal(pool.stats().calls, 5);
    await pool.stop();
    await kernel.shutdown();
  });

  it("fails at once with RESOURCE_EXHAUSTED when the queue is full", async () => {
    const kernel = createKernel({ log: silentLogger() });
    const fake = fakeFactory();
    const pool = await startPool(kernel, fake, { min: 1, max: 1, queueSize: 2 });
    const busy = [pool.call(call("rpc:wait")), pool.call(call("rpc:wait")), pool.call(call("rpc:wait"))];
    await assert.rejects(pool.call(call("rpc:x")), (e: unknown) =>
      e instanceof GameError && e.code === Code.RESOURCE_EXHAUSTED && /overloaded/.test(e.message));
    assert.equal(pool.stats().rejected, 1);
    fake.gate.open();
    await Promise.all(busy);
    assert.equal(await pool.call(call("rpc:x")), "vm1:rpc:x");
    await pool.stop();
    await kernel.shutdown();
  });

  it("replaces a VM its engine calls unusable", async () => {
    const kernel = createKernel({ log: silentLogger() });
    const fake = fakeFactory({ unusableAfter: 1 });
    fake.gate.open();
    const pool = await startPool(kernel, fake, { min: 1, max: 1 });
    assert.equal(await pool.call(call("rpc:x")), "vm1:rpc:x");
    await fake.closed.until((s) => s.includes(1));
    assert.equal(await pool.call(call("rpc:x")), "vm2:rpc:x");
    assert.equal(pool.stats().replaced >= 1, true);
    await pool.stop();
    await kernel.shutdown();
  });

  it("warms up to the minimum in the background and stops there", async () => {
    const kernel = createKernel({ log: silentLogger() });
    const fake = fakeFactory();
    const pool = await startPool(kernel, fake, { min: 3, max: 8 });
    await statsUntil(pool, (st) => st.vms === 3);
    assert.equal(typeof (await pool.call(call("rpc:x"))), "string");
    assert.equal(pool.stats().created, 3, "no VM beyond the minimum without load");
    await pool.stop();
    await kernel.shutdown();
  });

  it("fails waiting calls with UNAVAILABLE when no VM can be created", async () => {
    const kernel = createKernel({ log: silentLogger() });
    const fake = fakeFactory({ fail: true });
    const vm: EngineVm = { kind: "lua", keys: () => [], storageIndexes: () => [], call: async () => "x", usable: () => false, close: async () => undefined };
    const pool = poolStarter(kernel.root)(fake.factory, vm, { min: 0, max: 1, queueSize: 10, askTimeoutMs: 2000 });
    assert.equal(await pool.call(call("rpc:x")), "x"); // the first VM answers, then asks to be replaced
    await assert.rejects(pool.call(call("rpc:x")), (e: unknown) => e instanceof GameError && e.code === Code.UNAVAILABLE && /factory broken/.test(e.message));
    await pool.stop();
    await kernel.shutdown();
  });
});
