// Tests the request batcher: calls made together are answered by one run in order, runs in flight are
// bounded (later calls wait and join one batch), batches are split at maxBatch, and a failed run
// rejects exactly the calls of its batch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createBatcher } from "./batch.js";

interface Deferred {
  keys: readonly number[];
  resolve: (v: readonly string[]) => void;
  reject: (e: unknown) => void;
}

function recorder() {
  const runs: Deferred[] = [];
  const run = (keys: readonly number[]) =>
    new Promise<readonly string[]>((resolve, reject) => {
      runs.push({ keys, resolve, reject });
    });
  return { runs, run };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

test("calls made together share one run and get their own answers", async () => {
  const r = recorder();
  const call = createBatcher(r.run, { maxBatch: 10, maxInFlight: 1 });
  const ps = [call(1), call(2), call(3)];
  await turn();
  assert.deepEqual(r.runs.map((x) => x.keys), [[1, 2, 3]]);
  r.runs[0].resolve(["a", "b", "c"]);
  assert.deepEqual(await Promise.all(ps), ["a", "b", "c"]);
});

test("runs in flight are bounded; waiting calls join one batch; batches split at maxBatch", async () => {
  const r = recorder();
  const call = createBatcher(r.run, { maxBatch: 2, maxInFlight: 1 });
  const first = call(1);
  await turn();
  const later = [call(2), call(3), call(4)];
  await turn();
  assert.equal(r.runs.length, 1);
  r.runs[0].resolve(["x1"]);
  assert.equal(await first, "x1");
  await turn();
  assert.deepEqual(r.runs.map((x) => x.keys), [[1], [2, 3]]);
  r.runs[1].resolve(["x2", "x3"]);
  await turn();
  await turn();
  assert.deepEqual(r.runs[2].keys, [4]);
  r.runs[2].resolve(["x4"]);
  assert.deepEqual(await Promise.all(later), ["x2", "x3", "x4"]);
});

test("a failed run rejects its own calls only", async () => {
  const r = recorder();
  const call = createBatcher(r.run, { maxBatch: 1, maxInFlight: 2 });
  const a = call(1);
  const b = call(2);
  await turn();
  assert.equal(r.runs.length, 2);
  const boom = new Error("boom");
  r.runs[0].reject(boom);
  r.runs[1].resolve(["ok"]);
  await assert.rejects(a, (e) => e === boom);
  assert.equal(await b, "ok");
});
