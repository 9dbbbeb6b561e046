// Black-box: the account over the wire. Read-back of Nakama's Account JSON, updates, users lookup,
// link/unlink (conflicts, the last identifier), and deletion (the token dies with the account).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Client} from "@heroiclabs/nakama-js";
import { type Session } from "@heroiclabs/nakama-js";
import { bootServer, clientFor, type BootedServer } from "./helpers/boot.js";

let s: BootedServer;
let client: Client;

before(async () => {
  s = await bootServer({ "logger.level": "warn" });
  client = clientFor(s, 4000);
});
after(async () => {
  await s.stop();
});

async function call(method: string, path: string, session: Session, body?: string) {
  const r = await fetch(s.httpUrl + path, { method, headers: { authorization: `Bearer ${session.token}` }, body });
  return { status: r.status, text: await r.text() };
}

/** nakama-js throws the raw Response on errors; this reads its status and body. */
async function failure(p: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await p;
  } catch (e) {
    const r = e as Response;
    return { status: r.status, body: await r.json() };
  }
  throw new Error("expected the call to fail");
}

test("GET /v2/account returns Nakama's Account JSON", async () => {
  const sess = await client.authenticateDevice("ac-device-000001", true, "acreader");
  const r = await call("GET", "/v2/account", sess);
  assert.equal(r.status, 200);
  const acc = JSON.parse(r.text) as Record<string, any>;
  assert.deepEqual(Object.keys(acc), ["user", "wallet", "devices"]);
  assert.equal(acc.wallet, "{}");
  assert.deepEqual(acc.devices, [{ id: "ac-device-000001" }]);
  assert.deepEqual(Object.keys(acc.user), ["id", "username", "lang_tag", "metadata", "create_time", "update_time"]);
  assert.equal(acc.user.id, sess.user_id);
  assert.equal(acc.user.metadata, "{}");
  assert.match(acc.user.create_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test("update and read back with nakama-js", async () => {
  const sess = await client.authenticateDevice("ac-device-000002", true, "acupdater");
  assert.equal(await client.updateAccount(sess, { display_name: "AC Updater", lang_tag: "de", location: "Bonn", timezone: "CET", avatar_url: "http://x/y.png" }), true);
  const acc = await client.getAccount(sess);
  assert.equal(acc.user?.display_name, "AC Updater");
  assert.equal(acc.user?.lang_tag, "de");
  assert.equal(acc.user?.location, "Bonn");
  assert.equal(acc.user?.timezone, "CET");
  assert.equal(acc.user?.avatar_url, "http://x/y.png");
  await client.updateAccount(sess, { username: "acrenamed", location: "" });
  const again = await client.getAccount(sess);
  assert.equal(again.user?.username, "acrenamed");
  assert.equal(again.user?.location, undefined);
});

test("update errors: empty username, duplicate username, nothing to update", async () => {
  await client.authenticateDevice("ac-device-000003", true, "actaken");
  const sess = await client.authenticateDevice("ac-device-000004", true, "acwants");
  assert.deepEqual(await failure(client.updateAccount(sess, { username: "" })), {
    status: 400, body: { code: 3, message: "Username invalid, must be 1-128 bytes." },
  });
  assert.deepEqual(await failure(client.updateAccount(sess, { username: "actaken" })), {
    status: 400, body: { code: 3, message: "Username is already in use." },
  });
  assert.deepEqual(await call("PUT", "/v2/account", sess, "{}"), { status: 400, text: '{"code":3,"message":"No fields to update."}' });
});

test("users lookup by ids and usernames; unknown ones absent; bad ids refused", async () => {
  const a = await client.authenticateDevice("ac-device-000005", true, "aclookup1");
  const b = await client.authenticateDevice("ac-device-000006", true, "aclookup2");
  const users = await client.getUsers(a, [a.user_id as string, "00000000-0000-4000-8000-00000000abcd"], ["aclookup2", "nobody-at-all"]);
  const got = (users.users ?? []).map((u) => u.username).sort();
  assert.deepEqual(got, ["aclookup1", "aclookup2"]);
  assert.equal((users.users ?? []).find((u) => u.id === b.user_id)?.online, undefined);
  const none = await call("GET", "/v2/user", a);
  assert.deepEqual(none, { status: 200, text: "{}" });
  const bad = await call("GET", "/v2/user?ids=not-a-uuid", a);
  assert.deepEqual(bad, { status: 400, text: `{"code":3,"message":"ID 'not-a-uuid' is not a valid system ID."}` });
});

test("link and unlink: conflicts are 409, the last identifier cannot go", async () => {
  const a = await client.authenticateDevice("ac-device-000007", true, "aclinker");
  const other = await client.authenticateCustom("ac-custom-taken", true, "acother");
  assert.deepEqual(await failure(client.unlinkDevice(a, { id: "ac-device-000007" })), {
    status: 403, body: { code: 7, message: "Cannot unlink last account identifier. Check profile exists and is not last link." },
  });
  assert.deepEqual(await failure(client.linkCustom(a, { id: "ac-custom-taken" })), {
    status: 409, body: { code: 6, message: "Custom ID is already in use." },
  });
  assert.deepEqual(await failure(client.linkDevice(other, { id: "ac-device-000007" })), {
    status: 409, body: { code: 6, message: "Device ID already in use." },
  });
  assert.equal(await client.linkCustom(a, { id: "ac-custom-mine" }), true);
  assert.equal(await client.linkEmail(a, { email: "ac.linker@example.com", password: "password123" }), true);
  assert.equal(await client.unlinkDevice(a, { id: "ac-device-000007" }), true);
  const acc = await client.getAccount(a);
  assert.equal(acc.custom_id, "ac-custom-mine");
  assert.equal(acc.email, "ac.linker@example.com");
  assert.equal(acc.devices, undefined);
  // The email now logs in to the same account.
  const viaEmail = await client.authenticateEmail("ac.linker@example.com", "password123", false);
  assert.equal(viaEmail.user_id, a.user_id);
  assert.deepEqual(await failure(client.linkGoogle(a, { token: "t" })), {
    status: 400, body: { code: 9, message: "Google authentication is not configured." },
  });
});

test("deleting the account kills its token and frees its device", async () => {
  const a = await client.authenticateDevice("ac-device-000008", true, "acdeleted");
  assert.equal(await client.deleteAccount(a), true);
  assert.deepEqual(await call("GET", "/v2/account", a), { status: 401, text: '{"code":16,"message":"Auth token invalid"}' });
  const again = await client.authenticateDevice("ac-device-000008", true, "acdeleted");
  assert.equal(again.created, true);
  assert.notEqual(again.user_id, a.user_id);
});
