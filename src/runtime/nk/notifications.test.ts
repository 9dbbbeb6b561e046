// nk notification functions through their bindings: sending (stored or live only, pushed through
// NkDeps.notify / notifyAll), batch sends, listing with a cursor, reads / deletes / updates by id, shapes
// per language and Nakama's argument texts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "../../errors.js";
import { rejection } from "./testkit.js";
import { openServicesFixture, type ServicesFixture } from "./testkit-services.js";

let f: ServicesFixture;
let a = "";
let b = "";
before(async () => {
  f = await openServicesFixture();
  a = await f.player("notea");
  b = await f.player("noteb");
});
after(async () => {
  await f.dispose();
});

describe("sending", () => {
  it("stores persistent notifications, pushes every one live", async () => {
    f.pushed.length = 0;
    await f.lua("notification_send", a, "hello", { n: 1 }, 5, b, true);
    await f.js("notificationSend", a, "live only", { n: 2 }, 6);
    await f.js("notificationsSend", [
      { userId: a, subject: "batch", content: {}, code: 7, persistent: true },
      { userId: b, subject: "other", content: { z: 1 }, code: 8, senderId: a },
    ]);
    await f.lua("notifications_send", [{ user_id: b, subject: "lua batch", content: {}, code: 9, persistent: true }]);
    assert.deepEqual(f.pushed.map((p) => [p.userIds, p.subjects]), [
      [[a], ["hello"]], [[a], ["live only"]], [[a], ["batch"]], [[b], ["other"]], [[b], ["lua batch"]],
    ]);
    const [list, cursor] = (await f.lua("notifications_list", a, 10)) as [Array<Record<string, unknown>>, string];
    assert.deepEqual(list.map((n) => [n.subject, n.code, n.sender_id ?? null]), [["hello", 5, b], ["batch", 7, null]]);
    assert.deepEqual(list[0].content, { n: 1 });
    assert.equal(list[0].persistent, true);
    const later = (await f.js("notificationsList", a, 10, cursor)) as { notifications: unknown[]; cursor: string };
    assert.deepEqual(later.notifications, []);
    assert.equal(later.cursor, cursor);
  });

  it("send-all: live to everyone online, or stored for every account", async () => {
    await f.js("notificationSendAll", "news", { v: 1 }, 3);
    assert.deepEqual(f.pushedAll, ["news"]);
    await f.lua("notification_send_all", "stored news", {}, 4, true);
    const list = (await f.js("notificationsList", b)) as { notifications: Array<{ subject: string; senderId?: string }> };
    assert.ok(list.notifications.some((n) => n.subject === "stored news" && n.senderId === undefined));
  });

  it("argument texts per language", async () => {
    assert.equal((await rejection(f.lua("notification_send", a, "s", {}, 0))).message,
      "bad argument #4 to notification_send (expects code number to be a positive integer)");
    assert.equal((await rejection(f.js("notificationSend", a, "s"))).message, "expects content");
    assert.equal((await rejection(f.js("notificationSend", "x", "s", {}, 1))).message, "expects valid user id");
    assert.equal((await rejection(f.lua("notification_send", a, "s", {}, 1, "bad"))).message,
      "bad argument #5 to notification_send (expects sender_id to either be not set, empty string or a valid UUID)");
    assert.equal((await rejection(f.js("notificationsSend", [{ userId: a, content: {}, code: 1 }]))).message,
      "expects subject to be provided and to be non-empty");
    assert.equal((await rejection(f.lua("notifications_send", [{ user_id: a, subject: "s", content: {}, code: -1 }]))).message,
      "bad argument #1 to notifications_send (expects code to number above 0)");
    const e = await rejection(f.lua("notifications_list", a, 5000));
    assert.equal(e.code, Code.INVALID_ARGUMENT);
    assert.equal(e.message, "bad argument #2 to notifications_list (expects limit to be 1-1000)");
  });
});

describe("by id", () => {
  it("gets, updates and deletes stored notifications", async () => {
    const list = (await f.js("notificationsList", a)) as { notifications: Array<{ id: string; subject: string }> };
    const hello = list.notifications.find((n) => n.subject === "hello");
    assert.ok(hello);
    const [lua] = (await f.lua("notifications_get_id", [hello.id])) as [Array<Record<string, unknown>>];
    assert.deepEqual([lua[0].id, lua[0].user_id, lua[0].subject, lua[0].sender_id], [hello.id, a, "hello", b]);
    const [js] = (await f.js("notificationsGetId", [hello.id], a)) as Array<Record<string, unknown>>;
    assert.equal(js.user_id, a);
    assert.equal(js.userId, a);
    assert.equal(js.sender, b);
    assert.deepEqual(js.content, { n: 1 });
    assert.deepEqual(await f.js("notificationsGetId", [hello.id], b), []);
    await f.lua("notifications_update", [{ id: hello.id, subject: "edited", content: { n: 9 } }]);
    const [edited] = (await f.js("notificationsGetId", [hello.id])) as Array<Record<string, unknown>>;
    assert.deepEqual([edited.subject, edited.content], ["edited", { n: 9 }]);
    await f.js("notificationsDelete", [{ userId: a, notificationId: hello.id }]);
    assert.deepEqual(await f.lua("notifications_get_id", [hello.id]), [[]]);
    const batch = list.notifications.find((n) => n.subject === "batch");
    assert.ok(batch);
    await f.lua("notifications_delete_id", [batch.id], a);
    assert.deepEqual(await f.js("notificationsGetId", [batch.id]), []);
    assert.equal((await rejection(f.js("notificationsGetId", ["x"]))).message, "invalid user id: x");
    assert.equal((await rejection(f.lua("notifications_get_id", ["x"]))).message,
      "bad argument #1 to notifications_get_id (each notification id must be a valid id)");
  });
});
