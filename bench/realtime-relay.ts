// Owns the realtime load tool (127.0.0.1 only, bounded in size and time). The server runs in its own
// process pinned to core 0, the load here on core 1 (when taskset exists).
//
//   relay mode (default): M relayed matches × P players, each player sending match_data_send with a
//   payload of N bytes so that R deliveries/s are offered in total, for S seconds after a warm-up.
//   Reports deliveries/s, p50/p99 latency (send → receive, this process's clock), loss, closed
//   sockets, and the server's CPU per delivery (from /proc/<pid>/stat).
//     npm run bench -- realtime-relay [--target troupe|bare] [--format protobuf|json] [--matches 100]
//       [--players 4] [--payload 64] [--rate 96000] [--seconds 10] [--warmup 2]
//   --target bare measures a bare uWebSockets.js relay (through src/transport, one unbatched send per
//   delivery, no envelopes): the ceiling of this machine for the same load.
//
//   --server-node-args "<flags>" passes flags to the server's node (e.g. --cpu-prof --cpu-prof-dir=dir).
//
//   idle mode: --idle N opens N authenticated sockets and holds them; reports connects/s, server CPU
//   per connect, and memory per socket (RSS and JS heap, each read after a full GC in the server,
//   which runs Troupe through startServer with --expose-gc for that).
//     npm run bench -- realtime-relay --idle 10000 [--hold 20]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { decodeBinary, encodeBinary, fromJson, rt, toJson, type Init } from "../proto/index.js";
import { silentLogger } from "../src/log.js";
import { startServer } from "../src/main.js";
import { startTransport, type WsConn } from "../src/transport/index.js";
import { Latencies, fmt, table } from "./lib/stats.js";
import { hasTaskset, pinSelf } from "./lib/server.js";
import { MiniWs, clientFrame } from "./lib/mini-ws.js";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const num = (name: string, def: number): number => Number(arg(name, String(def)));

const MAGIC = Buffer.from("TRPBNCH1");

// ---- servers -----------------------------------------------------------------------------------

interface Proc {
  port: number;
  cpuSeconds(): number;
  rssBytes(): number;
  stop(): Promise<void>;
}

function procOf(child: ChildProcess, port: number): Proc {
  const stat = (): string[] => readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return {
    port,
    cpuSeconds: () => (Number(stat()[11]) + Number(stat()[12])) / 100,
    rssBytes: () => Number(stat()[21]) * 4096,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Starts a process pinned to core 0 and waits for a stdout line carrying {"port": n}. */
function startPinned(args: string[], portOf: (line: string) => number | null): Promise<Proc> {
  const child = hasTaskset()
    ? spawn("taskset", ["-c", "0", process.execPath, ...args], { stdio: ["pipe", "pipe", "inherit"] })
    : spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start in 60 s")), 60_000);
    createInterface({ input: child.stdout }).on("line", (line) => {
      const port = portOf(line);
      if (port === null) return;
      clearTimeout(timer);
      resolve(procOf(child, port));
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function startTroupe(extra: string[]): Promise<Proc> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const compiled = import.meta.url.endsWith(".js");
  const nodeArgs = arg("server-node-args", "").split(" ").filter(Boolean);
  const cli = compiled ? [path.join(here, "..", "src", "cli.js")] : ["--import", "tsx", path.join(here, "..", "src", "cli.ts")];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "troupe-bench-"));
  const flags = ["--socket.port", "0", "--socket.address", "127.0.0.1", "--data_dir", dataDir, "--logger.level", "info", ...extra];
  return startPinned([...nodeArgs, ...cli, ...flags], (line) =>
    line.includes('"Startup done"') ? (JSON.parse(line) as { port: number }).port : null,
  );
}

function startBare(): Promise<Proc> {
  return startPinned([...process.execArgv, fileURLToPath(import.meta.url), "--serve-bare"], (line) =>
    line.startsWith('{"port"') ? (JSON.parse(line) as { port: number }).port : null,
  );
}

/** The bare relay: frames go unchanged, one send each, to the other sockets of the same `room`. */
async function serveBare(): Promise<void> {
  const rooms = new Map<string, Set<WsConn<{ room: string }>>>();
  const t = await startTransport<{ room: string }>(
    {
      port: 0, address: "127.0.0.1", impl: "uws", maxRequestSizeBytes: 262_144, maxMessageSizeBytes: 4096,
      idleTimeoutMs: 60_000, maxBackpressureBytes: 1 << 20, responseHeaders: {}, log: silentLogger(),
    },
    {
      http: () => Promise.resolve({ status: 404 }),
      ws: {
        upgrade: (req) => Promise.resolve({ ok: true, data: { room: req.query.get("room") ?? "" } }),
        open: (c) => {
          let r = rooms.get(c.data.room);
          if (r === undefined) rooms.set(c.data.room, (r = new Set()));
          r.add(c);
        },
        message: (c, data, isBinary) => {
          for (const o of rooms.get(c.data.room) ?? []) if (o !== c) o.send(data, isBinary);
        },
        close: (c) => rooms.get(c.data.room)?.delete(c),
      },
    },
  );
  process.stdout.write(`${JSON.stringify({ port: t.port })}\n`);
  process.on("SIGTERM", () => void t.close().then(() => process.exit(0)));
}

/**
 * The idle-mode server: Troupe started through its programmatic API in a child process run with
 * --expose-gc, so memory can be read after a full collection ("mem" on stdin → {"rss","heap"}).
 */
async function serveTroupe(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "troupe-bench-"));
  const server = await startServer({ "socket.port": 0, "socket.address": "127.0.0.1", data_dir: dataDir, "logger.level": "warn" });
  process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
  createInterface({ input: process.stdin }).on("line", () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ rss: m.rss, heap: m.heapUsed })}\n`);
  });
  process.on("SIGTERM", () => void server.stop().then(() => process.exit(0)));
}

interface Measured extends Proc {
  /** Full GC in the server, then its RSS and V8 heap bytes. */
  memory(): Promise<{ rss: number; heap: number }>;
}

async function startTroupeMeasured(): Promise<Measured> {
  const child = hasTaskset()
    ? spawn("taskset", ["-c", "0", process.execPath, "--expose-gc", ...process.execArgv, fileURLToPath(import.meta.url), "--serve-troupe"], { stdio: ["pipe", "pipe", "inherit"] })
    : spawn(process.execPath, ["--expose-gc", ...process.execArgv, fileURLToPath(import.meta.url), "--serve-troupe"], { stdio: ["pipe", "pipe", "inherit"] });
  // The server's own log lines share stdout: wait for the line carrying the wanted key.
  const lines = createInterface({ input: child.stdout });
  const next = (key: string): Promise<Record<string, number>> =>
    new Promise((resolve) => {
      const on = (l: string): void => {
        if (!l.startsWith(`{"${key}"`)) return;
        lines.off("line", on);
        resolve(JSON.parse(l) as Record<string, number>);
      };
      lines.on("line", on);
    });
  const { port } = await next("port");
  const proc = procOf(child, port);
  return {
    ...proc,
    memory: async () => {
      const reply = next("rss");
      child.stdin?.write("mem\n");
      const m = await reply;
      return { rss: m.rss, heap: m.heap };
    },
  };
}

// ---- clients -----------------------------------------------------------------------------------

type Format = "json" | "protobuf";

async function authenticate(port: number, name: string): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/v2/account/authenticate/device?create=true&username=${name}`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from("defaultkey:").toString("base64")}` },
    body: JSON.stringify({ id: `${name}-device-0000` }),
  });
  if (r.status !== 200) throw new Error(`authenticate ${name}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

/** Sends one request envelope and resolves with the reply of the same cid. */
function request(ws: MiniWs, format: Format, env: Init<rt.Envelope>): Promise<rt.Envelope> {
  return new Promise((resolve, reject) => {
    const prev = ws.onMessage;
    ws.onMessage = (data, binary) => {
      const e = binary ? decodeBinary(rt.Envelope, data) : fromJson(rt.Envelope, data);
      if (e.cid !== env.cid) return;
      ws.onMessage = prev;
      if (e.error !== undefined) reject(new Error(`${e.error.code}: ${e.error.message}`));
      else resolve(e);
    };
    ws.send(format === "protobuf" ? encodeBinary(rt.Envelope, env) : toJson(rt.Envelope, env));
  });
}

/** A player's prebuilt match_data_send frame and where its 8-byte send time goes. */
interface Sender {
  ws: MiniWs;
  frame: Buffer;
  patch(t: number): void;
}

function senderFor(ws: MiniWs, format: Format, matchId: string, payloadBytes: number): Sender {
  const payload = Buffer.alloc(Math.max(16, payloadBytes), 0x2a);
  MAGIC.copy(payload, 0);
  const env: Init<rt.Envelope> = { match_data_send: { match_id: matchId, op_code: "1", data: payload } };
  if (format === "protobuf") {
    const bytes = encodeBinary(rt.Envelope, env);
    const frame = clientFrame(2, bytes);
    const at = frame.indexOf(MAGIC) + MAGIC.length;
    return { ws, frame, patch: (t) => frame.writeDoubleLE(t, at) };
  }
  const text = Buffer.from(toJson(rt.Envelope, env));
  const frame = clientFrame(1, text);
  const b64 = payload.toString("base64");
  const at = frame.indexOf(b64);
  return {
    ws,
    frame,
    patch: (t) => {
      payload.writeDoubleLE(t, MAGIC.length);
      frame.write(payload.toString("base64"), at, "latin1");
    },
  };
}

/** Reads the send time out of a delivered match_data (protobuf: raw bytes; JSON: base64 data). */
function sentAt(data: Buffer, binary: boolean): number | null {
  if (binary) {
    const i = data.indexOf(MAGIC);
    return i < 0 ? null : data.readDoubleLE(i + MAGIC.length);
  }
  const i = data.indexOf('"data":"');
  if (i < 0) return null;
  const raw = Buffer.from(data.subarray(i + 8, i + 8 + 24).toString("latin1"), "base64");
  return raw.subarray(0, MAGIC.length).equals(MAGIC) ? raw.readDoubleLE(MAGIC.length) : null;
}

// ---- relay load --------------------------------------------------------------------------------

interface Counters {
  received: number;
  windowReceived: number;
  closed: number;
  lat: Latencies;
  windowFrom: number;
  windowTo: number;
}

async function connectPlayers(server: Proc, target: string, format: Format, matches: number, players: number): Promise<MiniWs[][]> {
  const groups: MiniWs[][] = [];
  for (let m = 0; m < matches; m++) {
    const group: MiniWs[] = [];
    if (target === "bare") {
      for (let p = 0; p < players; p++) group.push(await MiniWs.open(server.port, `/ws?room=${m}`));
    } else {
      const tokens = await Promise.all(Array.from({ length: players }, (_, p) => authenticate(server.port, `rb${Date.now().toString(36)}m${m}p${p}`)));
      for (const t of tokens) group.push(await MiniWs.open(server.port, `/ws?token=${t}&format=${format}`));
    }
    groups.push(group);
  }
  return groups;
}

async function joinMatches(groups: MiniWs[][], format: Format): Promise<string[]> {
  return Promise.all(
    groups.map(async (g) => {
      const created = await request(g[0], format, { cid: "1", match_create: {} });
      const id = created.match?.match_id as string;
      for (const ws of g.slice(1)) await request(ws, format, { cid: "2", match_join: { match_id: id } });
      return id;
    }),
  );
}

function listen(groups: MiniWs[][], c: Counters): void {
  for (const ws of groups.flat()) {
    ws.onMessage = (data, binary) => {
      const t = sentAt(data, binary);
      if (t === null) return;
      c.received++;
      const now = performance.now();
      if (t >= c.windowFrom && t < c.windowTo) {
        c.windowReceived++;
        c.lat.add(now - t);
      }
    };
    ws.onClose = () => void c.closed++;
  }
}

/** Sends at `sendsPerSec` in total for `ms`, round-robin over the senders, paced every millisecond. */
function pace(senders: Sender[], sendsPerSec: number, ms: number): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now();
    let sent = 0;
    let next = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(sendsPerSec * (Math.min(now, start + ms) - start) / 1000, Number.MAX_SAFE_INTEGER);
      while (sent < due) {
        const s = senders[next];
        next = (next + 1) % senders.length;
        if (s.ws.closed) continue;
        s.patch(performance.now());
        s.ws.sendFrame(Buffer.from(s.frame));
        sent++;
      }
      if (now >= start + ms) {
        clearInterval(timer);
        resolve(sent);
      }
    }, 1);
  });
}

async function relay(): Promise<void> {
  const target = arg("target", "troupe");
  const format = arg("format", "protobuf") as Format;
  const matches = num("matches", 100);
  const players = num("players", 4);
  const payload = num("payload", 64);
  const rate = num("rate", 96_000);
  const seconds = num("seconds", 10);
  const warmup = num("warmup", 2);
  const server = target === "bare" ? await startBare() : await startTroupe([]);
  try {
    const groups = await connectPlayers(server, target, format, matches, players);
    const ids = target === "bare" ? groups.map(() => "00000000-0000-4000-8000-000000000000.") : await joinMatches(groups, format);
    const senders = groups.flatMap((g, m) => g.map((ws) => senderFor(ws, format, ids[m], payload)));
    const c: Counters = { received: 0, windowReceived: 0, closed: 0, lat: new Latencies(), windowFrom: Infinity, windowTo: Infinity };
    listen(groups, c);
    const sendsPerSec = rate / (players - 1);
    const run = pace(senders, sendsPerSec, (warmup + seconds) * 1000);
    await new Promise((r) => setTimeout(r, warmup * 1000));
    const cpu0 = server.cpuSeconds();
    const self0 = process.cpuUsage();
    const got0 = c.received;
    c.windowFrom = performance.now();
    c.windowTo = c.windowFrom + seconds * 1000;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = server.cpuSeconds() - cpu0;
    const selfCpu = process.cpuUsage(self0);
    const delivered = c.received - got0;
    const sent = await run;
    // Drain: wait until nothing has arrived for a second (at most 30 s), so loss counts only real loss.
    for (let last = -1, waited = 0; last !== c.received && waited < 30; waited++) {
      last = c.received;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const expected = sent * (players - 1);
    const loss = expected === 0 ? 0 : Math.max(0, 1 - c.received / expected);
    console.log(`${target} relay, ${format}, ${matches} × ${players} players, ${payload}-byte payloads, offered ${fmt(rate, 0)} deliveries/s, ${seconds} s after ${warmup} s warm-up`);
    console.log(table(
      ["deliveries/s", "p50 ms", "p99 ms", "loss", "closed sockets", "server CPU µs/delivery", "server CPU %", "server RSS MB"],
      [[
        fmt(delivered / seconds, 0), fmt(c.lat.percentile(50), 2), fmt(c.lat.percentile(99), 2), `${fmt(loss * 100, 2)}%`,
        c.closed, fmt((cpu / Math.max(1, delivered)) * 1e6, 2), fmt((cpu / seconds) * 100, 0), fmt(server.rssBytes() / 1e6, 0),
      ]],
    ));
    console.log(`load generator CPU: ${fmt(((selfCpu.user + selfCpu.system) / 1e6 / seconds) * 100, 0)}% of a core`);
    for (const ws of groups.flat()) ws.close();
  } finally {
    await server.stop();
  }
}

// ---- idle sockets ------------------------------------------------------------------------------

async function idle(n: number): Promise<void> {
  const hold = num("hold", 20);
  const server = await startTroupeMeasured();
  try {
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => authenticate(server.port, `idle${Date.now().toString(36)}u${i}`)));
    // A first wave grows the heap and the socket structures to their working size; then measure.
    const openAll = async (): Promise<MiniWs[]> => {
      const out: MiniWs[] = [];
      for (let i = 0; i < n; i += 256) {
        out.push(...(await Promise.all(
          Array.from({ length: Math.min(256, n - i) }, (_, k) => MiniWs.open(server.port, `/ws?token=${tokens[(i + k) % tokens.length]}&format=protobuf`)),
        )));
      }
      return out;
    };
    const closeWave = async (wave: MiniWs[]): Promise<void> => {
      await Promise.all(wave.map((ws) => new Promise<void>((r) => ((ws.onClose = () => r()), ws.close()))));
    };
    await closeWave(await openAll());
    await new Promise((r) => setTimeout(r, 1000));
    const mem0 = await server.memory();
    const cpu0 = server.cpuSeconds();
    const start = performance.now();
    const sockets = await openAll();
    let closed = 0;
    for (const ws of sockets) ws.onClose = () => void closed++;
    const connectSec = (performance.now() - start) / 1000;
    const connectCpu = server.cpuSeconds() - cpu0;
    await new Promise((r) => setTimeout(r, hold * 1000));
    const mem1 = await server.memory();
    console.log(`idle sockets: ${fmt(n, 0)} authenticated sockets (protobuf) held ${hold} s`);
    console.log(table(
      ["connects/s", "server CPU µs/connect", "server RSS before → after MB", "RSS KB/socket", "JS heap KB/socket", "closed"],
      [[
        fmt(n / connectSec, 0), fmt((connectCpu / n) * 1e6, 0), `${fmt(mem0.rss / 1e6, 0)} → ${fmt(mem1.rss / 1e6, 0)}`,
        fmt((mem1.rss - mem0.rss) / n / 1024, 1), fmt((mem1.heap - mem0.heap) / n / 1024, 1), closed,
      ]],
    ));
    for (const ws of sockets) ws.close();
  } finally {
    await server.stop();
  }
}

if (process.argv.includes("--serve-bare")) {
  await serveBare();
} else if (process.argv.includes("--serve-troupe")) {
  await serveTroupe();
} else {
  pinSelf(1);
  const n = num("idle", 0);
  if (n > 0) await idle(n);
  else await relay();
}
