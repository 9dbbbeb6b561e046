// Owns opening the configured database for the server and bringing its schema to the expected state:
// the embedded database is migrated at start (a fresh clone must just run); PostgreSQL is only checked,
// and a pending migration stops the server ("DB schema outdated, run `troupe migrate up`"), as Nakama does.
import type { Config } from "../config/schema.js";
import type { Logger } from "../log.js";
import { openDb, type Db } from "./db.js";
import { checkMigrations, migrateUp } from "./migrate.js";

export async function openDatabase(config: Config, log: Logger, opts: { migrate?: "auto" | "check" | "none" } = {}): Promise<Db> {
  const dlog = log.child({ module: "storage" });
  const db = await openDb({
    address: config.database.address,
    dataDir: config.data_dir,
    inMemory: config.database.in_memory,
    maxOpenConns: config.database.max_open_conns,
    connMaxLifetimeMs: config.database.conn_max_lifetime_ms,
    log: dlog,
  });
  try {
    const mode = opts.migrate ?? (db.kind === "pglite" ? "auto" : "check");
    if (mode === "auto") {
      const applied = await migrateUp(db);
      if (applied.length > 0) dlog.info({ applied }, "migrations applied");
    } else if (mode === "check") {
      await checkMigrations(db);
    }
    return db;
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
