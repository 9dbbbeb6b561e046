// The tests' boot helper: starts a real Troupe server on 127.0.0.1, port 0, with the embedded database in
// memory and a private data_dir, capturing its log lines so tests can assert on them.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { Client } from "@heroiclabs/nakama-js";
import { silentLogger } from "../../src/log.js";
import { startServer, type ServerHandle } from "../../src/main.js";
import { openDb, type Db } from "../../src/storage/db.js";
import { openTestPostgres } from "../../src/storage/testing.js";
import { migrateUp } from "../../src/storage/migrate.js";

/** The PostgreSQL server tests may use (CI always sets it); undefined when absent. */
export const testPostgresUrl: string | undefined = process.env.TROUPE_TEST_DATABASE_URL || undefined;

/** The skip reason for PostgreSQL-only tests, undefined when TROUPE_TEST_DATABASE_URL is set. */
export const postgresSkip: string | undefined = testPostgresUrl === undefined ? "TROUPE_TEST_DATABASE_URL is not set" : undefined;

/** The databases a black-box suite runs against: the embedded one always, PostgreSQL when configured. */
export const testDatabases = [
  { name: "pglite" as const, skip: false as const },
  { name: "postgres" as const, skip: postgresSkip ?? (false as const) },
];

export interface BootOptions {
  /** "pglite" (default): in-memory embedded database. "postgres": a fresh, migrated database on
   * TROUPE_TEST_DATABASE_URL's server, dropped at stop (throws when the variable is not set). */
  database?: "pglite" | "postgres";
}

export interface BootedServer {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly dataDir: string;
  readonly server: ServerHandle;
  /** Parsed log lines written so far. */
  logs(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Boots a server; `overrides` are flat dotted config keys ({"session.token_expiry_sec": 2}). */
export async function bootServer(overrides: Record<string, unknown> = {}, opts: BootOptions = {}): Promise<BootedServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "troupe-test-"));
  let pg: Awaited<ReturnType<typeof openTestPostgres>> | undefined;
  if (opts.database === "postgres") {
    if (!testPostgresUrl) throw new Error("TROUPE_TEST_DATABASE_URL is not set");
    pg = await openTestPostgres(testPostgresUrl);
    await migrateUp(pg.db);
  }
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const server = await startServer(
    {
      "socket.port": 0,
      "socket.address": "127.0.0.1",
      "database.in_memory": true,
      data_dir: dataDir,
      "logger.level": "debug",
      ...(pg ? { "database.address": pg.address } : {}),
      ...overrides,
    },
    { logDestination: sink },
  );
  return {
    httpUrl: server.httpUrl,
    wsUrl: server.wsUrl,
    port: server.port,
    dataDir,
    server,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      await server.stop();
      await pg?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A nakama-js client of server `s` (server key "defaultkey"). nakama-js leaves each request's timeout timer
 * running; a short timeout lets the test process exit sooner. */
export function clientFor(s: BootedServer, timeoutMs = 7000): Client {
  const u = new URL(s.httpUrl);
  return new Client("defaultkey", u.hostname, u.port, false, timeoutMs, false);
}

/** The test's own connection pool on server `s`'s database (for setup through the domain cores). */
export function openServerDb(s: BootedServer, maxOpenConns: number): Promise<Db> {
  return openDb({ address: s.server.config.database.address, dataDir: s.dataDir, maxOpenConns, connMaxLifetimeMs: 0, log: silentLogger() });
}
