// Unit tests of the storage engine against both databases: conditional writes, permissions, batches,
// reads, listings with cursors, deletes, and the concurrency rules (one winner per version).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { GameError } from "../../errors.js";
import type { TestDb } from "../../storage/testing.js";
import { SYSTEM_USER_ID } from "../../session/uuid.js";
import {
  deleteObjects, listObjects, nkStorageDelete, nkStorageList, nkStorageRead, nkStorageWrite, readObjects, storageCore, StorageText, writeObjects,
  type StorageDeps, type StorageWriteOp,
} from "./index.js";
import { createUser, testDatabases, testDeps } from "./testkit.js";

const md5 = (s: string): string => createHash("md5").update(s).digest("hex");

function op(ownerId: string, key: string, value: string, over: Partial<StorageWriteOp> = {}): StorageWriteOp {
  return { ownerId, collection: "c", key, value, version: "", permissionRead: 1, permissionWrite: 1, ...over };
}

async function rejectsWith(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof GameError && e.code === 3 && e.message === message);
}

// Every case runs twice: with plain deps (each call its own statements) and with the REST routes' deps
// (storageCore: concurrent reads and client writes coalesced into shared statements).
for (const [database, coalesced] of testDatabases.flatMap((d) => [[d, false], [d, true]] as const)) {
  describe(`storage on ${database.name}${coalesced ? ", coalesced" : ""}`, { skip: database.skip }, () => {
    let t: TestDb;
    let deps: StorageDeps;
    let alice: string;
    let bob: string;
    before(async () => {
      t = await database.open();
      deps = coalesced ? storageCore(testDeps(t.db)) : testDeps(t.db);
      alice = await createUser(t.db);
      bob = await createUser(t.db);
    });
    after(async () => {
      await t.dispose();
    });

    test("last-write-wins write, ack and read back (normalized value, md5 version, defaults)", async () => {
      const value = '{"b":1,  "a":[1,2]}';
      const [ack] = await writeObjects(deps, [op(alice, "w1", value)], { authoritative: false });
      assert.equal(ack.version, md5(value));
      assert.equal(ack.user_id, alice);
      assert.equal(ack.collection, "c");
      assert.ok(ack.create_time instanceof Date);
      const [obj] = await readObjects(deps, alice, [{ collection: "c", key: "w1", ownerId: alice }]);
      assert.equal(obj.value, '{"a": [1, 2], "b": 1}');
      assert.equal(obj.version, md5(value));
      assert.equal(obj.permission_read, 1);
      assert.equal(obj.permission_write, 1);
      assert.equal(obj.create_time!.getMilliseconds(), 0);
    });

    test("if-match: right version updates, wrong or absent object is a version rejection", async () => {
      const [a1] = await writeObjects(deps, [op(alice, "m1", '{"v":1}')], { authoritative: false });
      const [a2] = await writeObjects(deps, [op(alice, "m1", '{"v":2}', { version: a1.version })], { authoritative: false });
      assert.equal(a2.version, md5('{"v":2}'));
      await rejectsWith(writeObjects(deps, [op(alice, "m1", '{"v":3}', { version: a1.version })], { authoritative: false }), StorageText.rejectedVersion);
      await rejectsWith(writeObjects(deps, [op(alice, "absent", '{"v":3}', { version: a1.version })], { authoritative: false }), StorageText.rejectedVersion);
    });

    test("create-only (*) writes once, then is a version rejection", async () => {
      await writeObjects(deps, [op(alice, "once", "{}", { version: "*" })], { authoritative: false });
      await rejectsWith(writeObjects(deps, [op(alice, "once", '{"x":1}', { version: "*" })], { authoritative: false }), StorageText.rejectedVersion);
    });

    test("write permission 0 refuses client writes (permission text) but not runtime writes", async () => {
      await writeObjects(deps, [op(alice, "locked", "{}", { permissionWrite: 0 })], { authoritative: true });
      await rejectsWith(writeObjects(deps, [op(alice, "locked", '{"x":1}')], { authoritative: false }), StorageText.rejectedPermission);
      await rejectsWith(writeObjects(deps, [op(alice, "locked", '{"x":1}', { version: md5("{}") })], { authoritative: false }), StorageText.rejectedPermission);
      const [ack] = await writeObjects(deps, [op(alice, "locked", '{"x":2}', { permissionWrite: 0 })], { authoritative: true });
      assert.equal(ack.version, md5('{"x":2}'));
    });

    test("a failed batch leaves nothing written; acks follow request order", async () => {
      await writeObjects(deps, [op(alice, "b-exists", "{}")], { authoritative: false });
      const batch = [op(alice, "b-new1", '{"n":1}'), op(alice, "b-exists", "{}", { version: "*" }), op(alice, "a-new2", '{"n":2}')];
      await rejectsWith(writeObjects(deps, batch, { authoritative: false }), StorageText.rejectedVersion);
      const found = await readObjects(deps, null, ["b-new1", "a-new2"].map((key) => ({ collection: "c", key, ownerId: alice })));
      assert.deepEqual(found, []);
      const acks = await writeObjects(deps, [op(alice, "z1", "{}"), op(alice, "a1", '{"a":1}'), op(alice, "z1", '{"z":2}')], { authoritative: false });
      assert.deepEqual(acks.map((a) => a.key), ["z1", "a1", "z1"]);
      const [z] = await readObjects(deps, alice, [{ collection: "c", key: "z1", ownerId: alice }]);
      assert.equal(z.value, '{"z": 2}');
    });

    test("one-statement batches: mixed kinds succeed together; a refusal names its reason", async () => {
      const [m] = await writeObjects(deps, [op(alice, "mx-match", '{"m":0}')], { authoritative: false });
      await writeObjects(deps, [op(alice, "mx-ro", "{}", { permissionWrite: 0 })], { authoritative: true });
      // Counts round trips: the batch must take the one-statement path, not the per-object fallback.
      const calls = { query: 0, tx: 0 };
      const countingDeps = { log: deps.log, db: Object.assign(Object.create(t.db) as typeof t.db, {
        query: (sql: string, params?: readonly unknown[]) => (calls.query++, t.db.query(sql, params)),
        tx: <T>(fn: Parameters<typeof t.db.tx<T>>[0]) => (calls.tx++, t.db.tx(fn)),
      }) };
      const counting = coalesced ? storageCore(countingDeps) : countingDeps;
      const acks = await writeObjects(counting, [
        op(alice, "mx-lww", '{"l":1}'), op(alice, "mx-create", '{"c":1}', { version: "*" }), op(alice, "mx-match", '{"m":1}', { version: m.version }),
      ], { authoritative: false });
      assert.deepEqual(calls, { query: 1, tx: 0 });
      assert.deepEqual(acks.map((a) => [a.key, a.version]), [["mx-lww", md5('{"l":1}')], ["mx-create", md5('{"c":1}')], ["mx-match", md5('{"m":1}')]]);
      await rejectsWith(writeObjects(deps, [op(alice, "mx-new", "{}"), op(alice, "mx-ro", '{"x":1}')], { authoritative: false }), StorageText.rejectedPermission);
      assert.deepEqual(await readObjects(deps, null, [{ collection: "c", key: "mx-new", ownerId: alice }]), []);
      const [ro] = await writeObjects(deps, [op(alice, "mx-new", "{}"), op(alice, "mx-ro", '{"x":1}')], { authoritative: true });
      assert.equal(ro.key, "mx-new");
    });

    test("read rules: 0 runtime only, 1 owner, 2 everyone; order follows the request", async () => {
      await writeObjects(deps, [
        op(alice, "r0", '{"r":0}', { permissionRead: 0 }),
        op(alice, "r1", '{"r":1}', { permissionRead: 1 }),
        op(alice, "r2", '{"r":2}', { permissionRead: 2 }),
      ], { authoritative: false });
      const ids = ["r2", "r1", "r0"].map((key) => ({ collection: "c", key, ownerId: alice }));
      assert.deepEqual((await readObjects(deps, alice, ids)).map((o) => o.key), ["r2", "r1"]);
      assert.deepEqual((await readObjects(deps, bob, ids)).map((o) => o.key), ["r2"]);
      assert.deepEqual((await readObjects(deps, null, ids)).map((o) => o.key), ["r2", "r1", "r0"]);
      assert.deepEqual((await readObjects(deps, bob, [ids[1]])).map((o) => o.key), []);
    });

    test("listings page with cursors in each shape", async () => {
      const coll = "list";
      const w = (owner: string, key: string, read: number): StorageWriteOp => ({ ...op(owner, key, "{}", { permissionRead: read }), collection: coll });
      await writeObjects(deps, [w(alice, "a", 2), w(alice, "b", 1), w(alice, "c", 2), w(alice, "d", 0), w(bob, "a", 2), w(bob, "e", 1)], { authoritative: true });
      const all = async (callerId: string | null, ownerId: string | null, limit: number): Promise<string[]> => {
        const out: string[] = [];
        let cursor = "";
        do {
          const page = await listObjects(deps, { callerId, ownerId, collection: coll, limit, cursor });
          assert.ok(page.objects.length <= limit);
          out.push(...page.objects.map((o) => `${o.user_id === alice ? "A" : "B"}${o.key}${o.permission_read}`));
          cursor = page.cursor;
        } while (cursor !== "");
        return out;
      };
      const aa = alice < bob;
      assert.deepEqual(await all(alice, alice, 1), ["Ab1", "Aa2", "Ac2"]);
      assert.deepEqual(await all(bob, alice, 1), ["Aa2", "Ac2"]);
      assert.deepEqual(await all(alice, null, 2), aa ? ["Aa2", "Ba2", "Ac2"] : ["Ba2", "Aa2", "Ac2"]);
      assert.deepEqual(await all(null, alice, 3), ["Ad0", "Ab1", "Aa2", "Ac2"]);
      assert.equal((await all(null, null, 100)).length, 6);
      assert.deepEqual(await listObjects(deps, { callerId: alice, ownerId: alice, collection: coll, limit: 0, cursor: "" }), { objects: [], cursor: "" });
      await rejectsWith(listObjects(deps, { callerId: alice, ownerId: null, collection: coll, limit: 1, cursor: "!!" }), StorageText.malformedCursor);
      await rejectsWith(listObjects(deps, { callerId: alice, ownerId: null, collection: coll, limit: 1, cursor: "e30" }), StorageText.malformedCursor);
    });

    test("deletes: permission, version, missing; runtime deletes; batches all or nothing", async () => {
      await writeObjects(deps, [op(alice, "d1", "{}"), op(alice, "d2", "{}"), op(alice, "d0", "{}", { permissionWrite: 0 })], { authoritative: true });
      await rejectsWith(deleteObjects(deps, [{ ownerId: alice, collection: "c", key: "d0", version: "" }], { authoritative: false }), StorageText.deleteRejected);
      await rejectsWith(deleteObjects(deps, [{ ownerId: alice, collection: "c", key: "d1", version: "nope" }], { authoritative: false }), StorageText.deleteRejected);
      await rejectsWith(deleteObjects(deps, [{ ownerId: alice, collection: "c", key: "missing", version: "" }], { authoritative: false }), StorageText.deleteRejected);
      await rejectsWith(deleteObjects(deps, [
        { ownerId: alice, collection: "c", key: "d1", version: "" },
        { ownerId: alice, collection: "c", key: "missing", version: "" },
      ], { authoritative: false }), StorageText.deleteRejected);
      assert.equal((await readObjects(deps, null, [{ collection: "c", key: "d1", ownerId: alice }])).length, 1);
      await deleteObjects(deps, [{ ownerId: alice, collection: "c", key: "d1", version: md5("{}") }, { ownerId: alice, collection: "c", key: "d2", version: "" }], { authoritative: false });
      await deleteObjects(deps, [{ ownerId: alice, collection: "c", key: "d0", version: "" }, { ownerId: alice, collection: "c", key: "gone", version: "" }], { authoritative: true });
      await rejectsWith(deleteObjects(deps, [{ ownerId: alice, collection: "c", key: "gone", version: "x" }], { authoritative: true }), StorageText.deleteRejected);
      assert.deepEqual(await readObjects(deps, null, ["d0", "d1", "d2"].map((key) => ({ collection: "c", key, ownerId: alice }))), []);
    });

    test("nk variants: system owner by default, objects encoded as Go does, validation texts", async () => {
      const [ack] = await nkStorageWrite(deps, [{ collection: "sys", key: "k", value: { z: 1, a: "<" } }]);
      assert.equal(ack.user_id, SYSTEM_USER_ID);
      assert.equal(ack.version, md5('{"a":"\\u003c","z":1}'));
      const [obj] = await nkStorageRead(deps, [{ collection: "sys", key: "k" }]);
      assert.equal(obj.value, '{"a": "<", "z": 1}');
      assert.equal((await nkStorageList(deps, "", "", "sys", 10, "")).objects.length, 1);
      await assert.rejects(nkStorageWrite(deps, [{ collection: "", key: "k", value: "{}" }]), /expects collection to be a non-empty string/);
      await assert.rejects(nkStorageWrite(deps, [{ collection: "c", key: "k", value: "[1]" }]), /value must be a JSON-encoded object/);
      await assert.rejects(nkStorageRead(deps, [{ collection: "c", key: "k", userId: "nope" }]), /expects an empty or valid user id/);
      await assert.rejects(nkStorageList(deps, "x", "", "c", 1, ""), /expects an empty or valid caller id/);
      await nkStorageDelete(deps, [{ collection: "sys", key: "k" }]);
      assert.deepEqual(await nkStorageRead(deps, [{ collection: "sys", key: "k" }]), []);
    });

    test("concurrent conditional writes on one version: exactly one wins", async () => {
      const [base] = await writeObjects(deps, [op(alice, "race", '{"n":0}')], { authoritative: false });
      const n = 20;
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => writeObjects(deps, [op(alice, "race", `{"n":${i + 1}}`, { version: base.version })], { authoritative: false })),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      assert.equal(won.length, 1);
      for (const r of results) {
        if (r.status === "rejected") assert.equal((r.reason as GameError).message, StorageText.rejectedVersion);
      }
      const [obj] = await readObjects(deps, alice, [{ collection: "c", key: "race", ownerId: alice }]);
      assert.equal(obj.version, (won[0] as PromiseFulfilledResult<Array<{ version: string }>>).value[0].version);
    });

    test("concurrent create-only writes of one key: exactly one wins", async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => writeObjects(deps, [op(bob, "race-create", `{"n":${i}}`, { version: "*" })], { authoritative: false })),
      );
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    });

    test("concurrent batches over the same keys in opposite orders all commit (no deadlock)", async () => {
      const keys = ["x1", "x2", "x3", "x4"];
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => {
        const ks = i % 2 === 0 ? keys : [...keys].reverse();
        return writeObjects(deps, ks.map((k) => op(alice, k, `{"i":${i}}`)), { authoritative: false });
      }));
      assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
    });

    test("many concurrent reads and writes of different callers: each gets its own outcome", async () => {
      await writeObjects(deps, [
        op(alice, "cc0", '{"r":0}', { permissionRead: 0 }), op(alice, "cc1", '{"r":1}'), op(alice, "cc2", '{"r":2}', { permissionRead: 2 }),
      ], { authoritative: false });
      const ids = ["cc2", "cc1", "cc0", "cc-missing"].map((key) => ({ collection: "c", key, ownerId: alice }));
      // The caller's id in upper case is the same caller (UUIDs compare as values).
      const callers = [alice, bob, null, alice.toUpperCase()] as const;
      const expected = new Map<string | null, string[]>([
        [alice, ["cc2", "cc1"]], [bob, ["cc2"]], [null, ["cc2", "cc1", "cc0"]], [alice.toUpperCase(), ["cc2", "cc1"]],
      ]);
      const reads = await Promise.all(Array.from({ length: 80 }, (_, i) => {
        const caller = callers[i % 4];
        return readObjects(deps, caller, i % 2 === 0 ? ids : [ids[(i >> 1) % 4]]).then((objs) => ({ caller, i, objs }));
      }));
      for (const r of reads) {
        const all = expected.get(r.caller) ?? [];
        assert.deepEqual(r.objs.map((o) => o.key), r.i % 2 === 0 ? all : all.filter((k) => k === ids[(r.i >> 1) % 4].key), `read ${r.i}`);
        for (const o of r.objs) {
          assert.equal(o.collection, "c");
          assert.equal(o.user_id, alice);
          assert.equal(o.value, `{"r": ${o.key.slice(2)}}`);
        }
      }
      const [base] = await writeObjects(deps, [op(bob, "cw-match", '{"v":0}')], { authoritative: false });
      const writes = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => {
        if (i % 10 === 3) return writeObjects(deps, [op(bob, `cw${i}`, "{}"), op(bob, "cw-match", "{}", { version: "stale" })], { authoritative: false });
        if (i % 10 === 7) return writeObjects(deps, [op(bob, "cw-shared", `{"i":${i}}`)], { authoritative: false });
        return writeObjects(deps, [op(i % 2 === 0 ? alice : bob, `cw${i}`, `{"i":${i}}`)], { authoritative: false });
      }));
      writes.forEach((w, i) => {
        if (i % 10 === 3) {
          assert.equal(w.status, "rejected", `write ${i}`);
          assert.equal((w.reason as GameError).message, StorageText.rejectedVersion);
        } else {
          assert.equal(w.status, "fulfilled", `write ${i}`);
          const [ack] = (w as PromiseFulfilledResult<Array<{ key: string; version: string }>>).value;
          assert.equal(ack.key, i % 10 === 7 ? "cw-shared" : `cw${i}`);
          assert.equal(ack.version, md5(`{"i":${i}}`));
        }
      });
      const written = await readObjects(deps, null, Array.from({ length: 40 }, (_, i) => ({ collection: "c", key: `cw${i}`, ownerId: i % 2 === 0 ? alice : bob })));
      assert.deepEqual(written.map((o) => o.key), Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 10 !== 3 && i % 10 !== 7).map((i) => `cw${i}`));
      const [kept] = await readObjects(deps, bob, [{ collection: "c", key: "cw-match", ownerId: bob }]);
      assert.equal(kept.version, base.version);
    });
  });
}
