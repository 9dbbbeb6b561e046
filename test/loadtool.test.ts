// Smoke test of the load tool (bench/load): every workload runs at a tiny size (a few clients, about a
// second) against Troupe servers booted in this process, and its operations must succeed and its
// messages arrive — deliveries with no loss, sockets held open, tickets matched. Not a speed test.
// Servers: bench/load/modules (the tool's own portable Lua modules), and the runtime fixtures
// (test/fixtures/modules/<lua|js|native> for the echo RPCs, …/matches for authoritative matches).
// Also the command line (main, with its output captured): a run writing its JSON, Markdown and SVG
// files, and a refused target.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { loadOptions, main, runWorkload, type LoadOptions, type PhaseResult, type RunResult, type Target, type WorkloadName } from "../bench/load/index.js";

const TINY = { duration: 0.5, warmup: 0, concurrency: 2 };

/** A describe block with a server on `runtimePath` booted before its tests and stopped after them. */
function onServer(name: string, runtimePath: string, tests: (server: () => BootedServer) => void): void {
  describe(name, () => {
    let s: BootedServer | undefined;
    before(async () => {
      s = await bootServer({
        "logger.level": "warn", "runtime.path": runtimePath, "matchmaker.interval_sec": 1,
        "runtime.lua_min_count": 1, "runtime.lua_max_count": 2, "runtime.js_min_count": 1, "runtime.js_max_count": 2,
        // rpc-socket's closed loops pass Troupe's per-socket inbound limit at once (Nakama has none).
        "socket.max_inbound_per_sec": 0,
      });
    });
    after(async () => {
      await s?.stop();
    });
    tests(() => s!);
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

onServer("load tool on bench/load/modules", "bench/load/modules", (server) => {
  test("auth: new and existing devices", async () => {
    allSucceeded(await run(server(), "auth", { size: 6 }), ["new", "existing"]);
  });

  test("rpc-http and rpc-socket (protobuf) on the module's echo", async () => {
    allSucceeded(await run(server(), "rpc-http"), ["bearer", "http_key"]);
    allSucceeded(await run(server(), "rpc-socket", { format: "protobuf" }), ["socket"]);
  });

  test("storage: writes, then reads that find every object", async () => {
    allSucceeded(await run(server(), "storage", { size: 8, batch: 2 }), ["write", "read"]);
  });

  test("leaderboard: record writes and around-owner listings on the module's board", async () => {
    allSucceeded(await run(server(), "leaderboard", { size: 6 }), ["write", "around"]);
  });

  for (const format of ["json", "protobuf"]) {
    test(`relay (${format}): every delivery arrives`, async () => {
      const [p] = allSucceeded(await run(server(), "relay", { size: 2, players: 3, rate: 200, format }), ["relay"]);
      deliveredAll(p);
    });
  }

  test("idle-ccu: sockets stay open and answer pings; memory per socket is read", async () => {
    const [, hold] = allSucceeded(await run(server(), "idle-ccu", { size: 12, users: 3, duration: 1.2, warmup: 0.1 }), ["connect", "hold"]);
    assert.equal(hold.extra["open sockets"], 12);
    assert.equal(hold.extra["closed by server"], 0);
    assert.equal(typeof hold.extra["KB per socket"], "number");
  });

  test("matchmaker: every ticket is matched", async () => {
    const [p] = allSucceeded(await run(server(), "matchmaker", { size: 6, duration: 10 }), ["matchmaker"]);
    assert.equal(p.ops, 6);
    assert.equal(p.extra.unmatched, 0);
  });

  test("command line: a run writes JSON, Markdown and SVG; a non-loopback target is refused", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "troupe-loadtool-"));
    const files = { json: path.join(dir, "r.json"), markdown: path.join(dir, "r.md"), svg: path.join(dir, "r.svg") };
    const r = await cli(["auth", "--target", server().httpUrl, "--size", "4", "--duration", "0.5", "--warmup", "0", "--concurrency", "2",
      "--json", files.json, "--markdown", files.markdown, "--svg", files.svg]);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(readFileSync(files.json, "utf8"));
    assert.equal(report.runs[0].workload, "auth");
    assert.ok(report.runs[0].phases.every((p: PhaseResult) => p.ops > 0 && p.errors === 0));
    assert.match(readFileSync(files.markdown, "utf8"), /\| http:\/\/127\.0\.0\.1:\d+ \| new \|/);
    assert.match(r.out, /\| new \| [\d,]+ req\/s \|/);
    assert.match(readFileSync(files.svg, "utf8"), /^<svg [^]*<polyline [^]*<\/svg>\n$/);

    const refused = await cli(["auth", "--target", "http://example.com:7350", "--duration", "1"]);
    assert.equal(refused.code, 1);
    assert.equal(refused.out, "");
    assert.match(refused.err, /refusing example\.com: the load tool only sends traffic to 127\.0\.0\.1, localhost or ::1/);
  });
});

for (const runtime of ["lua", "js", "native"] as const) {
  onServer(`load tool RPC workloads on the ${runtime} echo fixture`, `test/fixtures/modules/${runtime}`, (server) => {
    test("rpc-http (bearer) and rpc-socket", async () => {
      allSucceeded(await run(server(), "rpc-http", { runtime, phases: "bearer" }), ["bearer"]);
      allSucceeded(await run(server(), "rpc-socket", { runtime }), ["socket"]);
    });
  });
}

onServer("load tool authoritative workload on the match fixtures", "test/fixtures/modules/matches", (server) => {
  for (const runtime of ["lua", "js", "native"] as const) {
    test(`${runtime}_relay at 20 Hz: every broadcast arrives`, async () => {
      const [p] = allSucceeded(await run(server(), "authoritative", { runtime, size: 2, players: 3, "tick-rate": 20, "msg-rate": 5 }), ["authoritative"]);
      deliveredAll(p);
      assert.equal(p.extra["tick rate"], 20);
    });
  }
});

/** The command line in this process, its output captured. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t), tty: false });
  return { code, out, err };
}
