// Owns nk's group membership functions over src/services/groups, with Nakama's texts and shapes:
//   group_users_add / _kick / _ban / _promote / _demote(group_id, user_ids, caller_id?) — caller_id set:
//     that user's permissions apply; absent: the runtime may do anything. The system user cannot be a target.
//   group_users_list(group_id, limit = 100, state?, cursor?) → Lua {{user, state}…}, cursor | JS { groupUsers, cursor }
//   user_groups_list(user_id, limit = 100, state?, cursor?) → Lua {{group, state}…}, cursor | JS { userGroups, cursor }
// Group events go to the group channel (NkDeps.groupChannel) and "added" notifications through NkDeps.notify.
import { parseUuid, SYSTEM_USER_ID } from "../../session/uuid.js";
import {
  addGroupUsers, banGroupUsers, demoteGroupUsers, kickGroupUsers, listGroupUsers, listUserGroups, promoteGroupUsers, type GroupsDeps,
} from "../../services/groups/index.js";
import { wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import { groupIdArg } from "./groups.js";
import { groupUserJs, groupUserLua, userGroupJs, userGroupLua } from "./shapes-social.js";
import { none, optUuidArg, stringsArg, uuidArg } from "./svc-args.js";
import { groupsDeps } from "./svc-deps.js";
import type { NkBinding, NkCall } from "./types.js";

type Verb = "add" | "kick" | "ban" | "promote" | "demote";
type Op = (deps: GroupsDeps, callerId: string | null, groupId: string, userIds: readonly string[]) => Promise<void>;

const OPS: Record<Verb, Op> = {
  add: addGroupUsers, kick: kickGroupUsers, ban: banGroupUsers, promote: promoteGroupUsers, demote: demoteGroupUsers,
};

/** Nakama's failure prefixes per language (its Lua ban reuses the "add" text). */
const PREFIX: Record<Verb, { lua: string; js: string }> = {
  add: { lua: "error while trying to add users into a group", js: "error while trying to add users into group" },
  kick: { lua: "error while trying to kick users from a group", js: "error while trying to kick users from a group" },
  ban: { lua: "error while trying to add users into a group", js: "error while trying to ban users from group" },
  promote: { lua: "error while trying to promote users in a group", js: "error while trying to promote users in a group" },
  demote: { lua: "error while trying to demote users in a group", js: "error while trying to demote users in a group" },
};

function targetIds(a: Args, verb: Verb): string[] {
  const lua = a.lang === "lua";
  const jsList = verb === "add" || verb === "kick" ? "expects an array of strings" : "expects an array of user ids";
  if (lua) a.table(1); // gopher's CheckTable: "table expected, got …"
  const raw = stringsArg(a, 1, lua ? "expects user IDs to be a table" : jsList, lua ? "expects each user ID to be a string" : jsList);
  if (raw === null) throw a.fail(1, "expects an array of user ids");
  return raw.map((id) => {
    const canonical = parseUuid(id);
    if (canonical === null) throw a.fail(1, lua ? "expects each user ID to be a valid identifier" : "expects user id to be valid identifier");
    if (canonical === SYSTEM_USER_ID) throw a.fail(1, `cannot ${verb} the root user`);
    return canonical;
  });
}

async function change(a: Args, call: NkCall, verb: Verb): Promise<void> {
  const lua = a.lang === "lua";
  const groupId = groupIdArg(a, verb !== "kick");
  const ids = targetIds(a, verb);
  if (ids.length === 0) return;
  const callerId = optUuidArg(a, 2, lua ? "expects caller ID to be empty or a valid identifier" : "expects caller id to be valid identifier");
  await wrapped(PREFIX[verb][a.lang], () => OPS[verb](groupsDeps(call), callerId, groupId, ids));
}

/** limit (1–100, default 100), state (absent or -1 = all; else 0–4) and cursor at positions 1–3. */
function pageArgs(a: Args): { limit: number; state?: number; cursor: string } {
  const limit = a.optInt(1, 100);
  if (limit < 1 || limit > 100) throw a.fail(1, "expects limit to be 1-100");
  const state = a.optInt(2, -1);
  if (state !== -1 && (state < 0 || state > 4)) throw a.fail(2, "expects state to be 0-4");
  return { limit, state: state === -1 ? undefined : state, cursor: a.optStr(3, "") };
}

async function groupUsers(a: Args, call: NkCall) {
  const groupId = groupIdArg(a);
  const page = pageArgs(a);
  return wrapped("error while trying to list users in a group", () => listGroupUsers(groupsDeps(call), groupId, page));
}

async function userGroups(a: Args, call: NkCall) {
  const userId = uuidArg(a, 0, "expects user ID to be a valid identifier");
  const page = pageArgs(a);
  return wrapped("error while trying to list groups for a user", () => listUserGroups(groupsDeps(call), userId, page));
}

const orNull = (s: string): string | null => (s === "" ? null : s);

function changeBinding(verb: Verb): NkBinding {
  const suffix = verb[0].toUpperCase() + verb.slice(1);
  return define({
    lua: `group_users_${verb}`,
    js: `groupUsers${suffix}`,
    luaFn: (a, c) => none(change(a, c, verb)),
    jsFn: (a, c) => change(a, c, verb),
  });
}

export function groupMemberBindings(): NkBinding[] {
  return [
    ...(["add", "kick", "ban", "promote", "demote"] as const).map(changeBinding),
    define({
      lua: "group_users_list",
      js: "groupUsersList",
      luaFn: async (a, c) => {
        const l = await groupUsers(a, c);
        return [l.group_users.map(groupUserLua), orNull(l.cursor)];
      },
      jsFn: async (a, c) => {
        const l = await groupUsers(a, c);
        return { groupUsers: l.group_users.map(groupUserJs), cursor: orNull(l.cursor) };
      },
    }),
    define({
      lua: "user_groups_list",
      js: "userGroupsList",
      luaFn: async (a, c) => {
        const l = await userGroups(a, c);
        return [l.user_groups.map(userGroupLua), orNull(l.cursor)];
      },
      jsFn: async (a, c) => {
        const l = await userGroups(a, c);
        return { userGroups: l.user_groups.map(userGroupJs), cursor: orNull(l.cursor) };
      },
    }),
  ];
}
