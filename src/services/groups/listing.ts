// Owns group listings: groups by name pattern or by open/lang/members filters (Nakama's query per filter
// combination and its ordering), a group's users with their roles, and a user's groups with their role.
// Cursors are opaque and resume exactly after the last row of the page. Where Nakama's cursor condition
// contradicts its own ordering (open + lang), ours follows the ordering, so pages never repeat.
import type { api } from "../../../proto/index.js";
import { toUser, USER_COLUMNS, type UserRow } from "../../identity/core.js";
import { parseUuid } from "../../session/uuid.js";
import { decodeCursor, decodeEdgeCursor, encodeCursor, encodeEdgeCursor } from "../friends/edge-tx.js";
import { ENABLED, GROUP_COLUMNS, GroupReason, GroupState, groupError, toGroup, type GroupReason as Reason, type GroupRow, type GroupsDeps } from "./types.js";

export interface ListGroupsInput {
  /** ILIKE pattern ("" = no name filter); leading "%" and spaces are dropped. */
  name: string;
  langTag: string;
  open?: boolean;
  /** -1 = no members filter. */
  members: number;
  limit: number;
  cursor: string;
}

interface GroupCursor {
  name: string;
  lang: string;
  edge: number;
  id: string;
  upd: string;
}

function decodeGroupCursor(text: string): GroupCursor {
  const v = decodeCursor(text);
  const id = typeof v?.id === "string" ? parseUuid(v.id) : null;
  if (v === null || id === null || typeof v.name !== "string" || typeof v.lang !== "string" || typeof v.edge !== "number"
    || typeof v.upd !== "string" || !/^-?\d{1,19}$/.test(v.upd)) {
    throw groupError(GroupReason.malformedCursor);
  }
  return { name: v.name, lang: v.lang, edge: v.edge, id, upd: v.upd };
}

const US = (p: string): string => `('1970-01-01 00:00:00+00'::timestamptz + ${p}::bigint * interval '1 microsecond')`;

interface Plan {
  where: string[];
  order: string;
  /** The cursor condition, given the placeholders of the cursor's values. */
  after: (c: GroupCursor, bind: (v: unknown) => string) => string;
}

/** Nakama's query for each filter combination (see ListGroups in core_group.go). */
function plan(input: ListGroupsInput, bind: (v: unknown) => string): Plan {
  const { langTag, open, members } = input;
  const state = open === undefined ? undefined : open ? GroupState.OPEN : GroupState.CLOSED;
  const desc = "ORDER BY g.edge_count DESC, g.id DESC";
  const edgeIdBefore = (c: GroupCursor, b: (v: unknown) => string): string => `(g.edge_count, g.id) < (${b(c.edge)}, ${b(c.id)}::uuid)`;
  if (input.name !== "") {
    return { where: [`g.name ILIKE ${bind(input.name)}`], order: "ORDER BY g.name", after: (c, b) => `g.name > ${b(c.name)}` };
  }
  const where = [ENABLED];
  if (state !== undefined && langTag !== "") {
    where.push(`g.state = ${bind(state)}`, `g.lang_tag = ${bind(langTag)}`);
    if (members > -1) where.push(`g.edge_count <= ${bind(members)}`);
    return { where, order: desc, after: edgeIdBefore };
  }
  if (state !== undefined && members > -1) {
    where.push(`g.state = ${bind(state)}`, `g.edge_count = ${bind(members)}`);
    return { where, order: "ORDER BY g.lang_tag DESC, g.id DESC", after: (c, b) => `(g.lang_tag, g.id) < (${b(c.lang)}, ${b(c.id)}::uuid)` };
  }
  if (langTag !== "") {
    where.push(`g.lang_tag = ${bind(langTag)}`);
    if (members > -1) {
      where.push(`g.edge_count <= ${bind(members)}`);
      return { where, order: desc, after: edgeIdBefore };
    }
    return { where, order: "ORDER BY g.edge_count, g.id", after: (c, b) => `(g.edge_count, g.id) > (${b(c.edge)}, ${b(c.id)}::uuid)` };
  }
  if (members > -1) {
    where.push(`g.edge_count <= ${bind(members)}`);
    return {
      where,
      order: "ORDER BY g.edge_count DESC, g.update_time DESC, g.id DESC",
      after: (c, b) => `(g.edge_count, g.update_time, g.id) < (${b(c.edge)}, ${US(b(c.upd))}, ${b(c.id)}::uuid)`,
    };
  }
  if (state !== undefined) where.push(`g.state = ${bind(state)}`);
  return {
    where,
    order: "ORDER BY g.update_time, g.edge_count, g.id",
    after: (c, b) => `(g.update_time, g.edge_count, g.id) > (${US(b(c.upd))}, ${b(c.edge)}, ${b(c.id)}::uuid)`,
  };
}

/** Nakama's ListGroups: a name pattern cannot be combined with the other filters. */
export async function listGroups(deps: GroupsDeps, input: ListGroupsInput): Promise<api.GroupList> {
  const name = input.name.replace(/^[% ]+/, "");
  if (input.name !== "" && (input.langTag !== "" || input.open !== undefined || input.members > -1)) {
    throw groupError(GroupReason.nameFilterCombined);
  }
  const cursor = input.cursor === "" ? null : decodeGroupCursor(input.cursor);
  const params: unknown[] = [];
  const bind = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const p = plan({ ...input, name }, bind);
  const where = cursor === null ? p.where : [...p.where, p.after(cursor, bind)];
  const sql = `SELECT ${GROUP_COLUMNS} FROM groups g WHERE ${where.join(" AND ")} ${p.order} LIMIT ${bind(input.limit + 1)}`;
  const rows = (await deps.db.query<GroupRow>(sql, params)).rows;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const next = rows.length > input.limit && last !== undefined
    ? encodeCursor({ name: last.name, lang: last.lang_tag ?? "", edge: last.edge_count, id: last.id, upd: last.update_us })
    : "";
  return { groups: page.map(toGroup), cursor: next };
}

interface EdgeListInput {
  limit: number;
  state?: number;
  cursor: string;
}

function edgeCursorOf(cursor: string, state: number | undefined, reason: Reason): { state: number; position: string } | null {
  if (cursor === "") return null;
  const c = decodeEdgeCursor(cursor);
  if (c === null || (state !== undefined && state !== c.state)) throw groupError(reason);
  return c;
}

/** Builds the filter, cursor, order and limit of an edge listing whose source is $1. */
function edgeQuery(input: EdgeListInput, start: { state: number; position: string } | null, params: unknown[]): string {
  let sql = "";
  if (input.state !== undefined) {
    params.push(input.state);
    sql += ` AND ge.state = $${params.length}`;
  } else {
    sql += " AND ge.state >= 0 AND ge.state <= 3";
  }
  if (start !== null) {
    params.push(start.state, start.position);
    sql += ` AND (ge.state, ge.position) >= ($${params.length - 1}::int2, $${params.length}::bigint)`;
  }
  sql += " ORDER BY ge.state, ge.position";
  if (input.limit > 0) {
    params.push(input.limit + 1);
    sql += ` LIMIT $${params.length}`;
  }
  return sql;
}

function page<R extends { state: number; position: string }>(rows: R[], limit: number): { rows: R[]; cursor: string } {
  if (limit <= 0 || rows.length <= limit) return { rows, cursor: "" };
  const next = rows[limit];
  return { rows: rows.slice(0, limit), cursor: encodeEdgeCursor({ state: next.state, position: next.position }) };
}

/** A group's users with their role; `state` undefined = roles 0–3 (banned users only when asked for 4). */
export async function listGroupUsers(deps: GroupsDeps, groupId: string, input: EdgeListInput): Promise<api.GroupUserList> {
  const start = edgeCursorOf(input.cursor, input.state, GroupReason.userInvalidCursor);
  const params: unknown[] = [groupId];
  const sql = `SELECT ${USER_COLUMNS}, ge.state, ge.position FROM users u JOIN group_edge ge ON u.id = ge.destination_id
    WHERE ge.source_id = $1${edgeQuery(input, start, params)}`;
  const r = await deps.db.query<UserRow & { state: number; position: string }>(sql, params);
  const p = page(r.rows, input.limit);
  const online = deps.isOnline ?? (() => false);
  return {
    group_users: p.rows.map((row) => ({ user: toUser(row, online(row.id)), state: row.state })),
    cursor: p.cursor,
  };
}

/** A user's groups with their role in each; `state` undefined = roles 0–3. */
export async function listUserGroups(deps: GroupsDeps, userId: string, input: EdgeListInput): Promise<api.UserGroupList> {
  const start = edgeCursorOf(input.cursor, input.state, GroupReason.userGroupInvalidCursor);
  const params: unknown[] = [userId];
  const sql = `SELECT ${GROUP_COLUMNS}, ge.state AS user_state, ge.position FROM groups g JOIN group_edge ge ON g.id = ge.destination_id
    WHERE ge.source_id = $1${edgeQuery(input, start, params)}`;
  const r = await deps.db.query<GroupRow & { user_state: number; position: string }>(sql, params);
  const p = page(r.rows.map((row) => ({ ...row, group_state: row.state, state: row.user_state })), input.limit);
  return {
    user_groups: p.rows.map((row) => ({ group: toGroup({ ...row, state: row.group_state }), state: row.user_state })),
    cursor: p.cursor,
  };
}
