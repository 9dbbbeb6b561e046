// Owns the Lua engine's micro-benchmarks (run: `npx tsx --expose-gc src/runtime/lua/bench.ts`):
// JS→Lua→JS echo calls through the VM versus bare fengari lua_pcall, host calls from Lua (sync and
// async), the cost of the time-limit hook on compute, and VM creation time and memory (bare, and
// with a match handler module loaded through a shared chunk cache, i.e. the per-match cost).
// Not a test: it prints numbers (machines are noisy; compare within one run).
import { silentLogger } from "../src/log.js";
import { lauxlib, lua, LUA_OK, toLuaString } from "../src/runtime/lua/api.js";
import { fengari } from "../src/runtime/lua/fengari-loader.js";
import { LuaChunkCache } from "../src/runtime/lua/chunk-cache.js";
import { createLuaVm } from "../src/runtime/lua/vm.js";
import type { LuaVm } from "../src/runtime/lua/vm.js";
import type { HostFn, LuaRef } from "../src/runtime/lua/types.js";
import { modules } from "../src/runtime/lua/test-support.js";

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

const MATCH_MODULE = `
local nk = require("nakama")
local M = {}
function M.match_init(context, params) return { presences = {}, ticks = 0 }, 10, "skill=100-150" end
function M.match_join_attempt(context, dispatcher, tick, state, presence, metadata) return state, true end
function M.match_join(context, dispatcher, tick, state, presences)
  for _, p in ipairs(presences) do state.presences[p.session_id] = p end
  return state
end
function M.match_leave(context, dispatcher, tick, state, presences)
  for _, p in ipairs(presences) do state.presences[p.session_id] = nil end
  return state
end
function M.match_loop(context, dispatcher, tick, state, messages)
  state.ticks = state.ticks + 1
  for _, m in ipairs(messages) do dispatcher.broadcast_message(m.op_code, m.data) end
  return state
end
function M.match_signal(context, dispatcher, tick, state, data) return state, data end
function M.match_terminate(context, dispatcher, tick, state, grace) return state end
nk.register_rpc(function(ctx, payload) return nk.json_encode({ ok = true }) end, "match.create")
return M`;

/** Per-VM creation cost (CPU) and heap, optionally loading modules through a shared chunk cache. */
async function creation(count: number, withModules: boolean): Promise<{ ms: number; kb: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const cache = new LuaChunkCache();
  const mods = withModules ? modules({ match: MATCH_MODULE }) : new Map();
  const host: Record<string, HostFn> = { register_rpc: () => undefined, json_encode: () => "{}" };
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const vms: LuaVm[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const vm = await createLuaVm({ modules: mods, hostModules: { nakama: host }, callTimeoutMs: 1000, log: silentLogger(), chunkCache: cache });
    if (withModules) await vm.loadAll();
    vms.push(vm);
  }
  const c = process.cpuUsage(c0);
  gc?.();
  const kb = (process.memoryUsage().heapUsed - before) / count / 1024;
  for (const v of vms) v.close();
  return { ms: (c.user + c.system) / 1000 / count, kb };
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
  const gcNote = (globalThis as { gc?: unknown }).gc ? "after gc" : "no --expose-gc";
  const bareVm = await creation(200, false);
  out(`VM creation, no modules: ${bareVm.ms.toFixed(2)} ms CPU, ${bareVm.kb.toFixed(0)} KB heap per VM (${gcNote})`);
  const matchVm = await creation(200, true);
  out(`VM creation + loadAll of a match handler module (shared chunk cache): ${matchVm.ms.toFixed(2)} ms CPU, ${matchVm.kb.toFixed(0)} KB heap per VM`);
  for (const v of [echo, host, asyncHost, fib]) v.vm.close();
}

void main();
