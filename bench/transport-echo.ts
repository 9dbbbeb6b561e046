// Owns the transport's quick throughput measurement (a tool, not a test): a tiny server per
// implementation (router + full pipeline) in a child process pinned to CPU 0, loaded from this
// process (pin it to CPU 1) by 32 keep-alive loops for 3 s, once with a minimal raw-socket HTTP/1.1
// client (cheap enough to load the server) and once with fetch. Besides req/s it reports the
// server's own CPU time per request (process.cpuUsage in the child), which stays meaningful on a
// busy machine. Rounds alternate the implementations because this shared machine is noisy. Run:
//   taskset -c 1 npx tsx src/transport/echo-bench.ts [rounds]
import { spawn } from "node:child_process";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { silentLogger } from "../src/log.js";
import { startTransport } from "../src/transport/index.js";
import { json } from "../src/transport/json.js";
import { Router } from "../src/transport/router.js";

const CONCURRENCY = 32;
const DURATION_MS = 3000;
const IMPLS = ["uws", "node"] as const;
type Impl = (typeof IMPLS)[number];

async function serve(impl: Impl): Promise<void> {
  const router = new Router({ log: silentLogger() }).add("GET", "/v2/echo/{word}", ({ params }) => json({ word: params.word }));
  const t = await startTransport(
    {
      port: 0,
      address: "127.0.0.1",
      impl,
      maxRequestSizeBytes: 262_144,
      maxMessageSizeBytes: 4096,
      idleTimeoutMs: 60_000,
      maxBackpressureBytes: 1 << 20,
      responseHeaders: {},
      log: silentLogger(),
    },
    { http: router.handle },
  );
  process.stdout.write(`${JSON.stringify({ port: t.port })}\n`);
  const input = createInterface({ input: process.stdin });
  input.on("line", () => {
    const u = process.cpuUsage();
    process.stdout.write(`${u.user + u.system}\n`);
  });
  input.on("close", () => void t.close());
}

const REQUEST = Buffer.from("GET /v2/echo/hello HTTP/1.1\r\nHost: bench\r\n\r\n");

/** One keep-alive connection sending a request each time the previous response is complete. */
async function rawLoop(port: number, end: number): Promise<number> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  socket.setNoDelay(true);
  let count = 0;
  let buf: Buffer = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("data", (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      for (;;) {
        const headEnd = buf.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const m = /content-length: *(\d+)/i.exec(buf.subarray(0, headEnd).toString("latin1"));
        const total = headEnd + 4 + (m === null ? 0 : Number(m[1]));
        if (buf.length < total) return;
        buf = buf.subarray(total);
        count++;
        if (Date.now() >= end) {
          socket.destroy();
          resolve();
          return;
        }
        socket.write(REQUEST);
      }
    });
    socket.write(REQUEST);
  });
  return count;
}

async function loadRaw(port: number): Promise<number> {
  const end = Date.now() + DURATION_MS;
  const counts = await Promise.all(Array.from({ length: CONCURRENCY }, () => rawLoop(port, end)));
  return Math.round(counts.reduce((a, b) => a + b, 0) / (DURATION_MS / 1000));
}

async function fetchGet(port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/v2/echo/hello`);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
}

async function load(one: () => Promise<void>): Promise<number> {
  const end = Date.now() + DURATION_MS;
  let count = 0;
  const loop = async (): Promise<void> => {
    while (Date.now() < end) {
      await one();
      count++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return Math.round(count / (DURATION_MS / 1000));
}

interface Child {
  port: number;
  /** The server's CPU time so far, in microseconds. */
  cpu(): Promise<number>;
  stop(): void;
}

async function startChild(impl: Impl): Promise<Child> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn("taskset", ["-c", "0", process.execPath, ...process.execArgv, self, "serve", impl], {
    stdio: ["pipe", "pipe", "inherit"],
  });
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

async function measure(server: Child, run: () => Promise<number>): Promise<string> {
  const before = await server.cpu();
  const rate = await run();
  const cpu = (await server.cpu()) - before;
  const perReq = cpu / (rate * (DURATION_MS / 1000));
  return `${rate} req/s (server ${perReq.toFixed(1)} µs CPU/req, ${((100 * cpu) / (DURATION_MS * 1000)).toFixed(0)}% of a core)`;
}

async function main(rounds: number): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    for (const impl of IMPLS) {
      const server = await startChild(impl);
      await loadRaw(server.port); // warm-up
      const raw = await measure(server, () => loadRaw(server.port));
      const viaFetch = await measure(server, () => load(() => fetchGet(server.port)));
      server.stop();
      process.stdout.write(`round ${round} ${impl}: raw client ${raw}; fetch client ${viaFetch}\n`);
    }
  }
}

if (process.argv[2] === "serve") await serve(process.argv[3] as Impl);
else await main(Number(process.argv[2] ?? 2));
