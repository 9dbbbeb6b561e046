// Tests the account lifecycle against a real database: link/unlink (conflicts, last identifier),
// account read-back, profile updates, user lookup and deletion with tombstones.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { GameError } from "../errors.js";
import { deleteAccount, getAccount, updateAccount } from "./account.js";
import { authenticateDevice } from "./authenticate.js";
import { linkCustom, linkDevice, linkEmail, linkGoogle } from "./link.js";
import { unlinkCustom, unlinkDevice, unlinkEmail, unlinkGoogle, LAST_IDENTIFIER } from "./unlink.js";
import { getUsers } from "./users.js";
import { openTestCore, type TestCore } from "./testkit.js";

let t: TestCore;
before(async () => {
  t = await openTestCore();
});
after(async () => {
  await t.tdb.dispose();
});

function rejectsWith(code: number, message: string) {
  return (e: unknown) => e instanceof GameError && e.code === code && e.message === message;
}

test("unlinking the last identifier is refused; with another identifier it works", async () => {
  const a = await authenticateDevice(t.core, "device-link-0001", "linker", true);
  await assert.rejects(unlinkDevice(t.core, a.userId, "device-link-0001"), rejectsWith(7, LAST_IDENTIFIER));
  await linkCustom(t.core, a.userId, "custom-link-1");
  await unlinkDevice(t.core, a.userId, "device-link-0001");
  await assert.rejects(unlinkCustom(t.core, a.userId, "custom-link-1"), rejectsWith(7, LAST_IDENTIFIER));
  const acc = await getAccount(t.core, a.userId);
  assert.equal(acc?.custom_id, "custom-link-1");
  assert.deepEqual(acc?.devices, []);
  await assert.rejects(unlinkDevice(t.core, a.userId, ""), rejectsWith(3, "A device ID must be supplied."));
});

test("linking an identifier another account holds is ALREADY_EXISTS", async () => {
  const a = await authenticateDevice(t.core, "device-conf-0001", "owner1", true);
  const b = await authenticateDevice(t.core, "device-conf-0002", "owner2", true);
  await linkCustom(t.core, a.userId, "custom-conf-1");
  await assert.rejects(linkCustom(t.core, b.userId, "custom-conf-1"), rejectsWith(6, "Custom ID is already in use."));
  await assert.rejects(linkDevice(t.core, b.userId, "device-conf-0001"), rejectsWith(6, "Device ID already in use."));
  // Linking what you already have is fine.
  await linkDevice(t.core, a.userId, "device-conf-0001");
  await linkCustom(t.core, a.userId, "custom-conf-1");
  await assert.rejects(linkCustom(t.core, b.userId, "short"), rejectsWith(3, "Invalid custom ID, must be 6-128 bytes."));
});

test("email link stores a password; unlink clears both; a wrong value does not unlink", async () => {
  const a = await authenticateDevice(t.core, "device-mail-0001", "mailer", true);
  await linkEmail(t.core, a.userId, "Mailer@Example.com", "password123");
  assert.equal((await getAccount(t.core, a.userId))?.email, "mailer@example.com");
  await assert.rejects(unlinkEmail(t.core, a.userId, "other@example.com"), rejectsWith(7, LAST_IDENTIFIER));
  await unlinkEmail(t.core, a.userId, "MAILER@example.com");
  const r = await t.core.db.query<{ email: string | null; password: Buffer | null }>("SELECT email, password FROM users WHERE id = $1", [a.userId]);
  assert.deepEqual(r.rows[0], { email: null, password: null });
});

test("google link copies the profile only where empty; unlink needs a matching token", async () => {
  const a = await authenticateDevice(t.core, "device-goog-0001", "googler", true);
  await linkGoogle(t.core, a.userId, "google:g-link:Gina");
  let acc = await getAccount(t.core, a.userId);
  assert.equal(acc?.user?.google_id, "g-link");
  assert.equal(acc?.user?.display_name, "Gina");
  await assert.rejects(unlinkGoogle(t.core, a.userId, "google:someone-else"), rejectsWith(7, LAST_IDENTIFIER));
  await unlinkGoogle(t.core, a.userId, "google:g-link");
  acc = await getAccount(t.core, a.userId);
  assert.equal(acc?.user?.google_id, "");
});

test("account read-back: Nakama's fields, JSON text for metadata and wallet, whole-second times", async () => {
  const a = await authenticateDevice(t.core, "device-read-0001", "reader", true);
  const acc = await getAccount(t.core, a.userId);
  assert.ok(acc?.user);
  assert.equal(acc.user.id, a.userId);
  assert.equal(acc.user.username, "reader");
  assert.equal(acc.user.lang_tag, "en");
  assert.equal(acc.user.metadata, "{}");
  assert.equal(acc.wallet, "{}");
  assert.deepEqual(acc.devices, [{ id: "device-read-0001", vars: {} }]);
  assert.equal(acc.verify_time, undefined);
  assert.equal(acc.disable_time, undefined);
  assert.equal((acc.user.create_time as Date).getTime() % 1000, 0);
  assert.equal(await getAccount(t.core, "00000000-0000-4000-8000-000000000001"), null);
});

test("update: set, clear, duplicate username, nothing to update", async () => {
  const a = await authenticateDevice(t.core, "device-upd-00001", "updater", true);
  await authenticateDevice(t.core, "device-upd-00002", "occupied", true);
  await updateAccount(t.core, a.userId, { displayName: "Up Dater", location: "Berlin", timezone: "CET", avatarUrl: "http://a/b.png" });
  let u = (await getAccount(t.core, a.userId))?.user;
  assert.equal(u?.display_name, "Up Dater");
  assert.equal(u?.location, "Berlin");
  await updateAccount(t.core, a.userId, { location: "" });
  u = (await getAccount(t.core, a.userId))?.user;
  assert.equal(u?.location, "");
  assert.equal(u?.display_name, "Up Dater");
  await assert.rejects(updateAccount(t.core, a.userId, { username: "occupied" }), rejectsWith(3, "Username is already in use."));
  await assert.rejects(updateAccount(t.core, a.userId, {}), rejectsWith(3, "No fields to update."));
  await assert.rejects(updateAccount(t.core, a.userId, { username: "bad\nname" }), rejectsWith(3, "Username invalid, no spaces or control characters allowed."));
  await updateAccount(t.core, a.userId, { username: "renamed" });
  assert.equal((await getAccount(t.core, a.userId))?.user?.username, "renamed");
});

test("users by ids, usernames and facebook ids; unknown ones are absent", async () => {
  const a = await authenticateDevice(t.core, "device-look-0001", "lookup1", true);
  const b = await authenticateDevice(t.core, "device-look-0002", "lookup2", true);
  const users = await getUsers(t.core, [a.userId, "00000000-0000-4000-8000-0000000000ff"], ["lookup2", "ghost"], ["fb-none"]);
  assert.deepEqual(users.map((u) => u.id).sort(), [a.userId, b.userId].sort());
  assert.deepEqual(await getUsers(t.core, [], [], []), []);
});

test("deletion removes the user and its devices, records a tombstone when asked", async () => {
  const a = await authenticateDevice(t.core, "device-del-00001", "deleted1", true);
  assert.equal(await deleteAccount(t.core, a.userId, true), true);
  assert.equal(await getAccount(t.core, a.userId), null);
  const dev = await t.core.db.query("SELECT 1 FROM user_device WHERE id = $1", ["device-del-00001"]);
  assert.equal(dev.rowCount, 0);
  const tomb = await t.core.db.query("SELECT 1 FROM user_tombstone WHERE user_id = $1", [a.userId]);
  assert.equal(tomb.rowCount, 1);
  assert.equal(await deleteAccount(t.core, a.userId, true), false);
  // The device can start a fresh account.
  assert.equal((await authenticateDevice(t.core, "device-del-00001", "deleted1b", true)).created, true);
});
