// Owns the leaderboard latency measurement at scale (a tool, not a test), on PostgreSQL: a fresh database
// seeded with N records (default 1,000,000) on one leaderboard with ranks enabled, a real Troupe server in
// a child process pinned to CPU 0, and this process (pin it to CPU 1) loading it through the load tool's
// leaderboard workload (bench/load/workloads/leaderboard.ts: record writes, then around-owner listings of
// random owners among the N) at each connection count; plus the cold rank-cache load (first request), the
// server's RSS with the cache loaded, and, for comparison, a rank computed in SQL (count of better records
// through the primary key) at the same size. Run:
//   TROUPE_TEST_DATABASE_URL=postgres://… taskset -c 1 npx tsx bench/leaderboard.ts [records] [seconds] [connections, e.g. 1,8]
// (the wire load alone, on any server: npm run bench -- load leaderboard …)
// TROUPE_BENCH_LB_REUSE=1 uses the database the URL names itself and keeps it: the board's records are
// seeded only up to [records] (the first run seeds, later runs start at once with the same million).
// TROUPE_BENCH_LB_PHASES=around (or write) runs only that phase; TROUPE_BENCH_LB_SQL=0 skips the SQL rank
// comparison (200 counts over the board: minutes of PostgreSQL CPU at 1,000,000 records). Each phase also reports the CPU of the
// PostgreSQL backends serving the database (processes titled "postgres: <user> <database> …", read from
// /proc, so only when PostgreSQL runs on this machine) per operation.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { silentLogger } from "../src/log.js";
import { startServer } from "../src/main.js";
import { createLeaderboardCore, leaderboardCreate } from "../src/services/leaderboard/index.js";
import { migrateUp } from "../src/storage/migrate.js";
import { openPostgres } from "../src/storage/postgres.js";
import { openTestPostgres, type TestDb } from "../src/storage/testing.js";
import type { Db } from "../src/storage/db.js";
import { pgBackendCpu } from "./lib/server.js";
import { fmt, Latencies } from "./lib/stats.js";
import { loadOptions, markdownRuns, runWorkload, type RunResult, type Target } from "./load/index.js";
import { Api } from "./load/wire.js";

const BOARD = "bench-global";

async function serve(address: string): Promise<void> {
  const server = await startServer({
    "socket.port": 0, "socket.address": "127.0.0.1", "logger.level": "error", "database.address": address,
    data_dir: `/tmp/troupe-bench-leaderboard-${process.pid}`,
  });
  process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
  const input = createInterface({ input: process.stdin });
  input.on("line", () => {
    const u = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpu: u.user + u.system, rss: process.memoryUsage().rss })}\n`);
  });
  input.on("close", () => void server.stop());
}

interface Child {
  port: number;
  pid: number;
  stats(): Promise<{ cpu: number; rss: number }>;
  stop(): void;
}

async function startChild(address: string): Promise<Child> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn("taskset", ["-c", "0", process.execPath, "--max-old-space-size=4096", ...process.execArgv, self, "serve", address], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const next = (): Promise<string> => new Promise<string>((resolve) => lines.once("line", resolve));
  const { port } = JSON.parse(await next()) as { port: number };
  return {
    port,
    pid: child.pid!,
    stats: async () => {
      const answer = next();
      child.stdin.write("stats\n");
      return JSON.parse(await answer) as { cpu: number; rss: number };
    },
    stop: () => child.stdin.end(),
  };
}

/** Seeds the board up to `n` records (all of them on a fresh database); false when nothing was needed. */
async function seed(db: Db, n: number): Promise<boolean> {
  const chunk = 100_000;
  const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM leaderboard_record WHERE leaderboard_id = $1", [BOARD]);
  const have = Number(rows[0].n);
  if (have >= n) return false;
  for (let done = have; done < n; done += chunk) {
    const k = Math.min(chunk, n - done);
    await db.query(
      `INSERT INTO leaderboard_record (leaderboard_id, owner_id, username, score, subscore, expiry_time)
       SELECT $1, gen_random_uuid(), 'p' || i, (random() * 1000000000)::BIGINT, (random() * 100)::BIGINT, 'epoch'
       FROM generate_series(1, $2::INT) AS i`, [BOARD, k],
    );
    process.stderr.write(`seeded ${done + k}/${n}\n`);
  }
  await db.exec("VACUUM ANALYZE leaderboard_record");
  return true;
}

/** The database to run on: a throwaway one, or with TROUPE_BENCH_LB_REUSE=1 the URL's own, kept. */
async function openBenchDb(url: string): Promise<TestDb & { address: string }> {
  if (process.env.TROUPE_BENCH_LB_REUSE !== "1") return openTestPostgres(url, { maxOpenConns: 2 });
  const db = await openPostgres({ address: url, maxOpenConns: 2, connMaxLifetimeMs: 0, connectTimeoutMs: 10_000, log: silentLogger() });
  return { db, address: url, dispose: () => db.close() };
}

/** Rank by counting better records in SQL, for comparison with the rank cache. */
async function sqlRanks(db: Db, owners: readonly string[]): Promise<Latencies> {
  const lat = new Latencies();
  for (const o of owners.slice(0, 200)) {
    const t = performance.now();
    await db.query(
      `SELECT count(*) FROM leaderboard_record r, (SELECT score, subscore FROM leaderboard_record WHERE owner_id = $2 AND leaderboard_id = $1 AND expiry_time = 'epoch') me
       WHERE r.leaderboard_id = $1 AND r.expiry_time = 'epoch' AND (r.leaderboard_id, r.expiry_time, r.score, r.subscore, r.owner_id) > ($1, 'epoch', me.score, me.subscore, $2::UUID)`,
      [BOARD, o],
    );
    lat.add(performance.now() - t);
  }
  return lat;
}

async function main(): Promise<void> {
  const url = process.env.TROUPE_TEST_DATABASE_URL;
  if (!url) throw new Error("set TROUPE_TEST_DATABASE_URL (PostgreSQL)");
  const [n, seconds] = [Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 10)];
  const connectionCounts = (process.argv[4] ?? "1,8").split(",").map(Number);
  const pg = await openBenchDb(url);
  let child: Child | undefined;
  try {
    await migrateUp(pg.db);
    const core = createLeaderboardCore({ db: pg.db, log: silentLogger() });
    await leaderboardCreate(core, { id: BOARD, authoritative: false, enableRanks: true });
    const seeding = performance.now();
    const seeded = await seed(pg.db, n);
    const seedSeconds = (performance.now() - seeding) / 1000;
    const owners = (await pg.db.query<{ owner_id: string }>(
      "SELECT owner_id FROM leaderboard_record TABLESAMPLE SYSTEM (1) LIMIT 2000",
    )).rows.map((r) => r.owner_id);
    const sql = process.env.TROUPE_BENCH_LB_SQL === "0" ? null : await sqlRanks(pg.db, owners);

    child = await startChild(pg.address);
    const target: Target = {
      label: "troupe (PostgreSQL)", url: `http://127.0.0.1:${child.port}`, host: "127.0.0.1", port: child.port,
      serverKey: "defaultkey", httpKey: "defaulthttpkey", pid: child.pid,
    };
    const api = new Api(target, 1);
    const { token } = await api.authenticateDevice(`bench-lb-cold-${process.pid}`);
    const before = await child.stats();
    const cold = performance.now();
    const first = await api.request("GET", `/v2/leaderboard/${BOARD}/owner/${owners[0]}?limit=20`, token);
    const coldMs = performance.now() - cold;
    if (first.status !== 200) throw new Error(`cold around-owner: HTTP ${first.status}`);
    api.close();
    const loaded = await child.stats();

    const database = (await pg.db.query<{ d: string }>("SELECT current_database() AS d")).rows[0].d;
    const runs: RunResult[] = [];
    for (const connections of connectionCounts) {
      const phases = process.env.TROUPE_BENCH_LB_PHASES;
      const opts = loadOptions("leaderboard", {
        size: 32, concurrency: connections, duration: seconds, warmup: 1, board: BOARD, ...(phases ? { phases } : {}),
      }, { owners });
      const otherCpu = [{ label: "PostgreSQL", sample: () => pgBackendCpu(database) }];
      runs.push({ ...(await runWorkload(target, opts, { otherCpu })), target: `${connections} connections` });
    }
    const after = await child.stats();
    console.log(`\nLeaderboard, ${fmt(n, 0)} records (${seeded ? `seeded in ${fmt(seedSeconds, 0)} s` : "seeded earlier"}), ${seconds} s per phase, PostgreSQL ${pgVersion(await pg.db.query<{ v: string }>("SHOW server_version"))}\n`);
    console.log(markdownRuns(runs));
    console.log(`\nrank cache: cold load of ${fmt(n, 0)} ranks on first use ${fmt(coldMs, 0)} ms; server RSS ${mb(before.rss)} → ${mb(loaded.rss)} loaded → ${mb(after.rss)} at end`);
    if (sql !== null) console.log(`SQL rank (count of better records via the primary key), ${sql.count} random owners: p50 ${fmt(sql.percentile(50), 1)} ms, p99 ${fmt(sql.percentile(99), 1)} ms`);
    console.log(`load average: ${readFileSync("/proc/loadavg", "utf8").trim()}`);
  } finally {
    child?.stop();
    await pg.dispose();
  }
}

function pgVersion(r: { rows: Array<{ v?: string; server_version?: string }> }): string {
  const row = r.rows[0] as Record<string, string>;
  return row.server_version ?? row.v ?? "?";
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

if (process.argv[2] === "serve") await serve(process.argv[3] ?? "");
else await main();
