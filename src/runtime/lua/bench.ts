// Owns the Lua engine's micro-benchmarks (run: `npx tsx --expose-gc src/runtime/lua/bench.ts`):
// JS→Lua→JS echo calls through the VM versus bare fengari lua_pcall, host calls from Lua (sync and
// async), the cost of the time-limit hook on compute, and VM creation time and memory.
// Not a test: it prints numbers (machines are noisy; compare within one run).
import { silentLogger } from "../../log.js";
import { lauxlib, lua, LUA_OK, toLuaString } from "./api.js";
import { fengari } from "./fengari-loader.js";
import { createLuaVm } from "./vm.js";
import type { LuaVm } from "./vm.js";
import type { HostFn, LuaRef } from "./types.js";
import { modules } from "./test-support.js";

const out = (line: string): void => void process.stdout.write(line + "\n");
const PAYLOAD = "x".repeat(64);
const FIB = "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end return fib(24)";

async function vmWith(source: string, host: Record<string, HostFn> = {}): Promise<{ vm: LuaVm; fn: LuaRef }> {
  const vm = await createLuaVm({ modules: modules({ m: source }), hostModules: { nakama: host }, callTimeoutMs: 60000, log: silentLogger() });
  return { vm, fn: await vm.requireModule("m") };
}

/** µs per call: best of 5 rounds of n calls, as wall time and as process CPU time (steadier on a busy box). */
interface Cost {
  wall: number;
  cpu: number;
}

function show(c: Cost): string {
  return `${c.wall.toFixed(2)} µs/call wall, ${c.cpu.toFixed(2)} µs CPU`;
}

async function perCall(n: number, f: () => unknown): Promise<Cost> {
  for (let i = 0; i < 3 * n; i++) await f();
  const best = { wall: Infinity, cpu: Infinity };
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await f();
    const c = process.cpuUsage(c0);
    best.wall = Math.min(best.wall, ((performance.now() - t0) * 1000) / n);
    best.cpu = Math.min(best.cpu, (c.user + c.system) / n);
  }
  return best;
}

function bareEcho(): () => void {
  const L = lauxlib.luaL_newstate();
  const src = toLuaString("return function(ctx, p) return p end");
  lauxlib.luaL_loadbufferx(L, src, src.length, toLuaString("=echo"), toLuaString("t"));
  lua.lua_call(L, 0, 1);
  const fn = lua.lua_toproxy(L, -1) as (L: unknown) => void;
  lua.lua_pop(L, 1);
  const payload = toLuaString(PAYLOAD);
  return (): void => {
    fn(L);
    lua.lua_pushnil(L);
    lua.lua_pushstring(L, payload);
    if (lua.lua_pcall(L, 2, 1, 0) !== LUA_OK) throw new Error("echo failed");
    lua.lua_tojsstring(L, -1);
    lua.lua_pop(L, 1);
  };
}

/** fib in a bare fengari state (no sandbox, no VM), optionally in a coroutine with a count hook. */
function bareFib(hooked: boolean): number {
  const L = lauxlib.luaL_newstate();
  const co = lua.lua_newthread(L);
  if (hooked) lua.lua_sethook(co, () => void performance.now(), lua.LUA_MASKCOUNT, 1000);
  const src = toLuaString(`return function() ${FIB} end`);
  lauxlib.luaL_loadbufferx(co, src, src.length, toLuaString("=fib"), toLuaString("t"));
  lua.lua_call(co, 0, 1);
  const c0 = process.cpuUsage();
  if (lua.lua_resume(co, L, 0) !== LUA_OK) throw new Error("fib failed");
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

async function creation(count: number): Promise<{ ms: number; kb: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const vms: LuaVm[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) vms.push(await createLuaVm({ modules: new Map(), callTimeoutMs: 1000, log: silentLogger() }));
  const ms = (performance.now() - t0) / count;
  gc?.();
  const kb = (process.memoryUsage().heapUsed - before) / count / 1024;
  for (const v of vms) v.close();
  return { ms, kb };
}

async function main(): Promise<void> {
  out(`fengari load+patch: ${fengari.loadMs.toFixed(1)} ms (once per process)`);
  const n = 50000;
  out(`bare fengari lua_pcall echo (no coroutine, no queue): ${show(await perCall(n, bareEcho()))}`);
  const echo = await vmWith("return function(ctx, p) return p end");
  out(`vm.call echo (64-byte string): ${show(await perCall(n, () => echo.vm.call(echo.fn, [null, PAYLOAD])))}`);
  const ctx = { user_id: "3f1c7a52-6a5e-4b1e-9d2a-8c4b5e6f7a8b", username: "player", execution_mode: "rpc", env: { a: "1" }, query_params: {} };
  out(`vm.call echo with a ctx table (5 fields, 2 nested): ${show(await perCall(n, () => echo.vm.call(echo.fn, [ctx, PAYLOAD])))}`);
  const host = await vmWith('local nk = require("nakama") return function(n) local s = 0 for i = 1, n do s = s + nk.id(i) end return s end', {
    id: ([x]) => x,
  });
  const loopCall = (vm: LuaVm, fn: LuaRef, count: number) => async (): Promise<unknown> => vm.call(fn, [count]);
  const hostCost = await perCall(3, loopCall(host.vm, host.fn, 100000));
  out(`sync host call from Lua: ${show({ wall: hostCost.wall / 100000, cpu: hostCost.cpu / 100000 })}`);
  const asyncHost = await vmWith('local nk = require("nakama") return function(n) local s = 0 for i = 1, n do s = s + nk.id(i) end return s end', {
    id: async ([x]) => x,
  });
  const asyncCost = await perCall(3, loopCall(asyncHost.vm, asyncHost.fn, 10000));
  out(`async host call from Lua (yield + resume): ${show({ wall: asyncCost.wall / 10000, cpu: asyncCost.cpu / 10000 })}`);
  const fib = await vmWith(`return function() ${FIB} end`);
  const inVm: number[] = [];
  const bare: number[] = [];
  const bareHooked: number[] = [];
  for (let i = 0; i < 9; i++) {
    const c0 = process.cpuUsage();
    await fib.vm.call(fib.fn);
    const c = process.cpuUsage(c0);
    inVm.push((c.user + c.system) / 1000);
    bare.push(bareFib(false));
    bareHooked.push(bareFib(true));
  }
  const median = (xs: number[]): string => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(0);
  out(`fib(24) CPU ms, median of 9: VM ${median(inVm)}; bare coroutine+hook ${median(bareHooked)}; bare ${median(bare)}`);
  const c = await creation(200);
  out(`VM creation: ${c.ms.toFixed(2)} ms, ${c.kb.toFixed(0)} KB heap per VM (${(globalThis as { gc?: unknown }).gc ? "after gc" : "no --expose-gc"})`);
  for (const v of [echo, host, asyncHost, fib]) v.vm.close();
}

void main();
