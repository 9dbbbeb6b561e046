// Owns reading the friend graph: a user's friend list (optionally one state) in (state, position) order
// with a cursor, the friends of their friends, and the relationship to given users (usersGetFriendStatus).
// Users carry their online flag from deps.isOnline.
import type { api } from "../../../proto/index.js";
import { toUser, USER_COLUMNS, type UserRow } from "../../identity/core.js";
import { parseUuid } from "../../session/uuid.js";
import { decodeCursor, decodeEdgeCursor, encodeCursor, encodeEdgeCursor } from "./edge-tx.js";
import { FRIEND_COLUMNS, invalidFriendCursor, onlineOf, toFriend, type FriendRow, type FriendsDeps } from "./types.js";

const FRIEND_FROM = "FROM users u JOIN user_edge e ON u.id = e.destination_id WHERE e.source_id = $1";

/**
 * One page of the user's relationships. `limit` 0 = all (console); `state` undefined = every state.
 * A cursor from another state filter is refused ("friend cursor invalid").
 */
export async function listFriends(deps: FriendsDeps, userId: string, limit: number, state: number | undefined, cursor: string): Promise<api.FriendList> {
  const start = cursor === "" ? null : decodeEdgeCursor(cursor);
  if (cursor !== "" && (start === null || (state !== undefined && state !== start.state))) throw invalidFriendCursor();
  const params: unknown[] = [userId];
  let sql = `SELECT ${FRIEND_COLUMNS} ${FRIEND_FROM}`;
  if (state !== undefined) {
    params.push(state);
    sql += ` AND e.state = $${params.length}`;
  }
  if (start !== null) {
    params.push(start.state, start.position);
    sql += ` AND (e.state, e.position) >= ($${params.length - 1}::int2, $${params.length}::bigint)`;
  }
  sql += " ORDER BY e.state, e.position";
  if (limit > 0) {
    params.push(limit + 1);
    sql += ` LIMIT $${params.length}`;
  }
  const r = await deps.db.query<FriendRow>(sql, params);
  const online = onlineOf(deps);
  const rows = limit > 0 ? r.rows.slice(0, limit) : r.rows;
  const next = limit > 0 ? r.rows[limit] : undefined;
  return {
    friends: rows.map((row) => toFriend(row, online)),
    cursor: next === undefined ? "" : encodeEdgeCursor({ state: next.state, position: next.position }),
  };
}

/** The caller's relationships with these users (ids canonical); users without one are absent. */
export async function getFriendStatus(deps: FriendsDeps, userId: string, otherIds: readonly string[]): Promise<api.Friend[]> {
  if (otherIds.length === 0) return [];
  const r = await deps.db.query<FriendRow>(`SELECT ${FRIEND_COLUMNS} ${FRIEND_FROM} AND e.destination_id = ANY($2::uuid[])`, [userId, otherIds]);
  const online = onlineOf(deps);
  return r.rows.map((row) => toFriend(row, online));
}

interface FofCursor {
  source: string;
  destination: string;
}

function decodeFofCursor(text: string): FofCursor {
  const v = decodeCursor(text);
  const source = typeof v?.s === "string" ? parseUuid(v.s) : null;
  const destination = typeof v?.d === "string" ? parseUuid(v.d) : null;
  if (source === null || destination === null) throw invalidFriendCursor();
  return { source, destination };
}

const FOF = `SELECT source_id, destination_id FROM user_edge
WHERE source_id = $1 AND destination_id <> $2 AND destination_id <> ALL($3::uuid[]) AND state = 0`;

/**
 * Friends of the user's friends who are neither the user nor their friends, ordered by (friend, their
 * friend), with the friend as `referrer`. Unlike Nakama (whose next page only continues the cursor's
 * friend), a cursor resumes the whole walk, so paging through returns every pair once.
 */
export async function listFriendsOfFriends(deps: FriendsDeps, userId: string, limit: number, cursor: string): Promise<api.FriendsOfFriendsList> {
  const start = cursor === "" ? null : decodeFofCursor(cursor);
  const friends = (await deps.db.query<{ destination_id: string }>(
    "SELECT destination_id FROM user_edge WHERE source_id = $1 AND state = 0 ORDER BY destination_id",
    [userId],
  )).rows.map((r) => r.destination_id);
  const pairs: Array<{ referrer: string; userId: string }> = [];
  let next = "";
  for (const friend of friends) {
    if (start !== null && friend < start.source) continue;
    const params: unknown[] = [friend, userId, friends, limit + 1 - pairs.length];
    let sql = FOF;
    if (start !== null && friend === start.source) {
      params.push(start.destination);
      sql += " AND destination_id >= $5";
    }
    const rows = (await deps.db.query<{ source_id: string; destination_id: string }>(`${sql} ORDER BY destination_id LIMIT $4`, params)).rows;
    for (const row of rows) {
      if (pairs.length >= limit) {
        next = encodeCursor({ s: row.source_id, d: row.destination_id });
        break;
      }
      pairs.push({ referrer: row.source_id, userId: row.destination_id });
    }
    if (next !== "") break;
  }
  if (pairs.length === 0) return { friends_of_friends: [], cursor: "" };
  const users = await usersById(deps, pairs.map((p) => p.userId));
  const list: api.FriendOfFriend[] = [];
  for (const p of pairs) {
    const user = users.get(p.userId);
    if (user !== undefined) list.push({ referrer: p.referrer, user }); // deleted meanwhile: skipped
  }
  return { friends_of_friends: list, cursor: next };
}

async function usersById(deps: FriendsDeps, ids: readonly string[]): Promise<Map<string, api.User>> {
  const r = await deps.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ANY($1::uuid[])`, [[...new Set(ids)]]);
  const online = onlineOf(deps);
  return new Map(r.rows.map((row) => [row.id, toUser(row, online(row.id))]));
}
