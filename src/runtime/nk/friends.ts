// Owns nk's friend functions over src/services/friends, with Nakama's argument orders, texts and shapes
// (shapes-social.ts). Friend notifications (−2, −3, −9) are pushed through NkDeps.notify.
//   friends_list(user_id, limit = 100, state?, cursor?) → Lua friends, cursor | JS { friends, cursor? }
//   friends_of_friends_list(user_id, limit = 100, cursor?) → Lua list, cursor | JS { friendsOfFriends, cursor? }
//   friends_add(user_id, username, ids?, usernames?, metadata?) / friends_delete(…ids?, usernames?) /
//   friends_block(…ids?, usernames?): ids and usernames together; unknown usernames are skipped and
//   "no valid ID or username was provided" when nothing is left.
//   friend_metadata_update(user_id, friend_id, metadata); users_get_friend_status(user_id, ids) → friends
// JS returns `cursor` only when there is a next page (Nakama leaves the key out otherwise).
import { parseUuid, SYSTEM_USER_ID } from "../../session/uuid.js";
import {
  addFriends, blockFriends, deleteFriends, getFriendStatus, listFriends, listFriendsOfFriends, updateFriendMetadata,
  userIdsByUsernames,
} from "../../services/friends/index.js";
import { GameError, Code } from "../../errors.js";
import { wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import { friendJs, friendLua, friendOfFriendJs, friendOfFriendLua } from "./shapes-social.js";
import { mapArg, mapJson, none, optMapJson, stringsArg, uuidArg } from "./svc-args.js";
import { friendsDeps } from "./svc-deps.js";
import type { NkBinding, NkCall } from "./types.js";

type Verb = "add" | "delete" | "block";

const SELF: Record<Verb, string> = { add: "cannot add self as friend", delete: "cannot delete self", block: "cannot block self" };

function userArg(a: Args): string {
  return uuidArg(a, 0, "expects user ID to be a valid identifier", a.lang === "js" ? "expects a user ID string" : undefined);
}

/** Ids (arg 2) and usernames (arg 3) of friends_add / _delete / _block, checked as Nakama does. */
function targets(a: Args, verb: Verb, userId: string, username: string): { ids: string[]; names: string[] } | null {
  const lua = a.lang === "lua";
  const rawIds = stringsArg(a, 2, lua ? "invalid user ids list" : "expects an array of strings",
    lua ? "each user id must be a string" : "expects an array of strings");
  const ids = (rawIds ?? []).map((id) => {
    if (lua && id === "") throw a.fail(2, "each user id must be a string");
    const canonical = parseUuid(id);
    if (canonical === null || canonical === SYSTEM_USER_ID) throw a.fail(2, lua ? `invalid user ID ${id}` : `invalid user id: ${id}`);
    if (canonical === userId) throw a.fail(2, SELF[verb]);
    return canonical;
  });
  const rawNames = stringsArg(a, 3, lua ? "invalid username list" : "expects an array of strings",
    lua ? "each username must be a non-empty string" : "expects an array of strings");
  const names = (rawNames ?? []).map((name) => {
    if (name === "") throw a.fail(3, lua ? "each username must be a non-empty string" : `username to ${verb} must not be empty`);
    if (name === username) throw a.fail(3, SELF[verb]);
    return name;
  });
  if (lua ? ids.length === 0 && names.length === 0 : rawIds === null && rawNames === null) return null;
  return { ids, names };
}

async function edit(a: Args, call: NkCall, verb: Verb): Promise<void> {
  const userId = userArg(a);
  const username = a.str(1);
  if (username === "") throw a.fail(1, a.lang === "lua" ? "expects username string" : "expects a username string");
  const t = targets(a, verb, userId, username);
  const metadata = verb === "add" ? optMapJson(a, 4, "expects metadata to be a key value object") ?? "" : "";
  if (t === null) return;
  const deps = friendsDeps(call);
  let fetched: string[];
  try {
    fetched = await userIdsByUsernames(deps, t.names);
  } catch (err) {
    deps.log.error({ err, usernames: t.names }, "Could not fetch user IDs.");
    throw new GameError(Code.INTERNAL, `error while trying to ${verb} friends`, { cause: err });
  }
  const all = [...t.ids, ...fetched];
  if (all.length === 0) throw new GameError(Code.INVALID_ARGUMENT, "no valid ID or username was provided");
  if (verb === "add") await addFriends(deps, userId, username, all, metadata);
  else if (verb === "delete") await deleteFriends(deps, userId, username, all);
  else await blockFriends(deps, userId, all);
}

async function list(a: Args, call: NkCall) {
  const userId = userArg(a);
  const limit = a.optInt(1, 100);
  if (limit < 1 || limit > 100) throw a.fail(1, "expects limit to be 1-100");
  const state = a.optInt(2, -1);
  if (state !== -1 && (state < 0 || state > 3)) throw a.fail(2, "expects state to be 0-3");
  const cursor = a.optStr(3, "");
  return wrapped("error while trying to list friends for a user", () =>
    listFriends(friendsDeps(call), userId, limit, state === -1 ? undefined : state, cursor));
}

async function friendsOfFriends(a: Args, call: NkCall) {
  const userId = userArg(a);
  const limit = a.optInt(1, 100);
  if (limit < 1 || limit > 1000) throw a.fail(1, "expects limit to be 1-1000");
  const cursor = a.optStr(2, "");
  const prefix = a.lang === "lua" ? "error while trying to list friends of friends for a user" : "error while trying to list friends for a user";
  return wrapped(prefix, () => listFriendsOfFriends(friendsDeps(call), userId, limit, cursor));
}

async function metadataUpdate(a: Args, call: NkCall): Promise<void> {
  const userId = userArg(a);
  const friendId = uuidArg(a, 1, "expects friend user ID to be a valid identifier");
  const metadata = mapJson(a.lang, mapArg(a, 2, "expects metadata to be a key value object"));
  await wrapped("error while trying to update friend metadata", () => updateFriendMetadata(friendsDeps(call), userId, friendId, metadata));
}

async function friendStatus(a: Args, call: NkCall) {
  const userId = userArg(a);
  const lua = a.lang === "lua";
  const raw = stringsArg(a, 1, lua ? "invalid user ids list" : "expects an array of user ids", lua ? "each user id must be a string" : "expects an array of user ids");
  if (raw === null) throw a.fail(1, lua ? "invalid user ids list" : "expects an array of user ids");
  const ids = raw.map((id) => {
    const canonical = parseUuid(id);
    if (canonical === null) throw a.fail(1, lua ? "each user id must be a valid id string" : `invalid user id: ${id}`);
    return canonical;
  });
  return wrapped("error while trying to get friend status", () => getFriendStatus(friendsDeps(call), userId, ids));
}

const cursorJs = (cursor: string): { cursor?: string } => (cursor === "" ? {} : { cursor });

export function friendBindings(): NkBinding[] {
  return [
    define({
      lua: "friends_list",
      js: "friendsList",
      luaFn: async (a, c) => {
        const l = await list(a, c);
        return [l.friends.map(friendLua), l.cursor === "" ? null : l.cursor];
      },
      jsFn: async (a, c) => {
        const l = await list(a, c);
        return { friends: l.friends.map(friendJs), ...cursorJs(l.cursor) };
      },
    }),
    define({
      lua: "friends_of_friends_list",
      js: "friendsOfFriendsList",
      luaFn: async (a, c) => {
        const l = await friendsOfFriends(a, c);
        return [l.friends_of_friends.map(friendOfFriendLua), l.cursor === "" ? null : l.cursor];
      },
      jsFn: async (a, c) => {
        const l = await friendsOfFriends(a, c);
        return { friendsOfFriends: l.friends_of_friends.map(friendOfFriendJs), ...cursorJs(l.cursor) };
      },
    }),
    define({ lua: "friends_add", js: "friendsAdd", luaFn: (a, c) => none(edit(a, c, "add")), jsFn: (a, c) => edit(a, c, "add") }),
    define({ lua: "friends_delete", js: "friendsDelete", luaFn: (a, c) => none(edit(a, c, "delete")), jsFn: (a, c) => edit(a, c, "delete") }),
    define({ lua: "friends_block", js: "friendsBlock", luaFn: (a, c) => none(edit(a, c, "block")), jsFn: (a, c) => edit(a, c, "block") }),
    define({
      lua: "friend_metadata_update",
      js: "friendMetadataUpdate",
      luaFn: (a, c) => none(metadataUpdate(a, c)),
      jsFn: (a, c) => metadataUpdate(a, c),
    }),
    define({
      lua: "users_get_friend_status",
      js: "usersGetFriendStatus",
      luaFn: async (a, c) => [(await friendStatus(a, c)).map(friendLua)],
      jsFn: async (a, c) => (await friendStatus(a, c)).map(friendJs),
    }),
  ];
}
