// Owns nk's group functions on groups themselves over src/services/groups (membership changes and member
// listings are groups-members.ts), with Nakama's argument orders, texts and shapes (shapes-social.ts):
//   group_create(user_id, name, creator_id?, lang?, description?, avatar_url?, open = false, metadata?,
//     max_count = 100) → group
//   group_update(group_id, user_id?, name?, creator_id?, lang?, description?, avatar_url?, open?, metadata?,
//     max_count?) — user_id set: that user's permissions apply; absent: the runtime may change anything
//   group_delete(group_id); groups_get_id(ids) → groups; groups_get_random(count) → groups
//   groups_list(name?, lang_tag?, open?, members?, limit = 100, cursor?) → Lua groups, cursor | JS { groups, cursor }
//   group_user_join(group_id, user_id, username); group_user_leave(group_id, user_id, username)
// Lua treats "" as "unchanged" in group_update; JS sets any non-null value (as Nakama). Argument numbers
// in a few Lua errors are Nakama's own (group_update reports user_id at #1 and creator_id at #3).
import { parseUuid, SYSTEM_USER_ID } from "../../session/uuid.js";
import {
  createGroup, deleteGroup, getGroups, getRandomGroups, joinGroup, leaveGroup, listGroups, updateGroup, type GroupUpdateInput,
} from "../../services/groups/index.js";
import { wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import { groupJs, groupLua } from "./shapes-social.js";
import { none, optMapJson, stringsArg, uuidArg } from "./svc-args.js";
import { groupsDeps } from "./svc-deps.js";
import type { NkBinding, NkCall } from "./types.js";

/** The group id argument: JS says "expects a group ID string" for "" when `jsEmpty`. */
export function groupIdArg(a: Args, jsEmpty = false): string {
  return uuidArg(a, 0, "expects group ID to be a valid identifier", a.lang === "js" && jsEmpty ? "expects a group ID string" : undefined);
}

async function create(a: Args, call: NkCall) {
  const lua = a.lang === "lua";
  const userId = uuidArg(a, 0, "expects user ID to be a valid identifier", lua ? undefined : "expects a user ID string");
  const name = a.str(1);
  if (name === "") throw a.fail(1, lua ? "expects group name not be empty" : "expects group name to not be empty");
  let creatorId = userId;
  if (a.has(2)) {
    const c = parseUuid(a.str(2));
    if (c === null) throw a.fail(2, "expects owner ID to be a valid identifier");
    if (c !== SYSTEM_USER_ID) creatorId = c;
  }
  const maxCount = a.optInt(8, 100);
  if (lua && maxCount < 1) throw a.fail(8, "expects max_count to be >= 1");
  const input = {
    userId, creatorId, name, langTag: a.optStr(3, ""), description: a.optStr(4, ""), avatarUrl: a.optStr(5, ""),
    open: a.optBool(6, false), metadata: optMapJson(a, 7, "expects metadata to be an object") ?? "", maxCount,
  };
  return wrapped("error while trying to create group", () => createGroup(groupsDeps(call), input));
}

/** A group_update string field: Lua "" = unchanged, JS any non-null value is set. */
function field(a: Args, i: number): string | undefined {
  if (!a.has(i)) return undefined;
  const v = a.str(i);
  return a.lang === "lua" && v === "" ? undefined : v;
}

function updateArgs(a: Args): GroupUpdateInput {
  const lua = a.lang === "lua";
  const groupId = groupIdArg(a);
  let callerId: string | null = null;
  if (a.has(1)) {
    callerId = parseUuid(a.str(1));
    if (callerId === null) throw a.fail(lua ? 0 : 1, "expects user ID to be a valid identifier");
    if (callerId === SYSTEM_USER_ID) callerId = null;
  }
  const creator = field(a, 3);
  let creatorId: string | undefined;
  if (creator !== undefined) {
    const c = parseUuid(creator);
    if (c === null) throw a.fail(lua ? 2 : 3, "expects creator ID to be a valid identifier");
    creatorId = c;
  }
  return {
    groupId, callerId, creatorId, name: field(a, 2), langTag: field(a, 4), description: field(a, 5), avatarUrl: field(a, 6),
    open: a.has(7) ? a.bool(7) : undefined,
    metadata: optMapJson(a, 8, "expects metadata to be a key value object"),
    maxCount: a.optInt(9, 0),
  };
}

async function update(a: Args, call: NkCall): Promise<void> {
  const input = updateArgs(a);
  await wrapped("error while trying to update group", () => updateGroup(groupsDeps(call), input));
}

async function remove(a: Args, call: NkCall): Promise<void> {
  const groupId = groupIdArg(a);
  await wrapped("error while trying to delete group", () => deleteGroup(groupsDeps(call), groupId, null));
}

async function getById(a: Args, call: NkCall) {
  const lua = a.lang === "lua";
  const raw = stringsArg(a, 0, lua ? "invalid group id data" : "expects array of strings", lua ? "each group id must be a string" : "expects array of strings");
  if (raw === null) throw a.fail(0, lua ? "invalid group id list" : "expects an array of group ids");
  const ids = raw.map((id) => {
    if (lua && id === "") throw a.fail(0, "each group id must be a string");
    const canonical = parseUuid(id);
    if (canonical === null) throw a.fail(0, lua ? "each group id must be a valid id string" : `invalid group id: ${id}`);
    return canonical;
  });
  if (ids.length === 0) return [];
  return wrapped("failed to get groups", () => getGroups(groupsDeps(call), ids));
}

async function random(a: Args, call: NkCall) {
  const count = a.lang === "lua" ? a.optInt(0, 0) : a.int(0);
  if (count < 0 || count > 1000) throw a.fail(0, "count must be 0-1000");
  return wrapped("failed to get groups", () => getRandomGroups(groupsDeps(call), count));
}

async function list(a: Args, call: NkCall) {
  const lua = a.lang === "lua";
  const name = a.optStr(0, "");
  const langTag = a.optStr(1, "");
  let open: boolean | undefined;
  if (a.has(2)) {
    if (typeof a.get(2) !== "boolean") throw a.fail(lua ? 1 : 2, lua ? "expects open true/false or nil" : "expects boolean");
    open = a.bool(2);
  }
  const members = a.optInt(3, -1);
  const limit = a.optInt(4, 100);
  if (limit < 1 || limit > 100) throw a.fail(4, "expects limit to be 1-100");
  const cursor = a.optStr(5, "");
  return wrapped("error listing groups", () => listGroups(groupsDeps(call), { name, langTag, open, members, limit, cursor }));
}

/** (group_id, user_id, username) of join and leave. */
function memberArgs(a: Args): { groupId: string; userId: string; username: string } {
  const js = a.lang === "js";
  const groupId = groupIdArg(a, true);
  const userId = uuidArg(a, 1, "expects user ID to be a valid identifier", js ? "expects a user ID string" : undefined);
  const username = a.str(2);
  if (username === "") throw a.fail(2, js ? "expects a username string" : "expects username string");
  return { groupId, userId, username };
}

async function join(a: Args, call: NkCall): Promise<void> {
  const m = memberArgs(a);
  const prefix = a.lang === "lua" ? "error while trying to join a group" : "error while trying to join group";
  await wrapped(prefix, () => joinGroup(groupsDeps(call), m.groupId, m.userId, m.username));
}

async function leave(a: Args, call: NkCall): Promise<void> {
  const m = memberArgs(a);
  const prefix = a.lang === "lua" ? "error while trying to leave a group" : "error while trying to leave group";
  await wrapped(prefix, () => leaveGroup(groupsDeps(call), m.groupId, m.userId, m.username));
}

export function groupBindings(): NkBinding[] {
  return [
    define({
      lua: "group_create",
      js: "groupCreate",
      luaFn: async (a, c) => [groupLua(await create(a, c))],
      jsFn: async (a, c) => groupJs(await create(a, c)),
    }),
    define({ lua: "group_update", js: "groupUpdate", luaFn: (a, c) => none(update(a, c)), jsFn: (a, c) => update(a, c) }),
    define({ lua: "group_delete", js: "groupDelete", luaFn: (a, c) => none(remove(a, c)), jsFn: (a, c) => remove(a, c) }),
    define({
      lua: "groups_get_id",
      js: "groupsGetId",
      luaFn: async (a, c) => [(await getById(a, c)).map(groupLua)],
      jsFn: async (a, c) => (await getById(a, c)).map(groupJs),
    }),
    define({
      lua: "groups_get_random",
      js: "groupsGetRandom",
      luaFn: async (a, c) => [(await random(a, c)).map(groupLua)],
      jsFn: async (a, c) => (await random(a, c)).map(groupJs),
    }),
    define({
      lua: "groups_list",
      js: "groupsList",
      luaFn: async (a, c) => {
        const l = await list(a, c);
        return [l.groups.map(groupLua), l.cursor === "" ? null : l.cursor];
      },
      jsFn: async (a, c) => {
        const l = await list(a, c);
        return { groups: l.groups.map(groupJs), cursor: l.cursor === "" ? null : l.cursor };
      },
    }),
    define({ lua: "group_user_join", js: "groupUserJoin", luaFn: (a, c) => none(join(a, c)), jsFn: (a, c) => join(a, c) }),
    define({ lua: "group_user_leave", js: "groupUserLeave", luaFn: (a, c) => none(leave(a, c)), jsFn: (a, c) => leave(a, c) }),
  ];
}
