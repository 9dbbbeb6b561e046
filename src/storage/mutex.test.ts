import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Mutex } from "./mutex.js";

describe("Mutex", () => {
  it("runs holders one at a time, in arrival order", async () => {
    const m = new Mutex();
    const log: string[] = [];
    const step = (name: string) => m.run(async () => {
      log.push(`${name}+`);
      await new Promise((r) => setImmediate(r));
      log.push(`${name}-`);
    });
    await Promise.all([step("a"), step("b"), step("c")]);
    assert.deepEqual(log, ["a+", "a-", "b+", "b-", "c+", "c-"]);
    assert.equal(m.locked, false);
  });

  it("releases when the holder throws and reports waiters", async () => {
    const m = new Mutex();
    let release!: () => void;
    const first = m.run(() => new Promise<void>((_, reject) => (release = () => reject(new Error("x")))));
    const second = m.run(async () => "second");
    assert.equal(m.locked, true);
    assert.equal(m.waiting, 1);
    release();
    await assert.rejects(first, { message: "x" });
    assert.equal(await second, "second");
    assert.equal(m.locked, false);
    assert.equal(m.waiting, 0);
  });

  it("tells when a waiter has waited too long", async () => {
    let reported!: (v: [number, number]) => void;
    const slow = new Promise<[number, number]>((r) => (reported = r));
    const m = new Mutex({ slowWaitMs: 5, onSlowWait: (ms, queued) => reported([ms, queued]) });
    let release!: () => void;
    const holder = m.run(() => new Promise<void>((r) => (release = r)));
    const waiter = m.run(async () => undefined);
    const deadline = setTimeout(() => assert.fail("no slow-wait report within 5 s"), 5000);
    const [ms, queued] = await slow;
    clearTimeout(deadline);
    // libuv timers run on a millisecond loop clock: a 5 ms timer may fire when Date.now() says 4 ms passed.
    assert.ok(ms >= 4, `waited ${ms} ms`);
    assert.equal(queued, 1);
    release();
    await Promise.all([holder, waiter]);
  });
});
