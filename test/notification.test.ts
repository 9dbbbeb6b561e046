// Black-box: the notification routes over the wire with nakama-js. Listing and deleting are client
// routes; sending is server-side only (nk / server features), so until the runtime binds nk the
// PostgreSQL cases seed notifications through the service core on a second connection to the server's
// own database (the embedded database cannot be shared, so those cases need TROUPE_TEST_DATABASE_URL).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Client} from "@heroiclabs/nakama-js";
import { type Session } from "@heroiclabs/nakama-js";
import { silentLogger } from "../src/log.js";
import { sendNotifications } from "../src/services/notifications/index.js";
import type { Db } from "../src/storage/db.js";
import { bootServer, clientFor, openServerDb, type BootedServer, testDatabases } from "./helpers/boot.js";

const databases = testDatabases;

for (const database of databases) {
  describe(`notification routes on ${database.name}`, { skip: database.skip }, () => {
    let s: BootedServer;
    let client: Client;
    let user: Session;

    before(async () => {
      s = await bootServer({ "logger.level": "warn" }, { database: database.name });
      client = clientFor(s, 4000);
      user = await client.authenticateDevice(`nt-user-${database.name}`, true);
    });
    after(async () => {
      await s.stop();
    });

    async function call(method: string, path: string, session: Session | null): Promise<{ status: number; body: unknown }> {
      const headers: Record<string, string> = session === null ? {} : { authorization: `Bearer ${session.token}` };
      const r = await fetch(s.httpUrl + path, { method, headers });
      return { status: r.status, body: await r.json() };
    }

    test("an empty list still hands out a cacheable cursor; errors and auth as Nakama", async () => {
      const list = await client.listNotifications(user, 10);
      assert.deepEqual(list.notifications, []);
      assert.equal(typeof list.cacheable_cursor, "string");
      const again = await client.listNotifications(user, 10, list.cacheable_cursor);
      assert.equal(again.cacheable_cursor, list.cacheable_cursor);
      const bad = (message: string) => ({ status: 400, body: { code: 3, message } });
      assert.deepEqual(await call("GET", "/v2/notification?limit=0", user), bad("Invalid limit - limit must be between 1 and 100."));
      assert.deepEqual(await call("GET", "/v2/notification?cacheable_cursor=***", user), bad("Malformed cursor was used."));
      assert.deepEqual(await call("GET", "/v2/notification", null), { status: 401, body: { code: 16, message: "Auth token required" } });
      assert.equal(await client.deleteNotifications(user, ["00000000-0000-4000-8000-000000000001"]), true);
      assert.deepEqual(await call("DELETE", "/v2/notification", user), { status: 200, body: {} });
    });

    test("stored notifications list in pages and delete", { skip: database.name === "pglite" ? "seeding needs a second connection (PostgreSQL)" : false }, async () => {
      const db: Db = await openServerDb(s, 2);
      try {
        const deps = { db, log: silentLogger() };
        for (let i = 1; i <= 3; i++) {
          await sendNotifications(deps, [{ userId: user.user_id!, subject: `gift ${i}`, content: { coins: i }, code: 100 + i, persistent: true }]);
        }
        await sendNotifications(deps, [{ userId: user.user_id!, subject: "friend", content: {}, code: -2, senderId: user.user_id!, persistent: true }]);
        const p1 = await client.listNotifications(user, 2);
        assert.deepEqual(p1.notifications!.map((n) => [n.subject, n.code, n.content]), [["gift 1", 101, { coins: 1 }], ["gift 2", 102, { coins: 2 }]]);
        assert.equal(p1.notifications![0].sender_id, undefined);
        const p2 = await client.listNotifications(user, 2, p1.cacheable_cursor);
        assert.deepEqual(p2.notifications!.map((n) => [n.subject, n.code, n.sender_id]), [["gift 3", 103, undefined], ["friend", -2, user.user_id]]);
        await client.deleteNotifications(user, p1.notifications!.map((n) => n.id!));
        const left = await client.listNotifications(user, 10);
        assert.deepEqual(left.notifications!.map((n) => n.subject), ["gift 3", "friend"]);
      } finally {
        await db.close();
      }
    });
  });
}
