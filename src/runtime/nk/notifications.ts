// Owns nk's notification functions over src/services/notifications, with Nakama's argument orders, texts
// and shapes (shapes-data.ts). Live delivery goes through NkDeps.notify / notifyAll (realtime layer).
//   Lua: notification_send(user_id, subject, content, code, sender_id?, persistent = false)
//        notifications_send({ {user_id, subject, content, code, sender_id?, persistent?}, … })
//        notification_send_all(subject, content, code, persistent = false)
//        notifications_list(user_id, limit = 100, cursor?) → notifications, cursor
//        notifications_delete({ {user_id, notification_id}, … })
//        notifications_get_id(ids, user_id?) → notifications; notifications_delete_id(ids, user_id?)
//        notifications_update({ {id, subject?, content?, sender?}, … })
//   JS:  the same names in camelCase with objects { userId, subject, content, code, senderId?, persistent? },
//        { userId, notificationId } and { id, subject?, content?, sender? }; notificationsList returns
//        { notifications, cursor }.
// Codes must be > 0 (negative codes are the server's). The sender "" / absent is the system user.
import { parseUuid } from "../../session/uuid.js";
import {
  deleteNotificationsById, getNotificationsById, nkNotificationsDelete, nkNotificationsList, nkNotificationsUpdate,
  sendNotifications, sendNotificationToAll, type NotificationSend,
} from "../../services/notifications/index.js";
import { wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import { notificationJs, notificationLua, storedNotificationJs, storedNotificationLua } from "./shapes-data.js";
import { entriesArg, mapArg, mapJson, none, optUuidArg, stringsArg, uuidArg, type Entry } from "./svc-args.js";
import { notificationDeps } from "./svc-deps.js";
import type { NkBinding, NkCall } from "./types.js";

/** Subject, content and code arguments starting at `i` (send and send_all share them). */
function body(a: Args, i: number): { subject: string; content: string; code: number } {
  const lua = a.lang === "lua";
  const subject = a.str(i);
  if (subject === "") throw a.fail(i, lua ? "expects subject to be a non-empty string" : "expects subject to be a non empty string");
  if (!lua && a.get(i + 1) === undefined) throw a.fail(i + 1, "expects content");
  const content = mapJson(a.lang, mapArg(a, i + 1, "expects content to be an object"));
  const code = a.int(i + 2);
  if (code <= 0) throw a.fail(i + 2, "expects code number to be a positive integer");
  return { subject, content, code };
}

async function sendOne(a: Args, call: NkCall): Promise<void> {
  const lua = a.lang === "lua";
  const userId = uuidArg(a, 0, lua ? "expects user_id to be a valid UUID" : "expects valid user id");
  const b = body(a, 1);
  const senderId = optUuidArg(a, 4, lua
    ? "expects sender_id to either be not set, empty string or a valid UUID"
    : "expects senderId to either be not set, empty string or a valid UUID") ?? "";
  const persistent = a.optBool(5, false);
  await wrapped("failed to send notifications", () => sendNotifications(notificationDeps(call), [{ userId, ...b, senderId, persistent }]));
}

/** One element of notifications_send with Nakama's texts (Lua and JS spell them differently). */
function sendFields(e: Entry): NotificationSend {
  const lua = e.lua;
  const persistent = e.bool("persistent") ?? false;
  const subject = e.str("subject") ?? "";
  const content = e.json("content", lua ? "expects content to be a table" : undefined);
  const code = e.int("code");
  if (code !== undefined && code <= 0) throw e.fail("expects code to number above 0");
  const userId = e.uuid(e.key("user_id", "userId"), lua ? "expects user_id to be a valid UUID" : undefined);
  const senderId = e.uuid(e.key("sender_id", "senderId"), lua ? "expects sender_id to be a valid UUID" : undefined);
  if (subject === "") throw e.fail("expects subject to be provided and to be non-empty");
  if (content === undefined) throw e.fail("expects content to be provided and be valid JSON");
  if (userId === undefined) throw e.fail(lua ? "expects user_id to be provided and be a valid UUID" : "expects userId to be provided and be a valid UUID");
  if (code === undefined) throw e.fail("expects code to be provided and be a number above 0");
  return { userId, subject, content, code, senderId: senderId ?? "", persistent };
}

async function sendMany(a: Args, call: NkCall): Promise<void> {
  const lua = a.lang === "lua";
  if (lua) a.table(0);
  const msg = lua ? "expects a valid set of notifications" : "expects notifications to be an array";
  const entries = entriesArg(a, 0, msg, msg);
  if (entries === null) throw a.fail(0, lua ? msg : "expects a valid array of notifications");
  const sends = entries.map(sendFields);
  await wrapped("failed to send notifications", () => sendNotifications(notificationDeps(call), sends));
}

async function sendAll(a: Args, call: NkCall): Promise<void> {
  const b = body(a, 0);
  const persistent = a.optBool(3, false);
  await wrapped("failed to send notification", () => sendNotificationToAll(notificationDeps(call), { ...b, persistent }));
}

async function list(a: Args, call: NkCall) {
  const userId = uuidArg(a, 0, "expects a valid user id");
  const limit = a.optInt(1, 100);
  if (limit < 1 || limit > 1000) throw a.fail(1, "expects limit to be 1-1000");
  const cursor = a.optStr(2, "");
  return wrapped("failed to list notifications", () => nkNotificationsList(notificationDeps(call), userId, limit, cursor));
}

async function remove(a: Args, call: NkCall): Promise<void> {
  const lua = a.lang === "lua";
  if (lua) a.table(0);
  const msg = lua ? "expects a valid set of notifications" : "expects notifications to be an array";
  const entries = entriesArg(a, 0, msg, msg);
  if (entries === null) throw a.fail(0, lua ? msg : "expects a valid array of notifications");
  const deletes: Array<{ userId: string; notificationId: string }> = [];
  for (const e of entries) {
    const userId = e.uuid(e.key("user_id", "userId"), lua ? "expects user_id to be a valid UUID" : undefined);
    const id = e.uuid(e.key("notification_id", "notificationId"), lua ? "expects notification_id to be a valid UUID" : undefined);
    if (userId !== undefined && id !== undefined) deletes.push({ userId, notificationId: id });
  }
  await wrapped("failed to delete notifications", () => nkNotificationsDelete(notificationDeps(call), deletes));
}

/** The ids argument of notifications_get_id / _delete_id, and the optional owner. */
function idsAndOwner(a: Args): { ids: string[]; userId: string | null } {
  const lua = a.lang === "lua";
  if (lua) a.table(0);
  const raw = stringsArg(a, 0, lua ? "invalid user ids list" : "expects an array of strings", lua ? "each notification id must be a string" : "expects an array of strings");
  if (raw === null) throw a.fail(0, lua ? "invalid user ids list" : "expects an array of ids");
  const ids = raw.map((id) => {
    if (lua && id === "") throw a.fail(0, "each notification id must be a string");
    const canonical = parseUuid(id);
    if (canonical === null) throw a.fail(0, lua ? "each notification id must be a valid id" : `invalid user id: ${id}`);
    return canonical;
  });
  return { ids, userId: optUuidArg(a, 1, "expects id to be a valid uuid") };
}

async function getById(a: Args, call: NkCall) {
  const { ids, userId } = idsAndOwner(a);
  const prefix = a.lang === "lua" ? "failed to get notifications" : "failed to get notifications by id";
  return wrapped(prefix, () => getNotificationsById(notificationDeps(call), ids, userId));
}

async function deleteById(a: Args, call: NkCall): Promise<void> {
  const { ids, userId } = idsAndOwner(a);
  // Nakama's JS binding reports deletion failures with its "get" text.
  const prefix = a.lang === "lua" ? "failed to delete notifications" : "failed to get notifications by id";
  await wrapped(prefix, () => deleteNotificationsById(notificationDeps(call), ids, userId));
}

async function update(a: Args, call: NkCall): Promise<void> {
  if (a.lang === "lua") a.table(0);
  const msg = a.lang === "lua" ? "expects a valid set of notification updates" : "expects an array of notification updates";
  const entries = entriesArg(a, 0, msg, msg);
  if (entries === null) throw a.fail(0, msg);
  const updates = entries.map((e) => {
    const id = e.uuid("id", "expects id to be a valid uuid");
    if (id === undefined) throw e.fail("expects id to be a valid uuid");
    return { id, subject: e.str("subject"), content: e.json("content"), sender: e.str("sender") };
  });
  await wrapped("failed to update notifications", () => nkNotificationsUpdate(notificationDeps(call), updates));
}

export function notificationBindings(): NkBinding[] {
  return [
    define({ lua: "notification_send", js: "notificationSend", luaFn: (a, c) => none(sendOne(a, c)), jsFn: (a, c) => sendOne(a, c) }),
    define({ lua: "notifications_send", js: "notificationsSend", luaFn: (a, c) => none(sendMany(a, c)), jsFn: (a, c) => sendMany(a, c) }),
    define({ lua: "notification_send_all", js: "notificationSendAll", luaFn: (a, c) => none(sendAll(a, c)), jsFn: (a, c) => sendAll(a, c) }),
    define({
      lua: "notifications_list",
      js: "notificationsList",
      luaFn: async (a, c) => {
        const r = await list(a, c);
        return [r.notifications.map(notificationLua), r.cacheable_cursor];
      },
      jsFn: async (a, c) => {
        const r = await list(a, c);
        return { notifications: r.notifications.map(notificationJs), cursor: r.cacheable_cursor };
      },
    }),
    define({ lua: "notifications_delete", js: "notificationsDelete", luaFn: (a, c) => none(remove(a, c)), jsFn: (a, c) => remove(a, c) }),
    define({
      lua: "notifications_get_id",
      js: "notificationsGetId",
      luaFn: async (a, c) => [(await getById(a, c)).map(storedNotificationLua)],
      jsFn: async (a, c) => (await getById(a, c)).map(storedNotificationJs),
    }),
    define({ lua: "notifications_delete_id", js: "notificationsDeleteId", luaFn: (a, c) => none(deleteById(a, c)), jsFn: (a, c) => deleteById(a, c) }),
    define({ lua: "notifications_update", js: "notificationsUpdate", luaFn: (a, c) => none(update(a, c)), jsFn: (a, c) => update(a, c) }),
  ];
}
