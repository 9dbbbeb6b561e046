// Owns the measurement of a Lua RPC's own cost in the framework, free of sockets and other processes:
// an echo RPC called through the real Lua VM pool (pool actor, VM actors, kernel) with a socket
// session's frozen context, `--inflight` calls outstanding at a time as the socket load keeps them.
// CPU time of this process per call, best of several runs (a loaded machine only adds time).
// --direct calls one engine VM without the pool (the VM's own share).
//   npm run bench -- rpc-path [--calls 200000] [--inflight 128] [--payload 64] [--runs 5] [--vms 1] [--direct]
import { parseArgs } from "node:util";
import { poolStarter } from "../actors/runtime/index.js";
import { createKernel } from "../actors/kernel/index.js";
import { silentLogger } from "../src/log.js";
import { emptyContext } from "../src/pipeline/hooks.js";
import { ExecutionMode, requestContext } from "../src/runtime/context.js";
import type { GuestCall } from "../src/runtime/engine.js";
import { luaEngineFactory } from "../src/runtime/lua-engine.js";
import type { NkDeps } from "../src/runtime/nk/types.js";

const { values: o } = parseArgs({
  options: {
    calls: { type: "string", default: "200000" },
    inflight: { type: "string", default: "128" },
    payload: { type: "string", default: "64" },
    runs: { type: "string", default: "5" },
    vms: { type: "string", default: "1" },
    direct: { type: "boolean", default: false },
  },
});
const calls = Number(o.calls);
const inflight = Number(o.inflight);
const vms = Number(o.vms);

const base = { env: {}, node: "bench", version: "bench" };
const source = 'local nk = require("nakama")\nnk.register_rpc(function(context, payload) return payload end, "echo")\n';
const factory = luaEngineFactory({
  modules: new Map([["echo", { source, file: "echo.lua" }]]),
  bindings: [],
  nk: {} as NkDeps,
  base,
  log: silentLogger(),
  callTimeoutMs: 15_000,
});
const kernel = createKernel({ log: silentLogger() });
const firstVm = await factory.create();
const pool = poolStarter(kernel.root)(factory, firstVm, { min: vms, max: vms, queueSize: 100_000, askTimeoutMs: 15_000 });
const target = o.direct ? firstVm : pool;
while (pool.stats().vms < vms) await new Promise((r) => setTimeout(r, 5));

const call = Object.freeze(emptyContext({ userId: "8e4bd0a5-3c7e-4d2a-9f51-2b8f3c1d7e60", username: "bench", sessionId: "s1", expiry: 2e9, clientIp: "127.0.0.1", clientPort: "5000" }));
const ctx = Object.freeze(requestContext(base, ExecutionMode.RPC, call));
const payload = "x".repeat(Number(o.payload));
const guest: GuestCall = { key: "rpc:echo", ctx, args: [payload], fields: { rpc_id: "echo" } };

async function run(n: number): Promise<number> {
  let started = 0;
  let done = 0;
  const t0 = process.cpuUsage();
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      if (started >= n) return;
      started++;
      target.call(guest).then((out) => {
        if (out !== payload) reject(new Error(`unexpected result ${String(out)}`));
        if (++done === n) resolve();
        else next();
      }, reject);
    };
    for (let i = 0; i < inflight; i++) next();
  });
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / n;
}

await run(Math.min(calls, 20_000)); // warm-up
const results: number[] = [];
for (let i = 0; i < Number(o.runs); i++) results.push(await run(calls));
results.sort((a, b) => a - b);
process.stdout.write(`Lua echo ${o.direct ? "straight into one VM" : "through the pool"}, ${inflight} in flight, ${vms} VM(s): best ${results[0].toFixed(2)} µs CPU per call, median ${results[results.length >> 1].toFixed(2)} (${results.map((r) => r.toFixed(2)).join(" ")})\n`);
await pool.stop();
await kernel.shutdown();
