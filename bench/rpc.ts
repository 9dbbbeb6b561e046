// RPC echo load per runtime (native, Lua, JS) over HTTP (POST /v2/rpc/echo, Bearer, 64-byte payload)
// and over the socket (rpc envelopes, several in flight per socket), server in its own process pinned to
// core 0, this load generator on core 1 (when taskset exists). The echo modules are the behaviour
// suite's fixtures (test/fixtures/modules/<runtime>). Also "pool": 2× more concurrent calls than VMs.
//   npx tsx bench/rpc.ts [--seconds 5] [--conns 32] [--sockets 32] [--inflight 4] [--only lua,js,native] [--pool]
// (or `npm run bench -- rpc …` once built). Prints Markdown rows for bench/README.md.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MiniWs } from "./lib/mini-ws.js";
import { fmt, Latencies, table } from "./lib/stats.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", here.includes(`${path.sep}dist${path.sep}`) ? ".." : "");
const cli = path.join(here, "..", "src", import.meta.url.endsWith(".ts") ? "cli.ts" : "cli.js");

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const seconds = Number(arg("seconds", "5"));
const conns = Number(arg("conns", "32"));
const sockets = Number(arg("sockets", "32"));
const inflight = Number(arg("inflight", "4"));
const only = arg("only", "native,lua,js").split(",");
const poolMode = process.argv.includes("--pool");
const PAYLOAD = "x".repeat(64);
const taskset = spawnSync("taskset", ["--version"]).status === 0;

interface Server {
  port: number;
  lines: string[];
  cpu(): number;
  stop(): Promise<void>;
}

async function startServer(runtime: string, extra: string[]): Promise<Server> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "troupe-bench-rpc-"));
  const args = [...process.execArgv, cli, "--socket.port", "0", "--socket.address", "127.0.0.1", "--data_dir", dataDir,
    "--logger.level", "info", "--socket.max_inbound_per_sec", "0", "--runtime.path", path.join(root, "test", "fixtures", "modules", runtime), ...extra];
  const child: ChildProcess = taskset
    ? spawn("taskset", ["-c", "0", process.execPath, ...args], { stdio: ["ignore", "pipe", "inherit"], cwd: root })
    : spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], cwd: root });
  const lines: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error("server did not start in 60 s")), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split("\n");
      buf = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (line.includes('"Startup done"')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { port: number }).port);
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  const stat = () => readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return {
    port,
    lines,
    cpu: () => (Number(stat()[11]) + Number(stat()[12])) / 100,
    stop: () => new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}

async function session(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/v2/account/authenticate/device?create=true`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from("defaultkey:").toString("base64")}` },
    body: JSON.stringify({ id: `bench-rpc-device-${Date.now()}` }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** One keep-alive connection: a request each time the previous response is complete. */
async function httpLoop(port: number, request: Buffer, end: number, lat: Latencies, errors: { n: number }): Promise<void> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  socket.setNoDelay(true);
  let buf: Buffer = Buffer.alloc(0);
  let sent = performance.now();
  await new Promise<void>((resolve) => {
    socket.on("data", (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      for (;;) {
        const head = buf.indexOf("\r\n\r\n");
        if (head < 0) return;
        const headers = buf.subarray(0, head).toString("latin1");
        const len = Number(/content-length: *(\d+)/i.exec(headers)?.[1] ?? 0);
        if (buf.length < head + 4 + len) return;
        if (!headers.startsWith("HTTP/1.1 200")) errors.n++;
        buf = buf.subarray(head + 4 + len);
        const now = performance.now();
        lat.add(now - sent);
        if (now >= end) {
          socket.end();
          resolve();
          return;
        }
        sent = now;
        socket.write(request);
      }
    });
    socket.write(request);
  });
}

async function measureHttp(port: number, token: string): Promise<Row> {
  const body = JSON.stringify(PAYLOAD);
  const request = Buffer.from(`POST /v2/rpc/echo HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  const lat = new Latencies();
  const errors = { n: 0 };
  const start = performance.now();
  await Promise.all(Array.from({ length: conns }, () => httpLoop(port, request, start + seconds * 1000, lat, errors)));
  return { ops: lat.count, errors: errors.n, elapsed: (performance.now() - start) / 1000, lat };
}

interface Row {
  ops: number;
  errors: number;
  elapsed: number;
  lat: Latencies;
}

async function socketLoop(port: number, token: string, end: number, lat: Latencies, errors: { n: number }): Promise<void> {
  const ws = await MiniWs.open(port, `/ws?token=${token}&format=json`);
  const sentAt = new Map<string, number>();
  let next = 0;
  await new Promise<void>((resolve) => {
    const send = () => {
      const cid = String(++next);
      sentAt.set(cid, performance.now());
      ws.send(`{"cid":"${cid}","rpc":{"id":"echo","payload":"${PAYLOAD}"}}`);
    };
    ws.onClose = () => {
      errors.n += sentAt.size;
      resolve();
    };
    ws.onMessage = (data) => {
      const m = /"cid":"(\d+)"/.exec(data.toString("latin1"));
      if (m === null) return;
      if (!data.includes('"rpc"')) errors.n++;
      const now = performance.now();
      lat.add(now - (sentAt.get(m[1]) ?? now));
      sentAt.delete(m[1]);
      if (now < end) send();
      else if (sentAt.size === 0) {
        ws.socket.end();
        resolve();
      }
    };
    for (let i = 0; i < inflight; i++) send();
  });
}

async function measureSocket(port: number, token: string): Promise<Row> {
  const lat = new Latencies();
  const errors = { n: 0 };
  const start = performance.now();
  await Promise.all(Array.from({ length: sockets }, () => socketLoop(port, token, start + seconds * 1000, lat, errors)));
  return { ops: lat.count, errors: errors.n, elapsed: (performance.now() - start) / 1000, lat };
}

function row(label: string, r: Row, cpu: number): Array<string | number> {
  return [label, fmt(r.ops / r.elapsed, 0), fmt(r.lat.percentile(50), 2), fmt(r.lat.percentile(99), 2), fmt((cpu / r.ops) * 1e6, 1), r.errors];
}

if (taskset) spawnSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
const rows: Array<Array<string | number>> = [];
for (const runtime of only) {
  const extra = poolMode ? ["--runtime.lua_min_count", "16", "--runtime.lua_max_count", "16", "--runtime.js_min_count", "16", "--runtime.js_max_count", "16"] : [];
  const server = await startServer(runtime, extra);
  process.stderr.write(`${runtime}: server on port ${server.port}\n`);
  try {
    const token = await session(server.port);
    process.stderr.write(`${runtime}: session ready, warming up\n`);
    await measureHttp(server.port, token); // warm-up (JIT, pool growth)
    let cpu0 = server.cpu();
    const h = await measureHttp(server.port, token);
    rows.push(row(`${runtime} HTTP (${conns} conns)`, h, server.cpu() - cpu0));
    process.stderr.write(`${rows[rows.length - 1].join(" | ")}\n`);
    cpu0 = server.cpu();
    const w = await measureSocket(server.port, token);
    rows.push(row(`${runtime} socket (${sockets}×${inflight})`, w, server.cpu() - cpu0));
    process.stderr.write(`${rows[rows.length - 1].join(" | ")}\n`);
  } finally {
    await server.stop();
  }
  const stats = server.lines.find((l) => l.includes('"runtime pools at stop"'));
  if (stats) process.stderr.write(`${runtime} pools: ${stats}\n`);
}
console.log(table(["runtime, transport", "req/s", "p50 ms", "p99 ms", "server CPU µs/req", "errors"], rows));
