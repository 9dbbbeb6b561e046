// Tests of the leaderboard scheduler actor with a ManualClock (kernel timers) and a wall clock derived from
// it, on PGlite and PostgreSQL: a one-minute leaderboard resets every minute and its records start a new
// period; a tournament's window end and reset fire with Nakama's arguments and its seats go back to 0;
// boards created later are planned, deleted ones are not called, and a failing callback spares the others.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { api } from "../../proto/index.js";
import { silentLogger } from "../../src/log.js";
import type { TestDb } from "../../src/storage/testing.js";
import {
  leaderboardCreate, leaderboardDelete, leaderboardRecordsList, leaderboardRecordWrite, type LeaderboardCore,
} from "../../src/services/leaderboard/index.js";
import { boardId, engines, owner, testCore } from "../../src/services/leaderboard/testkit.js";
import { tournamentCreate, tournamentRecordWrite, tournamentsGet, type SchedulePlan } from "../../src/services/tournament/index.js";
import { createKernel, ManualClock, type Kernel } from "../kernel/index.js";
import { Probe } from "../kernel/testkit.js";
import { startLeaderboardScheduler, type LeaderboardScheduler } from "./index.js";

const BASE = Date.parse("2030-06-01T00:00:10Z");
/** Deadline for each awaited event (real time; the machine is shared and PGlite is slow under load). */
const WAIT = 10_000;
const sec = (iso: string): number => Date.parse(iso) / 1000;

interface Rig {
  kernel: Kernel;
  clock: ManualClock;
  core: LeaderboardCore;
  scheduler: LeaderboardScheduler;
  plans: Probe<SchedulePlan>;
  /** Instants whose work is done: [kind, at, failed callbacks]. */
  ran: Probe<[string, number, number]>;
  /** Moves both clocks forward. */
  advance(ms: number): void;
}

function rig(db: TestDb["db"]): Rig {
  const clock = new ManualClock();
  // The wall clock the domain reads moves with the kernel's manual clock.
  const now = (): number => BASE + clock.now();
  const kernel = createKernel({ log: silentLogger(), clock });
  const core = testCore(db, { now });
  const plans = new Probe<SchedulePlan>();
  const ran = new Probe<[string, number, number]>();
  const scheduler = startLeaderboardScheduler(kernel.root, {
    core, log: silentLogger(), now, replanMs: 3_600_000, onPlan: (p) => plans.push(p), onRan: (k, at, failed) => ran.push([k, at, failed]),
  });
  return { kernel, clock, core, scheduler, plans, ran, advance: (ms) => clock.advance(ms) };
}

for (const engine of engines()) {
  describe(`leaderboard scheduler on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestDb;
    before(async () => {
      t = await engine.open();
    });
    after(async () => t.dispose());

    test("a one-minute leaderboard resets each minute; each period has its own records", { timeout: 20_000 }, async () => {
      const r = rig(t.db);
      const id = boardId("minute");
      const resets = new Probe<{ lb: api.Leaderboard; reset: number }>();
      r.scheduler.onLeaderboardReset((lb, reset) => {
        if (lb.id === id) resets.push({ lb, reset });
      });
      await r.plans.count(1, WAIT);
      await leaderboardCreate(r.core, { id, authoritative: false, resetSchedule: "* * * * *", enableRanks: true });
      await r.plans.until((ps) => ps.some((p) => p.expiry?.ids.includes(id) ?? false), WAIT);
      const o = owner();
      const w = (score: number) => leaderboardRecordWrite(r.core, { caller: "", leaderboardId: id, ownerId: o, username: "", score: BigInt(score), subscore: 0n, metadata: "" });
      assert.equal((await w(10)).expiry_time?.getTime(), sec("2030-06-01T00:01:00Z") * 1000);
      const planned = r.plans.seen.length;
      r.advance(50_000);
      await resets.count(1, WAIT);
      assert.equal(resets.seen[0].reset, sec("2030-06-01T00:01:00Z"));
      assert.deepEqual([resets.seen[0].lb.prev_reset, resets.seen[0].lb.next_reset], [sec("2030-06-01T00:00:00Z"), sec("2030-06-01T00:01:00Z")]);
      const current = await leaderboardRecordsList(r.core, id, { ownerIds: [o], limit: 10, cursor: "", overrideExpiry: 0 });
      assert.deepEqual([current.records.length, current.owner_records.length], [0, 0]);
      assert.deepEqual([(await w(3)).score, (await w(4)).num_score], ["3", 2]);
      await r.plans.count(planned + 1, WAIT);
      r.advance(60_000);
      await resets.count(2, WAIT);
      assert.equal(resets.seen[1].reset, sec("2030-06-01T00:02:00Z"));
      await r.kernel.shutdown();
    });

    test("a tournament's window end and reset fire with (tournament, end, reset); seats go back to 0", { timeout: 20_000 }, async () => {
      const r = rig(t.db);
      const id = boardId("cup");
      const ends = new Probe<[api.Tournament, number, number]>();
      const resets = new Probe<[api.Tournament, number, number]>();
      r.scheduler.onTournamentEnd((tt, end, reset) => {
        if (tt.id === id) ends.push([tt, end, reset]);
      });
      r.scheduler.onTournamentReset((tt, end, reset) => {
        if (tt.id === id) resets.push([tt, end, reset]);
      });
      await r.plans.count(1, WAIT);
      await tournamentCreate(r.core, {
        id, duration: 20, resetSchedule: "* * * * *", startTime: BASE / 1000, maxSize: 5, authoritative: false,
      });
      await r.plans.until((ps) => ps.some((p) => p.end?.ids.includes(id) ?? false), WAIT);
      await tournamentRecordWrite(r.core, { caller: "", leaderboardId: id, ownerId: owner(), username: "", score: 1n, subscore: 0n, metadata: "" });
      r.advance(10_000);
      await ends.count(1, WAIT);
      assert.deepEqual([ends.seen[0][1], ends.seen[0][2]], [sec("2030-06-01T00:00:20Z"), sec("2030-06-01T00:01:00Z")]);
      await r.plans.until((ps) => ps.some((p) => p.end === null || p.end.at > sec("2030-06-01T00:00:20Z")), WAIT);
      r.advance(40_000);
      await resets.count(1, WAIT);
      const [tt, end, reset] = resets.seen[0];
      assert.deepEqual([tt.size, end, reset], [1, sec("2030-06-01T00:00:20Z"), sec("2030-06-01T00:01:00Z")]);
      const [now] = await tournamentsGet(r.core, [id]);
      assert.equal(now.size, 0);
      await r.kernel.shutdown();
    });

    test("boards created later are planned; deleted ones are not called; a failing callback spares the others", { timeout: 20_000 }, async () => {
      const r = rig(t.db);
      const [kept, gone] = [boardId("kept"), boardId("gone")];
      const calls = new Probe<string>();
      const all: string[] = [];
      r.scheduler.onLeaderboardReset(() => {
        throw new Error("module bug");
      });
      r.scheduler.onLeaderboardReset((lb) => {
        all.push(lb.id);
        if (lb.id === kept || lb.id === gone) calls.push(lb.id);
      });
      await r.plans.count(1, WAIT);
      // Boards of the other tests (same database) share the instant; the callbacks filter by id.
      await leaderboardCreate(r.core, { id: kept, authoritative: false, resetSchedule: "* * * * *" });
      await leaderboardCreate(r.core, { id: gone, authoritative: false, resetSchedule: "* * * * *" });
      await r.plans.until((ps) => ps.some((p) => (p.expiry?.ids.includes(kept) ?? false) && p.expiry!.ids.includes(gone)), WAIT);
      await leaderboardDelete(r.core, gone);
      await r.plans.until((ps) => ps.some((p) => (p.expiry?.ids.includes(kept) ?? false) && !p.expiry!.ids.includes(gone)), WAIT);
      r.advance(50_000);
      // Other tests' tournaments end earlier (00:00:20): wait for the reset instant's work.
      const done = await r.ran.until((seen) => seen.some(([kind]) => kind === "expiry"), WAIT);
      const [, , failed] = done.find(([kind]) => kind === "expiry")!;
      assert.deepEqual(calls.seen, [kept]);
      // The throwing callback failed on every reset the other callback saw (ours and other tests' boards).
      assert.ok(all.includes(kept));
      assert.equal(failed, all.length);
      await r.kernel.shutdown();
    });
  });
}
