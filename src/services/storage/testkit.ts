// Owns what the game-service unit tests (storage, wallet, notifications, multi) share: the databases
// they run against (in-memory PGlite always; PostgreSQL when TROUPE_TEST_DATABASE_URL is set, else the
// cases are skipped with that reason), deps objects with a silent logger, and user fixtures.
// Test support only; no server code imports it.
import { randomUUID } from "node:crypto";
import { silentLogger, type Logger } from "../../log.js";
import type { Db } from "../../storage/db.js";
import { migrateUp } from "../../storage/migrate.js";
import { openMemoryDb, openTestPostgres, type TestDb } from "../../storage/testing.js";

/** Read here once so test files need not touch the environment themselves. */
export const postgresUrl: string | undefined = process.env.TROUPE_TEST_DATABASE_URL || undefined;

export interface TestDatabase {
  name: "pglite" | "postgres";
  /** Why the cases for this database are skipped, or false when they run. */
  skip: string | false;
  open(): Promise<TestDb>;
}

export const testDatabases: readonly TestDatabase[] = [
  { name: "pglite", skip: false, open: () => openMemoryDb() },
  {
    name: "postgres",
    skip: postgresUrl === undefined ? "TROUPE_TEST_DATABASE_URL is not set" : false,
    open: async () => {
      const t = await openTestPostgres(postgresUrl as string, { maxOpenConns: 20 });
      await migrateUp(t.db);
      return t;
    },
  },
];

export function testDeps(db: Db): { db: Db; log: Logger } {
  return { db, log: silentLogger() };
}

/** Inserts a user and returns its id. */
export async function createUser(db: Db, username = `u${randomUUID().slice(0, 12)}`): Promise<string> {
  const id = randomUUID();
  await db.query("INSERT INTO users (id, username) VALUES ($1, $2)", [id, username]);
  return id;
}
