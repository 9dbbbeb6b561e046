import { openDb } from "../src/storage/db.js";
import { migrateUp } from "../src/storage/migrate.js";
import { silentLogger } from "../src/log.js";
const db = await openDb({ address: [process.env.BENCH_PG as string], dataDir: "/tmp", maxOpenConns: 2, connMaxLifetimeMs: 0, log: silentLogger() });
console.log(await migrateUp(db)); await db.close();
