// Owns joining and leaving groups and adding members: join (open group → member, closed group → join
// request and −5 to its admins), leave (the last superadmin cannot), add by an admin (new member or
// accepted join request, −4 to the added user), and the membership test the chat layer asks.
//
// Race: concurrent joins of a nearly full group. The count moves only through
// `UPDATE groups SET edge_count = edge_count + 1 WHERE … AND edge_count + 1 <= max_count` in the same
// transaction as the new edges; a concurrent transaction waits for the row lock and re-checks the
// condition against the committed count, so the group never exceeds max_count (the table's CHECK is a
// second guard). A join that loses gets "group is full" and its edges roll back.
import type { api } from "../../../proto/index.js";
import type { Queryable } from "../../storage/db.js";
import { goJson } from "../storage/json.js";
import { NotificationCode, sendNotifications, type NotificationSend } from "../notifications/index.js";
import { socialTx } from "../friends/edge-tx.js";
import { GroupEvent, publishGroupEvents, storeGroupEvent, usernameOf } from "./channel.js";
import { insertMembership, roleOf } from "./manage.js";
import { ENABLED, GROUP_COLUMNS, GroupReason, GroupRole, GroupState, groupError, type GroupRow, type GroupsDeps } from "./types.js";

/** One more member, if there is room (see the header). */
export async function incrementMembers(q: Queryable, groupId: string): Promise<void> {
  const r = await q.query(
    "UPDATE groups SET edge_count = edge_count + 1, update_time = now() WHERE id = $1 AND edge_count + 1 <= max_count",
    [groupId],
  );
  if (r.rowCount === 0) throw groupError(GroupReason.full);
}

export async function decrementMembers(q: Queryable, groupId: string): Promise<number> {
  return (await q.query(`UPDATE groups g SET edge_count = edge_count - 1, update_time = now() WHERE g.id = $1 AND ${ENABLED}`, [groupId])).rowCount;
}

async function notifyQuietly(deps: GroupsDeps, sends: NotificationSend[]): Promise<void> {
  if (sends.length === 0) return;
  try {
    await sendNotifications(deps, sends);
  } catch (err) {
    deps.log.warn({ err }, "could not send group notifications");
  }
}

/** Rolls a join back without failing it: the user already had an edge to the group. */
class AlreadyMember extends Error {}

/** Nakama's JoinGroup. A user with any edge to the group (member, request, banned) changes nothing. */
export async function joinGroup(deps: GroupsDeps, groupId: string, userId: string, username: string): Promise<void> {
  const r = await deps.db.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.id = $1 AND ${ENABLED}`, [groupId]);
  const group = r.rows[0];
  if (group === undefined) throw groupError(GroupReason.notFound);
  if (group.edge_count >= group.max_count) throw groupError(GroupReason.full);
  if (group.state === GroupState.CLOSED) {
    await requestToJoin(deps, groupId, userId, username);
    return;
  }
  let message: api.ChannelMessage;
  try {
    message = await socialTx(deps.db, async (q) => {
      if (!(await insertMembership(q, groupId, userId, GroupRole.MEMBER))) throw new AlreadyMember();
      await incrementMembers(q, groupId);
      return storeGroupEvent(q, groupId, GroupEvent.JOIN, userId, username);
    });
  } catch (err) {
    if (err instanceof AlreadyMember) return;
    throw err;
  }
  publishGroupEvents(deps, groupId, [message]);
}

async function requestToJoin(deps: GroupsDeps, groupId: string, userId: string, username: string): Promise<void> {
  const admins = await socialTx(deps.db, async (q) => {
    if (!(await insertMembership(q, groupId, userId, GroupRole.JOIN_REQUEST))) return null;
    return (await q.query<{ destination_id: string }>(
      "SELECT destination_id FROM group_edge WHERE source_id = $1 AND state <= 1",
      [groupId],
    )).rows.map((row) => row.destination_id);
  });
  if (admins === null) return;
  const content = goJson({ group_id: groupId, username });
  await notifyQuietly(deps, admins.map((adminId) => ({
    userId: adminId,
    subject: `User ${username} wants to join your group`,
    content,
    code: NotificationCode.GROUP_JOIN_REQUEST,
    senderId: userId,
    persistent: true,
  })));
}

/** Nakama's LeaveGroup. No edge or banned: nothing happens. The last superadmin cannot leave. */
export async function leaveGroup(deps: GroupsDeps, groupId: string, userId: string, username: string): Promise<void> {
  const message = await socialTx(deps.db, async (q) => {
    const role = await roleOf(q, groupId, userId);
    if (role === null || role === GroupRole.BANNED) return null;
    if (role === GroupRole.SUPERADMIN) {
      const others = await q.query(
        "SELECT 1 FROM group_edge WHERE source_id = $1 AND destination_id <> $2 AND state = 0 LIMIT 1",
        [groupId, userId],
      );
      if (others.rowCount === 0) throw groupError(GroupReason.lastSuperadmin);
    }
    await q.query(
      "DELETE FROM group_edge WHERE (source_id = $1 AND destination_id = $2) OR (source_id = $2 AND destination_id = $1)",
      [groupId, userId],
    );
    if (role < GroupRole.JOIN_REQUEST && (await decrementMembers(q, groupId)) === 0) throw groupError(GroupReason.notFound);
    return storeGroupEvent(q, groupId, GroupEvent.LEAVE, userId, username);
  });
  if (message !== null) publishGroupEvents(deps, groupId, [message], [userId]);
}

/** Nakama's AddGroupUsers: caller an admin or superadmin (null = runtime); join requests are accepted. */
export async function addGroupUsers(deps: GroupsDeps, callerId: string | null, groupId: string, userIds: readonly string[]): Promise<void> {
  if (callerId !== null) {
    const role = await roleOf(deps.db, groupId, callerId);
    if (role === null || role > GroupRole.ADMIN) throw groupError(GroupReason.permissionDenied);
  }
  const g = await deps.db.query<{ name: string }>(`SELECT g.name FROM groups g WHERE g.id = $1 AND ${ENABLED}`, [groupId]);
  const name = g.rows[0]?.name;
  if (name === undefined) throw groupError(GroupReason.notFound);
  const result = await socialTx(deps.db, async (q) => {
    const messages: api.ChannelMessage[] = [];
    const added: string[] = [];
    for (const uid of new Set(userIds)) {
      if (uid === callerId) continue;
      const username = await usernameOf(q, uid);
      if (username === null) throw groupError(GroupReason.userNotFound);
      if (!(await addOne(q, groupId, uid))) continue; // already a member, or banned
      messages.push(await storeGroupEvent(q, groupId, GroupEvent.ADD, uid, username));
      added.push(uid);
    }
    return { messages, added };
  });
  publishGroupEvents(deps, groupId, result.messages);
  const content = goJson({ group_id: groupId, name });
  await notifyQuietly(deps, result.added.map((uid) => ({
    userId: uid,
    subject: `You've been added to group ${name}`,
    content,
    code: NotificationCode.GROUP_ADD,
    senderId: callerId ?? "",
    persistent: true,
  })));
}

/** A new member edge, or a join request turned into membership; false when neither happened. */
async function addOne(q: Queryable, groupId: string, userId: string): Promise<boolean> {
  if (!(await insertMembership(q, groupId, userId, GroupRole.MEMBER))) {
    const r = await q.query(
      `UPDATE group_edge SET update_time = now(), state = 2
       WHERE (source_id = $1 AND destination_id = $2 AND state = 3) OR (source_id = $2 AND destination_id = $1 AND state = 3)`,
      [groupId, userId],
    );
    if (r.rowCount !== 2) return false;
  }
  await incrementMembers(q, groupId);
  return true;
}

/** True when the user is a member of the group: superadmin, admin or member (not a request, not banned). */
export async function isGroupMember(deps: Pick<GroupsDeps, "db">, groupId: string, userId: string): Promise<boolean> {
  const r = await deps.db.query<{ state: number }>("SELECT state FROM group_edge WHERE source_id = $1 AND destination_id = $2", [groupId, userId]);
  const state = r.rows[0]?.state;
  return state !== undefined && state <= GroupRole.MEMBER;
}
