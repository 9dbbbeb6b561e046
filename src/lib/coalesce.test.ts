// Unit tests of the request coalescer: no waiting when idle, grouping while busy, the weight bound, and
// per-request outcomes (including a runner that fails its whole group).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coalescer, type CoalescerOptions, type Outcome } from "./coalesce.js";

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Gate {
  items: readonly number[];
  open(outcomes?: Array<Outcome<string>>): void;
  fail(err: Error): void;
}

function gatedCoalescer(maxInFlight: number, maxWeight: number, opts: CoalescerOptions = {}): { c: Coalescer<number, string>; gates: Gate[] } {
  const gates: Gate[] = [];
  const c = new Coalescer<number, string>((items) => new Promise((resolve, reject) => {
    gates.push({
      items,
      open: (outcomes) => resolve(outcomes ?? items.map((i) => ({ ok: true, value: `v${i}` }))),
      fail: reject,
    });
  }), maxInFlight, maxWeight, opts);
  return { c, gates };
}

test("idle: each request runs at once, alone, up to the in-flight limit; waiting ones then go together", async () => {
  const { c, gates } = gatedCoalescer(2, 100);
  const p = [1, 2, 3, 4, 5].map((i) => c.submit(i, 1));
  assert.deepEqual(gates.map((g) => g.items), [[1], [2]]);
  gates[0].open();
  assert.equal(await p[0], "v1");
  assert.deepEqual(gates.map((g) => g.items), [[1], [2], [3, 4, 5]]);
  gates[2].open([{ ok: true, value: "a" }, { ok: false, error: new Error("no") }, { ok: true, value: "c" }]);
  assert.deepEqual(await Promise.allSettled(p.slice(2)).then((r) => r.map((x) => x.status)), ["fulfilled", "rejected", "fulfilled"]);
  assert.equal(await p[2], "a");
  gates[1].open();
  assert.equal(await p[1], "v2");
});

test("a group stays within the weight bound; a heavier request runs alone; a failed runner fails its group", async () => {
  const { c, gates } = gatedCoalescer(1, 10);
  const first = c.submit(0, 1);
  const rest = [c.submit(1, 6), c.submit(2, 4), c.submit(3, 20), c.submit(4, 1)];
  gates[0].open();
  await first;
  assert.deepEqual(gates[1].items, [1, 2]);
  gates[1].fail(new Error("db down"));
  await assert.rejects(rest[0], /db down/);
  await assert.rejects(rest[1], /db down/);
  assert.deepEqual(gates[2].items, [3]);
  gates[2].open();
  assert.equal(await rest[2], "v3");
  assert.deepEqual(gates[3].items, [4]);
  gates[3].open();
  assert.equal(await rest[3], "v4");
});

test("gatherTurn: requests of one turn share a group even with free slots; later ones wait for a slot", async () => {
  const { c, gates } = gatedCoalescer(2, 3, { gatherTurn: true });
  const p = [1, 2, 3, 4].map((i) => c.submit(i, 1));
  assert.equal(gates.length, 0, "nothing starts before the turn ends");
  await turn();
  assert.deepEqual(gates.map((g) => g.items), [[1, 2, 3], [4]]);
  const later = c.submit(5, 1);
  await turn();
  assert.equal(gates.length, 2, "both slots busy: the new request waits");
  gates[0].open();
  assert.deepEqual(await Promise.all(p.slice(0, 3)), ["v1", "v2", "v3"]);
  await turn();
  assert.deepEqual(gates[2].items, [5]);
  gates[2].open();
  gates[1].open();
  assert.deepEqual(await Promise.all([later, p[3]]), ["v5", "v4"]);
});

test("fullInFlight: extra statements start only while a full group waits", async () => {
  const { c, gates } = gatedCoalescer(1, 3, { fullInFlight: 2 });
  const p = [1, 2, 3].map((i) => c.submit(i, 1));
  // 1 runs; 2 and 3 wait (weight 2 < 3): no second statement.
  assert.deepEqual(gates.map((g) => g.items), [[1]]);
  const q = c.submit(4, 1);
  // 2, 3, 4 make a full group: it starts beside the running one.
  assert.deepEqual(gates.map((g) => g.items), [[1], [2, 3, 4]]);
  const r = [5, 6, 7].map((i) => c.submit(i, 1));
  // both slots busy even though a full group waits.
  assert.equal(gates.length, 2);
  gates[0].open();
  assert.equal(await p[0], "v1");
  assert.deepEqual(gates.map((g) => g.items), [[1], [2, 3, 4], [5, 6, 7]]);
  gates[1].open();
  gates[2].open();
  assert.deepEqual(await Promise.all([...p.slice(1), q, ...r]), ["v2", "v3", "v4", "v5", "v6", "v7"]);
});
