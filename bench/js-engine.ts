// Owns the JS engine micro-benchmarks (run: `npm run bench -- js-engine [--time-limit]`): VM creation
// time and memory per build, host→guest call overhead, guest→host (sync and suspending) host calls,
// guest compute speed, the time limit's cost on compute (`--time-limit` prints only that), and the two
// marshalling strategies in each direction. Builds are measured alternately in rounds and the median
// round is printed, because this machine is noisy.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten";
import { newQuickJSAsyncWASMModule, newQuickJSWASMModule, RELEASE_ASYNC, RELEASE_SYNC } from "quickjs-emscripten";
import { silentLogger } from "../src/log.js";
import { createJsEngine } from "../src/runtime/js/engine.js";
import type { JsBuild, JsEngine } from "../src/runtime/js/engine.js";
import { createJsVm } from "../src/runtime/js/vm.js";
import type { JsVm } from "../src/runtime/js/vm.js";
import type { JsRef } from "../src/runtime/js/refs.js";

const log = silentLogger();
const BUILDS: JsBuild[] = ["asyncify", "sync"];
const ROUNDS = 5;

const CTX = {
  env: { A: "1" }, executionMode: "rpc", node: "troupe", version: "1.0", headers: { "content-type": "application/json" },
  queryParams: {}, userId: "6f4b3a2e-1111-2222-3333-444455556666", username: "player_one", vars: {}, userSessionExp: 1700000000,
  sessionId: "9a8b7c6d-1111-2222-3333-444455556666", lang: "en", clientIp: "127.0.0.1", clientPort: "54321",
  matchId: "", matchNode: "", matchLabel: "", matchTickRate: 0, traceId: "",
};

const SRC = `
function echo(x) { return x; }
function getEcho() { return echo; }
function touch(ctx) { return ctx.userId.length; }
function touchJson(s) { return JSON.parse(s).userId.length; }
function makeCtx() { return ${JSON.stringify(CTX)}; }
function hostLoop(n) { for (var i = 0; i < n; i++) h.echo(i); return n; }
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timePer(n: number, fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t0) * 1000) / n;
}

function vmOptions(engine: JsEngine, build: JsBuild, globals = {}) {
  return { source: SRC, file: "bench.js", globals, callTimeoutMs: 10_000, memoryLimitBytes: 64 << 20, log, engine, build };
}

/** Runs in a fresh process (`--create <build>`) so memory deltas are not blurred by earlier rounds. */
async function creation(engine: JsEngine, build: JsBuild, n: number): Promise<Record<string, number>> {
  const warm = await createJsVm(vmOptions(engine, build));
  await warm.dispose();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m0 = process.memoryUsage();
  const vms: JsVm[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) vms.push(await createJsVm(vmOptions(engine, build)));
  const ms = (performance.now() - t0) / n;
  gc?.();
  const m1 = process.memoryUsage();
  const quickjs = await vms[0].memoryUsed();
  const t1 = performance.now();
  await Promise.all(vms.map((vm) => vm.dispose()));
  const disposeMs = (performance.now() - t1) / n;
  return {
    "create ms": ms,
    "dispose ms": disposeMs,
    "RSS KiB/vm": (m1.rss - m0.rss) / 1024 / n,
    "external (reserved) KiB/vm": (m1.external - m0.external) / 1024 / n,
    "QuickJS heap KiB/vm": quickjs / 1024,
  };
}

function creationInChild(build: JsBuild): Record<string, number> {
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--create", build], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as Record<string, number>;
}

async function calls(engine: JsEngine, build: JsBuild): Promise<Record<string, number>> {
  const vm = await createJsVm(vmOptions(engine, build, { h: { echo: (a: unknown[]) => a[0] } }));
  const asyncVm = build === "asyncify" ? await createJsVm(vmOptions(engine, build, { h: { echo: async (a: unknown[]) => a[0] } })) : undefined;
  const out: Record<string, number> = {};
  await timePer(500, () => vm.callGlobal("echo", ["warm"]));
  out["echo(string) µs"] = await timePer(3000, () => vm.callGlobal("echo", ["a 64-byte payload ...................................."]));
  out["echo(no args) µs"] = await timePer(3000, () => vm.callGlobal("echo", []));
  const echoRef = (await vm.callGlobal("getEcho", [])) as JsRef;
  out["call(ref, string) µs"] = await timePer(3000, () => vm.call(echoRef, ["a 64-byte payload ...................................."]));
  echoRef.release();
  out["touch(ctx) µs"] = await timePer(2000, () => vm.callGlobal("touch", [CTX]));
  out["touchJson(JSON ctx) µs"] = await timePer(2000, () => vm.callGlobal("touchJson", [JSON.stringify(CTX)]));
  out["makeCtx() → host µs"] = await timePer(2000, () => vm.callGlobal("makeCtx", []));
  const loops = 2000;
  out["guest→sync host call µs"] = ((await timePer(3, () => vm.callGlobal("hostLoop", [loops]))) / loops);
  if (asyncVm) out["guest→async host call (suspend) µs"] = (await timePer(3, () => asyncVm.callGlobal("hostLoop", [loops]))) / loops;
  out["fib(20) ms"] = (await timePer(5, () => vm.callGlobal("fib", [20]))) / 1000;
  await vm.dispose();
  await asyncVm?.dispose();
  return out;
}

/** The library alone: callFunction + newString/getString on a bare sync context (no queue, limits, refs). */
async function rawBaseline(): Promise<Record<string, number>> {
  const mod = await newQuickJSWASMModule(RELEASE_SYNC);
  const ctx = mod.newContext();
  const echo = ctx.unwrapResult(ctx.evalCode("(function (x) { return x; })"));
  const once = async () => {
    const a = ctx.newString("a 64-byte payload ....................................");
    const r = ctx.unwrapResult(ctx.callFunction(echo, ctx.undefined, a));
    const v = ctx.getString(r);
    a.dispose();
    r.dispose();
    return v;
  };
  await timePer(2000, once);
  const rounds: Array<Record<string, number>> = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push({ "raw library echo(string) µs": await timePer(5000, once) });
  echo.dispose();
  ctx.dispose();
  return medianOf(rounds);
}

/** Guest→host strategies on a bare sync context: one encode() call + JSON.parse vs an FFI walk. */
async function guestToHostStrategies(): Promise<Record<string, number>> {
  const mod = await newQuickJSWASMModule(RELEASE_SYNC);
  const ctx = mod.newContext();
  const obj = ctx.unwrapResult(ctx.evalCode(`(${JSON.stringify(CTX)})`));
  const enc = ctx.unwrapResult(ctx.evalCode("(function (v) { return JSON.stringify(v, function (k, x) { return typeof x === 'function' ? null : x; }); })"));
  const keys = ctx.unwrapResult(ctx.evalCode("(function (v) { return Object.keys(v); })"));
  const viaJson = () => {
    const r = ctx.unwrapResult(ctx.callFunction(enc, ctx.undefined, obj));
    const v = JSON.parse(ctx.getString(r)) as unknown;
    r.dispose();
    return v;
  };
  const walk = (h: QuickJSHandle, c: QuickJSContext): unknown => {
    const t = c.typeof(h);
    if (t === "string") return c.getString(h);
    if (t === "number") return c.getNumber(h);
    if (t !== "object") return undefined;
    const ks = c.unwrapResult(c.callFunction(keys, c.undefined, h));
    const lenH = c.getProp(ks, "length");
    const len = c.getNumber(lenH);
    lenH.dispose();
    const out: Record<string, unknown> = {};
    for (let i = 0; i < len; i++) {
      const kh = c.getProp(ks, i);
      const vh = c.getProp(h, kh);
      out[c.getString(kh)] = walk(vh, c);
      kh.dispose();
      vh.dispose();
    }
    ks.dispose();
    return out;
  };
  const rounds: Array<Record<string, number>> = [];
  for (let r = 0; r < ROUNDS; r++) {
    rounds.push({
      "ctx guest→host via encode+JSON µs": await timePer(2000, async () => viaJson()),
      "ctx guest→host via FFI walk µs": await timePer(2000, async () => walk(obj, ctx)),
    });
  }
  for (const h of [obj, enc, keys]) h.dispose();
  ctx.dispose();
  return medianOf(rounds);
}

/** CPU ms of one call, in this process's user+system time (not wall time: the machine is shared). */
async function cpuMsOf(fn: () => unknown): Promise<number> {
  const t0 = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/**
 * The time limit's cost on compute: fib(FIB_N) in a Troupe VM (interrupt handler installed, a deadline set
 * for every call) against the same build's bare context with no interrupt handler at all. Alternated
 * call by call, median of many, so drift hits both sides alike.
 */
async function timeLimitCost(engine: JsEngine, build: JsBuild): Promise<Record<string, number>> {
  const FIB_N = 24;
  const vm = await createJsVm(vmOptions(engine, build));
  const mod = build === "sync" ? await newQuickJSWASMModule(RELEASE_SYNC) : await newQuickJSAsyncWASMModule(RELEASE_ASYNC);
  const ctx = mod.newContext();
  const fib = ctx.unwrapResult(ctx.evalCode(`(${SRC.split("\n").find((l) => l.startsWith("function fib"))?.replace(/;$/, "")})`));
  const bare = () => {
    const n = ctx.newNumber(FIB_N);
    const r = ctx.unwrapResult(ctx.callFunction(fib, ctx.undefined, n));
    const v = ctx.getNumber(r);
    n.dispose();
    r.dispose();
    return v;
  };
  const limited: number[] = [];
  const unlimited: number[] = [];
  if (bare() !== (await vm.callGlobal("fib", [FIB_N]))) throw new Error("fib differs between the VM and the bare context");
  for (let i = 0; i < 15; i++) {
    limited.push(await cpuMsOf(() => vm.callGlobal("fib", [FIB_N])));
    unlimited.push(await cpuMsOf(bare));
  }
  fib.dispose();
  ctx.dispose();
  await vm.dispose();
  const l = median(limited);
  const u = median(unlimited);
  return { [`fib(${FIB_N}) CPU ms, time-limited VM`]: l, [`fib(${FIB_N}) CPU ms, bare, no limit`]: u, "time limit overhead %": ((l - u) / u) * 100 };
}

function medianOf(rounds: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(rounds[0])) out[k] = median(rounds.map((r) => r[k]));
  return out;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function print(title: string, rows: Record<string, Record<string, number>>): void {
  out(`\n${title}`);
  const metrics = [...new Set(Object.values(rows).flatMap((r) => Object.keys(r)))];
  out(["metric".padEnd(40), ...Object.keys(rows).map((k) => k.padStart(10))].join(" "));
  for (const m of metrics) {
    out([m.padEnd(40), ...Object.values(rows).map((r) => (r[m] === undefined ? "-" : r[m].toFixed(2)).padStart(10))].join(" "));
  }
}

const engine = await createJsEngine({ log });
if (process.argv[2] === "--create") {
  out(JSON.stringify(await creation(engine, process.argv[3] as JsBuild, 100)));
  process.exit(0);
}
if (process.argv[2] === "--time-limit") {
  print("Time limit cost on compute (CPU time, median of 15 alternated calls)", {
    asyncify: await timeLimitCost(engine, "asyncify"),
    sync: await timeLimitCost(engine, "sync"),
  });
  process.exit(0);
}
const create: Record<string, Array<Record<string, number>>> = { asyncify: [], sync: [] };
const call: Record<string, Array<Record<string, number>>> = { asyncify: [], sync: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const b of BUILDS) create[b].push(creationInChild(b));
  for (const b of BUILDS) call[b].push(await calls(engine, b));
}
print("VM creation (100 VMs per round in a fresh process, median of rounds)", { asyncify: medianOf(create.asyncify), sync: medianOf(create.sync) });
print("Calls (median of rounds)", { asyncify: medianOf(call.asyncify), sync: medianOf(call.sync) });
print("Time limit cost on compute (CPU time, median of 15 alternated calls)", {
  asyncify: await timeLimitCost(engine, "asyncify"),
  sync: await timeLimitCost(engine, "sync"),
});
print("Baseline and guest→host marshalling strategies (sync build, bare context)", {
  sync: { ...(await rawBaseline()), ...(await guestToHostStrategies()) },
});
