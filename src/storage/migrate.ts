// Owns schema migrations: reading `data/migrations/NNNN_name.{up,down}.sql` (found from the package root, so
// it works from src/ under tsx and from dist/), applying and reverting them one transaction each, the
// `migration_info` tracking table (id, applied_at, as Nakama's sql-migrate keeps it), and the start-up
// check that refuses an outdated schema. Every run holds a transaction-scoped advisory lock, so two
// processes migrating one database at once apply each migration exactly once.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Code, GameError } from "../errors.js";
import { packageRoot } from "../lib/paths.js";
import type { Db, Queryable } from "./db.js";

export interface Migration {
  /** File stem without direction, e.g. "0001_users"; also the `migration_info.id`. */
  id: string;
  up: string;
  down: string;
}

export interface MigrationState {
  id: string;
  appliedAt: Date | null;
}

export interface MigrateOptions {
  /** Migrations to use instead of reading `data/migrations` (tests). */
  migrations?: readonly Migration[];
}

export const outdatedSchemaMessage = "DB schema outdated, run `troupe migrate up`";

// Any fixed 64-bit key: it names the lock every migrating process takes.
const lockKey = "7350735173527353";

const fileRe = /^(\d+)_([a-z0-9_]+)\.(up|down)\.sql$/;

export function migrationsDir(): string {
  return join(packageRoot(), "data", "migrations");
}

/** Reads and validates the migration files, ordered by number. Both directions are required. */
export async function loadMigrations(dir: string = migrationsDir()): Promise<Migration[]> {
  const byId = new Map<string, { num: number; up?: string; down?: string }>();
  const numbers = new Map<number, string>();
  for (const file of (await readdir(dir)).sort()) {
    if (!file.endsWith(".sql")) continue;
    const m = fileRe.exec(file);
    if (m === null) throw new Error(`bad migration file name ${file} (want NNNN_name.up.sql / .down.sql)`);
    const [, digits, name, direction] = m;
    const id = `${digits}_${name}`;
    const num = Number(digits);
    const other = numbers.get(num);
    if (other !== undefined && other !== id) throw new Error(`migrations ${other} and ${id} share number ${num}`);
    numbers.set(num, id);
    const entry = byId.get(id) ?? { num };
    entry[direction as "up" | "down"] = await readFile(join(dir, file), "utf8");
    byId.set(id, entry);
  }
  const list = [...byId.entries()].sort((a, b) => a[1].num - b[1].num);
  return list.map(([id, e]) => {
    if (e.up === undefined || e.down === undefined) throw new Error(`migration ${id} needs both .up.sql and .down.sql`);
    return { id, up: e.up, down: e.down };
  });
}

async function known(opts: MigrateOptions): Promise<readonly Migration[]> {
  return opts.migrations ?? loadMigrations();
}

// Under the advisory lock: make sure the tracking table exists and read what is applied.
async function lockAndRead(q: Queryable): Promise<Map<string, Date>> {
  await q.query(`SELECT pg_advisory_xact_lock(${lockKey})`);
  await q.exec("CREATE TABLE IF NOT EXISTS migration_info (id TEXT NOT NULL PRIMARY KEY, applied_at TIMESTAMPTZ)");
  const { rows } = await q.query<{ id: string; applied_at: Date | null }>("SELECT id, applied_at FROM migration_info");
  return new Map(rows.map((r) => [r.id, r.applied_at ?? new Date(0)]));
}

/** Applies pending migrations in order (all, or at most `limit`); returns the ids applied. */
export async function migrateUp(db: Db, limit?: number, opts: MigrateOptions = {}): Promise<string[]> {
  const migrations = await known(opts);
  const done: string[] = [];
  while (limit === undefined || done.length < limit) {
    const id = await db.tx(async (q) => {
      const applied = await lockAndRead(q);
      const next = migrations.find((m) => !applied.has(m.id));
      if (next === undefined) return undefined;
      await q.exec(next.up);
      await q.query("INSERT INTO migration_info (id, applied_at) VALUES ($1, now())", [next.id]);
      return next.id;
    });
    if (id === undefined) break;
    done.push(id);
  }
  return done;
}

/** Reverts the most recent applied migrations (1 by default, in reverse order); returns the ids reverted. */
export async function migrateDown(db: Db, limit = 1, opts: MigrateOptions = {}): Promise<string[]> {
  const migrations = await known(opts);
  const done: string[] = [];
  while (done.length < limit) {
    const id = await db.tx(async (q) => {
      const applied = await lockAndRead(q);
      const last = [...migrations].reverse().find((m) => applied.has(m.id));
      if (last === undefined) return undefined;
      await q.exec(last.down);
      await q.query("DELETE FROM migration_info WHERE id = $1", [last.id]);
      return last.id;
    });
    if (id === undefined) break;
    done.push(id);
  }
  return done;
}

/** Every known migration with the time it was applied (null when pending), in order. */
export async function migrationStatus(db: Db, opts: MigrateOptions = {}): Promise<MigrationState[]> {
  const migrations = await known(opts);
  const { rows } = await db.query<{ present: boolean }>("SELECT to_regclass('migration_info') IS NOT NULL AS present");
  const applied = new Map<string, Date | null>();
  if (rows[0]?.present === true) {
    const r = await db.query<{ id: string; applied_at: Date | null }>("SELECT id, applied_at FROM migration_info");
    for (const row of r.rows) applied.set(row.id, row.applied_at);
  }
  return migrations.map((m) => ({ id: m.id, appliedAt: applied.has(m.id) ? (applied.get(m.id) ?? new Date(0)) : null }));
}

/** Ids of the known migrations not yet applied, in order. */
export async function pendingMigrations(db: Db, opts: MigrateOptions = {}): Promise<string[]> {
  return (await migrationStatus(db, opts)).filter((s) => s.appliedAt === null).map((s) => s.id);
}

/** Start-up check: throws GameError(FAILED_PRECONDITION, "DB schema outdated, run `troupe migrate up`"). */
export async function checkMigrations(db: Db, opts: MigrateOptions = {}): Promise<void> {
  const pending = await pendingMigrations(db, opts);
  if (pending.length > 0) {
    throw new GameError(Code.FAILED_PRECONDITION, outdatedSchemaMessage, { cause: { pending } });
  }
}
