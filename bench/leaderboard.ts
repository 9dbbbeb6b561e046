// Owns the leaderboard latency measurement (a tool, not a test), on PostgreSQL: a fresh database seeded
// with N records (default 1,000,000) on one leaderboard with ranks enabled, a real Troupe server in a child
// process pinned to CPU 0, and keep-alive clients in this process (pin it to CPU 1) measuring
//   write:        POST /v2/leaderboard/{id}   (32 users, random scores, best operator; rank in the reply)
//   around owner: GET  /v2/leaderboard/{id}/owner/{owner}?limit=20 for random owners among the N
// as p50/p99 latency, requests/s and server CPU per request; plus the cold rank-cache load (first request),
// the server's RSS with the cache loaded, and, for comparison, a rank computed in SQL (count of better
// records through the primary key) at the same size. The clients are raw keep-alive HTTP/1.1 sockets (one
// request in flight each): fetch's own cost would dominate the latencies on this machine. Run:
//   TROUPE_TEST_DATABASE_URL=postgres://… taskset -c 1 npx tsx bench/leaderboard.ts [records] [seconds] [connections, e.g. 1,8]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { silentLogger } from "../src/log.js";
import { startServer } from "../src/main.js";
import { createLeaderboardCore, leaderboardCreate } from "../src/services/leaderboard/index.js";
import { migrateUp } from "../src/storage/migrate.js";
import { openTestPostgres } from "../src/storage/testing.js";
import type { Db } from "../src/storage/db.js";
import { closedLoop, fmt, Latencies, table } from "./lib/stats.js";

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
    stats: async () => {
      const answer = next();
      child.stdin.write("stats\n");
      return JSON.parse(await answer) as { cpu: number; rss: number };
    },
    stop: () => child.stdin.end(),
  };
}

async function seed(db: Db, n: number): Promise<void> {
  const chunk = 100_000;
  for (let done = 0; done < n; done += chunk) {
    const k = Math.min(chunk, n - done);
    await db.query(
      `INSERT INTO leaderboard_record (leaderboard_id, owner_id, username, score, subscore, expiry_time)
       SELECT $1, gen_random_uuid(), 'p' || i, (random() * 1000000000)::BIGINT, (random() * 100)::BIGINT, 'epoch'
       FROM generate_series(1, $2::INT) AS i`, [BOARD, k],
    );
    process.stderr.write(`seeded ${done + k}/${n}\n`);
  }
  await db.exec("VACUUM ANALYZE leaderboard_record");
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

async function users(base: string, n: number): Promise<string[]> {
  const auth = `Basic ${Buffer.from("defaultkey:").toString("base64")}`;
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${base}/v2/account/authenticate/device?create=true`, {
      method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify({ id: `bench-lb-device-${i}-${process.pid}` }),
    });
    tokens.push(((await r.json()) as { token: string }).token);
  }
  return tokens;
}

/** A keep-alive HTTP/1.1 connection with one request in flight (Content-Length responses only). */
class RawHttp {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: ((r: { status: number; body: string }) => void) | null = null;
  private constructor(private readonly socket: Socket) {
    socket.on("data", (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      const headEnd = this.buf.indexOf("\r\n\r\n");
      if (headEnd < 0) return;
      const head = this.buf.subarray(0, headEnd).toString("latin1");
      const m = /content-length: *(\d+)/i.exec(head);
      const total = headEnd + 4 + (m === null ? 0 : Number(m[1]));
      if (this.buf.length < total) return;
      const body = this.buf.subarray(headEnd + 4, total).toString("utf8");
      this.buf = this.buf.subarray(total);
      const w = this.waiter;
      this.waiter = null;
      w?.({ status: Number(head.slice(9, 12)), body });
    });
  }
  static open(port: number): Promise<RawHttp> {
    return new Promise((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => resolve(new RawHttp(s)));
      s.setNoDelay(true);
      s.once("error", reject);
    });
  }
  request(method: string, path: string, token: string, body = ""): Promise<{ status: number; body: string }> {
    const b = Buffer.from(body);
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.socket.write(Buffer.concat([
        Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${b.length}\r\n\r\n`), b,
      ]));
    });
  }
  close(): void {
    this.socket.destroy();
  }
}

async function main(): Promise<void> {
  const url = process.env.TROUPE_TEST_DATABASE_URL;
  if (!url) throw new Error("set TROUPE_TEST_DATABASE_URL (PostgreSQL)");
  const [n, seconds] = [Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 10)];
  const connectionCounts = (process.argv[4] ?? "1,8").split(",").map(Number);
  const pg = await openTestPostgres(url, { maxOpenConns: 2 });
  let child: Child | undefined;
  try {
    await migrateUp(pg.db);
    const core = createLeaderboardCore({ db: pg.db, log: silentLogger() });
    await leaderboardCreate(core, { id: BOARD, authoritative: false, enableRanks: true });
    const seeding = performance.now();
    await seed(pg.db, n);
    const seedSeconds = (performance.now() - seeding) / 1000;
    const owners = (await pg.db.query<{ owner_id: string }>(
      "SELECT owner_id FROM leaderboard_record TABLESAMPLE SYSTEM (1) LIMIT 2000",
    )).rows.map((r) => r.owner_id);
    const sql = await sqlRanks(pg.db, owners);

    child = await startChild(pg.address);
    const base = `http://127.0.0.1:${child.port}`;
    const tokens = await users(base, 32);
    const before = await child.stats();
    const cold = performance.now();
    const first = await fetch(`${base}/v2/leaderboard/${BOARD}/owner/${owners[0]}?limit=20`, { headers: { authorization: `Bearer ${tokens[0]}` } });
    await first.arrayBuffer();
    const coldMs = performance.now() - cold;
    const loaded = await child.stats();

    const rows: Array<Array<string | number>> = [];
    for (const connections of connectionCounts) {
      const conns = await Promise.all(Array.from({ length: connections }, () => RawHttp.open(child!.port)));
      const write = async (w: number, i: number): Promise<void> => {
        const body = JSON.stringify({ score: String(Math.floor(Math.random() * 1e9)) });
        const r = await conns[w].request("POST", `/v2/leaderboard/${BOARD}`, tokens[(w * 7 + i) % tokens.length], body);
        if (r.status !== 200) throw new Error(`write ${r.status} ${r.body}`);
      };
      const around = async (w: number, i: number): Promise<void> => {
        const o = owners[(w * 131 + i * 17) % owners.length];
        const r = await conns[w].request("GET", `/v2/leaderboard/${BOARD}/owner/${o}?limit=20`, tokens[w % tokens.length]);
        if (r.status !== 200) throw new Error(`around ${r.status} ${r.body}`);
        if (((JSON.parse(r.body) as { records?: unknown[] }).records?.length ?? 0) === 0) throw new Error("around: no records");
      };
      for (const [name, op] of [["record write", write], ["around owner (limit 20)", around]] as const) {
        await closedLoop(connections, 1, op); // warm-up
        const c0 = (await child.stats()).cpu;
        const res = await closedLoop(connections, seconds, op);
        const c1 = (await child.stats()).cpu;
        if (res.errors > 0) console.log(`${name} × ${connections}: ${res.errors} errors, first: ${res.firstError}`);
        rows.push([
          name, connections, fmt(res.lat.percentile(50), 2), fmt(res.lat.percentile(99), 2), fmt(res.ok / res.elapsed, 0),
          fmt((c1 - c0) / res.ok, 0), res.errors,
        ]);
      }
      for (const c of conns) c.close();
    }
    const after = await child.stats();
    console.log(`\nLeaderboard, ${fmt(n, 0)} records (seeded in ${fmt(seedSeconds, 0)} s), ${seconds} s per phase, PostgreSQL ${pgVersion(await pg.db.query<{ v: string }>("SHOW server_version"))}\n`);
    console.log(table(["operation", "connections", "p50 ms", "p99 ms", "req/s", "server CPU µs/req", "errors"], rows));
    console.log(`\nrank cache: cold load of ${fmt(n, 0)} ranks on first use ${fmt(coldMs, 0)} ms; server RSS ${mb(before.rss)} → ${mb(loaded.rss)} loaded → ${mb(after.rss)} at end`);
    console.log(`SQL rank (count of better records via the primary key), ${sql.count} random owners: p50 ${fmt(sql.percentile(50), 1)} ms, p99 ${fmt(sql.percentile(99), 1)} ms`);
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
