// Smoke test of the load tool (bench/load): every workload runs at a tiny size (a few clients, about a
// second) against Troupe servers booted in this process, and its operations must succeed and its
// messages arrive — deliveries with no loss, sockets held open, tickets matched. Not a speed test.
// Servers: bench/load/modules (the tool's own portable Lua modules), and the runtime fixtures
// (test/fixtures/modules/<lua|js|native> for the echo RPCs, …/matches for authoritative matches).
// Also the command line end to end: a run writing its JSON, Markdown and SVG files, and a refused target.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { loadOptions, runWorkload, type LoadOptions, type PhaseResult, type RunResult, type Target, type WorkloadName } from "../bench/load/index.js";

const TINY = { duration: 0.5, warmup: 0, concurrency: 2 };

function boot(runtimePath: string, extra: Record<string, unknown> = {}): Promise<BootedServer> {
  return bootServer({
    "logger.level": "warn", "runtime.path": runtimePath, "matchmaker.interval_sec": 1,
    "runtime.lua_min_count": 1, "runtime.lua_max_count": 2, "runtime.js_min_count": 1, "runtime.js_max_count": 2,
    // rpc-socket's closed loops pass Troupe's per-socket inbound limit at once (Nakama has none).
    "socket.max_inbound_per_sec": 0, ...extra,
  });
}

function targetOf(s: BootedServer): Target {
  return { label: "test", url: s.httpUrl, host: "127.0.0.1", port: s.port, serverKey: "defaultkey", httpKey: "defaulthttpkey", pid: process.pid };
}

async function run(s: BootedServer, workload: WorkloadName, given: Record<string, string | number> = {}): Promise<RunResult> {
  const opts: LoadOptions = loadOptions(workload, { ...TINY, ...given });
  return runWorkload(targetOf(s), opts);
}

/** Every phase ran, did something, and nothing failed. */
function allSucceeded(r: RunResult, phases: readonly string[]): readonly PhaseResult[] {
  assert.deepEqual(r.phases.map((p) => p.name), phases);
  for (const p of r.phases) {
    assert.equal(p.errors, 0, `${r.workload}/${p.name}: ${p.firstError}`);
    assert.ok(p.ops > 0, `${r.workload}/${p.name}: no operations completed`);
    assert.ok(p.timeline.length > 0 && p.timeline.reduce((a, s) => a + s.ops, 0) === p.ops, `${r.workload}/${p.name}: timeline adds up`);
  }
  return r.phases;
}

function deliveredAll(p: PhaseResult): void {
  assert.equal(p.extra["loss %"], 0, `${p.name}: messages lost`);
  assert.equal(p.extra["closed sockets"], 0, `${p.name}: sockets closed`);
  assert.ok(p.latency.p50 !== null && p.latency.p50 >= 0);
}

describe("load tool on bench/load/modules", () => {
  let s: BootedServer;
  before(async () => {
    s = await boot("bench/load/modules");
  });
  after(async () => {
    await s.stop();
  });

  test("auth: new and existing devices", async () => {
    allSucceeded(await run(s, "auth", { size: 6 }), ["new", "existing"]);
  });

  test("rpc-http and rpc-socket on the portable module's bench_echo", async () => {
    allSucceeded(await run(s, "rpc-http", { "rpc-id": "bench_echo" }), ["bearer", "http_key"]);
    allSucceeded(await run(s, "rpc-socket", { "rpc-id": "bench_echo", format: "protobuf" }), ["socket"]);
  });

  test("storage: writes, then reads that find every object", async () => {
    allSucceeded(await run(s, "storage", { size: 8, batch: 2 }), ["write", "read"]);
  });

  test("leaderboard: record writes and around-owner listings on the module's board", async () => {
    allSucceeded(await run(s, "leaderboard", { size: 6 }), ["write", "around"]);
  });

  for (const format of ["json", "protobuf"]) {
    test(`relay (${format}): every delivery arrives`, async () => {
      const [p] = allSucceeded(await run(s, "relay", { size: 2, players: 3, rate: 200, format }), ["relay"]);
      deliveredAll(p);
    });
  }

  test("authoritative through bench_match_create and bench_relay", async () => {
    const [p] = allSucceeded(await run(s, "authoritative", {
      size: 2, players: 2, "msg-rate": 10, "create-rpc": "bench_match_create", "match-module": "bench_relay",
    }), ["authoritative"]);
    deliveredAll(p);
  });

  test("idle-ccu: sockets stay open and answer pings; memory per socket is read", async () => {
    const [, hold] = allSucceeded(await run(s, "idle-ccu", { size: 12, users: 3, duration: 1.2, warmup: 0.1 }), ["connect", "hold"]);
    assert.equal(hold.extra["open sockets"], 12);
    assert.equal(hold.extra["closed by server"], 0);
    assert.equal(typeof hold.extra["KB per socket"], "number");
  });

  test("matchmaker: every ticket is matched", async () => {
    const [p] = allSucceeded(await run(s, "matchmaker", { size: 6, duration: 10 }), ["matchmaker"]);
    assert.equal(p.ops, 6);
    assert.equal(p.extra.unmatched, 0);
  });

  test("command line: a run writes JSON, Markdown and SVG; a non-loopback target is refused", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "troupe-loadtool-"));
    const files = { json: path.join(dir, "r.json"), markdown: path.join(dir, "r.md"), svg: path.join(dir, "r.svg") };
    const r = await cli(["auth", "--target", s.httpUrl, "--size", "4", "--duration", "0.6", "--warmup", "0", "--concurrency", "2",
      "--json", files.json, "--markdown", files.markdown, "--svg", files.svg]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(files.json, "utf8"));
    assert.equal(report.runs[0].workload, "auth");
    assert.ok(report.runs[0].phases.every((p: PhaseResult) => p.ops > 0 && p.errors === 0));
    assert.match(readFileSync(files.markdown, "utf8"), /\| http:\/\/127\.0\.0\.1:\d+ \| new \|/);
    assert.match(r.stdout, /\| new \| [\d,]+ req\/s \|/);
    assert.match(readFileSync(files.svg, "utf8"), /^<svg [^]*<polyline [^]*<\/svg>\n$/);

    const refused = await cli(["auth", "--target", "http://example.com:7350", "--duration", "1"]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refusing example\.com: the load tool only sends traffic to 127\.0\.0\.1, localhost or ::1/);
  });
});

for (const runtime of ["lua", "js", "native"] as const) {
  describe(`load tool RPC workloads on the ${runtime} echo fixture`, () => {
    let s: BootedServer;
    before(async () => {
      s = await boot(`test/fixtures/modules/${runtime}`);
    });
    after(async () => {
      await s.stop();
    });
    test("rpc-http (bearer) and rpc-socket", async () => {
      allSucceeded(await run(s, "rpc-http", { runtime, phases: "bearer" }), ["bearer"]);
      allSucceeded(await run(s, "rpc-socket", { runtime }), ["socket"]);
    });
  });
}

describe("load tool authoritative workload on the match fixtures", () => {
  let s: BootedServer;
  before(async () => {
    s = await boot("test/fixtures/modules/matches");
  });
  after(async () => {
    await s.stop();
  });
  for (const runtime of ["lua", "js", "native"] as const) {
    test(`${runtime}_relay at 20 Hz: every broadcast arrives`, async () => {
      const [p] = allSucceeded(await run(s, "authoritative", { runtime, size: 2, players: 3, "tick-rate": 20, "msg-rate": 5 }), ["authoritative"]);
      deliveredAll(p);
      assert.equal(p.extra["tick rate"], 20);
    });
  }
});

const here = path.dirname(fileURLToPath(import.meta.url));
const cliPath = path.join(here, "..", "bench", "load", import.meta.url.endsWith(".ts") ? "cli.ts" : "cli.js");

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, cliPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`troupe-bench ${args.join(" ")} did not finish in 60 s; stderr: ${stderr}`));
    }, 60_000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
