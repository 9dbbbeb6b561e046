// Black-box: tournaments over the wire with nakama-js, on PostgreSQL (tournaments are created by nk only,
// so the test creates them with the core on a second connection to the server's database; see
// test/leaderboard.test.ts). Covered: listing with filters and cursors, join and join-required writes,
// attempts, seats (concurrent joins never exceed max size), ended tournaments, records and around-owner,
// deletes, and Nakama's error codes and texts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Client} from "@heroiclabs/nakama-js";
import { type Session } from "@heroiclabs/nakama-js";
import { bootServer, clientFor, openServerDb, type BootedServer, postgresSkip } from "./helpers/boot.js";
import { silentLogger } from "../src/log.js";
import type { Db } from "../src/storage/db.js";
import { createLeaderboardCore, type LeaderboardCore } from "../src/services/leaderboard/index.js";
import { tournamentCreate, type TournamentCreateInput } from "../src/services/tournament/index.js";

const skip = postgresSkip;

describe("tournaments over REST", { skip }, () => {
  let s: BootedServer;
  let db: Db;
  let core: LeaderboardCore;
  let client: Client;
  let seq = 0;
  const now = (): number => Math.floor(Date.now() / 1000);

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

  const user = (): Promise<Session> => client.authenticateDevice(`to-device-${String(++seq).padStart(6, "0")}-${Date.now()}`, true);
  const tournament = async (over: Partial<TournamentCreateInput> = {}): Promise<string> => {
    const id = `to-${++seq}-${Date.now().toString(36)}`;
    await tournamentCreate(core, { id, duration: 3600, authoritative: false, startTime: now(), enableRanks: true, ...over });
    return id;
  };
  const call = async (method: string, path: string, session: Session, body?: string) => {
    const r = await fetch(s.httpUrl + path, { method, headers: { authorization: `Bearer ${session.token}` }, body });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  const error = (status: number, code: number, message: string) => ({ status, body: { code, message } });

  test("list by category with cursors; the Tournament JSON", async () => {
    const me = await user();
    const ids = [await tournament({ category: 20, title: "A" }), await tournament({ category: 21, title: "B" }), await tournament({ category: 22 })];
    const all = await client.listTournaments(me, 20, 21);
    assert.deepEqual(all.tournaments?.map((t) => t.id).filter((id) => ids.includes(id!)), ids.slice(0, 2));
    const first = await client.listTournaments(me, 20, 22, undefined, undefined, 1);
    const second = await client.listTournaments(me, 20, 22, undefined, undefined, 1, first.cursor);
    assert.notEqual(first.tournaments?.[0].id, second.tournaments?.[0].id);
    const raw = await call("GET", "/v2/tournament?category_start=20&category_end=20", me);
    const t = raw.body.tournaments[0];
    assert.equal(t.id, ids[0]);
    assert.equal(t.title, "A");
    assert.equal(t.category, 20);
    assert.equal(t.can_enter, true);
    assert.equal(t.max_size, 2147483647);
    assert.equal(t.duration, 3600);
    assert.equal(t.end_active, t.start_active + 3600);
    assert.equal(t.end_time, undefined);
    assert.equal(t.sort_order, 1);
  });

  test("write, list, around owner and delete through nakama-js", async () => {
    const id = await tournament();
    const users = [await user(), await user(), await user()];
    for (let i = 0; i < users.length; i++) await client.writeTournamentRecord(users[i], id, { score: String(10 * (i + 1)) });
    const list = await client.listTournamentRecords(users[0], id, [users[0].user_id!], 10);
    assert.deepEqual(list.records?.map((r) => r.score), [30, 20, 10]);
    assert.equal(list.owner_records?.[0].rank, 3);
    const around = await client.listTournamentRecordsAroundOwner(users[0], id, users[1].user_id!, 1);
    assert.deepEqual(around.records?.map((r) => r.owner_id), [users[1].user_id]);
    await client.deleteTournamentRecord(users[2], id);
    const after = await client.listTournamentRecords(users[0], id);
    assert.deepEqual(after.records?.map((r) => r.score), [20, 10]);
  });

  test("join-required: write refused before joining; join then write; join is idempotent", async () => {
    const id = await tournament({ joinRequired: true });
    const me = await user();
    assert.deepEqual(await call("PUT", `/v2/tournament/${id}`, me, '{"score":"5"}'), error(400, 9, "Must join tournament before attempting to write value."));
    assert.equal(await client.joinTournament(me, id), true);
    assert.equal(await client.joinTournament(me, id), true);
    assert.equal((await client.writeTournamentRecord(me, id, { score: "5" })).score, 5);
  });

  test("concurrent joins never exceed max size", async () => {
    const id = await tournament({ joinRequired: true, maxSize: 3 });
    const users = await Promise.all(Array.from({ length: 10 }, () => user()));
    const results = await Promise.all(users.map((u) => call("POST", `/v2/tournament/${id}/join`, u)));
    assert.equal(results.filter((r) => r.status === 200).length, 3);
    for (const r of results.filter((x) => x.status !== 200)) {
      assert.deepEqual(r, error(400, 3, "Tournament cannot be joined as it has reached its max size."));
    }
    const [t] = (await call("GET", `/v2/tournament?category_start=0&category_end=127&limit=100`, users[0])).body.tournaments.filter((x: { id: string }) => x.id === id);
    // can_enter false is a zero value: absent from the JSON.
    assert.deepEqual([t.size, t.can_enter], [3, undefined]);
  });

  test("attempts run out; authoritative tournaments refuse clients", async () => {
    const id = await tournament({ maxNumScore: 1 });
    const me = await user();
    await client.writeTournamentRecord(me, id, { score: "1" });
    assert.deepEqual(await call("POST", `/v2/tournament/${id}`, me, '{"score":"2"}'), error(400, 9, "Reached allowed max number of score attempts."));
    const auth = await tournament({ authoritative: true });
    assert.deepEqual(await call("PUT", `/v2/tournament/${auth}`, me, '{"score":"2"}'), error(403, 7, "Tournament only allows authoritative score submissions."));
    assert.deepEqual(await call("DELETE", `/v2/tournament/${auth}`, me), error(403, 7, "Tournament only allows authoritative score deletions."));
  });

  test("not yet started, ended, and unknown tournaments", async () => {
    const me = await user();
    const later = await tournament({ startTime: now() + 3600 });
    assert.deepEqual(await call("PUT", `/v2/tournament/${later}`, me, '{"score":"1"}'), error(400, 9, "Tournament is not active and cannot accept new scores."));
    const ended = `to-ended-${Date.now()}`;
    await db.query(
      `INSERT INTO leaderboard (id, authoritative, duration, start_time, end_time) VALUES ($1, false, 60, now() - interval '2 hours', now() - interval '1 hour')`, [ended],
    );
    assert.deepEqual(await call("PUT", `/v2/tournament/${ended}`, me, '{"score":"1"}'), error(404, 5, "Tournament not found or has ended."));
    assert.deepEqual(await call("GET", `/v2/tournament/${ended}`, me), error(404, 5, "Tournament has ended."));
    assert.deepEqual(await call("POST", `/v2/tournament/${ended}/join`, me), { status: 200, body: {} });
    assert.deepEqual(await call("PUT", "/v2/tournament/missing", me, '{"score":"1"}'), error(404, 5, "Tournament not found."));
    assert.deepEqual(await call("POST", "/v2/tournament/missing/join", me), error(404, 5, "Tournament not found."));
    assert.deepEqual(await call("GET", "/v2/tournament/missing", me), error(404, 5, "Tournament not found."));
    assert.deepEqual(await call("GET", `/v2/tournament/missing/owner/${me.user_id}`, me), error(404, 5, "Tournament not found."));
    assert.deepEqual(await call("DELETE", "/v2/tournament/missing", me), error(404, 5, "Tournament not found."));
  });

  test("bad input has Nakama's codes and texts", async () => {
    const me = await user();
    const id = await tournament();
    const bad = (message: string) => error(400, 3, message);
    assert.deepEqual(await call("GET", "/v2/tournament?category_end=128", me), bad("Tournament category end must be >=0 and <128."));
    assert.deepEqual(await call("GET", "/v2/tournament?category_start=5&category_end=4", me), bad("Tournament category end must be greater than category start."));
    assert.deepEqual(await call("GET", "/v2/tournament?start_time=100&end_time=50", me), bad("Tournament end time must be greater than start time."));
    assert.deepEqual(await call("GET", "/v2/tournament?limit=101", me), bad("Limit must be between 1 and 100."));
    assert.deepEqual(await call("GET", "/v2/tournament?category_start=-1", me), bad('parsing field "category_start": strconv.ParseUint: parsing "-1": invalid syntax'));
    assert.deepEqual(await call("PUT", `/v2/tournament/${id}`, me, ""), bad("Invalid input, record score value is required."));
    assert.deepEqual(await call("PUT", `/v2/tournament/${id}`, me, '{"metadata":"x"}'), bad("Metadata value must be JSON, if provided."));
    assert.deepEqual(await call("GET", `/v2/tournament/${id}?limit=101`, me), bad("Invalid limit - limit must be between 1 and 100."));
    assert.deepEqual(await call("GET", `/v2/tournament/${id}?owner_ids=1`, me), bad("One or more owner IDs are invalid."));
    assert.deepEqual(await call("GET", `/v2/tournament/${id}/owner/zzz`, me), bad("Invalid owner ID provided."));
  });
});
