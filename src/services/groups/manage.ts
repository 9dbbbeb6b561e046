// Owns a group's own row: create (the creator becomes its superadmin, edge_count 1), update (admins
// and superadmins, or the runtime), delete with all its edges (superadmins, or the runtime), and
// reading groups by id, one group, or at random.
import type { api } from "../../../proto/index.js";
import { newUuid, SYSTEM_USER_ID } from "../../session/uuid.js";
import type { Queryable } from "../../storage/db.js";
import { isUniqueViolation } from "../../storage/db-errors.js";
import { edgePosition, socialTx } from "../friends/edge-tx.js";
import { ENABLED, GROUP_COLUMNS, GroupReason, GroupRole, GroupState, groupError, toGroup, type GroupRow, type GroupsDeps } from "./types.js";

export interface GroupCreateInput {
  /** The first superadmin (must not be the system user). */
  userId: string;
  /** creator_id of the group (REST: the caller; nk: its own argument, default the user). */
  creatorId: string;
  name: string;
  langTag: string;
  description: string;
  avatarUrl: string;
  /** JSON object text; "" = {}. */
  metadata: string;
  open: boolean;
  /** ≥ 1; 0 = the default 100. */
  maxCount: number;
}

/**
 * Inserts both rows of a membership edge. Returns false when the user already has an edge to the group
 * (a ban is only the group → user row, so that is the row to look for).
 */
export async function insertMembership(q: Queryable, groupId: string, userId: string, role: GroupRole, position = edgePosition()): Promise<boolean> {
  if ((await roleOf(q, groupId, userId)) !== null) return false;
  const r = await q.query(
    `INSERT INTO group_edge (position, state, source_id, destination_id) VALUES ($1, $2, $3, $4), ($1, $2, $4, $3)
     ON CONFLICT (source_id, destination_id) DO NOTHING`,
    [position, role, groupId, userId],
  );
  if (r.rowCount === 2) return true;
  if (r.rowCount === 1) throw new Error("group_edge is missing one direction of a membership");
  return false;
}

/** Nakama's CreateGroup: the group with its creator as superadmin, in one transaction. */
export async function createGroup(deps: GroupsDeps, input: GroupCreateInput): Promise<api.Group> {
  if (input.userId === SYSTEM_USER_ID) throw groupError(GroupReason.creatorInvalid);
  try {
    return await socialTx(deps.db, async (q) => {
      const r = await q.query<GroupRow>(
        `INSERT INTO groups AS g (id, creator_id, name, description, avatar_url, state, lang_tag, max_count, metadata, edge_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, 1) RETURNING ${GROUP_COLUMNS}`,
        [
          newUuid(), input.creatorId, input.name, input.description, input.avatarUrl,
          input.open ? GroupState.OPEN : GroupState.CLOSED, input.langTag === "" ? "en" : input.langTag,
          input.maxCount > 0 ? input.maxCount : 100, input.metadata === "" ? "{}" : input.metadata,
        ],
      );
      const group = r.rows[0];
      await insertMembership(q, group.id, input.userId, GroupRole.SUPERADMIN);
      return toGroup(group);
    });
  } catch (err) {
    if (isUniqueViolation(err, "groups_name_key")) throw groupError(GroupReason.nameInUse);
    throw err;
  }
}

/** The caller's role in the group, or null without an edge. */
export async function roleOf(q: Queryable, groupId: string, userId: string): Promise<number | null> {
  const r = await q.query<{ state: number }>("SELECT state FROM group_edge WHERE source_id = $1 AND destination_id = $2", [groupId, userId]);
  return r.rows[0]?.state ?? null;
}

export interface GroupUpdateInput {
  groupId: string;
  /** The caller; null = the runtime (no permission check). */
  callerId: string | null;
  creatorId?: string;
  name?: string;
  langTag?: string;
  /** "" clears it (NULL). */
  description?: string;
  /** "" clears it (NULL). */
  avatarUrl?: string;
  metadata?: string;
  open?: boolean;
  /** Changed only when > 0. */
  maxCount?: number;
}

function updateSets(u: GroupUpdateInput): { sets: string[]; params: unknown[] } {
  const params: unknown[] = [u.groupId];
  const sets: string[] = [];
  const set = (col: string, v: unknown, cast = ""): void => {
    params.push(v);
    sets.push(`${col} = $${params.length}${cast}`);
  };
  if (u.name !== undefined) set("name", u.name);
  if (u.langTag !== undefined) set("lang_tag", u.langTag);
  if (u.description !== undefined) set("description", u.description === "" ? null : u.description);
  if (u.avatarUrl !== undefined) set("avatar_url", u.avatarUrl === "" ? null : u.avatarUrl);
  if (u.open !== undefined) set("state", u.open ? GroupState.OPEN : GroupState.CLOSED);
  if (u.metadata !== undefined) set("metadata", u.metadata === "" ? "{}" : u.metadata, "::jsonb");
  if (u.maxCount !== undefined && u.maxCount > 0) set("max_count", u.maxCount);
  if (u.creatorId !== undefined && u.creatorId !== SYSTEM_USER_ID) set("creator_id", u.creatorId);
  return { sets, params };
}

/** Nakama's UpdateGroup: only admins and superadmins (or the runtime) may; nothing to change is an error. */
export async function updateGroup(deps: GroupsDeps, u: GroupUpdateInput): Promise<void> {
  if (u.callerId !== null) {
    const role = await roleOf(deps.db, u.groupId, u.callerId);
    if (role === null || role > GroupRole.ADMIN) throw groupError(GroupReason.permissionDenied);
  }
  const { sets, params } = updateSets(u);
  if (sets.length === 0) throw groupError(GroupReason.noUpdateOps);
  let rowCount: number;
  try {
    rowCount = (await deps.db.query(
      `UPDATE groups g SET update_time = now(), ${sets.join(", ")} WHERE g.id = $1 AND ${ENABLED}`,
      params,
    )).rowCount;
  } catch (err) {
    if (isUniqueViolation(err, "groups_name_key")) throw groupError(GroupReason.nameInUse);
    throw err;
  }
  if (rowCount === 0) throw groupError(GroupReason.notUpdated);
}

/** Removes a group and every edge to it, inside a transaction. */
export async function deleteGroupRows(q: Queryable, groupId: string): Promise<void> {
  const r = await q.query("DELETE FROM groups WHERE id = $1", [groupId]);
  if (r.rowCount === 0) return;
  await q.query("DELETE FROM group_edge WHERE source_id = $1 OR destination_id = $1", [groupId]);
}

/** Nakama's DeleteGroup: superadmins only (or the runtime); a missing group is not an error. */
export async function deleteGroup(deps: GroupsDeps, groupId: string, callerId: string | null): Promise<void> {
  await socialTx(deps.db, async (q) => {
    if (callerId !== null) {
      const role = await roleOf(q, groupId, callerId);
      if (role === null || role > GroupRole.SUPERADMIN) throw groupError(GroupReason.permissionDenied);
    }
    await deleteGroupRows(q, groupId);
  });
}

/** Enabled groups with these ids (canonical); unknown ones are absent. */
export async function getGroups(deps: GroupsDeps, ids: readonly string[]): Promise<api.Group[]> {
  if (ids.length === 0) return [];
  const r = await deps.db.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE ${ENABLED} AND g.id = ANY($1::uuid[])`, [ids]);
  return r.rows.map(toGroup);
}

/** One group by id (disabled ones too), or null. */
export async function getGroup(deps: GroupsDeps, id: string): Promise<api.Group | null> {
  const r = await deps.db.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.id = $1`, [id]);
  return r.rows[0] === undefined ? null : toGroup(r.rows[0]);
}

/** Up to `count` groups starting at a random id (wrapping around), as Nakama's GetRandomGroups. */
export async function getRandomGroups(deps: GroupsDeps, count: number): Promise<api.Group[]> {
  if (count <= 0) return [];
  const page = async (after: string): Promise<GroupRow[]> =>
    (await deps.db.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.id > $1 ORDER BY g.id LIMIT $2`, [after, count])).rows;
  const groups = await page(newUuid());
  if (groups.length < count) {
    const seen = new Set(groups.map((g) => g.id));
    for (const g of await page(SYSTEM_USER_ID)) {
      if (groups.length >= count) break;
      if (!seen.has(g.id)) groups.push(g);
    }
  }
  return groups.map(toGroup);
}
