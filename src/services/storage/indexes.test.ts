// Unit tests of the server's storage indexes against both databases: filling at start from the storage
// table, staying current through writes, deletes and multi updates (only after they commit), filters,
// listing with re-read values vs indexOnly, retried writes, and bad input.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { GameError } from "../../errors.js";
import type { TestDb } from "../../storage/testing.js";
import { multiUpdate } from "../multi/index.js";
import {
  deleteObjects, nkStorageWriteRetry, StorageIndexes, StorageText, writeObjects, WRITE_RETRIES,
  type StorageDeps, type StorageIndexDefinition, type StorageWriteOp,
} from "./index.js";
import { createUser, testDatabases, testDeps } from "./testkit.js";

/** A JSON object's text with its keys sorted (PostgreSQL reorders them). */
const canon = (text: string): string => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).sort()));

function def(name: string, collection: string, over: Partial<StorageIndexDefinition> = {}): StorageIndexDefinition {
  return { name, collection, key: "", fields: ["name", "level"], sortableFields: ["level"], maxEntries: 100, indexOnly: false, ...over };
}

function op(ownerId: string, collection: string, key: string, value: unknown, over: Partial<StorageWriteOp> = {}): StorageWriteOp {
  return { ownerId, collection, key, value: JSON.stringify(value), version: "", permissionRead: 2, permissionWrite: 1, ...over };
}

for (const database of testDatabases) {
  describe(`storage indexes on ${database.name}`, { skip: database.skip }, () => {
    let t: TestDb;
    let alice: string;
    let bob: string;
    before(async () => {
      t = await database.open();
      alice = await createUser(t.db);
      bob = await createUser(t.db);
    });
    after(async () => {
      await t.dispose();
    });

    const fresh = (defs: StorageIndexDefinition[], filter?: (name: string, value: Record<string, unknown>) => boolean): { indexes: StorageIndexes; deps: StorageDeps } => {
      const indexes = new StorageIndexes(testDeps(t.db));
      indexes.define(defs, filter && (async (name, o) => filter(name, JSON.parse(o.value as string) as Record<string, unknown>)), filter ? defs.map((d) => d.name) : []);
      return { indexes, deps: { ...testDeps(t.db), index: indexes } };
    };
    const names = async (indexes: StorageIndexes, name: string, query = "", order: string[] = [], callerId: string | null = null): Promise<string[]> =>
      (await indexes.list(name, { query, limit: 100, order, callerId })).objects.map((o) => `${o.key}=${canon(o.value)}`);

    test("load at start reads existing objects in pages up to maxEntries; writes before start are found", async () => {
      const plain = testDeps(t.db);
      const many = Array.from({ length: 30 }, (_, i) => op(alice, "load", `k${String(i).padStart(2, "0")}`, { name: `n${i}`, level: i }));
      await writeObjects(plain, many, { authoritative: true });
      await writeObjects(plain, [op(bob, "load", "nofield", { other: 1 }), op(bob, "elsewhere", "k", { name: "x" })], { authoritative: true });
      const { indexes } = fresh([def("all", "load"), def("few", "load", { maxEntries: 5 }), def("one", "load", { key: "k07" })]);
      await indexes.load();
      assert.deepEqual(indexes.counts(), [{ name: "all", entries: 30 }, { name: "few", entries: 5 }, { name: "one", entries: 1 }]);
      assert.deepEqual(await names(indexes, "all", "value.level:>=28", ["-level"]), ['k29={"level":29,"name":"n29"}', 'k28={"level":28,"name":"n28"}']);
      // The first five in (collection, key, user_id) order.
      assert.deepEqual((await names(indexes, "few", "", ["level"])).map((s) => s.split("=")[0]), ["k00", "k01", "k02", "k03", "k04"]);
    });

    test("writes, deletes and multi updates keep the index current; values are re-read", async () => {
      const { indexes, deps } = fresh([def("live", "live")]);
      await indexes.load();
      await writeObjects(deps, [op(alice, "live", "a", { name: "alice", level: 1, secret: "s" })], { authoritative: false });
      await writeObjects(deps, [op(bob, "live", "b", { name: "bob", level: 2 }), op(bob, "live", "c", { other: true })], { authoritative: true });
      assert.deepEqual(await names(indexes, "live", "", ["level"]), ['a={"level":1,"name":"alice","secret":"s"}', 'b={"level":2,"name":"bob"}']);
      assert.deepEqual(await names(indexes, "live", "value.name:bob"), ['b={"level":2,"name":"bob"}']);
      await deleteObjects(deps, [{ ownerId: bob, collection: "live", key: "b", version: "" }], { authoritative: true });
      assert.deepEqual(await names(indexes, "live"), ['a={"level":1,"name":"alice","secret":"s"}']);
      await multiUpdate(deps, {
        storageWrites: [op(bob, "live", "m", { name: "multi", level: 5 })],
        storageDeletes: [{ ownerId: alice, collection: "live", key: "a", version: "" }],
      });
      assert.deepEqual(await names(indexes, "live"), ['m={"level":5,"name":"multi"}']);
      // A rolled-back multi update leaves the index as it was.
      await assert.rejects(multiUpdate(deps, {
        storageWrites: [op(bob, "live", "n", { name: "never", level: 6 }), op(bob, "live", "m", { name: "x" }, { version: "wrong" })],
      }));
      assert.deepEqual(await names(indexes, "live"), ['m={"level":5,"name":"multi"}']);
      // A refused write leaves it too.
      await assert.rejects(writeObjects(deps, [op(bob, "live", "m", { name: "y" }, { version: "*" })], { authoritative: true }));
      assert.deepEqual(await names(indexes, "live"), ['m={"level":5,"name":"multi"}']);
      // An object deleted behind the index's back is dropped from listings (re-read).
      await t.db.query("DELETE FROM storage WHERE collection = 'live'");
      assert.deepEqual(await names(indexes, "live"), []);
    });

    test("indexOnly answers from the index with only the kept fields", async () => {
      const { indexes, deps } = fresh([def("only", "only", { indexOnly: true })]);
      await writeObjects(deps, [op(alice, "only", "a", { name: "alice", level: 3, secret: "s" })], { authoritative: true });
      const [o] = (await indexes.list("only", { query: "*", limit: 10 })).objects;
      assert.equal(o.value, '{"level":3,"name":"alice"}');
      assert.equal(o.user_id, alice);
      assert.equal(o.permission_read, 2);
      assert.equal(o.version.length, 32);
    });

    test("caller permissions follow the client read rule", async () => {
      const { indexes, deps } = fresh([def("perm", "perm")]);
      await writeObjects(deps, [
        op(alice, "perm", "pub", { name: "x" }, { permissionRead: 2 }),
        op(alice, "perm", "own", { name: "x" }, { permissionRead: 1 }),
        op(alice, "perm", "none", { name: "x" }, { permissionRead: 0 }),
      ], { authoritative: true });
      const keys = async (caller: string | null): Promise<string[]> => (await indexes.list("perm", { query: "", limit: 10, callerId: caller })).objects.map((o) => o.key).sort();
      assert.deepEqual(await keys(alice), ["own", "pub"]);
      assert.deepEqual(await keys(bob), ["pub"]);
      assert.deepEqual(await keys(null), ["none", "own", "pub"]);
    });

    test("a filter keeps or removes objects; a failing filter skips the change", async () => {
      const { indexes, deps } = fresh([def("filt", "filt")], (_name, value) => {
        if (value.name === "boom") throw new Error("filter failure");
        return value.level !== 0;
      });
      await writeObjects(deps, [op(alice, "filt", "a", { name: "a", level: 1 }), op(alice, "filt", "b", { name: "b", level: 0 })], { authoritative: true });
      assert.deepEqual((await indexes.list("filt", { query: "", limit: 10 })).objects.map((o) => o.key), ["a"]);
      await writeObjects(deps, [op(alice, "filt", "a", { name: "a", level: 0 })], { authoritative: true });
      assert.equal(indexes.counts()[0].entries, 0);
      await writeObjects(deps, [op(alice, "filt", "a", { name: "a", level: 2 })], { authoritative: true });
      await writeObjects(deps, [op(alice, "filt", "a", { name: "boom", level: 3 })], { authoritative: true }); // the write happens
      const [o] = (await indexes.list("filt", { query: "value.level:3", limit: 10 })).objects;
      assert.equal(o, undefined); // the index kept the entry of level 2…
      assert.equal((await indexes.list("filt", { query: "value.level:2", limit: 10 })).objects[0].value, '{"name": "boom", "level": 3}'); // …whose object is re-read
    });

    test("bad input: unknown index, limits, order fields, duplicate and bad definitions", async () => {
      const { indexes } = fresh([def("bad", "bad")]);
      const invalid = (re: RegExp) => (e: unknown) => e instanceof GameError && e.code === 3 && re.test(e.message);
      await assert.rejects(indexes.list("nope", { query: "", limit: 10 }), invalid(/index "nope" not found/));
      await assert.rejects(indexes.list("bad", { query: "", limit: 0 }), invalid(/limit must be between 1 and 10000/));
      await assert.rejects(indexes.list("bad", { query: "", limit: 10_001 }), invalid(/limit/));
      await assert.rejects(indexes.list("bad", { query: "", limit: 10, order: ["name"] }), invalid(/not a sortable field/));
      await assert.rejects(indexes.list("bad", { query: "value.name:", limit: 10 }), invalid(/unexpected end of query/));
      assert.throws(() => new StorageIndexes(testDeps(t.db)).define([def("d", "c"), def("d", "c")]), invalid(/already registered/));
      assert.throws(() => new StorageIndexes(testDeps(t.db)).define([def("d", "c", { maxEntries: 0 })]), invalid(/max entries/));
    });

    test("storage write retry: same acks; a lasting conflict fails like storage write after the retries", async () => {
      const deps = testDeps(t.db);
      const [ack] = await nkStorageWriteRetry(deps, [{ collection: "retry", key: "a", userId: alice, value: '{"a":1}' }]);
      assert.equal(ack.key, "a");
      assert.equal(ack.user_id, alice);
      assert.ok(WRITE_RETRIES >= 1);
      await assert.rejects(
        nkStorageWriteRetry(deps, [{ collection: "retry", key: "a", userId: alice, value: '{"a":2}', version: "*" }]),
        (e: unknown) => e instanceof GameError && e.message === StorageText.rejectedVersion,
      );
    });
  });
}
