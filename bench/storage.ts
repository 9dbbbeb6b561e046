// Owns the storage throughput measurement (a tool, not a test): a real Troupe server in a child process
// pinned to CPU 0 (embedded PGlite, or with --db <postgres url> a fresh database created on that server
// for the run and dropped after), loaded from this process (pinned to CPU 1) by 32 keep-alive
// connections of a minimal raw-socket HTTP/1.1 client, each authenticated as its own user.
//   writes: PUT /v2/storage, `batch` objects of 1 KB per request (last-write-wins, 256 keys per user)
//   reads:  POST /v2/storage, `batch` of the user's own objects per request
// Reports objects/s, requests/s, latency p50/p99 and the server's own CPU time per object (process.cpuUsage
// in the child), which stays meaningful on this noisy shared machine. Run:
//   npm run bench -- storage [--db postgres://…] [--batches 1,10,50] [--seconds 5] [--conns 32]
//   (or npx tsx bench/storage.ts …; BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server)
import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startServer } from "../src/main.js";
import { pinSelf } from "./lib/server.js";
import { migrateUp } from "../src/storage/migrate.js";
import { openTestPostgres } from "../src/storage/testing.js";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const KEYS = 256;
const VALUE = JSON.stringify({ data: "x".repeat(990), n: 1 }); // ≈1 KB of JSON

async function serve(address: string): Promise<void> {
  const server = await startServer({
    "socket.port": 0,
    "socket.address": "127.0.0.1",
    "logger.level": "error",
    "database.in_memory": true,
    data_dir: path.join(os.tmpdir(), `troupe-bench-storage-${process.pid}`),
    ...(address !== "" ? { "database.address": address } : {}),
  });
  process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
  const input = createInterface({ input: process.stdin });
  input.on("line", () => {
    const u = process.cpuUsage();
    process.stdout.write(`${u.user + u.system}\n`);
  });
  input.on("close", () => void server.stop());
}

interface Child {
  port: number;
  cpu(): Promise<number>;
  stop(): void;
}

async function startChild(address: string): Promise<Child> {
  const self = fileURLToPath(import.meta.url);
  // BENCH_SERVER_FLAGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env.BENCH_SERVER_FLAGS ?? "").split(" ").filter(Boolean);
  const child = spawn("taskset", ["-c", "0", process.execPath, ...extra, ...process.execArgv, self, "serve", address], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const next = (): Promise<string> => new Promise<string>((resolve) => lines.once("line", resolve));
  const { port } = JSON.parse(await next()) as { port: number };
  return {
    port,
    cpu: async () => {
      const answer = next();
      child.stdin.write("cpu\n");
      return Number(await answer);
    },
    stop: () => child.stdin.end(),
  };
}

function request(method: string, path: string, token: string, body: string): Buffer {
  const b = Buffer.from(body);
  return Buffer.concat([
    Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n`),
    b,
  ]);
}

/** One keep-alive connection cycling through `requests` until `end`; returns latencies (ms). */
async function loop(port: number, requests: readonly Buffer[], end: number): Promise<{ latencies: number[]; errors: number }> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  socket.setNoDelay(true);
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
  let sent = 0;
  let buf: Buffer = Buffer.alloc(0);
  const send = (): void => {
    sent = performance.now();
    socket.write(requests[i++ % requests.length]);
  };
  await new Promise<void>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("data", (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      for (;;) {
        const headEnd = buf.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const head = buf.subarray(0, headEnd).toString("latin1");
        const m = /content-length: *(\d+)/i.exec(head);
        const total = headEnd + 4 + (m === null ? 0 : Number(m[1]));
        if (buf.length < total) return;
        if (!head.startsWith("HTTP/1.1 200")) errors++;
        buf = buf.subarray(total);
        latencies.push(performance.now() - sent);
        if (Date.now() >= end) {
          socket.destroy();
          resolve();
          return;
        }
        send();
      }
    });
    send();
  });
  return { latencies, errors };
}

async function run(server: Child, perConnection: Buffer[][], batch: number, seconds: number): Promise<string> {
  const before = await server.cpu();
  const end = Date.now() + seconds * 1000;
  const results = await Promise.all(perConnection.map((reqs) => loop(server.port, reqs, end)));
  const cpu = (await server.cpu()) - before;
  const lat = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const errors = results.reduce((a, r) => a + r.errors, 0);
  const reqs = lat.length;
  const objects = reqs * batch;
  const pct = (p: number): string => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
  return `${Math.round(objects / seconds)} objects/s (${Math.round(reqs / seconds)} req/s, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, ` +
    `server ${(cpu / objects).toFixed(1)} µs CPU/object, ${((100 * cpu) / (seconds * 1e6)).toFixed(0)}% of a core${errors > 0 ? `, ${errors} errors` : ""})`;
}

async function authenticate(port: number, i: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/v2/account/authenticate/device?create=true`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from("defaultkey:").toString("base64")}` },
    body: JSON.stringify({ id: `bench-storage-device-${i}` }),
  });
  return ((await r.json()) as { token: string }).token;
}

function writeRequests(token: string, batch: number): Buffer[] {
  const out: Buffer[] = [];
  for (let k = 0; k < KEYS; k += batch) {
    const objects = Array.from({ length: batch }, (_, j) => ({ collection: "bench", key: `k${(k + j) % KEYS}`, value: VALUE }));
    out.push(request("PUT", "/v2/storage", token, JSON.stringify({ objects })));
  }
  return out;
}

function readRequests(token: string, userId: string, batch: number): Buffer[] {
  const out: Buffer[] = [];
  for (let k = 0; k < KEYS; k += batch) {
    const object_ids = Array.from({ length: batch }, (_, j) => ({ collection: "bench", key: `k${(k + j) % KEYS}`, user_id: userId }));
    out.push(request("POST", "/v2/storage", token, JSON.stringify({ object_ids })));
  }
  return out;
}

function userIdOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { uid: string }).uid;
}

async function main(url: string, batches: number[], seconds: number, conns: number): Promise<void> {
  pinSelf(1);
  const db = url === "" ? "pglite" : "postgres";
  let address = "";
  let dispose = async (): Promise<void> => undefined;
  if (url !== "") {
    const pg = await openTestPostgres(url);
    await migrateUp(pg.db);
    address = pg.address;
    dispose = () => pg.dispose();
  }
  const server = await startChild(address);
  try {
    const tokens = await Promise.all(Array.from({ length: conns }, (_, i) => authenticate(server.port, i)));
    for (const batch of batches) {
      const writes = tokens.map((t) => writeRequests(t, batch));
      await run(server, writes, batch, 1); // warm-up, and every key exists before the read run
      process.stdout.write(`${db} writes, batch ${batch}: ${await run(server, writes, batch, seconds)}\n`);
      const reads = tokens.map((t) => readRequests(t, userIdOf(t), batch));
      await run(server, reads, batch, 1);
      process.stdout.write(`${db} reads,  batch ${batch}: ${await run(server, reads, batch, seconds)}\n`);
    }
  } finally {
    server.stop();
    await new Promise((r) => setTimeout(r, 500));
    await dispose();
  }
}

if (process.argv[2] === "serve") await serve(process.argv[3] ?? "");
else await main(arg("db", ""), arg("batches", "1,10,50").split(",").map(Number), Number(arg("seconds", "5")), Number(arg("conns", "32")));
