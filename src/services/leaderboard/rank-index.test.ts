// Unit tests of the rank index: ranks agree with a plain sort under random upserts and deletes (both
// orders, block splits included), generations keep the newer record, bulk loads merge with live writes,
// slices of consecutive ranks, and int64 scores beyond 2^53 order exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RankIndex, toScore, type RankEntry } from "./rank-index.js";

function owner(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
}

/** A tiny deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function naiveRanks(entries: Map<string, RankEntry>, desc: boolean): string[] {
  const idx = new RankIndex(desc);
  return [...entries.values()].sort((a, b) => idx.compare(a, b)).map((e) => e.owner);
}

for (const desc of [true, false]) {
  test(`random upserts and deletes match a plain sort (${desc ? "desc" : "asc"})`, () => {
    const rand = rng(desc ? 7 : 11);
    const idx = new RankIndex(desc);
    const truth = new Map<string, RankEntry>();
    for (let step = 0; step < 6000; step++) {
      const o = owner(Math.floor(rand() * 2500));
      if (rand() < 0.15) {
        assert.equal(idx.delete(o), truth.delete(o));
        continue;
      }
      const gen = (truth.get(o)?.gen ?? 0) + 1;
      const e = { score: Math.floor(rand() * 50), subscore: Math.floor(rand() * 3), owner: o, gen };
      truth.set(o, e);
      idx.upsert(o, e.score, e.subscore, gen);
    }
    const order = naiveRanks(truth, desc);
    assert.equal(idx.size, order.length);
    order.forEach((o, i) => {
      assert.equal(idx.rankOf(o), i + 1);
      assert.equal(idx.at(i + 1)?.owner, o);
    });
    assert.equal(idx.at(0), undefined);
    assert.equal(idx.at(order.length + 1), undefined);
    // Slices across block boundaries and clipped at both ends.
    for (let k = 0; k < 200; k++) {
      const from = Math.floor(rand() * (order.length + 20)) - 10;
      const to = from + Math.floor(rand() * 1200) - 5;
      const want = order.slice(Math.max(0, from - 1), Math.max(0, Math.min(order.length, to)));
      assert.deepEqual(idx.slice(from, to).map((e) => e.owner), want, `${from}..${to}`);
    }
  });
}

test("ties break on subscore, then owner id, in the board's direction", () => {
  const d = new RankIndex(true);
  d.upsert(owner(1), 10, 0, 1);
  d.upsert(owner(2), 10, 0, 1);
  d.upsert(owner(3), 10, 5, 1);
  d.upsert(owner(4), 11, 0, 1);
  assert.deepEqual([1, 2, 3, 4].map((r) => d.at(r)?.owner), [owner(4), owner(3), owner(2), owner(1)]);
  const a = new RankIndex(false);
  a.upsert(owner(1), 10, 0, 1);
  a.upsert(owner(2), 10, 0, 1);
  a.upsert(owner(3), 10, 5, 1);
  a.upsert(owner(4), 11, 0, 1);
  assert.deepEqual([1, 2, 3, 4].map((r) => a.at(r)?.owner), [owner(1), owner(2), owner(3), owner(4)]);
});

test("an older generation never replaces a newer one", () => {
  const idx = new RankIndex(true);
  idx.upsert(owner(1), 5, 0, 1);
  idx.upsert(owner(2), 50, 0, 3);
  assert.equal(idx.rankOf(owner(2)), 1);
  // A late write of generation 2 (score 1) arrives after generation 3.
  assert.equal(idx.upsert(owner(2), 1, 0, 2), 1);
  assert.equal(idx.get(owner(2))?.score, 50);
  assert.equal(idx.upsert(owner(2), 1, 0, 4), 2);
});

test("bulk load merges with entries written meanwhile and skips deleted owners", () => {
  const idx = new RankIndex(true);
  idx.upsert(owner(5), 500, 0, 9); // written while loading: newer than the row the loader read
  const loaded: RankEntry[] = [];
  for (let i = 0; i < 3000; i++) loaded.push({ score: 3000 - i, subscore: 0, owner: owner(i), gen: 1 });
  idx.bulkLoad(loaded, new Set([owner(7)]));
  assert.equal(idx.size, 2999);
  assert.equal(idx.get(owner(5))?.score, 500);
  assert.equal(idx.rankOf(owner(7)), 0);
  assert.equal(idx.rankOf(owner(0)), 1);
  // Behind the 2498 loaded scores above 500 (owners 0..2499 less 5 and 7) and owner 2500's tie at 500,
  // whose greater owner id ranks first on a descending board.
  assert.equal(idx.rankOf(owner(5)), 2500);
  idx.upsert(owner(3001), 1_000_000, 0, 1);
  assert.equal(idx.rankOf(owner(3001)), 1);
  assert.equal(idx.rankOf(owner(0)), 2);
});

test("int64 scores beyond 2^53 keep their exact order", () => {
  const idx = new RankIndex(true);
  const big = 2n ** 62n;
  idx.upsert(owner(1), toScore((big + 1n).toString()), 0, 1);
  idx.upsert(owner(2), toScore(big.toString()), 0, 1);
  idx.upsert(owner(3), toScore("9007199254740991"), 0, 1);
  assert.deepEqual([1, 2, 3].map((r) => idx.at(r)?.owner), [owner(1), owner(2), owner(3)]);
  assert.equal(typeof toScore("123"), "number");
  assert.equal(typeof toScore((big + 1n).toString()), "bigint");
});
