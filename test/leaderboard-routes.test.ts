// The leaderboard and tournament routes on the embedded database (PGlite), driven through the router the
// server uses: every route runs its request name's before and after hooks, a before hook can rewrite or
// reject a request, and 50 concurrent REST increments add up exactly (the PGlite half of the concurrency
// cases; test/leaderboard.test.ts runs them over the wire on PostgreSQL).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { registerLeaderboardRoutes } from "../src/api/routes-leaderboard.js";
import { configFrom } from "../src/config/load.js";
import { silentLogger } from "../src/log.js";
import type { HookRegistry, PipelineDeps } from "../src/pipeline/hooks.js";
import { leaderboardCreate, Operator, type LeaderboardCore } from "../src/services/leaderboard/index.js";
import { tournamentCreate } from "../src/services/tournament/index.js";
import { createSessionService, sessionSettingsFrom } from "../src/session/service.js";
import { openMemoryDb, type TestDb } from "../src/storage/testing.js";
import { Router } from "../src/transport/router.js";
import type { HttpRequest } from "../src/transport/types.js";

let t: TestDb;
let router: Router;
let core: LeaderboardCore;
const sessions = createSessionService(sessionSettingsFrom(configFrom({}).config.session));
const seen: string[] = [];
let beforeHook: ((name: string, req: unknown) => unknown) | null = null;

const hooks: HookRegistry = {
  before: (name) => async (_ctx, req) => {
    seen.push(`before:${name}`);
    return beforeHook === null ? req : beforeHook(name, req);
  },
  after: (name) => async () => {
    seen.push(`after:${name}`);
  },
};

before(async () => {
  t = await openMemoryDb();
  const pipeline: PipelineDeps = { hooks: () => hooks, log: silentLogger() };
  router = new Router({ log: silentLogger() });
  const { config } = configFrom({});
  core = registerLeaderboardRoutes(router, { db: t.db, config, log: silentLogger(), pipeline, sessions });
});
after(async () => t.dispose());

function request(method: string, url: string, token: string, body = ""): Promise<{ status: number; body: any }> {
  const u = new URL(url, "http://x");
  const req: HttpRequest = {
    method, path: u.pathname, rawQuery: u.search.slice(1), query: u.searchParams,
    headers: { authorization: `Bearer ${token}` }, body: Buffer.from(body), remoteAddress: "127.0.0.1",
  };
  return router.handle(req).then((r) => ({ status: r.status, body: JSON.parse(String(r.body)) }));
}

function login(): { id: string; token: string } {
  const id = randomUUID();
  return { id, token: sessions.login(id, `u${id.slice(0, 8)}`, {}).token };
}

/** Waits (with a deadline) until the after hook named `name` has run. */
async function afterRan(name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!seen.includes(`after:${name}`)) {
    if (Date.now() > deadline) throw new Error(`after hook ${name} did not run`);
    await new Promise((r) => setImmediate(r));
  }
}

test("every route runs its request name's hooks", async () => {
  const me = login();
  await leaderboardCreate(core, { id: "hooks-lb", authoritative: false });
  await tournamentCreate(core, { id: "hooks-t", duration: 3600, authoritative: false, joinRequired: true });
  const calls: Array<[string, string, string, string?]> = [
    ["WriteLeaderboardRecord", "POST", "/v2/leaderboard/hooks-lb", '{"score":"1"}'],
    ["ListLeaderboardRecords", "GET", "/v2/leaderboard/hooks-lb"],
    ["ListLeaderboardRecordsAroundOwner", "GET", `/v2/leaderboard/hooks-lb/owner/${me.id}`],
    ["DeleteLeaderboardRecord", "DELETE", "/v2/leaderboard/hooks-lb"],
    ["JoinTournament", "POST", "/v2/tournament/hooks-t/join"],
    ["WriteTournamentRecord", "PUT", "/v2/tournament/hooks-t", '{"score":"1"}'],
    ["ListTournaments", "GET", "/v2/tournament"],
    ["ListTournamentRecords", "GET", "/v2/tournament/hooks-t"],
    ["ListTournamentRecordsAroundOwner", "GET", `/v2/tournament/hooks-t/owner/${me.id}`],
    ["DeleteTournamentRecord", "DELETE", "/v2/tournament/hooks-t"],
  ];
  for (const [name, method, path, body] of calls) {
    const r = await request(method, path, me.token, body);
    assert.equal(r.status, 200, `${name}: ${JSON.stringify(r.body)}`);
    assert.ok(seen.includes(`before:${name}`), name);
    await afterRan(name);
  }
});

test("a before hook rewrites or rejects the request", async () => {
  const me = login();
  await leaderboardCreate(core, { id: "hooks-rw", authoritative: false });
  beforeHook = (name, req) => {
    if (name !== "WriteLeaderboardRecord") return req;
    const r = req as { record: { score: string } };
    if (r.record.score === "13") return null;
    return { ...r, record: { ...r.record, score: "99" } };
  };
  try {
    assert.equal((await request("POST", "/v2/leaderboard/hooks-rw", me.token, '{"score":"1"}')).body.score, "99");
    assert.deepEqual(await request("POST", "/v2/leaderboard/hooks-rw", me.token, '{"score":"13"}'), {
      status: 404, body: { code: 5, message: "Requested resource was not found." },
    });
  } finally {
    beforeHook = null;
  }
});

test("50 concurrent increments through the routes add up exactly (PGlite)", async () => {
  const me = login();
  await leaderboardCreate(core, { id: "hooks-incr", authoritative: false, operator: Operator.INCREMENT, enableRanks: true });
  const results = await Promise.all(Array.from({ length: 50 }, () => request("POST", "/v2/leaderboard/hooks-incr", me.token, '{"score":"3"}')));
  assert.ok(results.every((r) => r.status === 200));
  const list = await request("GET", `/v2/leaderboard/hooks-incr?owner_ids=${me.id}`, me.token);
  assert.deepEqual([list.body.owner_records[0].score, list.body.owner_records[0].num_score, list.body.owner_records[0].rank], ["150", 50, "1"]);
});

test("concurrent joins through the routes never exceed max size (PGlite)", async () => {
  await tournamentCreate(core, { id: "hooks-seats", duration: 3600, joinRequired: true, maxSize: 4 });
  const results = await Promise.all(Array.from({ length: 12 }, () => request("POST", "/v2/tournament/hooks-seats/join", login().token)));
  assert.equal(results.filter((r) => r.status === 200).length, 4);
  const { rows } = await t.db.query<{ size: number }>("SELECT size FROM leaderboard WHERE id = 'hooks-seats'");
  assert.equal(rows[0].size, 4);
});
