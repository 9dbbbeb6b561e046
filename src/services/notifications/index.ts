// Owns the public surface of notifications (issue 7 item 6): core functions for server features and the
// REST routes, and the nk entry points that check runtime arguments with Nakama's texts.
//
// README — which nk functions each entry point backs (Lua name / JS name):
//   nkNotificationSend(deps, userId, subject, content, code, senderId, persistent)
//       → nk.notification_send(...)  / nk.notificationSend(userId, subject, content, code, senderId?, persistent?)
//   nkNotificationsSend(deps, sends)          → nk.notifications_send(list) / nk.notificationsSend(list)
//   nkNotificationSendAll(deps, subject, content, code, persistent)
//       → nk.notification_send_all(...) / nk.notificationSendAll(subject, content, code, persistent?)
//   nkNotificationsList(deps, userId, limit, cursor) → nk.notifications_list / nk.notificationsList
//   nkNotificationsDelete(deps, deletes)      → nk.notifications_delete / nk.notificationsDelete([{userId, notificationId}])
//   nkNotificationsGetId(deps, ids, userId)   → nk.notifications_get_id / nk.notificationsGetId(ids, userId?)
//   nkNotificationsDeleteId(deps, ids, userId)→ nk.notifications_delete_id / nk.notificationsDeleteId(ids, userId?)
//   nkNotificationsUpdate(deps, updates)      → nk.notifications_update / nk.notificationsUpdate(updates)
// Server features (friends, groups, sessions) call sendNotifications() directly with the reserved
// negative codes of NotificationCode; nk calls may only use codes > 0, as in Nakama.
// Live delivery goes through deps.notify(userIds, notifications) / deps.notifyAll(notifications),
// supplied by the realtime layer; absent, nothing is pushed (persistent ones can still be listed).
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import { parseUuid } from "../../session/uuid.js";
import { goJson, isJsonObjectText } from "../storage/json.js";
import {
  deleteNotifications, deleteNotificationsById, getNotificationsById, listNotifications, updateNotifications,
  type NotificationUpdate, type StoredNotification,
} from "./manage.js";
import { sendNotifications, sendNotificationToAll, type NotificationDeps, type NotificationSend } from "./send.js";

export {
  NotificationCode, saveNotifications, sendNotifications, sendNotificationToAll,
  type NotificationDeps, type NotificationSend, type NotifyAllFn, type NotifyFn,
} from "./send.js";
export {
  decodeNotificationCursor, deleteNotifications, deleteNotificationsById, encodeNotificationCursor, getNotificationsById,
  listNotifications, updateNotifications, type NotificationUpdate, type StoredNotification,
} from "./manage.js";

const invalid = (message: string): GameError => new GameError(Code.INVALID_ARGUMENT, message);

/** What an nk send takes (JS field names). */
export interface NkNotification {
  userId: string;
  subject: string;
  content: Record<string, unknown> | string;
  code: number;
  senderId?: string | null;
  persistent?: boolean;
}

function checkSend(n: NkNotification): NotificationSend {
  const userId = typeof n.userId === "string" ? parseUuid(n.userId) : null;
  if (userId === null) throw invalid("expects userID to be a valid UUID");
  return { ...checkBody(n.subject, n.content, n.code), userId, senderId: checkSender(n.senderId), persistent: n.persistent === true };
}

function checkBody(subject: string, content: Record<string, unknown> | string, code: number): { subject: string; content: string; code: number } {
  if (typeof subject !== "string" || subject === "") throw invalid("expects subject to be a non-empty string");
  if (typeof code !== "number" || !Number.isInteger(code) || code <= 0) throw invalid("expects code to number above 0");
  const text = typeof content === "string" ? content : goJson(content ?? {});
  if (!isJsonObjectText(text)) throw invalid("expects content to be a JSON object");
  return { subject, content: text, code };
}

function checkSender(sender: string | null | undefined): string {
  if (sender === undefined || sender === null || sender === "") return "";
  const s = parseUuid(sender);
  if (s === null) throw invalid("expects sender to either be an empty string or a valid UUID");
  return s;
}

export async function nkNotificationSend(
  deps: NotificationDeps, userId: string, subject: string, content: Record<string, unknown> | string, code: number,
  senderId: string | null | undefined, persistent: boolean,
): Promise<void> {
  await sendNotifications(deps, [checkSend({ userId, subject, content, code, senderId, persistent })]);
}

export async function nkNotificationsSend(deps: NotificationDeps, sends: readonly NkNotification[]): Promise<void> {
  await sendNotifications(deps, sends.map(checkSend));
}

export async function nkNotificationSendAll(
  deps: NotificationDeps, subject: string, content: Record<string, unknown> | string, code: number, persistent: boolean,
): Promise<void> {
  await sendNotificationToAll(deps, { ...checkBody(subject, content, code), persistent });
}

/** A user's stored notifications; `limit` 1–1000 (the binding's default is 100), "" cursor = start. */
export async function nkNotificationsList(deps: NotificationDeps, userId: string, limit: number, cursor: string | null | undefined): Promise<api.NotificationList> {
  const uid = parseUuid(userId);
  if (uid === null) throw invalid("expects a valid user id");
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid("expects limit to be 1-1000");
  return listNotifications(deps, uid, limit, cursor ?? "");
}

export async function nkNotificationsDelete(deps: NotificationDeps, deletes: ReadonlyArray<{ userId: string; notificationId: string }>): Promise<void> {
  const byUser = new Map<string, string[]>();
  for (const d of deletes) {
    const uid = parseUuid(d.userId);
    if (uid === null) throw invalid("expects userID to be a valid UUID");
    const nid = parseUuid(d.notificationId);
    if (nid === null) throw invalid("expects notificationID to be a valid UUID");
    const ids = byUser.get(uid);
    if (ids === undefined) byUser.set(uid, [nid]);
    else ids.push(nid);
  }
  for (const [uid, ids] of byUser) await deleteNotifications(deps, uid, ids);
}

function optionalUser(userId: string | null | undefined): string | null {
  if (userId === undefined || userId === null || userId === "") return null;
  const uid = parseUuid(userId);
  if (uid === null) throw invalid("expects id to be a valid uuid");
  return uid;
}

export async function nkNotificationsGetId(deps: NotificationDeps, ids: readonly string[], userId?: string | null): Promise<StoredNotification[]> {
  return getNotificationsById(deps, ids, optionalUser(userId));
}

export async function nkNotificationsDeleteId(deps: NotificationDeps, ids: readonly string[], userId?: string | null): Promise<void> {
  await deleteNotificationsById(deps, ids, optionalUser(userId));
}

/** Updates: `content` may be an object; `sender` "" = the system. */
export async function nkNotificationsUpdate(
  deps: NotificationDeps,
  updates: ReadonlyArray<{ id: string; subject?: string; content?: Record<string, unknown> | string; sender?: string }>,
): Promise<void> {
  const checked: NotificationUpdate[] = updates.map((u) => {
    const id = parseUuid(u.id);
    if (id === null) throw invalid("expects id to be a valid uuid");
    if (u.subject !== undefined && u.subject === "") throw invalid("expects subject to be a non-empty string");
    const content = u.content === undefined ? undefined : typeof u.content === "string" ? u.content : goJson(u.content);
    if (content !== undefined && !isJsonObjectText(content)) throw invalid("expects content to be a JSON object");
    return { id, subject: u.subject, content, senderId: u.sender === undefined ? undefined : checkSender(u.sender) };
  });
  await updateNotifications(deps, checked);
}
