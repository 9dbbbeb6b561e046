// Unit tests of notifications against both databases: sending (stored or live only, reserved codes),
// live pushes through `notify`, the cacheable cursor, deletes, the runtime's id functions, send-to-all,
// and the REST routes driven in-process through the router.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { api } from "../../../proto/index.js";
import { registerNotificationRoutes } from "../../api/routes-notification.js";
import { silentLogger } from "../../log.js";
import { noHooks } from "../../pipeline/hooks.js";
import { createSessionService } from "../../session/service.js";
import { SYSTEM_USER_ID } from "../../session/uuid.js";
import type { TestDb } from "../../storage/testing.js";
import { Router } from "../../transport/router.js";
import { createUser, testDatabases, testDeps } from "../storage/testkit.js";
import {
  listNotifications, NotificationCode, nkNotificationSend, nkNotificationSendAll, nkNotificationsDelete, nkNotificationsDeleteId,
  nkNotificationsGetId, nkNotificationsList, nkNotificationsSend, nkNotificationsUpdate, sendNotifications, type NotificationDeps,
} from "./index.js";

for (const database of testDatabases) {
  describe(`notifications on ${database.name}`, { skip: database.skip }, () => {
    let t: TestDb;
    let deps: NotificationDeps;
    const pushed: Array<{ userIds: readonly string[]; ns: readonly api.Notification[] }> = [];
    const pushedAll: Array<readonly api.Notification[]> = [];
    before(async () => {
      t = await database.open();
      deps = { ...testDeps(t.db), notify: (userIds, ns) => void pushed.push({ userIds, ns }), notifyAll: (ns) => void pushedAll.push(ns) };
    });
    after(async () => {
      await t.dispose();
    });

    test("send stores persistent ones, pushes all, reserved codes allowed for server features", async () => {
      const a = await createUser(t.db);
      const b = await createUser(t.db);
      pushed.length = 0;
      const sent = await sendNotifications(deps, [
        { userId: a, subject: "friend", content: { x: 1 }, code: NotificationCode.FRIEND_REQUEST, senderId: b, persistent: true },
        { userId: a, subject: "live", content: "{}", code: 7, persistent: false },
        { userId: b, subject: "hi", content: "{}", code: 1, persistent: true },
      ]);
      assert.equal(sent.length, 3);
      assert.deepEqual(pushed.map((p) => [p.userIds, p.ns.map((n) => n.subject)]), [[[a], ["friend", "live"]], [[b], ["hi"]]]);
      assert.equal(pushed[0].ns[1].sender_id, SYSTEM_USER_ID);
      const list = await listNotifications(deps, a, 10, "");
      assert.deepEqual(list.notifications.map((n) => [n.subject, n.code, n.content, n.sender_id, n.persistent]), [["friend", -2, '{"x": 1}', b, true]]);
    });

    test("cacheable cursor: pages, then picks up only what arrived later", async () => {
      const u = await createUser(t.db);
      const first = await listNotifications(deps, u, 10, "");
      assert.equal(first.notifications.length, 0);
      assert.notEqual(first.cacheable_cursor, "");
      for (let i = 0; i < 5; i++) await nkNotificationSend(deps, u, `s${i}`, { i }, 1, "", true);
      const p1 = await listNotifications(deps, u, 3, first.cacheable_cursor);
      assert.deepEqual(p1.notifications.map((n) => n.subject), ["s0", "s1", "s2"]);
      const p2 = await listNotifications(deps, u, 3, p1.cacheable_cursor);
      assert.deepEqual(p2.notifications.map((n) => n.subject), ["s3", "s4"]);
      const empty = await listNotifications(deps, u, 3, p2.cacheable_cursor);
      assert.deepEqual(empty, { notifications: [], cacheable_cursor: p2.cacheable_cursor });
      await nkNotificationsSend(deps, [{ userId: u, subject: "late", content: {}, code: 2, persistent: true }]);
      const late = await listNotifications(deps, u, 3, p2.cacheable_cursor);
      assert.deepEqual(late.notifications.map((n) => n.subject), ["late"]);
      await assert.rejects(listNotifications(deps, u, 3, "garbage!"), /Malformed cursor was used\./);
    });

    test("deletes only the owner's notifications; runtime id functions", async () => {
      const a = await createUser(t.db);
      const b = await createUser(t.db);
      const [na] = await sendNotifications(deps, [{ userId: a, subject: "a", content: "{}", code: 1, persistent: true }]);
      const [nb] = await sendNotifications(deps, [{ userId: b, subject: "b", content: "{}", code: 1, persistent: true }]);
      await nkNotificationsDelete(deps, [{ userId: a, notificationId: nb.id }]);
      assert.equal((await nkNotificationsGetId(deps, [na.id, nb.id])).length, 2);
      assert.deepEqual((await nkNotificationsGetId(deps, [na.id, nb.id], b)).map((n) => [n.id, n.user_id]), [[nb.id, b]]);
      await nkNotificationsUpdate(deps, [{ id: na.id, subject: "changed", content: { k: true } }]);
      const [changed] = await nkNotificationsGetId(deps, [na.id]);
      assert.deepEqual([changed.subject, changed.content, changed.sender_id], ["changed", '{"k": true}', ""]);
      await nkNotificationsDeleteId(deps, [na.id, nb.id]);
      assert.deepEqual(await nkNotificationsGetId(deps, [na.id, nb.id]), []);
    });

    test("nk validation texts", async () => {
      const u = await createUser(t.db);
      await assert.rejects(nkNotificationSend(deps, "x", "s", {}, 1, "", false), /expects userID to be a valid UUID/);
      await assert.rejects(nkNotificationSend(deps, u, "", {}, 1, "", false), /expects subject to be a non-empty string/);
      await assert.rejects(nkNotificationSend(deps, u, "s", {}, 0, "", false), /expects code to number above 0/);
      await assert.rejects(nkNotificationSend(deps, u, "s", {}, -2, "", false), /expects code to number above 0/);
      await assert.rejects(nkNotificationSend(deps, u, "s", {}, 1, "bad", false), /expects sender to either be an empty string or a valid UUID/);
      await assert.rejects(nkNotificationsList(deps, u, 0, ""), /expects limit/);
      await assert.rejects(nkNotificationsGetId(deps, ["nope"]), /expects id to be a valid id string/);
      await assert.rejects(nkNotificationSend(deps, u, "s", "[1]", 1, "", false), /expects content to be a JSON object/);
    });

    test("send to all: live only, or stored for every account", async () => {
      pushedAll.length = 0;
      await nkNotificationSendAll(deps, "live", {}, 3, false);
      assert.equal(pushedAll.length, 1);
      assert.equal(pushedAll[0][0].subject, "live");
      const users = Number((await t.db.query<{ n: string }>("SELECT count(*) AS n FROM users WHERE id <> $1", [SYSTEM_USER_ID])).rows[0].n);
      pushed.length = 0;
      await nkNotificationSendAll(deps, "everyone", { a: 1 }, 3, true);
      const stored = Number((await t.db.query<{ n: string }>("SELECT count(*) AS n FROM notification WHERE subject = 'everyone'")).rows[0].n);
      assert.equal(stored, users);
      assert.equal(pushed.length, users);
    });

    test("REST routes: list with limit and cursor, delete, Nakama's errors", async () => {
      const sessions = createSessionService({ encryptionKey: "k", refreshEncryptionKey: "r", tokenExpirySec: 60, refreshTokenExpirySec: 600, singleSession: false });
      const router = new Router({ log: silentLogger() });
      registerNotificationRoutes(router, { db: t.db, log: silentLogger(), pipeline: { hooks: () => noHooks, log: silentLogger() }, sessions });
      const u = await createUser(t.db);
      const token = sessions.login(u, "someone", {}).token;
      const call = async (method: string, pathAndQuery: string): Promise<{ status: number; body: any }> => {
        const [path, q = ""] = pathAndQuery.split("?");
        const res = await router.handle({
          method, path, rawQuery: q, query: new URLSearchParams(q), headers: { authorization: `Bearer ${token}` }, body: Buffer.alloc(0), remoteAddress: "127.0.0.1",
        });
        return { status: res.status, body: JSON.parse(String(res.body)) };
      };
      const sent = await sendNotifications(deps, [1, 2, 3].map((i) => ({ userId: u, subject: `n${i}`, content: "{}", code: i, persistent: true })));
      const one = await call("GET", "/v2/notification");
      assert.equal(one.status, 200);
      assert.deepEqual(Object.keys(one.body.notifications[0]), ["id", "subject", "content", "code", "create_time", "persistent"]);
      assert.equal(one.body.notifications.length, 1);
      const rest = await call("GET", `/v2/notification?limit=5&cacheable_cursor=${one.body.cacheable_cursor}`);
      // Sent in one batch, listed in the order sent.
      const seen = [...one.body.notifications, ...rest.body.notifications].map((n: { id: string }) => n.id);
      assert.deepEqual(seen, sent.map((n) => n.id));
      assert.deepEqual(await call("GET", "/v2/notification?limit=101"), { status: 400, body: { code: 3, message: "Invalid limit - limit must be between 1 and 100." } });
      assert.deepEqual(await call("GET", "/v2/notification?limit=x"), {
        status: 400, body: { code: 3, message: 'parsing field "limit": strconv.ParseInt: parsing "x": invalid syntax' },
      });
      assert.deepEqual(await call("GET", "/v2/notification?cacheable_cursor=%25%25"), { status: 400, body: { code: 3, message: "Malformed cursor was used." } });
      assert.deepEqual(await call("DELETE", `/v2/notification?ids=${sent[0].id}&ids=${sent[1].id}`), { status: 200, body: {} });
      const left = await call("GET", "/v2/notification?limit=10");
      assert.deepEqual(left.body.notifications.map((n: { id: string }) => n.id), [sent[2].id]);
      assert.equal(left.body.notifications[0].code, 3);
      assert.deepEqual(await call("DELETE", "/v2/notification?ids=not-a-uuid"), { status: 500, body: { code: 13, message: "Error while deleting notifications." } });
    });
  });
}
