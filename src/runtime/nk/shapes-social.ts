// Owns how leaderboards, records, tournaments, groups and friends look to module code, per language, as
// Nakama's runtimes build them (leaderboardToLuaTable / leaderboardToJsObject, recordToLuaTable /
// leaderboardRecordToJsMap, tournamentToLuaTable / tournamentToJsObject, groupToLuaTable / groupToJsObject,
// friend and group-user tables with userToLuaTable / userToJsObject from shapes.ts):
//   * int64 scores and ranks become numbers; times are unix seconds; metadata is decoded;
//   * `operator` is the API enum's lower-case name ("best", "set", "increment", "decrement");
//   * Lua `sort_order` is a string ("0"/"1", Nakama formats it), JS `sortOrder` a number;
//   * an absent username / expiry / end time is nil in Lua and null in JS; zero resets are left out
//     (Lua tournaments set them nil).
import type { api } from "../../../proto/index.js";
import { decodeJson, seconds } from "./shapes-data.js";
import { userToJs, userToLua } from "./shapes.js";

type Obj = Record<string, unknown>;

const OPERATOR_NAMES = ["no_override", "best", "set", "increment", "decrement"] as const;
const operatorName = (op: number): string => OPERATOR_NAMES[op] ?? "no_override";

export function leaderboardLua(l: api.Leaderboard): Obj {
  const out: Obj = {
    id: l.id,
    authoritative: l.authoritative,
    operator: operatorName(l.operator),
    sort_order: String(l.sort_order),
    metadata: decodeJson(l.metadata, "metadata"),
    create_time: seconds(l.create_time),
  };
  if (l.next_reset !== 0) out.next_reset = l.next_reset;
  if (l.prev_reset !== 0) out.prev_reset = l.prev_reset;
  return out;
}

export function leaderboardJs(l: api.Leaderboard): Obj {
  const out: Obj = {
    id: l.id,
    operator: operatorName(l.operator),
    sortOrder: l.sort_order,
    metadata: decodeJson(l.metadata, "metadata"),
    createTime: seconds(l.create_time),
  };
  if (l.prev_reset !== 0) out.prevReset = l.prev_reset;
  if (l.next_reset !== 0) out.nextReset = l.next_reset;
  out.authoritative = l.authoritative;
  return out;
}

export function recordLua(r: api.LeaderboardRecord): Obj {
  return {
    leaderboard_id: r.leaderboard_id,
    owner_id: r.owner_id,
    username: r.username ?? null,
    score: Number(r.score),
    subscore: Number(r.subscore),
    num_score: r.num_score,
    max_num_score: r.max_num_score,
    metadata: decodeJson(r.metadata, "metadata"),
    create_time: seconds(r.create_time),
    update_time: seconds(r.update_time),
    expiry_time: r.expiry_time === undefined ? null : seconds(r.expiry_time),
    rank: Number(r.rank),
  };
}

export function recordJs(r: api.LeaderboardRecord): Obj {
  return {
    leaderboardId: r.leaderboard_id,
    ownerId: r.owner_id,
    username: r.username ?? null,
    score: Number(r.score),
    subscore: Number(r.subscore),
    numScore: r.num_score,
    maxNumScore: r.max_num_score,
    metadata: decodeJson(r.metadata, "metadata"),
    createTime: seconds(r.create_time),
    updateTime: seconds(r.update_time),
    expiryTime: r.expiry_time === undefined ? null : seconds(r.expiry_time),
    rank: Number(r.rank),
  };
}

const orNull = (s: string): string | null => (s === "" ? null : s);

/**
 * A record list as Lua's multiple returns: records, owner_records, next_cursor, prev_cursor, rank_count;
 * the haystack form leaves owner_records out.
 */
export function recordListLua(l: api.LeaderboardRecordList, haystack: boolean): unknown[] {
  const head: unknown[] = [l.records.map(recordLua)];
  if (!haystack) head.push(l.owner_records.map(recordLua));
  return [...head, orNull(l.next_cursor), orNull(l.prev_cursor), Number(l.rank_count)];
}

export function recordListJs(l: api.LeaderboardRecordList): Obj {
  return {
    records: l.records.map(recordJs),
    ownerRecords: l.owner_records.map(recordJs),
    nextCursor: orNull(l.next_cursor),
    prevCursor: orNull(l.prev_cursor),
    rankCount: Number(l.rank_count),
  };
}

export function tournamentLua(t: api.Tournament): Obj {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    category: t.category,
    sort_order: String(t.sort_order),
    size: t.size,
    max_size: t.max_size,
    max_num_score: t.max_num_score,
    duration: t.duration,
    start_active: t.start_active,
    end_active: t.end_active,
    can_enter: t.can_enter,
    next_reset: t.next_reset === 0 ? null : t.next_reset,
    prev_reset: t.prev_reset === 0 ? null : t.prev_reset,
    metadata: decodeJson(t.metadata, "metadata"),
    create_time: seconds(t.create_time),
    start_time: seconds(t.start_time),
    end_time: t.end_time === undefined ? null : seconds(t.end_time),
    operator: operatorName(t.operator),
  };
}

export function tournamentJs(t: api.Tournament): Obj {
  const out: Obj = {
    id: t.id,
    title: t.title,
    description: t.description,
    category: t.category,
    sortOrder: t.sort_order,
    size: t.size,
    maxSize: t.max_size,
    maxNumScore: t.max_num_score,
    duration: t.duration,
    startActive: t.start_active,
    endActive: t.end_active,
    canEnter: t.can_enter,
  };
  if (t.prev_reset !== 0) out.prevReset = t.prev_reset;
  if (t.next_reset !== 0) out.nextReset = t.next_reset;
  out.metadata = decodeJson(t.metadata, "metadata");
  out.createTime = seconds(t.create_time);
  out.startTime = seconds(t.start_time);
  out.endTime = t.end_time === undefined ? null : seconds(t.end_time);
  out.operator = operatorName(t.operator);
  return out;
}

export function groupLua(g: api.Group): Obj {
  return {
    id: g.id,
    creator_id: g.creator_id,
    name: g.name,
    description: g.description,
    avatar_url: g.avatar_url,
    lang_tag: g.lang_tag,
    open: g.open ?? false,
    edge_count: g.edge_count,
    max_count: g.max_count,
    create_time: seconds(g.create_time),
    update_time: seconds(g.update_time),
    metadata: decodeJson(g.metadata, "metadata"),
  };
}

export function groupJs(g: api.Group): Obj {
  return {
    id: g.id,
    creatorId: g.creator_id,
    name: g.name,
    description: g.description,
    avatarUrl: g.avatar_url,
    langTag: g.lang_tag,
    open: g.open ?? false,
    edgeCount: g.edge_count,
    maxCount: g.max_count,
    createTime: seconds(g.create_time),
    updateTime: seconds(g.update_time),
    metadata: decodeJson(g.metadata, "metadata"),
  };
}

function userOf(u: api.User | undefined): api.User {
  if (u === undefined) throw new Error("listing entry without user");
  return u;
}

export function groupUserLua(gu: api.GroupUser): Obj {
  return { user: userToLua(userOf(gu.user)), state: gu.state ?? 0 };
}

export function groupUserJs(gu: api.GroupUser): Obj {
  return { user: userToJs(userOf(gu.user)), state: gu.state ?? 0 };
}

export function userGroupLua(ug: api.UserGroup): Obj {
  if (ug.group === undefined) throw new Error("listing entry without group");
  return { group: groupLua(ug.group), state: ug.state ?? 0 };
}

export function userGroupJs(ug: api.UserGroup): Obj {
  if (ug.group === undefined) throw new Error("listing entry without group");
  return { group: groupJs(ug.group), state: ug.state ?? 0 };
}

export function friendLua(f: api.Friend): Obj {
  return {
    state: f.state ?? 0,
    update_time: seconds(f.update_time),
    user: userToLua(userOf(f.user)),
    metadata: decodeJson(f.metadata, "metadata"),
  };
}

export function friendJs(f: api.Friend): Obj {
  return {
    state: f.state ?? 0,
    updateTime: seconds(f.update_time),
    user: userToJs(userOf(f.user)),
    metadata: decodeJson(f.metadata, "metadata"),
  };
}

export function friendOfFriendLua(f: api.FriendOfFriend): Obj {
  return { referrer: f.referrer, user: userToLua(userOf(f.user)) };
}

export function friendOfFriendJs(f: api.FriendOfFriend): Obj {
  return { referrer: f.referrer, user: userToJs(userOf(f.user)) };
}
