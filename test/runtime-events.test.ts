// Black-box: the runtime's server-side events with a Lua module (test/fixtures/modules/events/events.lua)
// that stores what each event saw. A socket's connect and disconnect fire session start and end with the
// session's user, vars, expiry, session id, client ip and lang; a tournament whose active window
// ends (and which then expires) fires the tournament end and reset hooks with Nakama's Lua shapes.
// (Leaderboard resets run on whole-minute cron schedules; their wiring is unit-tested in
// src/runtime/server-events.test.ts with a fake runtime rather than waiting here for a minute.)
// Stopping the server closes every socket first, and their session end events run (and can still use
// the database) before the runtime stops.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { BootedServer } from "./helpers/boot.js";
import { RawSocket, wsUrl } from "./realtime-kit.js";
import { bearer, bootRuntime, eventually, login, rpc } from "./runtime-kit.js";

let s: BootedServer;
before(async () => {
  s = await bootRuntime("events", { "logger.level": "warn" });
});
after(async () => {
  await s.stop();
});

/** The event stored under `key`, once it is there (deadline 5 s). */
function stored(token: string, key: string, on: BootedServer = s): Promise<Record<string, any>> {
  return eventually(`event ${key}`, async () => {
    const r = await rpc(on, "events_read", { auth: bearer(token), payload: key });
    assert.equal(r.status, 200, r.text);
    const v = JSON.parse(r.json().payload as string) as Record<string, any> | null;
    return v ?? undefined;
  }, 5000);
}

test("a socket's connect and disconnect fire session start and end with the session's context", async () => {
  const { token, userId } = await login(s, "events-device-0001", { tier: "gold" });
  const exp = (JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { exp: number }).exp;
  const socket = await RawSocket.open(wsUrl(s, token, "json", "&lang=fr"), "json");
  const start = await stored(token, `start:${userId}`);
  assert.equal(start.name, "session_start");
  assert.equal(start.mode, "event");
  assert.equal(start.user_id, userId);
  assert.deepEqual(start.vars, { tier: "gold" });
  assert.equal(start.user_session_exp, exp);
  assert.equal(start.lang, "fr");
  assert.match(start.client_ip, /127\.0\.0\.1/);
  assert.match(start.session_id, /^[0-9a-f-]{36}$/);
  assert.equal((await rpc(s, "events_read", { auth: bearer(token), payload: `end:${userId}` })).json().payload, "null");

  socket.close();
  const end = await stored(token, `end:${userId}`);
  assert.equal(end.name, "session_end");
  assert.equal(end.reason, "");
  assert.equal(end.session_id, start.session_id);
  assert.equal(end.user_id, userId);
  assert.equal(end.username, start.username);
  assert.equal(end.lang, "fr");
});

test("a tournament's window end and expiry fire the tournament end and reset hooks", { timeout: 15_000 }, async () => {
  const { token } = await login(s, "events-device-0002");
  const id = `events-cup-${Date.now()}`;
  const created = await rpc(s, "events_tournament", { auth: bearer(token), payload: id });
  assert.equal(created.status, 200, created.text);
  const ended = await stored(token, `tournament_end:${id}`);
  assert.equal(ended.mode, "tournament_end");
  assert.equal(ended.id, id);
  assert.equal(ended.duration, 1);
  assert.equal(ended.ends, ended.end_active);
  assert.equal(ended.sort_order, "1");
  assert.equal(ended.operator, "best");
  assert.equal(ended.title, "Events cup");
  assert.deepEqual(ended.metadata, { kind: "events" });
  const reset = await eventually("tournament reset", async () => {
    const r = await rpc(s, "events_read", { auth: bearer(token), payload: `tournament_reset:${id}` });
    const v = JSON.parse(r.json().payload as string) as Record<string, any> | null;
    return v ?? undefined;
  }, 8000);
  assert.equal(reset.mode, "tournament_reset");
  assert.equal(reset.id, id);
});

test("stopping the server ends every open socket's session; each end event runs while the runtime and database are up", async () => {
  const own = await bootRuntime("events", { "logger.level": "info" });
  let stopped = false;
  try {
    const users = await Promise.all([1, 2, 3].map((i) => login(own, `events-shutdown-000${i}`)));
    const sockets = await Promise.all(users.map((u) => RawSocket.open(wsUrl(own, u.token, "json"), "json")));
    for (const u of users) await stored(u.token, `start:${u.userId}`, own);
    await own.stop();
    stopped = true;
    const ends = own.logs().map((l) => l.msg).filter((m) => typeof m === "string" && m.startsWith("event stored: end "));
    assert.deepEqual(ends.sort(), users.map((u) => `event stored: end ${u.userId}`).sort());
    for (const socket of sockets) assert.equal((await socket.closes.first("close", () => true)).code, 1001);
  } finally {
    if (!stopped) await own.stop();
  }
});
