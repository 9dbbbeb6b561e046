// Owns database helpers for tests (ours and other modules'): an in-memory PGlite, optionally migrated, and a
// throwaway PostgreSQL database (random name, created on the server the given URL points to and dropped
// afterwards; falls back to a random schema when the user may not create databases).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../log.js";
import { silentLogger } from "../log.js";
import { parseAddress } from "./address.js";
import type { Db } from "./db.js";
import { isDbError } from "./db-errors.js";
import { migrateUp } from "./migrate.js";
import { openPglite } from "./pglite.js";
import { openPostgres } from "./postgres.js";

export interface TestDb {
  db: Db;
  /** Closes the Db and removes whatever was created for it. */
  dispose(): Promise<void>;
}

/** An in-memory PGlite (≈0.7 s once the template is cached), migrated unless `migrate: false`. */
export async function openMemoryDb(opts: { migrate?: boolean; log?: Logger } = {}): Promise<TestDb> {
  const dataDir = await mkdtemp(join(tmpdir(), "troupe-db-test-"));
  const db = await openPglite({ dataDir, inMemory: true, log: opts.log ?? silentLogger(), maintenance: { checkEveryMs: 0 } });
  if (opts.migrate !== false) await migrateUp(db);
  return {
    db,
    dispose: async () => {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function withDatabase(url: string, database: string, options?: string): string {
  const a = parseAddress(url);
  const u = new URL(`postgres://${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}/`);
  u.username = encodeURIComponent(a.user);
  if (a.password !== undefined) u.password = encodeURIComponent(a.password);
  u.pathname = `/${encodeURIComponent(database)}`;
  if (a.sslmode !== undefined) u.searchParams.set("sslmode", a.sslmode);
  if (options !== undefined) u.searchParams.set("options", options);
  return u.toString();
}

/**
 * A fresh, empty PostgreSQL database for one test run: `CREATE DATABASE troupe_test_<random>` on the server
 * of `adminUrl` (dropped by `dispose`), or a fresh schema placed first on the search_path when the user lacks
 * CREATEDB. The returned `address` is what `openDb` would be given.
 */
export async function openTestPostgres(
  adminUrl: string,
  opts: { maxOpenConns?: number; log?: Logger } = {},
): Promise<TestDb & { address: string }> {
  const log = opts.log ?? silentLogger();
  const base = { maxOpenConns: 1, connMaxLifetimeMs: 0, connectTimeoutMs: 10_000, log };
  const admin = await openPostgres({ ...base, address: adminUrl });
  const name = `troupe_test_${randomBytes(6).toString("hex")}`;
  let address: string;
  let drop: (adminDb: Db) => Promise<void>;
  try {
    await admin.exec(`CREATE DATABASE ${name}`);
    address = withDatabase(adminUrl, name);
    drop = (a) => a.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } catch (err) {
    if (!isDbError(err, "42501")) throw err;
    await admin.exec(`CREATE SCHEMA ${name}`);
    address = withDatabase(adminUrl, parseAddress(adminUrl).database, `-c search_path=${name}`);
    drop = (a) => a.exec(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  }
  const db = await openPostgres({ ...base, maxOpenConns: opts.maxOpenConns ?? 10, address });
  return {
    db,
    address,
    dispose: async () => {
      await db.close();
      try {
        await drop(admin);
      } finally {
        await admin.close();
      }
    },
  };
}
