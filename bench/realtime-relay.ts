// Owns the relay ceiling of this machine: a bare uWebSockets.js relay (through src/transport; frames go
// unchanged, one unbatched send per delivery, to the other sockets of the same `?room=`; no accounts, no
// envelopes) in its own process pinned to core 0, loaded from core 1 by the load tool's relay workload
// exactly as it loads a server (bench/load/workloads/matches.ts, bench/load/match-traffic.ts).
// Troupe's own relayed matches are `npm run bench -- load relay`; idle sockets `npm run bench -- load idle-ccu`.
//   npm run bench -- realtime-relay [--matches 100] [--players 4] [--payload 64] [--rate 96000]
//     [--seconds 10] [--warmup 2] [--format protobuf|json]   (or the load tool's names: --size, --duration)
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { silentLogger } from "../src/log.js";
import { startTransport, type WsConn } from "../src/transport/index.js";
import { hasTaskset, pinSelf } from "./lib/server.js";
import { oldFlags } from "./load/legacy.js";
import { loadOptions, markdownRuns, runWorkload, type Target } from "./load/index.js";

/** The bare relay: frames go unchanged, one send each, to the other sockets of the same room. */
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

/** Starts the bare relay in a child pinned to core 0; resolves with its target and a stop function. */
function startBare(): Promise<{ target: Target; stop: () => Promise<void> }> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), "--serve-bare"];
  const child = hasTaskset()
    ? spawn("taskset", ["-c", "0", process.execPath, ...args], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("bare relay did not start in 30 s")), 30_000);
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (!line.startsWith('{"port"')) return;
      clearTimeout(timer);
      const { port } = JSON.parse(line) as { port: number };
      resolve({
        target: { label: "bare uWS relay", url: `http://127.0.0.1:${port}`, host: "127.0.0.1", port, serverKey: "", httpKey: "", pid: child.pid! },
        stop: async () => {
          child.kill("SIGTERM");
          await exited;
        },
      });
    });
    void exited.then(() => reject(new Error(`bare relay exited with ${child.exitCode}`)));
  });
}

async function ceiling(): Promise<void> {
  const renames: Record<string, string> = { matches: "size", seconds: "duration" };
  const given: Record<string, string> = { format: "protobuf", rate: "96000" };
  for (const [k, v] of oldFlags(process.argv.slice(2))) given[renames[k] ?? k] = v;
  const opts = loadOptions("relay", given, { bareRelay: true });
  pinSelf(1);
  const bare = await startBare();
  try {
    const run = await runWorkload(bare.target, opts);
    console.log(`bare relay, ${opts.format}, ${opts.size} rooms × ${opts.players}, ${opts.payload}-byte payloads, offered ${opts.rate} deliveries/s`);
    console.log(markdownRuns([run]));
  } finally {
    await bare.stop();
  }
}

if (process.argv.includes("--serve-bare")) await serveBare();
else await ceiling();
