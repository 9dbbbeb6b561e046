// Unit tests of the tournament core against PGlite and PostgreSQL: creation checks, the active window,
// attempts (max_num_score, add attempt), join-required tournaments, seats under concurrent joins and first
// writes, listing filters and cursors, get by ids, ended tournaments, and the scheduler's reset work.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TestDb } from "../../storage/testing.js";
import { leaderboardCreate, Operator, Reason, type LeaderboardCore, type RecordWriteInput } from "../leaderboard/index.js";
import { boardId, engines, owner, recordInput, rejectsWith, TestClock, testCore } from "../leaderboard/testkit.js";
import {
  endDue, planSchedule, resetDue, tournamentAddAttempt, tournamentCreate, tournamentDelete, tournamentJoin, tournamentList,
  tournamentRecordDelete, tournamentRecordsHaystack, tournamentRecordsList, tournamentRecordWrite, tournamentsGet,
  type TournamentCreateInput,
} from "./index.js";

const T0 = Date.parse("2030-03-01T10:00:00Z");
const sec = (iso: string): number => Date.parse(iso) / 1000;

function write(core: LeaderboardCore, id: string, ownerId: string, score: number, over: Partial<RecordWriteInput> = {}) {
  return tournamentRecordWrite(core, recordInput(id, ownerId, score, over));
}

const rejects = rejectsWith;

for (const engine of engines()) {
  describe(`tournament core on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestDb;
    let clock: TestClock;
    let core: LeaderboardCore;
    before(async () => {
      t = await engine.open();
      clock = new TestClock(T0);
      core = testCore(t.db, clock);
    });
    after(async () => t.dispose());

    const create = async (over: Partial<TournamentCreateInput> = {}): Promise<string> => {
      const id = over.id ?? boardId("tour");
      await tournamentCreate(core, { id, duration: 3600, startTime: clock.sec, ...over });
      return id;
    };

    test("creation checks have Nakama's texts; creation is idempotent; a leaderboard id is taken", async () => {
      const cases: Array<[Partial<TournamentCreateInput>, RegExp]> = [
        [{ duration: 0 }, /duration must be > 0/],
        [{ category: 128 }, /category must be 0-127/],
        [{ startTime: -1 }, /start time must be a unix UTC time in the future/],
        [{ maxSize: -1 }, /tournament max must be greater than zero/],
        [{ startTime: clock.sec, endTime: clock.sec - 10 }, /end time cannot be before start time/],
        [{ resetSchedule: "nope" }, /could not parse reset schedule/],
        [{ resetSchedule: "0 0 * * *", startTime: clock.sec, endTime: clock.sec + 60 }, /cannot be before first reset schedule/],
      ];
      for (const [over, re] of cases) {
        await assert.rejects(tournamentCreate(core, { id: boardId("bad"), duration: 60, ...over }), re);
      }
      const id = await create({ title: "Cup" });
      const again = await tournamentCreate(core, { id, duration: 5, title: "Other" });
      assert.equal(again.created, false);
      assert.equal(again.board.title, "Cup");
      const lb = boardId("lb");
      await leaderboardCreate(core, { id: lb, authoritative: false });
      await assert.rejects(tournamentCreate(core, { id: lb, duration: 60 }), /leaderboard is already in use/);
    });

    test("scores only inside the active window; authoritative tournaments refuse clients", async () => {
      const later = await create({ startTime: clock.sec + 600 });
      await rejects(write(core, later, owner(), 1), Reason.TOURNAMENT_OUTSIDE_DURATION, 9);
      const open = await create({ authoritative: false, duration: 60 });
      const o = owner();
      assert.equal((await write(core, open, o, 5, { caller: o })).score, "5");
      const auth = await create();
      await rejects(write(core, auth, o, 1, { caller: o }), Reason.TOURNAMENT_AUTHORITATIVE, 7);
      clock.advance(61);
      await rejects(write(core, open, o, 6), Reason.TOURNAMENT_OUTSIDE_DURATION, 9);
      await rejects(write(core, "missing", o, 6), Reason.TOURNAMENT_NOT_FOUND, 5);
    });

    test("every attempt counts; past max_num_score the write is refused; add attempt gives more", async () => {
      const id = await create({ maxNumScore: 2, operator: Operator.BEST });
      const o = owner();
      await write(core, id, o, 5);
      const second = await write(core, id, o, 3);
      assert.deepEqual([second.score, second.num_score, second.max_num_score], ["5", 2, 2]);
      await rejects(write(core, id, o, 9), Reason.TOURNAMENT_MAX_NUM_SCORE, 9);
      await tournamentAddAttempt(core, id, o, 1);
      assert.equal((await write(core, id, o, 9)).score, "9");
      await rejects(write(core, id, o, 10), Reason.TOURNAMENT_MAX_NUM_SCORE, 9);
    });

    test("join-required: no write before joining; join is idempotent and takes one seat", async () => {
      const id = await create({ joinRequired: true, maxSize: 10, enableRanks: true });
      const o = owner();
      await rejects(write(core, id, o, 1), Reason.TOURNAMENT_JOIN_REQUIRED, 9);
      await tournamentJoin(core, id, o, "joiner");
      await tournamentJoin(core, id, o, "joiner");
      const r = await write(core, id, o, 4);
      assert.deepEqual([r.score, r.num_score, r.username, r.rank], ["4", 1, "joiner", "1"]);
      const [tt] = await tournamentsGet(core, [id]);
      assert.equal(tt.size, 1);
      assert.equal(tt.join_required, true);
    });

    test("concurrent joins never exceed max size; refused joins leave nothing behind", async () => {
      const id = await create({ joinRequired: true, maxSize: 5 });
      const owners = Array.from({ length: 20 }, () => owner());
      const results = await Promise.allSettled(owners.map((o) => tournamentJoin(core, id, o, "")));
      const ok = results.filter((r) => r.status === "fulfilled").length;
      assert.equal(ok, 5);
      for (const r of results) {
        if (r.status === "rejected") assert.equal((r.reason as { reason?: string }).reason, Reason.TOURNAMENT_MAX_SIZE);
      }
      const { rows } = await t.db.query<{ n: number; size: number }>(
        "SELECT (SELECT count(*)::int FROM leaderboard_record WHERE leaderboard_id = $1) AS n, size FROM leaderboard WHERE id = $1", [id],
      );
      assert.deepEqual([rows[0].n, rows[0].size], [5, 5]);
    });

    test("concurrent first writes to an open tournament with a max size take exactly max size seats", async () => {
      const id = await create({ maxSize: 4 });
      const owners = Array.from({ length: 12 }, () => owner());
      const results = await Promise.allSettled(owners.map((o) => write(core, id, o, 1)));
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 4);
      const list = await tournamentRecordsList(core, id, { ownerIds: [], limit: 100, cursor: "", overrideExpiry: 0 });
      assert.equal(list.records.length, 4);
    });

    test("listing by category, start and end time, with cursors", async () => {
      const base = clock.sec + 10_000;
      const ids = {
        a: await create({ category: 90, startTime: base, endTime: base + 7200 }),
        b: await create({ category: 91, startTime: base, endTime: 0 }),
        c: await create({ category: 92, startTime: base + 100, endTime: base + 3600 }),
        d: await create({ category: 95, startTime: base }),
      };
      const list = (over: Partial<Parameters<typeof tournamentList>[1]>) =>
        tournamentList(core, { categoryStart: 90, categoryEnd: 94, startTime: -1, endTime: -1, limit: 100, cursor: "", ...over });
      assert.deepEqual((await list({})).tournaments.map((x) => x.id), [ids.a, ids.b, ids.c]);
      assert.deepEqual((await list({ endTime: 0 })).tournaments.map((x) => x.id), [ids.b]);
      assert.deepEqual((await list({ endTime: base + 4000 })).tournaments.map((x) => x.id), [ids.c]);
      assert.deepEqual((await list({ startTime: base + 50 })).tournaments.map((x) => x.id), [ids.c]);
      const p1 = await list({ limit: 2 });
      const p2 = await list({ limit: 2, cursor: p1.cursor });
      assert.deepEqual([...p1.tournaments, ...p2.tournaments].map((x) => x.id), [ids.a, ids.b, ids.c]);
      assert.equal(p2.cursor, "");
      const [a] = p1.tournaments;
      assert.deepEqual([a.category, a.can_enter, a.start_active, a.end_active], [90, false, base, base + 3600]);
    });

    test("an ended tournament has no current records to list; past periods stay readable", async () => {
      const start = clock.sec;
      const id = await create({ startTime: start, endTime: start + 120, duration: 60 });
      const o = owner();
      await write(core, id, o, 3);
      clock.advance(121);
      await rejects(tournamentRecordsList(core, id, { ownerIds: [], limit: 10, cursor: "", overrideExpiry: 0 }), Reason.TOURNAMENT_OUTSIDE_DURATION, 9);
      const old = await tournamentRecordsList(core, id, { ownerIds: [o], limit: 10, cursor: "", overrideExpiry: start + 120 });
      assert.equal(old.owner_records[0].score, "3");
      assert.deepEqual((await tournamentRecordsHaystack(core, id, o, 10, "", 0)).records, []);
    });

    test("delete own record; delete the tournament", async () => {
      const id = await create({ authoritative: false });
      const o = owner();
      await write(core, id, o, 3);
      await rejects(tournamentRecordDelete(core, owner(), "missing", o), Reason.TOURNAMENT_NOT_FOUND, 5);
      await tournamentRecordDelete(core, o, id, o);
      assert.deepEqual((await tournamentRecordsList(core, id, { ownerIds: [o], limit: null, cursor: "", overrideExpiry: 0 })).owner_records, []);
      await tournamentDelete(core, id);
      assert.deepEqual(await tournamentsGet(core, [id]), []);
    });

    test("schedule plan, reset (seats back to 0) and end views", async () => {
      const planClock = new TestClock(Date.parse("2031-05-01T11:30:00Z"));
      const c = testCore(t.db, planClock);
      const id = boardId("sched");
      await tournamentCreate(c, { id, duration: 1800, resetSchedule: "0 12 * * *", startTime: sec("2031-04-01T00:00:00Z"), maxSize: 3, authoritative: false });
      planClock.ms = Date.parse("2031-05-01T12:10:00Z");
      await write(c, id, owner(), 1);
      const plan = await planSchedule(c, planClock.sec);
      assert.ok(plan.end !== null && plan.end.at <= sec("2031-05-01T12:30:00Z"));
      assert.ok(plan.expiry !== null && plan.expiry.at <= sec("2031-05-02T12:00:00Z"));
      const ended = await endDue(c, id, sec("2031-05-01T12:30:00Z"));
      assert.equal(ended?.end_active, sec("2031-05-01T12:30:00Z"));
      const due = await resetDue(c, id, sec("2031-05-02T12:00:00Z"));
      assert.equal(due?.kind, "tournament");
      assert.equal(due?.kind === "tournament" ? due.tournament.size : -1, 1);
      const [after] = await tournamentsGet(c, [id]);
      assert.equal(after.size, 0);
      assert.equal(await resetDue(c, "missing", 1), null);
    });
  });
}
