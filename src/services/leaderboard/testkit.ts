// Owns test helpers of the leaderboard and tournament services: the databases a suite runs against
// (in-memory PGlite always, PostgreSQL when TROUPE_TEST_DATABASE_URL is set, else skipped with a reason),
// a core with a hand-moved wall clock, and owner ids.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { silentLogger } from "../../log.js";
import type { Db } from "../../storage/db.js";
import { migrateUp } from "../../storage/migrate.js";
import { openMemoryDb, openTestPostgres, type TestDb } from "../../storage/testing.js";
import { createLeaderboardCore, type LeaderboardCore } from "./core.js";
import type { RecordWriteInput } from "./records.js";

export interface Engine {
  name: "pglite" | "postgres";
  /** Why the engine is skipped, or undefined when it runs. */
  skip: string | undefined;
  open(): Promise<TestDb>;
}

/** The engines a suite runs against; PostgreSQL only when TROUPE_TEST_DATABASE_URL is set. */
export function engines(): Engine[] {
  const url = process.env.TROUPE_TEST_DATABASE_URL || undefined;
  return [
    { name: "pglite", skip: undefined, open: () => openMemoryDb() },
    {
      name: "postgres",
      skip: url === undefined ? "TROUPE_TEST_DATABASE_URL is not set" : undefined,
      open: async () => {
        const t = await openTestPostgres(url as string, { maxOpenConns: 20 });
        await migrateUp(t.db);
        return t;
      },
    },
  ];
}

/** A wall clock tests move by hand (unix ms). */
export class TestClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
  get sec(): number {
    return Math.floor(this.ms / 1000);
  }
}

export function testCore(db: Db, clock?: { readonly now: () => number }, blacklist?: readonly string[]): LeaderboardCore {
  return createLeaderboardCore({ db, log: silentLogger(), now: clock?.now, rankCacheBlacklist: blacklist });
}

export function owner(): string {
  return randomUUID();
}

/** A unique board id per test. */
export function boardId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A record write by `ownerId` (no caller: the runtime's path) with `over` applied. */
export function recordInput(id: string, ownerId: string, score: number, over: Partial<RecordWriteInput> = {}): RecordWriteInput {
  return { caller: "", leaderboardId: id, ownerId, username: "", score: BigInt(score), subscore: 0n, metadata: "", ...over };
}

/** Asserts that `p` fails with this LeaderboardError reason and gRPC code. */
export async function rejectsWith(p: Promise<unknown>, reason: string, code: number): Promise<void> {
  await assert.rejects(p, (e: { reason?: string; code?: number }) => e.reason === reason && e.code === code);
}
