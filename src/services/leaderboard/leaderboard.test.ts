// Unit tests of the leaderboard core against PGlite and PostgreSQL: board lifecycle, each operator's score
// rules, authoritative boards, ranked pages with cursors both ways, owner records and ranks, around-owner
// windows, periods rolling over on the reset schedule, cursors from ranks, and concurrent writes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TestDb } from "../../storage/testing.js";
import {
  ApiOperator, leaderboardCreate, leaderboardDelete, leaderboardList, leaderboardRecordDelete, leaderboardRecordsHaystack,
  leaderboardRecordsList, leaderboardRecordsListCursorFromRank, leaderboardRecordWrite, leaderboardsGet, Operator,
  recordsDeletionStep, Reason, SortOrder, warmRankCache, type LeaderboardCore, type RecordWriteInput,
} from "./index.js";
import { boardId, engines, owner, recordInput, rejectsWith, TestClock, testCore } from "./testkit.js";

const T0 = Date.parse("2030-01-01T10:00:30Z");

function write(core: LeaderboardCore, id: string, ownerId: string, score: number, over: Partial<RecordWriteInput> = {}) {
  return leaderboardRecordWrite(core, recordInput(id, ownerId, score, over));
}

const rejects = rejectsWith;

for (const engine of engines()) {
  describe(`leaderboard core on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestDb;
    let clock: TestClock;
    let core: LeaderboardCore;
    before(async () => {
      t = await engine.open();
      clock = new TestClock(T0);
      core = testCore(t.db, clock);
    });
    after(async () => t.dispose());

    test("create is idempotent; get, list and delete (records go with the board)", async () => {
      const id = boardId("life");
      const a = await leaderboardCreate(core, { id, authoritative: false, metadata: '{"weather":"rain"}', resetSchedule: "0 0 * * *" });
      assert.equal(a.created, true);
      const b = await leaderboardCreate(core, { id, authoritative: true, sortOrder: SortOrder.ASCENDING });
      assert.equal(b.created, false);
      assert.equal(b.board.authoritative, false);
      const [lb] = await leaderboardsGet(core, [id, "missing"]);
      assert.equal(lb.id, id);
      assert.equal(lb.metadata, '{"weather": "rain"}');
      assert.equal(lb.operator, ApiOperator.BEST);
      assert.equal(lb.sort_order, SortOrder.DESCENDING);
      assert.equal(lb.next_reset, Date.parse("2030-01-02T00:00:00Z") / 1000);
      assert.equal(lb.prev_reset, Date.parse("2030-01-01T00:00:00Z") / 1000);
      await write(core, id, owner(), 5);
      assert.equal(await leaderboardDelete(core, id), true);
      assert.equal(await leaderboardDelete(core, id), false);
      await rejects(write(core, id, owner(), 1), Reason.LEADERBOARD_NOT_FOUND, 5);
      const { rows } = await t.db.query("SELECT count(*)::int AS n FROM leaderboard_record WHERE leaderboard_id = $1", [id]);
      assert.equal((rows[0] as { n: number }).n, 0);
    });

    test("bad creation input has Nakama's texts", async () => {
      await assert.rejects(leaderboardCreate(core, { id: "", authoritative: false }), /expects a leaderboard ID string/);
      await assert.rejects(leaderboardCreate(core, { id: "x", authoritative: false, resetSchedule: "bad" }), /expects reset schedule to be a valid CRON expression/);
      await assert.rejects(leaderboardCreate(core, { id: "x", authoritative: false, metadata: "[1]" }), /metadata/);
    });

    test("leaderboardList pages through leaderboards only", async () => {
      const ids = [boardId("lst"), boardId("lst"), boardId("lst")];
      for (const id of ids) await leaderboardCreate(core, { id, authoritative: false });
      const seen: string[] = [];
      let cursor = "";
      do {
        const page = await leaderboardList(core, 2, cursor);
        assert.ok(page.leaderboards.length <= 2);
        seen.push(...page.leaderboards.map((l) => l.id));
        cursor = page.cursor;
      } while (cursor !== "");
      for (const id of ids) assert.ok(seen.includes(id));
      assert.equal(new Set(seen).size, seen.length);
    });

    test("best keeps the better score and the better subscore, each on its own", async () => {
      const id = boardId("best");
      await leaderboardCreate(core, { id, authoritative: false });
      const o = owner();
      let r = await write(core, id, o, 10, { subscore: 5n, username: "amy", metadata: '{"a":1}' });
      assert.deepEqual([r.score, r.subscore, r.num_score, r.username, r.metadata], ["10", "5", 1, "amy", '{"a": 1}']);
      r = await write(core, id, o, 8, { subscore: 9n });
      assert.deepEqual([r.score, r.subscore, r.num_score], ["10", "9", 2]);
      // Not better: nothing changes, num_score included.
      r = await write(core, id, o, 3, { metadata: '{"b":2}' });
      assert.deepEqual([r.score, r.subscore, r.num_score, r.metadata, r.username], ["10", "9", 2, '{"a": 1}', "amy"]);
      const asc = boardId("best-asc");
      await leaderboardCreate(core, { id: asc, authoritative: false, sortOrder: SortOrder.ASCENDING });
      await write(core, asc, o, 10);
      assert.equal((await write(core, asc, o, 4)).score, "4");
      assert.equal((await write(core, asc, o, 7)).score, "4");
    });

    test("set, incr and decr (floored at 0), and a per-write override", async () => {
      const o = owner();
      const set = boardId("set");
      await leaderboardCreate(core, { id: set, authoritative: false, operator: Operator.SET });
      await write(core, set, o, 10);
      assert.equal((await write(core, set, o, 3)).score, "3");
      assert.equal((await write(core, set, o, 3)).num_score, 2);
      const incr = boardId("incr");
      await leaderboardCreate(core, { id: incr, authoritative: false, operator: Operator.INCREMENT });
      await write(core, incr, o, 10);
      assert.equal((await write(core, incr, o, 5)).score, "15");
      assert.equal((await write(core, incr, o, 0)).num_score, 2);
      const decr = boardId("decr");
      await leaderboardCreate(core, { id: decr, authoritative: false, operator: Operator.DECREMENT });
      assert.equal((await write(core, decr, o, 10)).score, "0");
      assert.equal((await write(core, decr, o, 5, { operator: ApiOperator.INCREMENT })).score, "5");
      assert.equal((await write(core, decr, o, 2)).score, "3");
      assert.equal((await write(core, decr, o, 9)).score, "0");
      await rejects(write(core, decr, o, 1, { operator: 9 }), Reason.INVALID_OPERATOR, 3);
    });

    test("int64 scores beyond 2^53 survive exactly", async () => {
      const id = boardId("big");
      await leaderboardCreate(core, { id, authoritative: false, enableRanks: true });
      const big = 2n ** 62n + 1n;
      const r = await write(core, id, owner(), 0, { score: big });
      assert.equal(r.score, big.toString());
      assert.equal(r.rank, "1");
    });

    test("authoritative boards refuse client writes and deletes, not nk ones", async () => {
      const id = boardId("auth");
      await leaderboardCreate(core, { id, authoritative: true });
      const o = owner();
      await rejects(write(core, id, o, 1, { caller: o }), Reason.LEADERBOARD_AUTHORITATIVE, 7);
      assert.equal((await write(core, id, o, 1)).score, "1");
      await rejects(leaderboardRecordDelete(core, o, id, o), Reason.LEADERBOARD_AUTHORITATIVE, 7);
      await leaderboardRecordDelete(core, "", id, o);
      assert.equal((await leaderboardRecordsList(core, id, { ownerIds: [o], limit: null, cursor: "", overrideExpiry: 0 })).owner_records.length, 0);
    });

    test("ranked pages with next and prev cursors; owner records with ranks", async () => {
      const id = boardId("page");
      await leaderboardCreate(core, { id, authoritative: false, enableRanks: true });
      const owners: string[] = [];
      for (let i = 0; i < 25; i++) {
        const o = owner();
        owners.push(o);
        await write(core, id, o, 1000 - i * 10);
      }
      const p1 = await leaderboardRecordsList(core, id, { ownerIds: [], limit: 10, cursor: "", overrideExpiry: 0 });
      assert.deepEqual(p1.records.map((r) => r.rank), ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
      assert.deepEqual(p1.records.map((r) => r.owner_id), owners.slice(0, 10));
      assert.equal(p1.prev_cursor, "");
      assert.equal(p1.rank_count, "25");
      const p2 = await leaderboardRecordsList(core, id, { ownerIds: [], limit: 10, cursor: p1.next_cursor, overrideExpiry: 0 });
      assert.deepEqual(p2.records.map((r) => r.owner_id), owners.slice(10, 20));
      assert.equal(p2.records[0].rank, "11");
      const p3 = await leaderboardRecordsList(core, id, { ownerIds: [], limit: 10, cursor: p2.next_cursor, overrideExpiry: 0 });
      assert.deepEqual(p3.records.map((r) => r.owner_id), owners.slice(20));
      assert.equal(p3.next_cursor, "");
      const back = await leaderboardRecordsList(core, id, { ownerIds: [], limit: 10, cursor: p3.prev_cursor, overrideExpiry: 0 });
      assert.deepEqual(back.records.map((r) => r.owner_id), owners.slice(10, 20));
      assert.deepEqual(back.records.map((r) => r.rank), ["11", "12", "13", "14", "15", "16", "17", "18", "19", "20"]);
      const first = await leaderboardRecordsList(core, id, { ownerIds: [], limit: 10, cursor: back.prev_cursor, overrideExpiry: 0 });
      assert.deepEqual(first.records.map((r) => r.owner_id), owners.slice(0, 10));
      assert.equal(first.prev_cursor, "");
      const mine = await leaderboardRecordsList(core, id, { ownerIds: [owners[17], owners[3], owner()], limit: null, cursor: "", overrideExpiry: 0 });
      assert.deepEqual(mine.records, []);
      assert.deepEqual(mine.owner_records.map((r) => [r.owner_id, r.rank]), [[owners[3], "4"], [owners[17], "18"]]);
      await rejects(leaderboardRecordsList(core, id, { ownerIds: [], limit: 10, cursor: "garbage", overrideExpiry: 0 }), Reason.INVALID_CURSOR, 3);
      const other = boardId("other");
      await leaderboardCreate(core, { id: other, authoritative: false });
      await rejects(leaderboardRecordsList(core, other, { ownerIds: [], limit: 10, cursor: p1.next_cursor, overrideExpiry: 0 }), Reason.INVALID_CURSOR, 3);
    });

    test("ranks stay right under rewrites (rank cache vs. ranked pages)", async () => {
      const id = boardId("ranks");
      await leaderboardCreate(core, { id, authoritative: false, operator: Operator.SET, enableRanks: true });
      const owners = Array.from({ length: 40 }, () => owner());
      let seed = 3;
      for (let i = 0; i < 200; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        await write(core, id, owners[seed % 40], seed % 97, { subscore: BigInt(seed % 3) });
      }
      const page = await leaderboardRecordsList(core, id, { ownerIds: owners, limit: 100, cursor: "", overrideExpiry: 0 });
      const byPosition = new Map(page.records.map((r) => [r.owner_id, r.rank]));
      for (const r of page.owner_records) assert.equal(r.rank, byPosition.get(r.owner_id), r.owner_id);
      // A fresh core (cold cache, loaded from the database) agrees.
      const cold = testCore(t.db, clock);
      const again = await leaderboardRecordsList(cold, id, { ownerIds: owners, limit: null, cursor: "", overrideExpiry: 0 });
      for (const r of again.owner_records) assert.equal(r.rank, byPosition.get(r.owner_id));
      assert.equal(again.rank_count, String(page.records.length));
    });

    test("around owner: centred, at the top and at the bottom", async () => {
      const id = boardId("hay");
      await leaderboardCreate(core, { id, authoritative: false, enableRanks: true });
      const owners: string[] = [];
      for (let i = 0; i < 20; i++) {
        owners.push(owner());
        await write(core, id, owners[i], 100 - i);
      }
      const mid = await leaderboardRecordsHaystack(core, id, owners[10], 5, "", 0);
      assert.deepEqual(mid.records.map((r) => r.rank), ["9", "10", "11", "12", "13"]);
      assert.notEqual(mid.prev_cursor, "");
      assert.notEqual(mid.next_cursor, "");
      const top = await leaderboardRecordsHaystack(core, id, owners[0], 5, "", 0);
      assert.deepEqual(top.records.map((r) => r.rank), ["1", "2", "3", "4", "5"]);
      assert.equal(top.prev_cursor, "");
      const bottom = await leaderboardRecordsHaystack(core, id, owners[19], 5, "", 0);
      assert.deepEqual(bottom.records.map((r) => r.rank), ["16", "17", "18", "19", "20"]);
      assert.equal(bottom.next_cursor, "");
      const following = await leaderboardRecordsHaystack(core, id, owners[10], 5, mid.next_cursor, 0);
      assert.deepEqual(following.records.map((r) => r.rank), ["14", "15", "16", "17", "18"]);
      assert.deepEqual((await leaderboardRecordsHaystack(core, id, owner(), 5, "", 0)).records, []);
    });

    test("around owner, many at once (grouped statements): each listing as it is alone", async () => {
      const id = boardId("hay-many");
      const other = boardId("hay-other");
      await leaderboardCreate(core, { id, authoritative: false, enableRanks: true });
      await leaderboardCreate(core, { id: other, authoritative: false, sortOrder: SortOrder.ASCENDING });
      const owners = Array.from({ length: 30 }, () => owner());
      await Promise.all(owners.map((o, i) => write(core, id, o, 1000 - 7 * i, { subscore: BigInt(i % 3), metadata: `{"i":${i}}` })));
      await Promise.all(owners.slice(0, 10).map((o, i) => write(core, other, o, i % 4)));
      const asks = [
        ...owners.map((o, i) => [id, o, 1 + (i % 3) * 4] as const),
        ...owners.slice(0, 12).map((o) => [other, o, 5] as const),
        [id, owner(), 5] as const,
        [id, owners[4], 5] as const,
      ];
      const alone = [];
      for (const [b, o, limit] of asks) alone.push(await leaderboardRecordsHaystack(core, b, o, limit, "", 0));
      const together = await Promise.all(asks.map(([b, o, limit]) => leaderboardRecordsHaystack(core, b, o, limit, "", 0)));
      assert.deepEqual(together, alone);
      assert.ok(alone.some((l) => l.records.length === 9));
      assert.deepEqual(alone[asks.length - 2].records, []);
    });

    test("around owner, windows over 100 records (size as a parameter), alone and grouped, by index and by SQL", async () => {
      const id = boardId("hay-wide");
      await leaderboardCreate(core, { id, authoritative: false, enableRanks: true });
      const owners = Array.from({ length: 130 }, () => owner());
      await Promise.all(owners.map((o, i) => write(core, id, o, 5000 - 3 * i)));
      const asks = [[owners[60], 120], [owners[70], 121], [owners[5], 101], [owners[80], 20], [owners[90], 20]] as const;
      const alone = [];
      for (const [o, limit] of asks) alone.push(await leaderboardRecordsHaystack(core, id, o, limit, "", 0));
      assert.deepEqual(alone.map((l) => l.records.length), [120, 121, 101, 20, 20]);
      assert.deepEqual(alone[0].records.map((r) => Number(r.rank)), Array.from({ length: 120 }, (_, i) => i + 1 + 1));
      const together = await Promise.all(asks.map(([o, limit]) => leaderboardRecordsHaystack(core, id, o, limit, "", 0)));
      assert.deepEqual(together, alone);
      // The same through the SQL neighbours read (sizes limit + 1: over 101 as a parameter), alone and grouped.
      const viaSql: LeaderboardCore = { ...core, ranks: Object.assign(Object.create(core.ranks) as typeof core.ranks, { neighbourhood: async () => null }) };
      const sqlAlone = [];
      for (const [o, limit] of asks) sqlAlone.push(await leaderboardRecordsHaystack(viaSql, id, o, limit, "", 0));
      assert.deepEqual(sqlAlone, alone);
      const sqlTogether = await Promise.all([...asks, ...asks].map(([o, limit]) => leaderboardRecordsHaystack(viaSql, id, o, limit, "", 0)));
      assert.deepEqual(sqlTogether, [...alone, ...alone]);
    });

    test("around owner from the rank index equals the listing read around the owner in SQL", async () => {
      // The same core, except that its rank cache never picks a window: every listing goes the SQL way.
      const viaSql: LeaderboardCore = { ...core, ranks: Object.assign(Object.create(core.ranks) as typeof core.ranks, { neighbourhood: async () => null }) };
      for (const sortOrder of [SortOrder.DESCENDING, SortOrder.ASCENDING]) {
        const id = boardId("hay-same");
        await leaderboardCreate(core, { id, authoritative: false, sortOrder, enableRanks: true });
        // Ties on score and on subscore, so owner ids decide part of the order.
        const owners = Array.from({ length: 23 }, () => owner());
        for (const [i, o] of owners.entries()) await write(core, id, o, i % 5, { subscore: BigInt(i % 2), metadata: `{"i":${i}}` });
        for (const o of owners) {
          for (const limit of [1, 2, 3, 4, 5, 8, 11, 22, 23, 100]) {
            const fast = await leaderboardRecordsHaystack(core, id, o, limit, "", 0);
            assert.deepEqual(fast, await leaderboardRecordsHaystack(viaSql, id, o, limit, "", 0), `${sortOrder} ${limit}`);
            assert.ok(fast.records.some((r) => r.owner_id === o));
          }
        }
      }
    });

    test("around owner: a record the rank index does not know yet is still listed", async () => {
      const id = boardId("hay-stale");
      await leaderboardCreate(core, { id, authoritative: false, enableRanks: true });
      const owners = Array.from({ length: 10 }, () => owner());
      for (const [i, o] of owners.entries()) await write(core, id, o, 100 - 10 * i);
      assert.equal((await leaderboardRecordsHaystack(core, id, owners[5], 3, "", 0)).records.length, 3);
      // Another process (its own core and rank cache) writes next to owner 5; this core never hears of it.
      const other = testCore(t.db, clock);
      const late = owner();
      await write(other, id, late, 49);
      const list = await leaderboardRecordsHaystack(core, id, owners[5], 3, "", 0);
      assert.deepEqual(list.records.map((r) => r.owner_id), [owners[4], owners[5], late]);
    });

    test("record times are the stored times truncated to whole seconds", async () => {
      const id = boardId("times");
      await leaderboardCreate(core, { id, authoritative: false });
      const o = owner();
      await write(core, id, o, 1);
      // Just below a whole second, the case a rounding conversion would get wrong.
      await t.db.query("UPDATE leaderboard_record SET create_time = '2031-05-06 07:08:09.999999+00', update_time = '1969-12-31 23:59:58.000001+00' WHERE leaderboard_id = $1", [id]);
      const [r] = (await leaderboardRecordsList(core, id, { ownerIds: [o], limit: null, cursor: "", overrideExpiry: 0 })).owner_records;
      assert.equal(r.create_time?.toISOString(), "2031-05-06T07:08:09.000Z");
      assert.equal(r.update_time?.toISOString(), "1969-12-31T23:59:58.000Z");
    });

    test("a reset schedule starts a new period; old periods stay readable by expiry", async () => {
      const id = boardId("reset");
      await leaderboardCreate(core, { id, authoritative: false, resetSchedule: "* * * * *", enableRanks: true });
      const o = owner();
      const first = await write(core, id, o, 50);
      const firstExpiry = Date.parse("2030-01-01T10:01:00Z") / 1000;
      assert.equal(first.expiry_time?.getTime(), firstExpiry * 1000);
      const listed = await leaderboardRecordsList(core, id, { ownerIds: [], limit: 10, cursor: "", overrideExpiry: 0 });
      clock.advance(60);
      const now = await leaderboardRecordsList(core, id, { ownerIds: [o], limit: 10, cursor: "", overrideExpiry: 0 });
      assert.deepEqual([now.records.length, now.owner_records.length], [0, 0]);
      const old = await leaderboardRecordsList(core, id, { ownerIds: [o], limit: 10, cursor: "", overrideExpiry: firstExpiry });
      assert.equal(old.records[0].score, "50");
      const second = await write(core, id, o, 7);
      assert.deepEqual([second.score, second.num_score, second.rank], ["7", 1, "1"]);
      // A cursor of the previous period is refused.
      await write(core, id, owner(), 1);
      assert.equal(listed.next_cursor, "");
      const page = await leaderboardRecordsList(core, id, { ownerIds: [], limit: 1, cursor: "", overrideExpiry: firstExpiry });
      await rejects(leaderboardRecordsList(core, id, { ownerIds: [], limit: 1, cursor: page.next_cursor || "x", overrideExpiry: 0 }), Reason.INVALID_CURSOR, 3);
    });

    test("cursor from rank starts a page at that rank", async () => {
      const id = boardId("fromrank");
      await leaderboardCreate(core, { id, authoritative: false, enableRanks: true });
      const owners = Array.from({ length: 12 }, () => owner());
      for (let i = 0; i < owners.length; i++) await write(core, id, owners[i], 500 - i);
      const cursor = await leaderboardRecordsListCursorFromRank(core, id, 6, 0);
      const page = await leaderboardRecordsList(core, id, { ownerIds: [], limit: 3, cursor, overrideExpiry: 0 });
      assert.deepEqual(page.records.map((r) => [r.owner_id, r.rank]), [[owners[5], "6"], [owners[6], "7"], [owners[7], "8"]]);
    });

    test("50 concurrent increments of one owner add up exactly", async () => {
      const id = boardId("conc");
      await leaderboardCreate(core, { id, authoritative: false, operator: Operator.INCREMENT, enableRanks: true });
      const o = owner();
      await Promise.all(Array.from({ length: 50 }, () => write(core, id, o, 3)));
      const [r] = (await leaderboardRecordsList(core, id, { ownerIds: [o], limit: null, cursor: "", overrideExpiry: 0 })).owner_records;
      assert.deepEqual([r.score, r.num_score, r.rank], ["150", 50, "1"]);
    });

    test("concurrent first writes of one owner with one score (primary-key race) all land", async () => {
      const id = boardId("race");
      await leaderboardCreate(core, { id, authoritative: false, operator: Operator.INCREMENT });
      const owners = Array.from({ length: 10 }, () => owner());
      await Promise.all(owners.flatMap((o) => Array.from({ length: 5 }, () => write(core, id, o, 0, { subscore: 1n }))));
      const list = await leaderboardRecordsList(core, id, { ownerIds: owners, limit: null, cursor: "", overrideExpiry: 0 });
      assert.equal(list.owner_records.length, 10);
      for (const r of list.owner_records) assert.deepEqual([r.subscore, r.num_score], ["5", 5]);
    });

    test("concurrent writes of many owners each get their own answer (better, worse, same, kept fields)", async () => {
      for (const operator of [Operator.BEST, Operator.SET, Operator.INCREMENT]) {
        const id = boardId(`many-${operator}`);
        await leaderboardCreate(core, { id, authoritative: false, operator, enableRanks: true });
        const owners = Array.from({ length: 40 }, () => owner());
        const first = await Promise.all(owners.map((o, i) => write(core, id, o, 100 + i, { username: `u${i}`, metadata: `{"i":${i}}` })));
        assert.deepEqual(first.map((r) => [r.score, r.num_score, r.username, r.metadata]), owners.map((_, i) => [String(100 + i), 1, `u${i}`, `{"i": ${i}}`]));
        // i % 4: 0 higher with new metadata, 1 lower, 2 the same score, 3 higher with no metadata/username.
        // (increments cannot be negative: 1 adds a little instead.)
        const delta = (i: number): number => [50, operator === Operator.INCREMENT ? 3 : -50, 0, 7][i % 4];
        const second = await Promise.all(owners.map((o, i) => write(core, id, o, operator === Operator.INCREMENT ? delta(i) : 100 + i + delta(i), {
          metadata: i % 4 === 3 ? "" : `{"j":${i}}`, username: i % 4 === 3 ? "" : `v${i}`,
        })));
        second.forEach((r, i) => {
          const changed = operator === Operator.INCREMENT ? delta(i) !== 0 : operator === Operator.SET ? delta(i) !== 0 : delta(i) > 0;
          const score = operator === Operator.BEST ? 100 + i + Math.max(delta(i), 0) : 100 + i + delta(i);
          const meta = changed && i % 4 !== 3 ? `{"j": ${i}}` : `{"i": ${i}}`;
          const name = changed && i % 4 !== 3 ? `v${i}` : `u${i}`;
          assert.deepEqual([r.score, r.num_score, r.metadata, r.username], [String(score), changed ? 2 : 1, meta, name], `operator ${operator}, owner ${i}`);
        });
        const list = await leaderboardRecordsList(core, id, { ownerIds: [], limit: 100, cursor: "", overrideExpiry: 0 });
        assert.deepEqual(list.records.map((r) => r.rank), list.records.map((_, k) => String(k + 1)));
        const cached = await leaderboardRecordsList(core, id, { ownerIds: owners, limit: null, cursor: "", overrideExpiry: 0 });
        const rankOf = new Map(list.records.map((r) => [r.owner_id, r.rank]));
        for (const r of cached.owner_records) assert.equal(r.rank, rankOf.get(r.owner_id));
        assert.deepEqual(list.records.map((r) => r.score), [...second].map((r) => r.score).sort((a, b) => Number(b) - Number(a)));
      }
    });

    test("account deletion removes every record of the user and its rank", async () => {
      const id = boardId("gdpr");
      await leaderboardCreate(core, { id, authoritative: false, enableRanks: true });
      const [a, b] = [owner(), owner()];
      await write(core, id, a, 10);
      await write(core, id, b, 5);
      await t.db.tx((q) => recordsDeletionStep(core)(q, a));
      const list = await leaderboardRecordsList(core, id, { ownerIds: [a, b], limit: 10, cursor: "", overrideExpiry: 0 });
      assert.deepEqual(list.records.map((r) => r.owner_id), [b]);
      assert.deepEqual(list.owner_records.map((r) => r.rank), ["1"]);
    });

    test("warming loads the current period of every board with ranks", async () => {
      const id = boardId("warm");
      await leaderboardCreate(core, { id, authoritative: false, enableRanks: true });
      for (let i = 0; i < 3; i++) await write(core, id, owner(), i);
      const fresh = testCore(t.db, clock);
      const before = fresh.ranks.periods;
      const warmed = await warmRankCache(fresh);
      assert.ok(warmed.boards >= 1 && warmed.records >= 3);
      assert.ok(fresh.ranks.periods > before);
    });

    test("ranks are off unless enabled; the blacklist turns them off", async () => {
      const id = boardId("noranks");
      await leaderboardCreate(core, { id, authoritative: false });
      const o = owner();
      assert.equal((await write(core, id, o, 1)).rank, "0");
      const list = await leaderboardRecordsList(core, id, { ownerIds: [o], limit: 5, cursor: "", overrideExpiry: 0 });
      assert.deepEqual([list.records[0].rank, list.owner_records[0].rank, list.rank_count], ["1", "0", "0"]);
      const listed = boardId("listed");
      const blocked = testCore(t.db, clock, [listed]);
      await leaderboardCreate(blocked, { id: listed, authoritative: false, enableRanks: true });
      assert.equal((await write(blocked, listed, o, 1)).rank, "0");
    });
  });
}
