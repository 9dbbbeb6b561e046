// Owns how storage objects, write acks, wallet results, ledger items and notifications look to module
// code, per language, as Nakama's runtimes build them:
//   Lua: snake_case keys, times as unix seconds, JSON values decoded into tables, empty owner ids as nil.
//   JS:  camelCase keys, the same values; "no value" is null where Nakama sets it to null.
// Notifications read by id keep Nakama's JS keys (user_id, sender, create_time — snake_case in the JS
// runtime too) and add the camelCase ones (userId, senderId, createTime) the typings promise.
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import type { StoredNotification } from "../../services/notifications/index.js";
import type { WalletLedgerItem, WalletUpdateResult } from "../../services/wallet/index.js";

type Obj = Record<string, unknown>;

export const seconds = (d: Date | undefined): number => (d === undefined ? 0 : Math.floor(d.getTime() / 1000));

/** JSON object text → object; `what` names it in Nakama's "failed to convert … to json" error. */
export function decodeJson(text: string, what: string): Obj {
  if (text === "") return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {};
  } catch (err) {
    throw new GameError(Code.INTERNAL, `failed to convert ${what} to json: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const orNull = (s: string): string | null => (s === "" ? null : s);

export function storageObjectLua(o: api.StorageObject): Obj {
  return {
    key: o.key,
    collection: o.collection,
    user_id: orNull(o.user_id),
    version: o.version,
    permission_read: o.permission_read,
    permission_write: o.permission_write,
    create_time: seconds(o.create_time),
    update_time: seconds(o.update_time),
    value: decodeJson(o.value, "value"),
  };
}

export function storageObjectJs(o: api.StorageObject): Obj {
  return {
    key: o.key,
    collection: o.collection,
    userId: orNull(o.user_id),
    version: o.version,
    permissionRead: o.permission_read,
    permissionWrite: o.permission_write,
    createTime: seconds(o.create_time),
    updateTime: seconds(o.update_time),
    value: decodeJson(o.value, "value"),
  };
}

export function ackLua(a: api.StorageObjectAck): Obj {
  return { key: a.key, collection: a.collection, user_id: orNull(a.user_id), version: a.version };
}

export function ackJs(a: api.StorageObjectAck): Obj {
  return { key: a.key, collection: a.collection, userId: orNull(a.user_id), version: a.version };
}

export function walletResultLua(r: WalletUpdateResult): Obj {
  return { user_id: r.userId, previous: r.previous, updated: r.updated };
}

export function walletResultJs(r: WalletUpdateResult): Obj {
  return { userId: r.userId, previous: r.previous, updated: r.updated };
}

export function ledgerItemLua(i: WalletLedgerItem): Obj {
  return { id: i.id, user_id: i.userId, create_time: i.createTime, update_time: i.updateTime, changeset: i.changeset, metadata: i.metadata };
}

export function ledgerItemJs(i: WalletLedgerItem): Obj {
  return { id: i.id, userId: i.userId, createTime: i.createTime, updateTime: i.updateTime, changeset: i.changeset, metadata: i.metadata };
}

/** A notification of a user's list (notifications_list). */
export function notificationLua(n: api.Notification): Obj {
  const out: Obj = {
    id: n.id,
    subject: n.subject,
    content: decodeJson(n.content, "content"),
    code: n.code,
    create_time: seconds(n.create_time),
    persistent: n.persistent,
  };
  if (n.sender_id !== "") out.sender_id = n.sender_id;
  return out;
}

export function notificationJs(n: api.Notification): Obj {
  const out: Obj = {
    id: n.id,
    subject: n.subject,
    content: decodeJson(n.content, "content"),
    code: n.code,
    createTime: seconds(n.create_time),
    persistent: n.persistent,
  };
  if (n.sender_id !== "") out.senderId = n.sender_id;
  return out;
}

/** notifications_get_id (Lua): Nakama's keys, plus `id`. */
export function storedNotificationLua(n: StoredNotification): Obj {
  return { ...notificationLua(n), user_id: n.user_id };
}

/** notificationsGetId (JS): Nakama's snake_case keys and the typings' camelCase ones. */
export function storedNotificationJs(n: StoredNotification): Obj {
  const createTime = seconds(n.create_time);
  return {
    id: n.id,
    user_id: n.user_id,
    userId: n.user_id,
    subject: n.subject,
    persistent: n.persistent,
    content: decodeJson(n.content, "content"),
    code: n.code,
    sender: n.sender_id,
    senderId: n.sender_id,
    create_time: createTime,
    createTime,
  };
}
