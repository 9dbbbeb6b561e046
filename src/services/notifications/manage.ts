// Owns reading and changing stored notifications: a user's list in (create_time, id) order with a
// cacheable cursor (a client keeps the last cursor and later asks only for what arrived since), delete
// by the owner, and the runtime's lookups, deletes and updates by notification id.
//
// The cursor holds the last notification's id and its create_time in microseconds, so it resumes
// exactly after that row however many rows share a millisecond. An empty page hands back the cursor it
// was given (so a client can keep polling with it); a first empty page returns a "from the start" cursor.
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import { parseUuid, SYSTEM_USER_ID } from "../../session/uuid.js";
import type { NotificationDeps } from "./send.js";

const invalid = (message: string): GameError => new GameError(Code.INVALID_ARGUMENT, message);

interface Cursor {
  /** Last notification id, or null for "from the start". */
  id: string | null;
  /** Its create_time in microseconds since the epoch (decimal). */
  us: string;
}

export function encodeNotificationCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify({ i: c.id, t: c.us }), "utf8").toString("base64url");
}

/** Decodes a cacheable cursor; anything else is INVALID_ARGUMENT "Malformed cursor was used." */
export function decodeNotificationCursor(text: string): Cursor {
  let v: { i?: unknown; t?: unknown } | null;
  try {
    v = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as { i?: unknown; t?: unknown } | null;
  } catch {
    throw invalid("Malformed cursor was used.");
  }
  const id = typeof v?.i === "string" ? parseUuid(v.i) : v?.i === null ? null : undefined;
  if (id === undefined || typeof v?.t !== "string" || !/^\d{1,19}$/.test(v.t)) throw invalid("Malformed cursor was used.");
  return { id, us: v.t };
}

interface Row {
  id: string;
  subject: string;
  content: string;
  code: number;
  sender_id: string;
  create_time: Date;
  us: string;
}

const COLUMNS = "id, subject, content::text AS content, code, sender_id, create_time";
// Exact on every PostgreSQL version (before 14, extract() returns a double that cannot hold epoch µs).
const MICROS =
  "(floor(extract(epoch FROM create_time))::int8 * 1000000 + extract(microseconds FROM create_time)::int8 % 1000000)::text AS us";
const FROM_MICROS = "'epoch'::timestamptz + $3::int8 * interval '1 microsecond'";

function toNotification(r: Row): api.Notification {
  return {
    id: r.id,
    subject: r.subject,
    content: r.content,
    code: r.code,
    // Nakama lists system notifications without a sender.
    sender_id: r.sender_id === SYSTEM_USER_ID ? "" : r.sender_id,
    create_time: new Date(Math.floor(r.create_time.getTime() / 1000) * 1000),
    persistent: true,
  };
}

/**
 * One page of a user's stored notifications, oldest first. `limit` ≤ 0 = all. `cursor` "" = from the
 * start. Never returns an empty cursor.
 */
export async function listNotifications(deps: NotificationDeps, userId: string, limit: number, cursor: string): Promise<api.NotificationList> {
  const c = cursor === "" ? null : decodeNotificationCursor(cursor);
  const params: unknown[] = [userId, limit > 0 ? limit : null];
  let after = "";
  if (c !== null && c.id !== null) {
    params.push(c.us, c.id);
    after = ` AND (user_id, create_time, id) > ($1::uuid, ${FROM_MICROS}, $4::uuid)`;
  }
  let rows: Row[];
  try {
    rows = (await deps.db.query<Row>(
      `SELECT ${COLUMNS}, ${MICROS} FROM notification WHERE user_id = $1${after} ORDER BY create_time, id LIMIT $2`,
      params,
    )).rows;
  } catch (err) {
    deps.log.error({ err }, "could not retrieve notifications");
    throw new GameError(Code.INTERNAL, "Error retrieving notifications.", { cause: err });
  }
  if (rows.length === 0) {
    return { notifications: [], cacheable_cursor: cursor !== "" ? cursor : encodeNotificationCursor({ id: null, us: "0" }) };
  }
  const last = rows[rows.length - 1];
  return { notifications: rows.map(toNotification), cacheable_cursor: encodeNotificationCursor({ id: last.id, us: last.us }) };
}

/** Deletes the user's notifications with these ids (others' and unknown ids are ignored). */
export async function deleteNotifications(deps: NotificationDeps, userId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  try {
    await deps.db.query("DELETE FROM notification WHERE user_id = $1 AND id = ANY($2::uuid[])", [userId, ids]);
  } catch (err) {
    deps.log.error({ err }, "could not delete notifications");
    throw new GameError(Code.INTERNAL, "Error while deleting notifications.", { cause: err });
  }
}

/** A stored notification as the runtime sees it (owner included). */
export interface StoredNotification extends api.Notification {
  user_id: string;
}

function uuids(ids: readonly string[], message: string): string[] {
  return ids.map((id) => {
    const u = parseUuid(id);
    if (u === null) throw invalid(message);
    return u;
  });
}

/** Notifications by id, optionally only the given user's. */
export async function getNotificationsById(deps: NotificationDeps, ids: readonly string[], userId: string | null): Promise<StoredNotification[]> {
  if (ids.length === 0) return [];
  const params: unknown[] = [uuids(ids, "expects id to be a valid id string")];
  let sql = `SELECT ${COLUMNS}, user_id, ${MICROS} FROM notification WHERE id = ANY($1::uuid[])`;
  if (userId !== null) {
    params.push(userId);
    sql += " AND user_id = $2";
  }
  const { rows } = await deps.db.query<Row & { user_id: string }>(sql, params);
  return rows.map((r) => ({ ...toNotification(r), user_id: r.user_id }));
}

/** Deletes notifications by id, optionally only the given user's. */
export async function deleteNotificationsById(deps: NotificationDeps, ids: readonly string[], userId: string | null): Promise<void> {
  if (ids.length === 0) return;
  const checked = uuids(ids, "expects id to be a valid uuid");
  if (userId !== null) return deleteNotifications(deps, userId, checked);
  await deps.db.query("DELETE FROM notification WHERE id = ANY($1::uuid[])", [checked]);
}

export interface NotificationUpdate {
  id: string;
  subject?: string;
  /** A JSON object as text. */
  content?: string;
  /** "" = the system. */
  senderId?: string;
}

/** Updates stored notifications in one transaction; fields left undefined keep their value. */
export async function updateNotifications(deps: NotificationDeps, updates: readonly NotificationUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await deps.db.tx(async (q) => {
    for (const u of updates) {
      const sender = u.senderId === undefined ? null : u.senderId === "" ? SYSTEM_USER_ID : u.senderId;
      await q.query(
        `UPDATE notification SET subject = coalesce($2, subject), content = coalesce($3::jsonb, content),
           sender_id = coalesce($4::uuid, sender_id) WHERE id = $1`,
        [u.id, u.subject ?? null, u.content ?? null, sender],
      );
    }
  });
}
