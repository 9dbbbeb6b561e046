// Owns nk's account, user and session functions over the identity core and the session service:
// account_get_id / accounts_get_id / account_update_id / account_delete_id, users_get_id /
// users_get_username / users_ban_id / users_unban_id, session_logout and session_disconnect, with
// Nakama's argument orders and texts. Shapes per language come from shapes.ts. Note the argument orders:
//   Lua: account_update_id(user_id, metadata, username, display_name, timezone, location, lang, avatar_url)
//   JS:  accountUpdateId(userId, username, displayName, timezone, location, langTag, avatarUrl, metadata)
// Ban revokes every token of the users and closes their sockets (services.disconnectUser); deletion
// revokes and disconnects too. session_disconnect calls services.disconnectSession and is a no-op while
// no realtime layer is wired (Nakama's registry also ignores unknown sessions).
import type { api } from "../../../proto/index.js";
import { deleteAccount, getAccount, updateAccount, type AccountUpdate } from "../../identity/account.js";
import { banUsers, getUsers, unbanUsers } from "../../identity/users.js";
import { Code, GameError } from "../../errors.js";
import { createRevocationStore } from "../../session/revocations.js";
import { parseUuid } from "../../session/uuid.js";
import { jsonEncode } from "../lua/index.js";
import { isPlainObject, stringList, wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import { accountToJs, accountToLua, userToJs, userToLua } from "./shapes.js";
import type { NkBinding, NkCall } from "./types.js";

/** Reads a user id argument; `empty`/`invalid` are the texts for "" and for a non-UUID. */
function userIdArg(a: Args, i: number, empty: string | null, invalid: string): string {
  const raw = a.str(i);
  if (raw === "" && empty !== null) throw a.fail(i, empty);
  const id = parseUuid(raw);
  if (id === null) throw a.fail(i, invalid);
  return id;
}

async function loadAccount(call: NkCall, userId: string, prefix: string): Promise<api.Account> {
  return wrapped(prefix, async () => {
    const acc = await getAccount(call.deps.identity, userId);
    if (acc === null) throw new GameError(Code.NOT_FOUND, "Account not found.");
    return acc;
  });
}

/** Ids of a Lua list argument (accounts_get_id / users_*): null when absent. */
function luaIdList(a: Args, i: number, listMsg: string, itemMsg: string, uuidMsg: string | null): string[] | null {
  if (!a.has(i)) return null;
  const v = a.get(i);
  if (isPlainObject(v) && Object.keys(v).length === 0) return [];
  if (!Array.isArray(v)) throw a.fail(i, listMsg);
  const out: string[] = [];
  for (const item of v) {
    if (typeof item !== "string" || item === "") throw a.fail(i, itemMsg);
    if (uuidMsg === null) out.push(item);
    else {
      const id = parseUuid(item);
      if (id === null) throw a.fail(i, uuidMsg);
      out.push(id);
    }
  }
  return out;
}

/** Ids of a JS array argument: null when absent; `uuids` validates with "invalid user id: <id>". */
function jsIdList(a: Args, i: number, absentMsg: string | null, uuids: boolean): string[] | null {
  if (!a.has(i)) {
    if (absentMsg !== null) throw a.fail(i, absentMsg);
    return null;
  }
  const list = stringList(a.get(i));
  if (list === null) throw a.fail(i, "expects an array of strings");
  if (!uuids) return list;
  return list.map((id) => {
    const canonical = parseUuid(id);
    if (canonical === null) throw a.fail(i, `invalid user id: ${id}`);
    return canonical;
  });
}

async function accountsOf(call: NkCall, ids: readonly string[]): Promise<api.Account[]> {
  return wrapped("failed to get accounts", async () => {
    const out: api.Account[] = [];
    for (const id of new Set(ids)) {
      const acc = await getAccount(call.deps.identity, id);
      if (acc !== null) out.push(acc);
    }
    return out;
  });
}

const usersOf = (call: NkCall, ids: string[], usernames: string[], facebookIds: string[]): Promise<api.User[]> =>
  wrapped("failed to get users", () => getUsers(call.deps.identity, ids, usernames, facebookIds));

/** An optional profile field: absent leaves it alone, "" clears it. */
const field = (a: Args, i: number): string | undefined => (a.has(i) ? a.str(i) : undefined);

function metadataText(a: Args, i: number): string | undefined {
  if (!a.has(i)) return undefined;
  const v = a.get(i);
  if (a.lang === "js" && !isPlainObject(v)) throw a.fail(i, "expects metadata to be an object");
  if (a.lang === "lua") a.table(i);
  return jsonEncode(Array.isArray(v) && v.length === 0 ? {} : v);
}

function updateArgs(a: Args): { userId: string; update: AccountUpdate } {
  if (a.lang === "lua") {
    const userId = userIdArg(a, 0, null, "expects user ID to be a valid identifier");
    const metadata = metadataText(a, 1);
    const username = a.optStr(2, "");
    const update: AccountUpdate = {
      username: username === "" ? undefined : username,
      displayName: field(a, 3), timezone: field(a, 4), location: field(a, 5), langTag: field(a, 6), avatarUrl: field(a, 7), metadata,
    };
    return { userId, update };
  }
  const userId = userIdArg(a, 0, null, "expects a valid user id");
  const username = a.optStr(1, "");
  const update: AccountUpdate = {
    username: username === "" ? undefined : username,
    displayName: field(a, 2), timezone: field(a, 3), location: field(a, 4), langTag: field(a, 5), avatarUrl: field(a, 6),
    metadata: metadataText(a, 7),
  };
  return { userId, update };
}

async function removeAccount(call: NkCall, userId: string, recorded: boolean): Promise<void> {
  const deleted = await wrapped("error while trying to delete account", () => deleteAccount(call.deps.identity, userId, recorded));
  if (deleted) {
    call.deps.sessions.revokeAll(userId);
    await call.deps.services?.disconnectUser?.(userId, "deleted");
  }
}

async function setBan(call: NkCall, ids: string[], ban: boolean): Promise<void> {
  if (ids.length === 0) return;
  const core = call.deps.identity;
  if (ban) {
    await wrapped("failed to ban users", () => banUsers(core, ids));
    call.deps.sessions.ban(ids);
    for (const id of ids) await call.deps.services?.disconnectUser?.(id, "banned");
  } else {
    await wrapped("failed to unban users", () => unbanUsers(core, ids));
    call.deps.sessions.unban(ids);
  }
}

function banIds(a: Args): string[] {
  if (a.lang === "lua") {
    const ids = luaIdList(a, 0, "invalid user id data", "each user id must be a string", "each user id must be a valid id string");
    if (ids === null) throw a.fail(0, "invalid user id list");
    return ids;
  }
  return jsIdList(a, 0, "expects array of user ids", true) ?? [];
}

async function logout(a: Args, call: NkCall): Promise<void> {
  const lua = a.lang === "lua";
  const userId = userIdArg(a, 0, lua ? "expects user id" : "expects a user id", lua ? "expects valid user id" : "expects a valid user id");
  const tokenAt = (i: number, msg: string): string => {
    if (!a.has(i)) return "";
    if (!lua && typeof a.get(i) !== "string") throw a.fail(i, msg);
    return a.str(i);
  };
  const token = tokenAt(1, "expects token to be a string");
  const refresh = tokenAt(2, "expects refresh token to be a string");
  await wrapped("failed to logout", async () => {
    const result = call.deps.sessions.logout(userId, token, refresh);
    if (!result.all) await createRevocationStore(call.deps.db).save(userId, result.revoked);
  });
}

async function disconnect(a: Args, call: NkCall): Promise<void> {
  const lua = a.lang === "lua";
  const raw = a.str(0);
  if (raw === "") throw a.fail(0, lua ? "expects session id" : "expects a session id");
  const sessionId = parseUuid(raw);
  if (sessionId === null) throw a.fail(0, lua ? "expects valid session id" : "expects a valid session id");
  const reason = a.optInt(1, 0);
  if (reason < 0 || reason > 4) throw a.fail(1, "invalid disconnect reason, must be a value 0-4");
  const fn = call.deps.services?.disconnectSession;
  if (fn !== undefined) await wrapped("failed to disconnect", async () => fn(sessionId, reason));
}

export function accountBindings(): NkBinding[] {
  return [
    define({
      lua: "account_get_id",
      js: "accountGetId",
      luaFn: async (a, call) => {
        const id = userIdArg(a, 0, "expects user id", "invalid user id");
        return [accountToLua(await loadAccount(call, id, `failed to get account for user_id ${id}`))];
      },
      jsFn: async (a, call) => {
        const id = userIdArg(a, 0, "expects user id", "invalid user id");
        return accountToJs(await loadAccount(call, id, "error getting account"));
      },
    }),
    define({
      lua: "accounts_get_id",
      js: "accountsGetId",
      luaFn: async (a, call) => {
        const ids = luaIdList(a, 0, "invalid user id list", "user id must be a string", "user id must be a valid identifier string");
        if (ids === null) throw a.fail(0, "invalid user id list");
        return [(await accountsOf(call, ids)).map(accountToLua)];
      },
      jsFn: async (a, call) => (await accountsOf(call, jsIdList(a, 0, "expects an array of user ids", true) ?? [])).map(accountToJs),
    }),
    define({
      lua: "account_update_id",
      js: "accountUpdateId",
      luaFn: async (a, call) => {
        const { userId, update } = updateArgs(a);
        await wrapped("error while trying to update user", () => updateAccount(call.deps.identity, userId, update));
        return [];
      },
      jsFn: async (a, call) => {
        const { userId, update } = updateArgs(a);
        await wrapped("error trying to update user", () => updateAccount(call.deps.identity, userId, update));
      },
    }),
    define({
      lua: "account_delete_id",
      js: "accountDeleteId",
      luaFn: async (a, call) => {
        await removeAccount(call, userIdArg(a, 0, null, "expects user ID to be a valid identifier"), a.optBool(1, false));
        return [];
      },
      jsFn: async (a, call) => {
        await removeAccount(call, userIdArg(a, 0, null, "invalid user id"), a.optBool(1, false));
      },
    }),
    ...userBindings(),
  ];
}

function userBindings(): NkBinding[] {
  return [
    define({
      lua: "users_get_id",
      js: "usersGetId",
      luaFn: async (a, call) => {
        const ids = luaIdList(a, 0, "invalid user ids list", "each user id must be a string", "each user id must be a valid id string");
        const fb = luaIdList(a, 1, "invalid facebook ids list", "each facebook id must be a string", null);
        if (ids === null && fb === null) return [[]];
        return [(await usersOf(call, ids ?? [], [], fb ?? [])).map(userToLua)];
      },
      jsFn: async (a, call) => {
        const ids = jsIdList(a, 0, null, true);
        const fb = jsIdList(a, 1, null, false);
        if (ids === null && fb === null) return [];
        return (await usersOf(call, ids ?? [], [], fb ?? [])).map(userToJs);
      },
    }),
    define({
      lua: "users_get_username",
      js: "usersGetUsername",
      luaFn: async (a, call) => {
        const names = luaIdList(a, 0, "invalid username data", "each username must be a string", null);
        if (names === null) throw a.fail(0, "invalid username list");
        if (names.length === 0) return [[]];
        return [(await usersOf(call, [], names, [])).map(userToLua)];
      },
      jsFn: async (a, call) => {
        const names = jsIdList(a, 0, "expects an array of usernames", false) ?? [];
        return names.length === 0 ? [] : (await usersOf(call, [], names, [])).map(userToJs);
      },
    }),
    define({
      lua: "users_ban_id",
      js: "usersBanId",
      luaFn: async (a, call) => {
        await setBan(call, banIds(a), true);
        return [];
      },
      jsFn: (a, call) => setBan(call, banIds(a), true),
    }),
    define({
      lua: "users_unban_id",
      js: "usersUnbanId",
      luaFn: async (a, call) => {
        await setBan(call, banIds(a), false);
        return [];
      },
      jsFn: (a, call) => setBan(call, banIds(a), false),
    }),
    define({
      lua: "session_logout",
      js: "sessionLogout",
      luaFn: async (a, call) => {
        await logout(a, call);
        return [];
      },
      jsFn: (a, call) => logout(a, call),
    }),
    define({
      lua: "session_disconnect",
      js: "sessionDisconnect",
      luaFn: async (a, call) => {
        await disconnect(a, call);
        return [];
      },
      jsFn: (a, call) => disconnect(a, call),
    }),
  ];
}
