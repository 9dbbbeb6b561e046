// Black-box: leaderboards over the wire with nakama-js, on PostgreSQL. Leaderboards are created by nk only
// (no REST route), so the test creates them with the leaderboard core on a second connection to the
// server's own database; the server finds them through its read-through board registry. (PGlite runs
// inside the server with no second door in, so these cases need PostgreSQL; the core suite covers PGlite.)
// Covered: write/list/around-owner/delete, Nakama's JSON, operators and overrides, authoritative boards,
// validation texts, cursors, and 50 concurrent increments adding up exactly.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Client} from "@heroiclabs/nakama-js";
import { type Session } from "@heroiclabs/nakama-js";
import { bootServer, clientFor, openServerDb, type BootedServer, postgresSkip } from "./helpers/boot.js";
import { silentLogger } from "../src/log.js";
import type { Db } from "../src/storage/db.js";
import { createLeaderboardCore, leaderboardCreate, Operator, type LeaderboardCore } from "../src/services/leaderboard/index.js";

const skip = postgresSkip;

describe("leaderboards over REST", { skip }, () => {
  let s: BootedServer;
  let db: Db;
  let core: LeaderboardCore;
  let client: Client;
  let seq = 0;

  before(async () => {
    s = await bootServer({ "logger.level": "warn" }, { database: "postgres" });
    db = await openServerDb(s, 4);
    core = createLeaderboardCore({ db, log: silentLogger() });
    client = clientFor(s, 4000);
  });
  after(async () => {
    await db.close();
    await s.stop();
  });

  const user = (): Promise<Session> => client.authenticateDevice(`lb-device-${String(++seq).padStart(6, "0")}-${Date.now()}`, true);
  const board = async (over: Partial<Parameters<typeof leaderboardCreate>[1]> = {}): Promise<string> => {
    const id = `lb-${++seq}-${Date.now().toString(36)}`;
    await leaderboardCreate(core, { id, authoritative: false, enableRanks: true, ...over });
    return id;
  };
  const call = async (method: string, path: string, session: Session | null, body?: string) => {
    const headers: Record<string, string> = session === null ? {} : { authorization: `Bearer ${session.token}` };
    const r = await fetch(s.httpUrl + path, { method, headers, body });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  test("write, then read back Nakama's JSON", async () => {
    const id = await board();
    const me = await user();
    const w = await call("POST", `/v2/leaderboard/${id}`, me, JSON.stringify({ score: "42", metadata: '{"car":"red"}' }));
    assert.equal(w.status, 200);
    assert.deepEqual(Object.keys(w.body), ["leaderboard_id", "owner_id", "username", "score", "num_score", "metadata", "create_time", "update_time", "rank", "max_num_score"]);
    assert.equal(w.body.score, "42");
    assert.equal(w.body.rank, "1");
    assert.equal(w.body.owner_id, me.user_id);
    assert.equal(w.body.username, me.username);
    assert.equal(w.body.metadata, '{"car": "red"}');
    assert.equal(w.body.max_num_score, 1000000);
    assert.match(w.body.create_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const list = await client.listLeaderboardRecords(me, id, [me.user_id!], 10);
    assert.equal(list.records?.length, 1);
    assert.equal(list.owner_records?.[0].rank, 1);
    assert.equal(list.rank_count, 1);
  });

  test("operators: best by default, per-write overrides, incr boards", async () => {
    const id = await board();
    const me = await user();
    await client.writeLeaderboardRecord(me, id, { score: "10", subscore: "2" });
    assert.equal((await client.writeLeaderboardRecord(me, id, { score: "5" })).score, 10);
    // nakama-js does not send `operator`: the override goes over raw REST (2 = SET).
    assert.equal((await call("POST", `/v2/leaderboard/${id}`, me, '{"score":"5","operator":2}')).body.score, "5");
    const incr = await board({ operator: Operator.INCREMENT });
    await client.writeLeaderboardRecord(me, incr, { score: "10" });
    const r = await client.writeLeaderboardRecord(me, incr, { score: "7" });
    assert.deepEqual([r.score, r.num_score], [17, 2]);
    assert.equal((await call("POST", `/v2/leaderboard/${incr}`, me, '{"score":"3","operator":"DECREMENT"}')).body.score, "14");
  });

  test("pages, owner records and around-owner through nakama-js", async () => {
    const id = await board();
    const users: Session[] = [];
    for (let i = 0; i < 12; i++) {
      const u = await user();
      users.push(u);
      await client.writeLeaderboardRecord(u, id, { score: String(100 - i) });
    }
    const p1 = await client.listLeaderboardRecords(users[0], id, undefined, 5);
    assert.deepEqual(p1.records?.map((r) => r.rank), [1, 2, 3, 4, 5]);
    const p2 = await client.listLeaderboardRecords(users[0], id, undefined, 5, p1.next_cursor);
    assert.deepEqual(p2.records?.map((r) => r.owner_id), users.slice(5, 10).map((u) => u.user_id));
    const back = await client.listLeaderboardRecords(users[0], id, undefined, 5, p2.prev_cursor);
    assert.deepEqual(back.records?.map((r) => r.rank), [1, 2, 3, 4, 5]);
    const around = await client.listLeaderboardRecordsAroundOwner(users[0], id, users[6].user_id!, 3);
    assert.deepEqual(around.records?.map((r) => r.rank), [6, 7, 8]);
    const mine = await client.listLeaderboardRecords(users[0], id, [users[11].user_id!, users[2].user_id!]);
    assert.deepEqual(mine.owner_records?.map((r) => r.rank), [3, 12]);
    assert.equal(mine.records?.length ?? 0, 0);
  });

  test("delete the own record", async () => {
    const id = await board();
    const me = await user();
    await client.writeLeaderboardRecord(me, id, { score: "1" });
    // nakama-js's Client has no delete for leaderboard records; its generated API client does.
    assert.deepEqual(await call("DELETE", `/v2/leaderboard/${id}`, me), { status: 200, body: {} });
    const list = await client.listLeaderboardRecords(me, id, [me.user_id!]);
    assert.equal(list.owner_records?.length ?? 0, 0);
  });

  test("authoritative boards and unknown boards", async () => {
    const id = await board({ authoritative: true });
    const me = await user();
    assert.deepEqual(await call("POST", `/v2/leaderboard/${id}`, me, '{"score":"1"}'), {
      status: 403, body: { code: 7, message: "Leaderboard only allows authoritative score submissions." },
    });
    assert.deepEqual(await call("DELETE", `/v2/leaderboard/${id}`, me), {
      status: 403, body: { code: 7, message: "Leaderboard only allows authoritative score deletions." },
    });
    assert.deepEqual(await call("POST", "/v2/leaderboard/nope", me, '{"score":"1"}'), {
      status: 404, body: { code: 5, message: "Leaderboard not found." },
    });
    assert.deepEqual(await call("GET", "/v2/leaderboard/nope", me), { status: 404, body: { code: 5, message: "Leaderboard not found." } });
    assert.deepEqual(await call("GET", `/v2/leaderboard/${id}`, null), { status: 401, body: { code: 16, message: "Auth token required" } });
  });

  test("bad input has Nakama's codes and texts", async () => {
    const id = await board();
    const me = await user();
    const bad = (message: string) => ({ status: 400, body: { code: 3, message } });
    assert.deepEqual(await call("POST", `/v2/leaderboard/${id}`, me, ""), bad("Invalid input, record score value is required."));
    assert.deepEqual(await call("POST", `/v2/leaderboard/${id}`, me, '{"score":"1","metadata":"[1]"}'), bad("Metadata value must be JSON, if provided."));
    assert.deepEqual(await call("POST", `/v2/leaderboard/${id}`, me, "{"), bad("Improperly formatted request body"));
    assert.deepEqual(await call("GET", `/v2/leaderboard/${id}?limit=0`, me), bad("Invalid limit - limit must be between 1 and 1000."));
    assert.deepEqual(await call("GET", `/v2/leaderboard/${id}?limit=abc`, me), bad('parsing field "limit": strconv.ParseInt: parsing "abc": invalid syntax'));
    assert.deepEqual(await call("GET", `/v2/leaderboard/${id}?owner_ids=xyz`, me), bad("One or more owner IDs are invalid."));
    assert.deepEqual(await call("GET", `/v2/leaderboard/${id}?cursor=bogus`, me), bad("Cursor is invalid or expired."));
    assert.deepEqual(await call("GET", `/v2/leaderboard/${id}/owner/not-a-uuid`, me), bad("Invalid owner ID provided."));
    assert.deepEqual(await call("GET", `/v2/leaderboard/${id}/owner/${me.user_id}?limit=101`, me), bad("Invalid limit - limit must be between 1 and 100."));
  });

  test("a limit only applies to the ranked page; owner ids alone list no page", async () => {
    const id = await board();
    const [a, b] = [await user(), await user()];
    await client.writeLeaderboardRecord(a, id, { score: "2" });
    await client.writeLeaderboardRecord(b, id, { score: "1" });
    const r = await call("GET", `/v2/leaderboard/${id}?owner_ids=${b.user_id}`, a);
    assert.equal(r.body.records, undefined);
    assert.deepEqual(r.body.owner_records.map((x: { rank: string }) => x.rank), ["2"]);
    const one = await call("GET", `/v2/leaderboard/${id}`, a);
    assert.equal(one.body.records.length, 1);
  });

  test("50 concurrent increments over REST add up exactly", async () => {
    const id = await board({ operator: Operator.INCREMENT });
    const me = await user();
    await Promise.all(Array.from({ length: 50 }, () => client.writeLeaderboardRecord(me, id, { score: "2" })));
    const list = await client.listLeaderboardRecords(me, id, [me.user_id!]);
    assert.deepEqual([list.owner_records?.[0].score, list.owner_records?.[0].num_score], [100, 50]);
  });
});
