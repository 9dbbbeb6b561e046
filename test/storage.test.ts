// Black-box: the storage routes over the wire with nakama-js, on the embedded database and (when
// TROUPE_TEST_DATABASE_URL is set) on PostgreSQL: round trips, Nakama's JSON, permission rules,
// conditional writes and their errors, validation errors, and the concurrency rules.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Client} from "@heroiclabs/nakama-js";
import { type Session } from "@heroiclabs/nakama-js";
import { bootServer, clientFor, type BootedServer, testDatabases } from "./helpers/boot.js";

const md5 = (s: string): string => createHash("md5").update(s).digest("hex");

const databases = testDatabases;

for (const database of databases) {
  describe(`storage routes on ${database.name}`, { skip: database.skip }, () => {
    let s: BootedServer;
    let client: Client;
    let alice: Session;
    let bob: Session;

    before(async () => {
      s = await bootServer({ "logger.level": "warn" }, { database: database.name });
      client = clientFor(s, 4000);
      alice = await client.authenticateDevice(`st-alice-${database.name}`, true, `stalice${database.name}`);
      bob = await client.authenticateDevice(`st-bob-${database.name}-x`, true, `stbob${database.name}`);
    });
    after(async () => {
      await s.stop();
    });

    async function call(method: string, path: string, session: Session | null, body?: unknown): Promise<{ status: number; body: any }> {
      const headers: Record<string, string> = session === null ? {} : { authorization: `Bearer ${session.token}` };
      const r = await fetch(s.httpUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      return { status: r.status, body: text === "" ? null : JSON.parse(text) };
    }

    test("write, read, list and delete with nakama-js; Nakama's JSON shapes", async () => {
      const acks = await client.writeStorageObjects(alice, [{ collection: "saves", key: "slot1", value: { hp: 10, name: "x" } }]);
      assert.equal(acks.acks?.length, 1);
      const ack = acks.acks[0];
      assert.deepEqual(Object.keys(ack), ["collection", "key", "version", "user_id", "create_time", "update_time"]);
      assert.equal(ack.version, md5(JSON.stringify({ hp: 10, name: "x" })));
      assert.equal(ack.user_id, alice.user_id);

      const read = await call("POST", "/v2/storage", alice, { object_ids: [{ collection: "saves", key: "slot1", user_id: alice.user_id }] });
      assert.equal(read.status, 200);
      const obj = read.body.objects[0];
      assert.deepEqual(Object.keys(obj), ["collection", "key", "user_id", "value", "version", "permission_read", "permission_write", "create_time", "update_time"]);
      assert.equal(obj.value, '{"hp": 10, "name": "x"}');
      assert.match(obj.create_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      const viaClient = await client.readStorageObjects(alice, { object_ids: [{ collection: "saves", key: "slot1", user_id: alice.user_id }] });
      assert.deepEqual(viaClient.objects[0].value, { hp: 10, name: "x" });

      const list = await client.listStorageObjects(alice, "saves", alice.user_id, 10);
      assert.deepEqual(list.objects.map((o) => o.key), ["slot1"]);
      assert.equal(list.cursor, undefined);

      assert.equal(await client.deleteStorageObjects(alice, { object_ids: [{ collection: "saves", key: "slot1" }] }), true);
      const gone = await call("POST", "/v2/storage", alice, { object_ids: [{ collection: "saves", key: "slot1", user_id: alice.user_id }] });
      assert.deepEqual(gone, { status: 200, body: {} });
    });

    test("read permissions: owner-only objects hidden from others, public ones visible; listings follow", async () => {
      await client.writeStorageObjects(alice, [
        { collection: "perm", key: "private", value: { a: 1 }, permission_read: 1 },
        { collection: "perm", key: "public", value: { a: 2 }, permission_read: 2 },
        { collection: "perm", key: "hidden", value: { a: 3 }, permission_read: 0 },
      ]);
      const ids = ["private", "public", "hidden"].map((key) => ({ collection: "perm", key, user_id: alice.user_id }));
      const mine = await client.readStorageObjects(alice, { object_ids: ids });
      assert.deepEqual(mine.objects.map((o) => o.key), ["private", "public"]);
      const theirs = await client.readStorageObjects(bob, { object_ids: ids });
      assert.deepEqual(theirs.objects.map((o) => o.key), ["public"]);
      const bobList = await client.listStorageObjects(bob, "perm", alice.user_id, 10);
      assert.deepEqual(bobList.objects.map((o) => o.key), ["public"]);
      const aliceList = await client.listStorageObjects(alice, "perm", alice.user_id, 10);
      assert.deepEqual(aliceList.objects.map((o) => o.key), ["private", "public"]);
      const publicList = await call("GET", "/v2/storage/perm?limit=10", bob);
      assert.deepEqual(publicList.body.objects.map((o: { key: string }) => o.key), ["public"]);
      // The default page is one object, with a cursor to the next.
      const page1 = await call("GET", `/v2/storage/perm/${alice.user_id}`, alice);
      assert.equal(page1.body.objects.length, 1);
      const page2 = await call("GET", `/v2/storage/perm/${alice.user_id}?cursor=${page1.body.cursor}`, alice);
      assert.deepEqual(page2.body.objects.map((o: { key: string }) => o.key), ["public"]);
      assert.equal(page2.body.cursor, undefined);
    });

    test("conditional writes and write permission: Nakama's rejections", async () => {
      const [ack] = (await client.writeStorageObjects(alice, [{ collection: "cond", key: "k", value: { v: 1 } }])).acks!;
      const rejectedVersion = { status: 400, body: { code: 3, message: "Storage write rejected - version check failed." } };
      assert.deepEqual(await call("PUT", "/v2/storage", alice, { objects: [{ collection: "cond", key: "k", value: "{}", version: "*" }] }), rejectedVersion);
      assert.deepEqual(await call("PUT", "/v2/storage", alice, { objects: [{ collection: "cond", key: "k", value: "{}", version: "abc" }] }), rejectedVersion);
      const ok = await call("PUT", "/v2/storage", alice, { objects: [{ collection: "cond", key: "k", value: '{"v":2}', version: ack.version }] });
      assert.equal(ok.status, 200);
      await client.writeStorageObjects(alice, [{ collection: "cond", key: "ro", value: {}, permission_write: 0 }]);
      assert.deepEqual(await call("PUT", "/v2/storage", alice, { objects: [{ collection: "cond", key: "ro", value: "{}" }] }), {
        status: 400, body: { code: 3, message: "Storage write rejected - permission denied." },
      });
      assert.deepEqual(await call("PUT", "/v2/storage/delete", alice, { object_ids: [{ collection: "cond", key: "ro" }] }), {
        status: 400, body: { code: 3, message: "Storage delete rejected - not found, version check failed, or permission denied." },
      });
    });

    test("a failed batch leaves nothing written", async () => {
      await client.writeStorageObjects(alice, [{ collection: "batch", key: "exists", value: {} }]);
      const r = await call("PUT", "/v2/storage", alice, {
        objects: [{ collection: "batch", key: "a", value: "{}" }, { collection: "batch", key: "exists", value: "{}", version: "*" }, { collection: "batch", key: "z", value: "{}" }],
      });
      assert.equal(r.status, 400);
      const list = await client.listStorageObjects(alice, "batch", alice.user_id, 10);
      assert.deepEqual(list.objects.map((o) => o.key), ["exists"]);
    });

    test("validation errors and auth", async () => {
      const bad = (message: string) => ({ status: 400, body: { code: 3, message } });
      const ids = "Invalid collection or key value supplied. They must be set.";
      assert.deepEqual(await call("PUT", "/v2/storage", alice, { objects: [{ collection: "", key: "k", value: "{}" }] }), bad(ids));
      assert.deepEqual(await call("PUT", "/v2/storage", alice, { objects: [{ collection: "c", key: "k", value: "" }] }), bad(ids));
      assert.deepEqual(await call("PUT", "/v2/storage", alice, { objects: [{ collection: "c", key: "k", value: "[1]" }] }), bad("Value must be a JSON object."));
      assert.deepEqual(await call("PUT", "/v2/storage", alice, { objects: [{ collection: "c", key: "k", value: "{}", permission_read: 3 }] }),
        bad("Invalid Read permission supplied. It must be either 0, 1 or 2."));
      assert.deepEqual(await call("PUT", "/v2/storage", alice, { objects: [{ collection: "c", key: "k", value: "{}", permission_write: 2 }] }),
        bad("Invalid Write permission supplied. It must be either 0 or 1."));
      assert.deepEqual(await call("POST", "/v2/storage", alice, { object_ids: [{ collection: "c", key: "k", user_id: "nope" }] }),
        bad("Invalid user ID - make sure user ID is a valid UUID."));
      assert.deepEqual(await call("PUT", "/v2/storage/delete", alice, { object_ids: [{ collection: "c", key: "" }] }), bad(ids));
      assert.deepEqual(await call("GET", "/v2/storage/c?limit=0", alice), bad("Invalid limit - limit must be between 1 and 100."));
      assert.deepEqual(await call("GET", "/v2/storage/c?user_id=nope", alice), bad("Invalid user ID - make sure user ID is a valid UUID."));
      assert.deepEqual(await call("GET", "/v2/storage/c?cursor=xyz", alice), bad("Malformed cursor was used."));
      assert.deepEqual(await call("PUT", "/v2/storage", alice, { objects: [] }), { status: 200, body: {} });
      assert.deepEqual(await call("PUT", "/v2/storage", null, { objects: [] }), { status: 401, body: { code: 16, message: "Auth token required" } });
      assert.deepEqual(await call("GET", "/v2/storage/c", null), { status: 401, body: { code: 16, message: "Auth token required" } });
    });

    test("concurrent conditional writes on one version over HTTP: exactly one wins", async () => {
      const [base] = (await client.writeStorageObjects(bob, [{ collection: "race", key: "k", value: { n: 0 } }])).acks!;
      const results = await Promise.all(Array.from({ length: 24 }, (_, i) =>
        call("PUT", "/v2/storage", bob, { objects: [{ collection: "race", key: "k", value: JSON.stringify({ n: i + 1 }), version: base.version }] })));
      const winners = results.filter((r) => r.status === 200);
      assert.equal(winners.length, 1);
      for (const r of results) if (r.status !== 200) assert.equal(r.body.message, "Storage write rejected - version check failed.");
      const now = await client.readStorageObjects(bob, { object_ids: [{ collection: "race", key: "k", user_id: bob.user_id }] });
      assert.equal(now.objects[0].version, winners[0].body.acks[0].version);
    });
  });
}
