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

/** Best of 5 rounds of n calls, after a warm-up long enough for the JIT to settle. */
async function perCall(n: number, f: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3 * n; i++) await f();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await f();
    best = Math.min(best, ((performance.now() - t0) * 1000) / n);
  }
  return best;
}

function bareEcho(n: number): number {
  const L = lauxlib.luaL_newstate();
  const src = toLuaString("return function(ctx, p) return p end");
  lauxlib.luaL_loadbufferx(L, src, src.length, toLuaString("=echo"), toLuaString("t"));
  lua.lua_call(L, 0, 1);
  const fn = lua.lua_toproxy(L, -1) as (L: unknown) => void;
  lua.lua_pop(L, 1);
  const payload = toLuaString(PAYLOAD);
  const run = (): void => {
    fn(L);
    lua.lua_pushnil(L);
    lua.lua_pushstring(L, payload);
    if (lua.lua_pcall(L, 2, 1, 0) !== LUA_OK) throw new Error("echo failed");
    lua.lua_tojsstring(L, -1);
    lua.lua_pop(L, 1);
  };
  for (let i = 0; i < 3 * n; i++) run();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) run();
    best = Math.min(best, ((performance.now() - t0) * 1000) / n);
  }
  return best;
}

function bareFib(): number {
  const L = lauxlib.luaL_newstate();
  lauxlib.luaL_requiref(L, toLuaString("_G"), fengari.lbaselib.luaopen_base, 1);
  const src = toLuaString(FIB);
  const t0 = performance.now();
  lauxlib.luaL_loadbufferx(L, src, src.length, toLuaString("=fib"), toLuaString("t"));
  lua.lua_call(L, 0, 1);
  return performance.now() - t0;
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
  out(`bare fengari lua_pcall echo: ${bareEcho(n).toFixed(2)} µs/call`);
  const echo = await vmWith("return function(ctx, p) return p end");
  out(`vm.call echo (64-byte string): ${(await perCall(n, () => echo.vm.call(echo.fn, [null, PAYLOAD]))).toFixed(2)} µs/call`);
  const ctx = { user_id: "3f1c7a52-6a5e-4b1e-9d2a-8c4b5e6f7a8b", username: "player", execution_mode: "rpc", env: { a: "1" }, query_params: {} };
  out(`vm.call echo with a 5-field ctx table: ${(await perCall(n, () => echo.vm.call(echo.fn, [ctx, PAYLOAD]))).toFixed(2)} µs/call`);
  const host = await vmWith('local nk = require("nakama") return function(n) local s = 0 for i = 1, n do s = s + nk.id(i) end return s end', {
    id: ([x]) => x,
  });
  const hostN = 200000;
  await host.vm.call(host.fn, [hostN]);
  let t0 = performance.now();
  await host.vm.call(host.fn, [hostN]);
  out(`sync host call from Lua: ${(((performance.now() - t0) * 1000) / hostN).toFixed(2)} µs/call`);
  const asyncHost = await vmWith('local nk = require("nakama") return function(n) local s = 0 for i = 1, n do s = s + nk.id(i) end return s end', {
    id: async ([x]) => x,
  });
  await asyncHost.vm.call(asyncHost.fn, [20000]);
  t0 = performance.now();
  await asyncHost.vm.call(asyncHost.fn, [20000]);
  out(`async host call from Lua (yield + resume): ${(((performance.now() - t0) * 1000) / 20000).toFixed(2)} µs/call`);
  const fib = await vmWith(`return function() ${FIB} end`);
  const inVm: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 7; i++) {
    t0 = performance.now();
    await fib.vm.call(fib.fn);
    inVm.push(performance.now() - t0);
    bare.push(bareFib());
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  out(`fib(24), median of 7: in a VM (time-limit hook on) ${median(inVm).toFixed(0)} ms; bare fengari ${median(bare).toFixed(0)} ms`);
  const c = await creation(200);
  out(`VM creation: ${c.ms.toFixed(2)} ms, ${c.kb.toFixed(0)} KB heap per VM (${(globalThis as { gc?: unknown }).gc ? "after gc" : "no --expose-gc"})`);
  for (const v of [echo, host, asyncHost, fib]) v.vm.close();
}

void main();
