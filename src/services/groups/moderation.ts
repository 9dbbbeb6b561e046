// Owns what admins do to other members, with Nakama's role rules (caller null = the runtime, acting as
// a superadmin; callers never act on themselves):
//   kick    superadmin: anyone but the last superadmin; admin: members, join requests, banned (unban)
//   ban     like kick, then a banned edge (group → user only) that blocks joining and adding
//   promote superadmin: member → admin, admin → superadmin; admin: member → admin
//   demote  superadmin: superadmin → admin, admin → member (never the last superadmin); admin: admin → member
// Kicks and bans of members (not of requests) lower edge_count and post a group channel message.
import type { api } from "../../../proto/index.js";
import type { Queryable } from "../../storage/db.js";
import { edgePosition, socialTx } from "../friends/edge-tx.js";
import { GroupEvent, publishGroupEvents, storeGroupEvent, usernameOf } from "./channel.js";
import { roleOf } from "./manage.js";
import { ENABLED, GroupReason, GroupRole, groupError, type GroupsDeps } from "./types.js";

/** The caller's role (superadmin for the runtime); anyone below admin is refused. */
async function callerRole(deps: GroupsDeps, groupId: string, callerId: string | null): Promise<number> {
  if (callerId === null) return GroupRole.SUPERADMIN;
  const role = await roleOf(deps.db, groupId, callerId);
  if (role === null || role > GroupRole.ADMIN) throw groupError(GroupReason.permissionDenied);
  return role;
}

async function requireGroup(deps: GroupsDeps, groupId: string): Promise<void> {
  const r = await deps.db.query(`SELECT 1 FROM groups g WHERE g.id = $1 AND ${ENABLED}`, [groupId]);
  if (r.rowCount === 0) throw groupError(GroupReason.notFound);
}

const GROUP_ENABLED = `EXISTS (SELECT 1 FROM groups g WHERE g.id = $1 AND ${ENABLED})`;

/** Removes both rows of the user's edge if the caller's role allows; returns the removed state or null. */
async function removeEdge(q: Queryable, groupId: string, userId: string, callerRole: number): Promise<number | null> {
  const sql = callerRole === GroupRole.SUPERADMIN
    ? `DELETE FROM group_edge
       WHERE ((source_id = $1 AND destination_id = $2) OR (source_id = $2 AND destination_id = $1)) AND ${GROUP_ENABLED}
         AND NOT (EXISTS (SELECT 1 FROM group_edge WHERE source_id = $1 AND destination_id = $2 AND state = 0)
              AND NOT EXISTS (SELECT 1 FROM group_edge WHERE source_id = $1 AND destination_id <> $2 AND state = 0))
       RETURNING state`
    : `DELETE FROM group_edge
       WHERE ((source_id = $1 AND destination_id = $2 AND state > 1) OR (source_id = $2 AND destination_id = $1 AND state > 1))
         AND ${GROUP_ENABLED}
       RETURNING state`;
  const r = await q.query<{ state: number }>(sql, [groupId, userId]);
  return r.rows[0]?.state ?? null;
}

interface Removal {
  messages: api.ChannelMessage[];
  removed: string[];
}

/** Kick or ban (`ban` adds the banned edge), one transaction over all the users. */
async function removeUsers(deps: GroupsDeps, callerId: string | null, groupId: string, userIds: readonly string[], ban: boolean): Promise<void> {
  const role = await callerRole(deps, groupId, callerId);
  if (!ban) await requireGroup(deps, groupId);
  const out = await socialTx(deps.db, async (q): Promise<Removal> => {
    const result: Removal = { messages: [], removed: [] };
    const base = edgePosition();
    let i = 0n;
    for (const uid of new Set(userIds)) {
      if (uid === callerId) continue;
      const state = await removeEdge(q, groupId, uid, role);
      if (state === null) continue;
      if (ban) {
        await q.query("INSERT INTO group_edge (position, state, source_id, destination_id) VALUES ($1, 4, $2, $3)", [base + i++, groupId, uid]);
      }
      if (state >= GroupRole.JOIN_REQUEST) continue; // a request (or a ban lifted by a kick): no member left
      await q.query("UPDATE groups SET edge_count = edge_count - 1, update_time = now() WHERE id = $1", [groupId]);
      const username = await usernameOf(q, uid);
      if (username === null) throw groupError(GroupReason.userNotFound);
      result.messages.push(await storeGroupEvent(q, groupId, ban ? GroupEvent.BAN : GroupEvent.KICK, uid, username));
      result.removed.push(uid);
    }
    return result;
  });
  publishGroupEvents(deps, groupId, out.messages, out.removed);
}

/** Nakama's KickGroupUsers (ids canonical; users the caller may not kick are skipped). */
export async function kickGroupUsers(deps: GroupsDeps, callerId: string | null, groupId: string, userIds: readonly string[]): Promise<void> {
  await removeUsers(deps, callerId, groupId, userIds, false);
}

/** Nakama's BanGroupUsers: users without an edge to the group (or the caller may not ban) are skipped. */
export async function banGroupUsers(deps: GroupsDeps, callerId: string | null, groupId: string, userIds: readonly string[]): Promise<void> {
  await removeUsers(deps, callerId, groupId, userIds, true);
}

const PROMOTE = `UPDATE group_edge SET state = state - 1, update_time = now()
WHERE ((source_id = $1 AND destination_id = $2) OR (source_id = $2 AND destination_id = $1))
  AND state > 0 AND state > $3 AND state <= 2
RETURNING state`;

const DEMOTE_BY_SUPERADMIN = `UPDATE group_edge SET state = state + 1, update_time = now()
WHERE ((source_id = $1 AND destination_id = $2) OR (source_id = $2 AND destination_id = $1))
  AND state >= $3 AND state < 2
  AND EXISTS (SELECT 1 FROM group_edge WHERE source_id = $1 AND destination_id <> $2 AND state = 0)
RETURNING state`;

const DEMOTE = `UPDATE group_edge SET state = state + 1, update_time = now()
WHERE ((source_id = $1 AND destination_id = $2) OR (source_id = $2 AND destination_id = $1))
  AND state >= $3 AND state < 2
RETURNING state`;

async function changeRoles(deps: GroupsDeps, callerId: string | null, groupId: string, userIds: readonly string[], promote: boolean): Promise<void> {
  const role = await callerRole(deps, groupId, callerId);
  await requireGroup(deps, groupId);
  const sql = promote ? PROMOTE : role === GroupRole.SUPERADMIN ? DEMOTE_BY_SUPERADMIN : DEMOTE;
  const messages = await socialTx(deps.db, async (q) => {
    const out: api.ChannelMessage[] = [];
    for (const uid of new Set(userIds)) {
      if (uid === callerId) continue;
      const r = await q.query<{ state: number }>(sql, [groupId, uid, role]);
      if (r.rowCount === 0) continue;
      const username = await usernameOf(q, uid);
      if (username === null) throw groupError(GroupReason.userNotFound);
      out.push(await storeGroupEvent(q, groupId, promote ? GroupEvent.PROMOTE : GroupEvent.DEMOTE, uid, username));
    }
    return out;
  });
  publishGroupEvents(deps, groupId, messages);
}

/** Nakama's PromoteGroupUsers (one step up; see the header). */
export async function promoteGroupUsers(deps: GroupsDeps, callerId: string | null, groupId: string, userIds: readonly string[]): Promise<void> {
  await changeRoles(deps, callerId, groupId, userIds, true);
}

/** Nakama's DemoteGroupUsers (one step down; see the header). */
export async function demoteGroupUsers(deps: GroupsDeps, callerId: string | null, groupId: string, userIds: readonly string[]): Promise<void> {
  await changeRoles(deps, callerId, groupId, userIds, false);
}
