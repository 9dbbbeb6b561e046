// Owns the authoritative-match load tool: M concurrent matches of P players, each player sending R
// messages/s, a relay handler (every input broadcast to every member, with its sender, each tick) at
// T Hz, in one runtime (lua | js | native). The match host runs in this process exactly as in the server
// (actors, kernel, MatchHost, realtime tracker and session outgoing queues, the engines' VMs); only the
// sockets are fake (each session's socket counts frames and, for one observer per match, decodes them
// to time deliveries). So the CPU figure is the match host's own: handler calls, marshalling, encoding
// once per broadcast, fan-out into session queues. Pin to one core with `taskset -c 0`.
//
//   npm run bench -- matches [--runtime js] [--matches 200] [--players 8] [--rate 2] [--tick 10]
//     [--seconds 10] [--warmup 3] [--js-build asyncify|sync] [--profile out.cpuprofile]
//
// Reports: CPU share of one core over the window (and the matches one core would carry at that cost,
// linear extrapolation), p50/p99 delivery latency (input accepted → bytes handed to the socket; a tick
// is 1000/T ms, so p50 is about half a tick when the host keeps up), messages lost, tick overruns
// (kernel skipped ticks), CPU µs per input and per delivery (the figures to compare on a shared
// machine: they do not depend on how much of the core this process got), and memory per match: RSS / heap / external growth after a full GC (run node
// with --expose-gc), with the players joined.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createKernel } from "../actors/kernel/index.js";
import { startMatchHost } from "../actors/match/index.js";
import { fromJson, rt } from "../proto/index.js";
import { silentLogger } from "../src/log.js";
import type { JsMatchSource, MatchHandlerSource, MatchSettings } from "../src/match/index.js";
import { StreamMode, SessionHandle, streamId, type Wire } from "../src/realtime/index.js";
import { testCore } from "../src/realtime/testkit.js";
import { scanModules } from "../src/runtime/loader.js";
import type { NkDeps } from "../src/runtime/nk/types.js";
import type { NativeMatchHandlers } from "../src/runtime/types/native.js";
import { Latencies, fmt, table } from "./lib/stats.js";
import { repoRoot } from "./lib/server.js";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const num = (name: string, def: number): number => Number(arg(name, String(def)));

type RuntimeName = "lua" | "js" | "native";
const runtime = arg("runtime", "js") as RuntimeName;
const M = num("matches", 200);
const P = num("players", 8);
const RATE = num("rate", 2);
const TICK = num("tick", 10);
const SECONDS = num("seconds", 10);
const WARMUP = num("warmup", 3);
const PROFILE = arg("profile", "");
const FIXTURES = path.join(repoRoot, "test", "fixtures", "modules", "matches");

/** The fixture folder's relay handlers, as the runtime would offer them. */
async function handlers(): Promise<MatchHandlerSource> {
  const files = await scanModules(FIXTURES, "");
  const native = new Map<string, NativeMatchHandlers>();
  if (runtime === "native") {
    const mod = (await import(pathToFileURL(path.join(FIXTURES, "native_matches.ts")).href)) as { InitModule: (...a: unknown[]) => unknown };
    const initializer = new Proxy({}, {
      get: (_t, p) => (p === "registerMatch" ? (name: string, h: NativeMatchHandlers) => native.set(name, h) : () => undefined),
    });
    await mod.InitModule({}, {}, {}, initializer);
  }
  return {
    native: (name) => native.get(name),
    lua: files.lua,
    js: (name) => (name.startsWith("js_") ? (files.js as JsMatchSource) : undefined),
  };
}

/** A socket that counts frames; an observer also decodes them to time deliveries. */
class CountingWire implements Wire {
  frames = 0;
  closed = false;
  constructor(private readonly observe: ((data: Uint8Array) => void) | null) {}
  send(data: Uint8Array | string): "ok" {
    this.frames++;
    this.observe?.(typeof data === "string" ? Buffer.from(data) : data);
    return "ok";
  }
  cork(fn: () => void): void {
    fn();
  }
  close(): void {
    this.closed = true;
  }
  ping(): void {}
}

async function main(): Promise<void> {
  const log = silentLogger();
  const core = testCore();
  const kernel = createKernel({ log });
  const settings: MatchSettings = {
    node: "bench", inputQueueSize: 128, callQueueSize: 128, signalQueueSize: 10, joinAttemptQueueSize: 128, deferredQueueSize: 128,
    joinMarkerDeadlineMs: 15_000, maxEmptySec: 0, callWaitMs: 10_000, shutdownGraceSec: 0, callTimeoutMs: 5000,
    jsMemoryLimitBytes: 16 << 20, jsReadOnlyGlobals: true, jsBuild: arg("js-build", "asyncify") === "sync" ? "sync" : "asyncify", jsModuleGroupSize: Number(arg("js-group", "8")),
  };
  const src = await handlers();
  const host = startMatchHost(kernel.root, { settings, log, realtime: core, handlers: () => src, bindings: () => [] });
  const origin = { nk: {} as NkDeps, base: { env: {}, node: "bench", version: "bench" } };
  const gc = (globalThis as { gc?: () => void }).gc;
  const mem = () => {
    gc?.();
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed, ext: m.external + m.arrayBuffers };
  };
  // One match first, so that what is built once per process (the QuickJS engine, compiled chunks) is
  // not counted per match.
  await host.create(`${runtime}_relay`, { tick_rate: TICK }, origin);
  const before = mem();

  const lat = new Latencies();
  let measuring = false;
  const observe = (data: Uint8Array): void => {
    if (!measuring) return;
    const e = fromJson(rt.Envelope, data);
    const d = e.match_data?.data;
    if (d === undefined || d.length < 8) return;
    lat.add(performance.now() - Buffer.from(d.buffer, d.byteOffset, d.byteLength).readDoubleLE(0));
  };

  const began = performance.now();
  const players: Array<{ uuid: string; h: SessionHandle }> = [];
  const wires: CountingWire[] = [];
  let seq = 0;
  for (let m = 0; m < M; m++) {
    const id = await host.create(`${runtime}_relay`, { tick_rate: TICK }, origin);
    const uuid = id.split(".")[0];
    for (let p = 0; p < P; p++) {
      const n = seq++;
      const userId = `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
      const wire = new CountingWire(p === 0 ? observe : null);
      wires.push(wire);
      const h = new SessionHandle(
        { id: `10000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`, userId, username: `u${n}`, vars: {}, expiry: 0, format: "json", lang: "en", clientIp: "", clientPort: "", headers: {}, rawQuery: "" },
        wire, { outgoingQueueSize: 1024, writeWaitMs: 60_000, maxInboundPerSec: 0, maxInboxFrames: 1024 }, core.flusher,
      );
      core.start(h, false);
      const r = await host.join(uuid, "bench", h, {});
      if (!r.allow) throw new Error("join refused");
      core.tracker.track(h, streamId(StreamMode.MATCH_AUTHORITATIVE, uuid, "", "bench"), { username: h.username, hidden: false, persistence: false, status: "" });
      players.push({ uuid, h });
    }
  }
  const createMs = performance.now() - began;
  await new Promise((r) => setTimeout(r, 500));
  const after = mem();

  // Each player sends RATE messages/s, spread evenly: a driver every 10 ms sends for the players due.
  const slotMs = 10;
  const slots = Math.round(1000 / RATE / slotMs);
  let slot = 0;
  let sent = 0;
  const payload = Buffer.alloc(32);
  const driver = setInterval(() => {
    for (let i = slot % slots; i < players.length; i += slots) {
      const p = players[i];
      const data = Buffer.from(payload);
      data.writeDoubleLE(performance.now(), 0);
      host.sendData(p.uuid, "bench", p.h, "1", data, true, Date.now());
      if (measuring) sent++;
    }
    slot++;
  }, slotMs);

  await new Promise((r) => setTimeout(r, WARMUP * 1000));
  // A CPU profile of the measuring window only (creation and warm-up left out).
  const inspector = PROFILE === "" ? null : new Session();
  if (inspector !== null) {
    inspector.connect();
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.start");
  }
  const frames0 = wires.reduce((n, w) => n + w.frames, 0);
  const k0 = kernel.metrics().skippedTicks;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  measuring = true;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  const frames = wires.reduce((n, w) => n + w.frames, 0) - frames0;
  if (inspector !== null) {
    const { profile } = await inspector.post("Profiler.stop");
    writeFileSync(PROFILE, JSON.stringify(profile));
    inspector.disconnect();
  }
  const skipped = kernel.metrics().skippedTicks - k0;
  clearInterval(driver);

  const cpuUs = cpu.user + cpu.system;
  const share = cpuUs / 1e6 / elapsed;
  const expected = sent; // the observer of each match receives every message sent in its match
  const perMatch = (k: "rss" | "heap" | "ext") => (after[k] - before[k]) / M / 1024 / 1024;
  process.stdout.write(`\nmatches: ${M} × ${P} players (${runtime}${runtime === "js" ? `, ${settings.jsBuild} build` : ""}), ${RATE} msg/s each, ${TICK} Hz, ${SECONDS} s (created in ${fmt(createMs / 1000, 2)} s)\n\n`);
  process.stdout.write(table(
    ["runtime", "matches", "inputs/s", "deliveries/s", "CPU (1 core)", "≈ matches/core", "CPU µs/input", "CPU µs/delivery", "CPU µs/match-s", "p50 ms", "p99 ms", "lost", "skipped ticks", "RSS/match MB", "heap/match MB", "ext/match MB"],
    [[
      runtime, M, fmt(sent / elapsed, 0), fmt((sent * P) / elapsed, 0), `${fmt(share * 100, 0)}%`, fmt(M / share, 0),
      fmt(cpuUs / Math.max(1, sent), 1), fmt(cpuUs / Math.max(1, frames), 2), fmt(cpuUs / M / elapsed, 0),
      fmt(lat.percentile(50), 1), fmt(lat.percentile(99), 1), fmt(Math.max(0, expected - lat.count), 0), skipped,
      fmt(perMatch("rss"), 3), fmt(perMatch("heap"), 3), fmt(perMatch("ext"), 3),
    ]],
  ) + "\n");
  if (gc === undefined) process.stdout.write("(memory without --expose-gc: no full GC before reading)\n");
  await host.stop(0);
  await kernel.shutdown();
  process.exit(0);
}

await main();
