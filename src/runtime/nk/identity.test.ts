// nk identity functions called through their bindings, per language: shapes, argument orders, errors.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "../../errors.js";
import { openNkFixture, rejection, type NkFixture } from "./testkit.js";

let f: NkFixture;
const disconnected: string[] = [];
const sessionsClosed: Array<[string, number]> = [];
const imports: string[] = [];

before(async () => {
  f = await openNkFixture({
    services: {
      disconnectUser: (id, reason) => void disconnected.push(`${id}:${reason}`),
      disconnectSession: (id, reason) => void sessionsClosed.push([id, reason]),
      importFriends: async (provider, userId) => void imports.push(`${provider}:${userId}`),
    },
  });
});
after(async () => {
  await f.dispose();
});

describe("authenticate", () => {
  it("Lua returns user_id, username, created as three values", async () => {
    const first = await f.lua("authenticate_device", "lua-device-0001", "luaplayer");
    assert.equal(first.length, 3);
    assert.match(first[0] as string, /^[0-9a-f-]{36}$/);
    assert.deepEqual(first.slice(1), ["luaplayer", true]);
    const again = await f.lua("authenticate_device", "lua-device-0001");
    assert.deepEqual(again, [first[0], "luaplayer", false]);
  });

  it("JS returns { userId, username, created }", async () => {
    const r = (await f.js("authenticateCustom", "js-custom-1", "jsplayer")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(r).sort(), ["created", "userId", "username"]);
    assert.equal(r.username, "jsplayer");
    assert.equal(r.created, true);
  });

  it("generates a username when none is given and honours create = false", async () => {
    const [, username, created] = await f.lua("authenticate_custom", "gen-name-1");
    assert.match(username as string, /^[A-Za-z]{10}$/);
    assert.equal(created, true);
    const e = await rejection(f.lua("authenticate_device", "never-seen-device", "", false));
    assert.equal(e.code, Code.NOT_FOUND);
    assert.equal(e.message, "error authenticating: User account not found.");
  });

  it("rejects bad ids with each language's wording", async () => {
    const lua = await rejection(f.lua("authenticate_device", "short"));
    assert.equal(lua.code, Code.INVALID_ARGUMENT);
    assert.equal(lua.message, "bad argument #1 to authenticate_device (expects id to be valid, must be 10-128 bytes)");
    const js = await rejection(f.js("authenticateDevice", "short"));
    assert.equal(js.message, "expects id to be valid, must be 10-128 bytes");
    const missing = await rejection(f.lua("authenticate_custom", null));
    assert.equal(missing.message, "bad argument #1 to authenticate_custom (string expected, got nil)");
    assert.equal((await rejection(f.js("authenticateCustom", 42))).message, "expects string");
    assert.equal((await rejection(f.lua("authenticate_custom", "has space 1"))).message,
      "bad argument #1 to authenticate_custom (expects id to be valid, no spaces or control characters allowed)");
  });

  it("email: creates, logs in by username when the email is empty, checks the password", async () => {
    const [id, , created] = await f.lua("authenticate_email", "Mail.User@Example.com", "password1", "mailer");
    assert.equal(created, true);
    const byName = (await f.js("authenticateEmail", "", "password1", "mailer")) as Record<string, unknown>;
    assert.deepEqual(byName, { userId: id, username: "mailer", created: false });
    const short = await rejection(f.lua("authenticate_email", "x@example.com", "short"));
    assert.equal(short.message, "bad argument #2 to authenticate_email (expects password to be valid, must be longer than 8 characters)");
    const noName = await rejection(f.lua("authenticate_email", "", "password1"));
    assert.equal(noName.message, "bad argument #1 to authenticate_email (expects username string when email is not supplied)");
  });

  it("social: Facebook via the configured verifier, with friend import by default", async () => {
    const [id, , created] = await f.lua("authenticate_facebook", "facebook:fb-1", true, "fbuser");
    assert.equal(created, true);
    assert.ok(imports.includes(`facebook:${id as string}`));
    const bad = await rejection(f.js("authenticateGoogle", "not-a-google-token"));
    assert.equal(bad.code, Code.UNAUTHENTICATED);
    assert.match(bad.message, /^error authenticating: /);
  });

  it("token generate: Lua token, exp; JS { token, exp }; the token verifies", async () => {
    const [uid] = await f.lua("authenticate_device", "token-device-01");
    const [token, exp] = await f.lua("authenticate_token_generate", uid, "tokuser", 0, { a: "b" });
    const info = f.deps.sessions.verify(token as string);
    assert.equal(info?.userId, uid);
    assert.equal(info?.username, "tokuser");
    assert.deepEqual(info?.vars, { a: "b" });
    assert.equal(info?.expiresAt, exp);
    const js = (await f.js("authenticateTokenGenerate", uid)) as { token: string; exp: number };
    assert.equal(typeof js.token, "string");
    assert.equal(f.deps.sessions.verify(js.token)?.userId, uid);
    const e = await rejection(f.lua("authenticate_token_generate", "nope", "x"));
    assert.equal(e.message, "bad argument #1 to authenticate_token_generate (expects valid user id)");
    const vars = await rejection(f.lua("authenticate_token_generate", uid, "x", 0, { a: 1 }));
    assert.equal(vars.message, "bad argument #4 to authenticate_token_generate (vars values must be strings)");
  });
});

describe("accounts and users", () => {
  let uid = "";
  before(async () => {
    [uid] = (await f.lua("authenticate_device", "account-device-1", "acct")) as [string];
    await f.lua("link_custom", uid, "account-custom-1");
  });

  it("account_get_id: Lua snake_case table with the user fields repeated at the top", async () => {
    const [acc] = (await f.lua("account_get_id", uid)) as [Record<string, unknown>];
    assert.equal(acc.user_id, uid);
    assert.equal(acc.username, "acct");
    assert.deepEqual(acc.metadata, {});
    assert.deepEqual(acc.wallet, {});
    assert.deepEqual(acc.devices, [{ id: "account-device-1" }]);
    assert.equal(acc.custom_id, "account-custom-1");
    assert.equal(typeof acc.create_time, "number");
    assert.equal((acc.user as Record<string, unknown>).user_id, uid);
    assert.equal(acc.email, undefined);
    assert.equal(acc.facebook_id, undefined);
  });

  it("accountGetId: JS { user, wallet, devices, customId } in camelCase", async () => {
    const acc = (await f.js("accountGetId", uid)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(acc).sort(), ["customId", "devices", "user", "wallet"]);
    const user = acc.user as Record<string, unknown>;
    assert.equal(user.userId, uid);
    assert.equal(user.displayName, "");
    assert.equal(user.online, false);
    assert.equal(user.edgeCount, 0);
  });

  it("unknown and invalid accounts", async () => {
    const missing = await rejection(f.js("accountGetId", "00000000-0000-0000-0000-00000000beef"));
    assert.equal(missing.code, Code.NOT_FOUND);
    assert.equal(missing.message, "error getting account: Account not found.");
    assert.equal((await rejection(f.lua("account_get_id", "zzz"))).message, "bad argument #1 to account_get_id (invalid user id)");
  });

  it("accounts_get_id skips unknown ids; {} is an empty list", async () => {
    const [list] = (await f.lua("accounts_get_id", [uid, "00000000-0000-0000-0000-00000000beef"])) as [unknown[]];
    assert.equal(list.length, 1);
    assert.deepEqual(await f.lua("accounts_get_id", {}), [[]]);
    assert.equal(((await f.js("accountsGetId", [uid])) as unknown[]).length, 1);
    assert.equal((await rejection(f.js("accountsGetId", ["x"]))).message, "invalid user id: x");
  });

  it("account_update_id takes metadata second in Lua and last in JS", async () => {
    await f.lua("account_update_id", uid, { level: 3, tags: ["a"] }, null, "Display");
    let [acc] = (await f.lua("account_get_id", uid)) as [Record<string, unknown>];
    assert.deepEqual(acc.metadata, { level: 3, tags: ["a"] });
    assert.equal(acc.display_name, "Display");
    await f.js("accountUpdateId", uid, null, null, "Europe/Paris", null, "fr", null, { level: 4 });
    [acc] = (await f.lua("account_get_id", uid)) as [Record<string, unknown>];
    assert.deepEqual(acc.metadata, { level: 4 });
    assert.equal(acc.timezone, "Europe/Paris");
    assert.equal(acc.lang_tag, "fr");
    assert.equal(acc.display_name, "Display");
    const e = await rejection(f.js("accountUpdateId", uid, null, null, null, null, null, null, "x"));
    assert.equal(e.message, "expects metadata to be an object");
    const none = await rejection(f.lua("account_update_id", uid));
    assert.equal(none.message, "error while trying to update user: No fields to update.");
  });

  it("users_get_id / users_get_username in both shapes", async () => {
    const [users] = (await f.lua("users_get_id", [uid])) as [Array<Record<string, unknown>>];
    assert.equal(users[0].user_id, uid);
    assert.equal(users[0].display_name, "Display");
    const byName = (await f.js("usersGetUsername", ["acct"])) as Array<Record<string, unknown>>;
    assert.equal(byName[0].userId, uid);
    assert.deepEqual(await f.js("usersGetId"), []);
    assert.equal((await rejection(f.lua("users_get_id", ["nope"]))).message, "bad argument #1 to users_get_id (each user id must be a valid id string)");
  });

  it("ban revokes tokens and disconnects; unban lifts it", async () => {
    const [vid] = (await f.lua("authenticate_device", "banned-device-1")) as [string];
    const { token } = f.deps.sessions.login(vid, "v", {});
    assert.ok(f.deps.sessions.verify(token));
    await f.lua("users_ban_id", [vid]);
    assert.equal(f.deps.sessions.verify(token), null);
    assert.ok(disconnected.includes(`${vid}:banned`));
    const e = await rejection(f.lua("authenticate_device", "banned-device-1"));
    assert.equal(e.code, Code.PERMISSION_DENIED);
    await f.js("usersUnbanId", [vid]);
    const back = await f.lua("authenticate_device", "banned-device-1");
    assert.equal(back[0], vid);
    assert.equal(back[2], false);
    assert.equal((await rejection(f.lua("users_ban_id", null))).message, "bad argument #1 to users_ban_id (invalid user id list)");
  });

  it("account_delete_id removes the account, revokes and disconnects", async () => {
    const [did] = (await f.lua("authenticate_device", "delete-device-1")) as [string];
    await f.js("accountDeleteId", did, true);
    assert.ok(disconnected.includes(`${did}:deleted`));
    assert.equal((await rejection(f.lua("account_get_id", did))).code, Code.NOT_FOUND);
  });
});

describe("links and sessions", () => {
  it("link and unlink device, custom and email with Nakama's texts", async () => {
    const [uid] = (await f.lua("authenticate_device", "link-device-001")) as [string];
    await f.js("linkDevice", uid, "link-device-002");
    await f.lua("link_email", uid, "linker@example.com", "password9");
    const [acc] = (await f.lua("account_get_id", uid)) as [Record<string, unknown>];
    assert.equal((acc.devices as unknown[]).length, 2);
    assert.equal(acc.email, "linker@example.com");
    const taken = await rejection(f.lua("link_device", uid, "account-device-1"));
    assert.equal(taken.code, Code.ALREADY_EXISTS);
    assert.equal(taken.message, "error linking: Device ID already in use.");
    assert.equal((await rejection(f.lua("link_email", uid, "a@b.cd", ""))).message, "bad argument #3 to link_email (expects username string)");
    assert.equal((await rejection(f.js("linkEmail", uid, "a@b.cd", ""))).message, "expects password string");
    assert.equal((await rejection(f.lua("link_device", "x", "y"))).message, "bad argument #1 to link_device (user ID must be a valid identifier)");
    await f.lua("unlink_email", uid);
    await f.js("unlinkDevice", uid, "link-device-002");
    const last = await rejection(f.lua("unlink_device", uid, "link-device-001"));
    assert.equal(last.code, Code.PERMISSION_DENIED);
    assert.match(last.message, /^error unlinking: Cannot unlink last account identifier/);
  });

  it("session_logout revokes the given token; with none, all tokens", async () => {
    const [uid] = (await f.lua("authenticate_device", "logout-device-1")) as [string];
    const a = f.deps.sessions.login(uid, "u", {});
    const b = f.deps.sessions.login(uid, "u", {});
    await f.lua("session_logout", uid, a.token);
    assert.equal(f.deps.sessions.verify(a.token), null);
    assert.ok(f.deps.sessions.verify(b.token));
    await f.js("sessionLogout", uid);
    assert.equal(f.deps.sessions.verify(b.token), null);
    const e = await rejection(f.js("sessionLogout", uid, 5));
    assert.equal(e.message, "expects token to be a string");
  });

  it("session_disconnect validates and calls the realtime service", async () => {
    const sid = "11111111-2222-3333-4444-555555555555";
    await f.lua("session_disconnect", sid, 4);
    await f.js("sessionDisconnect", sid);
    assert.deepEqual(sessionsClosed, [[sid, 4], [sid, 0]]);
    assert.equal((await rejection(f.lua("session_disconnect", sid, 9))).message,
      "bad argument #2 to session_disconnect (invalid disconnect reason, must be a value 0-4)");
    assert.equal((await rejection(f.js("sessionDisconnect", ""))).message, "expects a session id");
  });
});
