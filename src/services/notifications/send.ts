// Owns sending in-app notifications: persistent ones are stored (one INSERT for a whole batch), then
// every notification is pushed live through `notify` to the recipient's online sessions (the realtime
// layer supplies it; without one nothing is pushed). Also owns sending one notification to every user
// (persistent: stored for all accounts in pages of 10,000; otherwise only pushed to whoever is online).
// Codes are not checked here: server features (friends, groups…) use Nakama's reserved negative codes;
// the nk entry points refuse codes ≤ 0 before calling in.
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { newUuid, SYSTEM_USER_ID } from "../../session/uuid.js";
import type { Db, Queryable } from "../../storage/db.js";
import { batchTimes } from "../storage/clock.js";
import { goJson } from "../storage/json.js";

/** Pushes notifications to the online sessions of each user (each user gets the whole list). */
export type NotifyFn = (userIds: readonly string[], notifications: readonly api.Notification[]) => void;
/** Pushes notifications to every online session (non-persistent send-to-all). */
export type NotifyAllFn = (notifications: readonly api.Notification[]) => void;

export interface NotificationDeps {
  db: Db;
  log: Logger;
  /** Live delivery to users' sessions; default: none (nobody is online). */
  notify?: NotifyFn;
  /** Live delivery to every session; default: none. */
  notifyAll?: NotifyAllFn;
}

/** Nakama's reserved codes for system notifications (negative codes are the server's). */
export const NotificationCode = {
  DM_REQUEST: -1,
  FRIEND_REQUEST: -2,
  FRIEND_ACCEPT: -3,
  GROUP_ADD: -4,
  GROUP_JOIN_REQUEST: -5,
  FRIEND_JOIN_GAME: -6,
  SINGLE_SOCKET: -7,
  USER_BANNED: -8,
  FRIEND_REMOVE: -9,
} as const;

export interface NotificationSend {
  userId: string;
  subject: string;
  /** A JSON object as text, or an object (encoded as Go would). */
  content: string | Record<string, unknown>;
  code: number;
  /** Sender user id; "" / undefined = the system. */
  senderId?: string;
  persistent: boolean;
}

function wholeSecondsNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

function build(n: Omit<NotificationSend, "userId">, createTime: Date): api.Notification {
  return {
    id: newUuid(),
    subject: n.subject,
    content: typeof n.content === "string" ? n.content : goJson(n.content),
    code: n.code,
    sender_id: n.senderId === undefined || n.senderId === "" ? SYSTEM_USER_ID : n.senderId,
    create_time: createTime,
    persistent: n.persistent,
  };
}

const INSERT = `INSERT INTO notification (id, user_id, subject, content, code, sender_id, create_time)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::int2[], $6::uuid[], $7::timestamptz[])`;

/**
 * Stores notifications for their users on `q` (a Db or a transaction). Create times come from our
 * monotonic clock (see clock.ts), so a user's notifications list in the order they were sent.
 */
export async function saveNotifications(q: Queryable, items: ReadonlyArray<{ userId: string; n: api.Notification }>): Promise<void> {
  if (items.length === 0) return;
  await q.query(INSERT, [
    items.map((i) => i.n.id),
    items.map((i) => i.userId),
    items.map((i) => i.n.subject),
    items.map((i) => i.n.content),
    items.map((i) => i.n.code),
    items.map((i) => i.n.sender_id),
    batchTimes(items.map((i) => i.userId)),
  ]);
}

function pushPerUser(deps: NotificationDeps, byUser: Map<string, api.Notification[]>): void {
  const notify = deps.notify;
  if (notify === undefined) return;
  for (const [userId, ns] of byUser) {
    try {
      notify([userId], ns);
    } catch (err) {
      deps.log.warn({ err, uid: userId }, "live notification push failed");
    }
  }
}

/**
 * Sends notifications: stores the persistent ones, then pushes all of them live. Returns what was
 * sent (ids and create times filled). A storage failure sends nothing.
 */
export async function sendNotifications(deps: NotificationDeps, sends: readonly NotificationSend[]): Promise<api.Notification[]> {
  if (sends.length === 0) return [];
  const now = wholeSecondsNow();
  const byUser = new Map<string, api.Notification[]>();
  const persistent: Array<{ userId: string; n: api.Notification }> = [];
  const out: api.Notification[] = [];
  for (const s of sends) {
    const n = build(s, now);
    out.push(n);
    const list = byUser.get(s.userId);
    if (list === undefined) byUser.set(s.userId, [n]);
    else list.push(n);
    if (s.persistent) persistent.push({ userId: s.userId, n });
  }
  try {
    await saveNotifications(deps.db, persistent);
  } catch (err) {
    deps.log.error({ err }, "could not save notifications");
    throw new GameError(Code.INTERNAL, "Could not save notifications.", { cause: err });
  }
  pushPerUser(deps, byUser);
  return out;
}

const PAGE = 10_000;

/**
 * Sends one notification to every user. Not persistent: pushed to every online session only.
 * Persistent: stored and pushed for every account (the system user excepted), 10,000 users at a time;
 * resolves when all pages are done.
 */
export async function sendNotificationToAll(deps: NotificationDeps, n: Omit<NotificationSend, "userId" | "senderId">): Promise<void> {
  const template = build(n, wholeSecondsNow());
  if (!n.persistent) {
    try {
      deps.notifyAll?.([template]);
    } catch (err) {
      deps.log.warn({ err }, "live notification push to all failed");
    }
    return;
  }
  let after = SYSTEM_USER_ID;
  for (;;) {
    const { rows } = await deps.db.query<{ id: string }>("SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT $2", [after, PAGE]);
    if (rows.length === 0) return;
    const items = rows.map((r) => ({ userId: r.id, n: { ...template, id: newUuid() } }));
    try {
      await saveNotifications(deps.db, items);
    } catch (err) {
      deps.log.error({ err, subject: n.subject }, "could not save notifications for all users");
      throw new GameError(Code.INTERNAL, "Could not save notifications.", { cause: err });
    }
    pushPerUser(deps, new Map(items.map((i) => [i.userId, [i.n]])));
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].id;
  }
}
