// Tests find-or-create against a real database: created flags, create=false, duplicate usernames leave
// nothing behind, concurrent first logins of one device end with one account (and of many devices, batched,
// with the same outcomes one by one would give), bans, email/username
// passwords, and social providers through verifier doubles (and "not configured").
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { GameError } from "../errors.js";
import { authenticateByColumn, authenticateDevice, authenticateEmail, authenticateUsername } from "./authenticate.js";
import { authenticateFacebookInstantGame, authenticateGoogle, authenticateSteam } from "./social-auth.js";
import { banUsers, isBanned, unbanUsers } from "./users.js";
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

async function count(sql: string, params: unknown[]): Promise<number> {
  const r = await t.core.db.query<{ n: string }>(sql, params);
  return Number(r.rows[0].n);
}

test("device: first call creates, second finds, create=false on an unknown device is NOT_FOUND", async () => {
  const a = await authenticateDevice(t.core, "device-aaaa-0001", "alice", true);
  assert.equal(a.created, true);
  assert.equal(a.username, "alice");
  const b = await authenticateDevice(t.core, "device-aaaa-0001", "ignored", true);
  assert.deepEqual(b, { userId: a.userId, username: "alice", created: false });
  await assert.rejects(authenticateDevice(t.core, "device-unknown-1", "x", false), rejectsWith(5, "User account not found."));
});

test("a duplicate username is ALREADY_EXISTS and leaves no user or device row behind", async () => {
  await authenticateDevice(t.core, "device-dup-00001", "taken", true);
  const before = await count("SELECT count(*) AS n FROM users", []);
  await assert.rejects(authenticateDevice(t.core, "device-dup-00002", "taken", true), rejectsWith(6, "Username is already in use."));
  await assert.rejects(authenticateByColumn(t.core, "custom_id", "custom-dup-1", "taken", true), rejectsWith(6, "Username is already in use."));
  assert.equal(await count("SELECT count(*) AS n FROM users", []), before);
  assert.equal(await count("SELECT count(*) AS n FROM user_device WHERE id = $1", ["device-dup-00002"]), 0);
});

test("concurrent first logins of one device end with one account", async () => {
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => authenticateDevice(t.core, "device-race-0001", `racer${i}`, true)),
  );
  const ids = new Set(results.map((r) => r.userId));
  assert.equal(ids.size, 1);
  assert.equal(results.filter((r) => r.created).length, 1);
  assert.equal(await count("SELECT count(*) AS n FROM user_device WHERE id = $1", ["device-race-0001"]), 1);
  assert.equal(await count("SELECT count(*) AS n FROM users WHERE username LIKE 'racer%'", []), 1);
});

test("concurrent first logins of different devices: each created once, a shared username goes to one of them", async () => {
  await authenticateDevice(t.core, "device-mix-known", "mixknown", true);
  const devices = Array.from({ length: 10 }, (_, i) => `device-mix-${String(i).padStart(4, "0")}`);
  const settled = await Promise.allSettled([
    ...devices.map((d, i) => authenticateDevice(t.core, d, i < 3 ? "mixshared" : `mixer${i}`, true)),
    authenticateDevice(t.core, "device-mix-known", "ignored", true),
    authenticateDevice(t.core, "device-mix-0009", "mixer9again", true),
    authenticateDevice(t.core, "device-mix-nope", "mixnope", false),
    authenticateDevice(t.core, "device-mix-0010", "mixknown", true),
  ]);
  const ok = settled.map((s) => (s.status === "fulfilled" ? s.value : undefined));
  const shared = settled.slice(0, 3);
  assert.equal(shared.filter((s) => s.status === "fulfilled").length, 1);
  for (const s of shared) if (s.status === "rejected") assert.ok(rejectsWith(6, "Username is already in use.")(s.reason));
  for (let i = 3; i < 10; i++) assert.equal(ok[i]?.username, `mixer${i}`);
  assert.equal(ok[10]?.created, false);
  assert.equal(ok[10]?.username, "mixknown");
  // Two first logins of device 9: one account, created once.
  assert.equal(ok[11]?.userId, ok[9]?.userId);
  assert.equal([ok[9]?.created, ok[11]?.created].filter(Boolean).length, 1);
  assert.ok(settled[12].status === "rejected" && rejectsWith(5, "User account not found.")(settled[12].reason));
  assert.ok(settled[13].status === "rejected" && rejectsWith(6, "Username is already in use.")(settled[13].reason));
  assert.equal(await count("SELECT count(*) AS n FROM users WHERE username LIKE 'mix%'", []), 9);
  assert.equal(await count("SELECT count(*) AS n FROM user_device WHERE id LIKE 'device-mix-%'", []), 9);
  assert.equal(await count("SELECT count(*) AS n FROM users u WHERE username LIKE 'mix%' AND NOT EXISTS (SELECT 1 FROM user_device d WHERE d.user_id = u.id)", []), 0);
});

test("banned accounts cannot authenticate until unbanned", async () => {
  const a = await authenticateDevice(t.core, "device-ban-00001", "banme", true);
  await banUsers(t.core, [a.userId]);
  assert.equal(await isBanned(t.core, a.userId), true);
  await assert.rejects(authenticateDevice(t.core, "device-ban-00001", "", true), rejectsWith(7, "User account banned."));
  await unbanUsers(t.core, [a.userId]);
  assert.equal(await isBanned(t.core, a.userId), false);
  assert.equal((await authenticateDevice(t.core, "device-ban-00001", "", true)).userId, a.userId);
});

test("email: create stores a bcrypt hash; login checks it; username login works too", async () => {
  const a = await authenticateEmail(t.core, "carol@example.com", "password123", "carol", true);
  assert.equal(a.created, true);
  const row = await t.core.db.query<{ password: Buffer }>("SELECT password FROM users WHERE id = $1", [a.userId]);
  assert.match(row.rows[0].password.toString(), /^\$2a\$10\$/);
  assert.equal((await authenticateEmail(t.core, "carol@example.com", "password123", "other", true)).created, false);
  await assert.rejects(authenticateEmail(t.core, "carol@example.com", "wrongpass1", "", true), rejectsWith(16, "Invalid credentials."));
  assert.equal(await authenticateUsername(t.core, "carol", "password123"), a.userId);
  await assert.rejects(authenticateUsername(t.core, "carol", "wrongpass1"), rejectsWith(16, "Invalid credentials."));
  await assert.rejects(authenticateUsername(t.core, "nobody-here", "password123"), rejectsWith(5, "User account not found."));
  await assert.rejects(authenticateEmail(t.core, "new@example.com", "password123", "", false), rejectsWith(5, "User account not found."));
});

test("username login on an account without a password is 'Invalid credentials.'", async () => {
  await authenticateDevice(t.core, "device-nopw-0001", "nopassword", true);
  await assert.rejects(authenticateUsername(t.core, "nopassword", "whatever1"), rejectsWith(16, "Invalid credentials."));
});

test("google (verifier double): creates with profile data, finds again, bad token is UNAUTHENTICATED", async () => {
  const a = await authenticateGoogle(t.core, "google:g-1:Ann:ann@example.com", "ann", true);
  assert.equal(a.created, true);
  const r = await t.core.db.query<{ display_name: string; email: string; google_id: string }>(
    "SELECT display_name, email, google_id FROM users WHERE id = $1", [a.userId]);
  assert.deepEqual(r.rows[0], { display_name: "Ann", email: "ann@example.com", google_id: "g-1" });
  assert.equal((await authenticateGoogle(t.core, "google:g-1", "", true)).userId, a.userId);
  await assert.rejects(authenticateGoogle(t.core, "forged", "", true), rejectsWith(16, "Could not authenticate Google profile."));
});

test("a provider without a verifier is FAILED_PRECONDITION, never a pretend success", async () => {
  const bare = { ...t.core, social: {} };
  await assert.rejects(authenticateGoogle(bare, "google:g-2", "", true), rejectsWith(9, "Google authentication is not configured."));
  await assert.rejects(authenticateSteam(bare, "steam:7", "", true), rejectsWith(9, "Steam authentication is not configured."));
  const noKey = { ...t.core, socialConfig: { ...t.core.socialConfig, steam: { publisher_key: "", app_id: 0 } } };
  await assert.rejects(authenticateSteam(noKey, "steam:7", "", true), rejectsWith(9, "Steam authentication is not configured."));
});

test("facebook instant game: a correctly signed player info authenticates, a forged one is DATA_LOSS", async () => {
  const payload = Buffer.from(JSON.stringify({ algorithm: "HMAC-SHA256", player_id: "fbig-42", issued_at: 1 })).toString("base64url");
  const sig = createHmac("sha256", "fbig-secret").update(payload).digest("base64url");
  const a = await authenticateFacebookInstantGame(t.core, `${sig}.${payload}`, "fbig-player", true);
  assert.equal(a.created, true);
  const forged = createHmac("sha256", "wrong").update(payload).digest("base64url");
  await assert.rejects(
    authenticateFacebookInstantGame(t.core, `${forged}.${payload}`, "", true),
    rejectsWith(15, "Error extracting the Facebook Instant Game player ID or validating the signature"),
  );
});
