// Storage indexes over the wire, with a Lua module, a JS bundle and a native module each registering the
// same indexes (test/fixtures/modules/storage-index/<runtime>): clients write and delete through REST
// (nakama-js), an RPC lists an index with storage_index_list / storageIndexList (query, order, cursor,
// caller, indexOnly, filter function), storage_write_retry writes, bad input fails with clear texts; and
// on PostgreSQL, objects written before a server starts are in its indexes (filled at start).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client, Session } from "@heroiclabs/nakama-js";
import { bootServer, clientFor, postgresSkip, testPostgresUrl, type BootedServer } from "./helpers/boot.js";
import { bearer, bootRuntime, rpc, RUNTIMES } from "./runtime-kit.js";
import { openTestPostgres } from "../src/storage/testing.js";
import { migrateUp } from "../src/storage/migrate.js";

interface Listed {
  objects: Array<{ key: string; user_id: string; value: Record<string, unknown> }>;
  cursor: string;
  error?: string;
}

interface ListArgs {
  index: string;
  query?: string;
  limit?: number;
  order?: string[];
  as_caller?: boolean;
  cursor?: string;
}

async function list(s: BootedServer, session: Session, args: ListArgs): Promise<Listed> {
  const r = await rpc(s, "index_list", { auth: bearer(session.token), payload: JSON.stringify(args) });
  assert.equal(r.status, 200, r.text);
  const out = JSON.parse(r.json().payload as string) as Listed;
  // Lua encodes an empty list as {}.
  if (out.objects !== undefined && !Array.isArray(out.objects)) out.objects = [];
  return out;
}

/** Names of the listed players, in order. */
async function names(s: BootedServer, session: Session, args: ListArgs): Promise<string[]> {
  const out = await list(s, session, args);
  assert.equal(out.error, undefined, out.error);
  return out.objects.map((o) => String(o.value.name));
}

async function writeProfile(client: Client, session: Session, value: Record<string, unknown>, read: 1 | 2): Promise<void> {
  await client.writeStorageObjects(session, [{ collection: "players", key: "profile", value, permission_read: read, permission_write: 1 }]);
}

for (const runtime of RUNTIMES) {
  describe(`storage indexes: ${runtime}`, () => {
    let s: BootedServer;
    let client: Client;
    let alice: Session;
    let bob: Session;
    let carol: Session;
    let dave: Session;
    before(async () => {
      s = await bootRuntime(`storage-index/${runtime}`);
      client = clientFor(s);
      alice = await client.authenticateDevice(`sidx-alice-${runtime}`, true);
      bob = await client.authenticateDevice(`sidx-bob-${runtime}`, true);
      carol = await client.authenticateDevice(`sidx-carol-${runtime}`, true);
      dave = await client.authenticateDevice(`sidx-dave-${runtime}`, true);
      await writeProfile(client, alice, { name: "alice", level: 10, region: "eu", secret: "a" }, 2);
      await writeProfile(client, bob, { name: "bob", level: 20, region: "us" }, 1);
      await writeProfile(client, carol, { name: "carol", level: 30, region: "eu", banned: true }, 2); // the filter keeps it out
      await client.writeStorageObjects(dave, [
        { collection: "players", key: "other", value: { name: "dave", level: 40 }, permission_read: 2 }, // another key
      ]);
      await writeProfile(client, dave, { nothing: 1 }, 2); // no indexed field
    });
    after(() => s.stop());

    it("lists the indexed objects with current values, ordered by a sortable field", async () => {
      assert.deepEqual(await names(s, alice, { index: "players", order: ["-level"] }), ["bob", "alice"]);
      assert.deepEqual(await names(s, alice, { index: "players", order: ["level"] }), ["alice", "bob"]);
      const out = await list(s, alice, { index: "players", query: "value.name:alice" });
      assert.equal(out.objects.length, 1);
      assert.deepEqual(out.objects[0].value, { name: "alice", level: 10, region: "eu", secret: "a" }); // re-read: every field
      assert.equal(out.objects[0].user_id, alice.user_id);
    });

    it("queries with terms, ranges and must / must-not", async () => {
      assert.deepEqual(await names(s, alice, { index: "players", query: "+value.region:eu" }), ["alice"]);
      assert.deepEqual(await names(s, alice, { index: "players", query: "value.level:>=15" }), ["bob"]);
      assert.deepEqual(await names(s, alice, { index: "players", query: "-value.region:us", order: ["level"] }), ["alice"]);
      assert.deepEqual(await names(s, alice, { index: "players", query: "value.region:mars" }), []);
    });

    it("a caller sees only what it may read", async () => {
      assert.deepEqual(await names(s, alice, { index: "players", as_caller: true, order: ["level"] }), ["alice"]);
      assert.deepEqual(await names(s, bob, { index: "players", as_caller: true, order: ["level"] }), ["alice", "bob"]);
    });

    it("pages with a cursor in the same order", async () => {
      const first = await list(s, alice, { index: "players", order: ["level"], limit: 1 });
      assert.deepEqual(first.objects.map((o) => o.value.name), ["alice"]);
      assert.notEqual(first.cursor, "");
      const second = await list(s, alice, { index: "players", order: ["level"], limit: 1, cursor: first.cursor });
      assert.deepEqual(second.objects.map((o) => o.value.name), ["bob"]);
      assert.equal(second.cursor, "");
    });

    it("an indexOnly index answers with the indexed fields only", async () => {
      const out = await list(s, alice, { index: "names", query: "value.name:alice" });
      assert.deepEqual(out.objects.map((o) => o.value), [{ name: "alice" }]);
      assert.deepEqual((await names(s, alice, { index: "names", query: "*" })).sort(), ["alice", "bob", "carol"]); // no filter on this one
    });

    it("follows writes and deletes: filter verdicts, removal, nk storage_write_retry", async () => {
      await writeProfile(client, carol, { name: "carol", level: 30, region: "eu", banned: false }, 2);
      assert.deepEqual(await names(s, alice, { index: "players", order: ["-level"] }), ["carol", "bob", "alice"]);
      await writeProfile(client, carol, { name: "carol", level: 31, banned: true }, 2);
      assert.deepEqual(await names(s, alice, { index: "players", order: ["-level"] }), ["bob", "alice"]);
      assert.equal(await client.deleteStorageObjects(alice, { object_ids: [{ collection: "players", key: "profile" }] }), true);
      assert.deepEqual(await names(s, bob, { index: "players", order: ["-level"] }), ["bob"]);
      const w = await rpc(s, "write_retry", { auth: bearer(alice.token), payload: JSON.stringify({ name: "alice2", level: 50 }) });
      assert.equal(w.status, 200, w.text);
      assert.equal((JSON.parse(w.json().payload as string) as { version: string }).version.length, 32);
      assert.deepEqual(await names(s, bob, { index: "players", order: ["-level"] }), ["alice2", "bob"]);
    });

    it("an account deletion takes the account's objects out of the indexes", async () => {
      const gone = await client.authenticateDevice(`sidx-gone-${runtime}`, true);
      await writeProfile(client, gone, { name: "gone", level: 1 }, 2);
      assert.deepEqual(await names(s, alice, { index: "names", query: "value.name:gone" }), ["gone"]);
      const r = await fetch(`${s.httpUrl}/v2/account`, { method: "DELETE", headers: { authorization: bearer(gone.token) } });
      assert.equal(r.status, 200);
      assert.deepEqual(await names(s, alice, { index: "names", query: "value.name:gone" }), []); // indexOnly: from memory
    });

    it("refuses an unknown index, a field that is not sortable, a bad limit and a bad query", async () => {
      const error = async (args: ListArgs): Promise<string> => (await list(s, alice, args)).error ?? "(no error)";
      assert.match(await error({ index: "nope" }), /index "nope" not found/);
      assert.match(await error({ index: "players", order: ["name"] }), /order field "name" is not a sortable field of index "players"/);
      assert.match(await error({ index: "players", limit: -1 }), /limit must be between 1 and 10000/);
      assert.match(await error({ index: "players", limit: 10_001 }), /limit must be between 1 and 10000/);
      assert.match(await error({ index: "players", query: "value.name:" }), /unexpected end of query/);
    });
  });
}

describe("storage indexes: filled at start from the storage table (PostgreSQL)", { skip: postgresSkip }, () => {
  let pg: Awaited<ReturnType<typeof openTestPostgres>>;
  before(async () => {
    pg = await openTestPostgres(testPostgresUrl as string);
    await migrateUp(pg.db);
  });
  after(() => pg.dispose());

  for (const runtime of RUNTIMES) {
    it(`objects written before a ${runtime} server starts are in its indexes; the filter runs at load`, async () => {
      const boot = (): Promise<BootedServer> => bootServer({
        "runtime.path": `test/fixtures/modules/storage-index/${runtime}`, "database.address": pg.address,
      });
      const first = await boot();
      let erin: Session;
      try {
        const c = clientFor(first);
        erin = await c.authenticateDevice(`sidx-load-erin-${runtime}`, true);
        const frank = await c.authenticateDevice(`sidx-load-frank-${runtime}`, true);
        await writeProfile(c, erin, { name: `erin-${runtime}`, level: 5 }, 2);
        await writeProfile(c, frank, { name: `frank-${runtime}`, level: 6, banned: true }, 2);
      } finally {
        await first.stop();
      }
      const second = await boot();
      try {
        const listed = await names(second, erin, { index: "players", query: `value.name:*-${runtime}` });
        assert.deepEqual(listed, [`erin-${runtime}`]);
        const all = await names(second, erin, { index: "names", query: `value.name:*-${runtime}`, order: [] });
        assert.deepEqual(all.sort(), [`erin-${runtime}`, `frank-${runtime}`]);
      } finally {
        await second.stop();
      }
    });
  }
});
