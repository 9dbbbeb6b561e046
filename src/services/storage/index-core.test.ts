// Unit tests of one storage index in memory: the kept field subset, queries over value.* and metadata
// fields, permissions, order and cursors, eviction, and definition checks.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GameError } from "../../errors.js";
import { compileQuery } from "../../query/index.js";
import { StorageIndex, storageIndexDefinitionError, type IndexedObject, type StorageIndexDefinition } from "./index-core.js";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

const at = (s: number): Date => new Date(Date.UTC(2026, 0, 1) + s * 1000);

function def(over: Partial<StorageIndexDefinition> = {}): StorageIndexDefinition {
  return { name: "idx", collection: "c", key: "", fields: ["name", "stats"], sortableFields: ["score"], maxEntries: 100, indexOnly: false, ...over };
}

function obj(key: string, value: Record<string, unknown>, over: Partial<IndexedObject> = {}): IndexedObject {
  const t = at(0);
  return { collection: "c", key, userId: A, value: JSON.stringify(value), version: "v", read: 2, write: 1, createTime: t, updateTime: t, ...over };
}

function keys(index: StorageIndex, query = "*", order: string[] = [], limit = 100, callerId: string | null = null, cursor = ""): { keys: string[]; cursor: string } {
  const r = index.list({ query: compileQuery(query), limit, order, callerId, cursor });
  return { keys: r.entries.map((e) => e.key), cursor: r.cursor };
}

describe("storage index core", () => {
  test("keeps only the listed fields; an object with none of them is not indexed and leaves", () => {
    const index = new StorageIndex(def());
    index.put(obj("k1", { name: "a", other: 1, score: 5 }));
    index.put(obj("k2", { other: 1 }));
    assert.equal(index.size, 1);
    const [e] = index.list({ query: compileQuery("*"), limit: 10, order: [], callerId: null, cursor: "" }).entries;
    assert.deepEqual(e.fields, { name: "a", score: 5 });
    index.put(obj("k1", { other: 2 }, { updateTime: at(5) }));
    assert.equal(index.size, 0);
  });

  test("collection and key coverage", () => {
    const all = new StorageIndex(def());
    const one = new StorageIndex(def({ key: "profile" }));
    assert.equal(all.covers("c", "x"), true);
    assert.equal(all.covers("d", "x"), false);
    assert.equal(one.covers("c", "profile"), true);
    assert.equal(one.covers("c", "x"), false);
  });

  test("queries value fields (nested with dots), numbers, ranges, must/must-not and metadata", () => {
    const index = new StorageIndex(def());
    index.put(obj("k1", { name: "alice", stats: { level: 10 }, score: 1 }, { updateTime: at(1) }));
    index.put(obj("k2", { name: "bob", stats: { level: 20 }, score: 2 }, { updateTime: at(2), userId: B }));
    index.put(obj("k3", { name: "carol the great", stats: { level: 30 }, score: 3 }, { updateTime: at(3) }));
    assert.deepEqual(keys(index, "value.name:alice").keys, ["k1"]);
    assert.deepEqual(keys(index, "value.stats.level:>=20").keys, ["k3", "k2"]);
    assert.deepEqual(keys(index, "+value.stats.level:>=10 -value.name:bob").keys, ["k3", "k1"]);
    assert.deepEqual(keys(index, 'value.name:"carol the great"').keys, ["k3"]);
    assert.deepEqual(keys(index, `user_id:${B}`).keys, ["k2"]);
    assert.deepEqual(keys(index, "value.score:2").keys, ["k2"]);
    assert.deepEqual(keys(index, "value.name:nobody").keys, []);
    assert.throws(() => compileQuery("value.name:"), GameError);
  });

  test("caller permissions: public objects, and owner-readable ones of the caller only", () => {
    const index = new StorageIndex(def());
    index.put(obj("pub", { name: "x" }, { read: 2, userId: B, updateTime: at(1) }));
    index.put(obj("mine", { name: "x" }, { read: 1, userId: A, updateTime: at(2) }));
    index.put(obj("theirs", { name: "x" }, { read: 1, userId: B, updateTime: at(3) }));
    index.put(obj("hidden", { name: "x" }, { read: 0, userId: A, updateTime: at(4) }));
    assert.deepEqual(keys(index, "*", [], 10, A).keys, ["mine", "pub"]);
    assert.deepEqual(keys(index, "*", [], 10, null).keys, ["hidden", "theirs", "mine", "pub"]);
  });

  test("order by sortable fields ascending/descending, ties by update_time desc; cursor pages continue", () => {
    const index = new StorageIndex(def({ sortableFields: ["score", "name"] }));
    const scores = [5, 3, 5, 1, 4, 3];
    scores.forEach((score, i) => index.put(obj(`k${i}`, { name: `n${i}`, score }, { updateTime: at(i) })));
    index.put(obj("none", { name: "z" }, { updateTime: at(10) })); // no score: last either way
    assert.deepEqual(keys(index, "*", ["score"]).keys, ["k3", "k5", "k1", "k4", "k2", "k0", "none"]);
    assert.deepEqual(keys(index, "*", ["-score"]).keys, ["k2", "k0", "k4", "k5", "k1", "k3", "none"]);
    assert.deepEqual(keys(index, "*", ["value.score", "-name"]).keys, ["k3", "k5", "k1", "k4", "k2", "k0", "none"]);
    // Paging in threes gives the same sequence.
    const seen: string[] = [];
    let cursor = "";
    for (let i = 0; i < 5; i++) {
      const page = keys(index, "*", ["-score"], 3, null, cursor);
      seen.push(...page.keys);
      cursor = page.cursor;
      if (cursor === "") break;
    }
    assert.deepEqual(seen, ["k2", "k0", "k4", "k5", "k1", "k3", "none"]);
    // A cursor only continues the order it came from.
    const first = keys(index, "*", ["-score"], 3);
    assert.throws(() => keys(index, "*", ["score"], 3, null, first.cursor), /invalid cursor/);
    assert.throws(() => keys(index, "*", [], 3, null, "garbage"), /invalid cursor/);
  });

  test("ordering by a field that is not sortable fails", () => {
    const index = new StorageIndex(def());
    assert.throws(() => keys(index, "*", ["name"]), (e: unknown) => e instanceof GameError && e.code === 3 && /not a sortable field/.test(e.message));
  });

  test("no order: update_time descending, then id; a stale write changes nothing", () => {
    const index = new StorageIndex(def());
    index.put(obj("a", { name: "1" }, { updateTime: at(1) }));
    index.put(obj("b", { name: "2" }, { updateTime: at(1) }));
    index.put(obj("c", { name: "3" }, { updateTime: at(2) }));
    assert.deepEqual(keys(index).keys, ["c", "a", "b"]);
    index.put(obj("c", { other: true }, { updateTime: at(0) })); // older than the entry held
    assert.deepEqual(keys(index).keys, ["c", "a", "b"]);
  });

  test("eviction: past maxEntries × 1.1 the oldest by update_time go down to maxEntries", () => {
    const index = new StorageIndex(def({ maxEntries: 10 }));
    for (let i = 0; i < 11; i++) index.put(obj(`k${String(i).padStart(2, "0")}`, { name: "x" }, { updateTime: at(i) }));
    assert.equal(index.size, 11); // 11 ≤ 10 × 1.1
    index.put(obj("k11", { name: "x" }, { updateTime: at(11) }));
    assert.equal(index.size, 10);
    assert.deepEqual(keys(index).keys.slice(-1), ["k02"]); // k00 and k01 (the oldest) went
  });

  test("owner removal and delete", () => {
    const index = new StorageIndex(def());
    index.put(obj("a", { name: "1" }, { userId: A }));
    index.put(obj("b", { name: "1" }, { userId: B }));
    index.removeOwner(A);
    assert.deepEqual(keys(index).keys, ["b"]);
    index.remove({ collection: "c", key: "b", userId: B });
    assert.equal(index.size, 0);
  });

  test("definition checks", () => {
    assert.equal(storageIndexDefinitionError(def()), null);
    assert.match(storageIndexDefinitionError(def({ name: "" })) ?? "", /name/);
    assert.match(storageIndexDefinitionError(def({ collection: "" })) ?? "", /collection/);
    assert.match(storageIndexDefinitionError(def({ fields: [] })) ?? "", /fields/);
    assert.match(storageIndexDefinitionError(def({ maxEntries: 0 })) ?? "", /max entries/);
    assert.match(storageIndexDefinitionError(def({ maxEntries: 1.5 })) ?? "", /max entries/);
  });
});
