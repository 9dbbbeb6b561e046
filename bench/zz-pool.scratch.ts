import { silentLogger } from "../src/log.js";
import { createKernel } from "../actors/kernel/index.js";
import { poolStarter } from "../actors/runtime/index.js";
import { systemContext, ExecutionMode } from "../src/runtime/context.js";
const kernel = createKernel({ log: silentLogger() });
let n = 0;
const mk = () => ({ kind: "lua" as const, keys: () => [], call: async () => ++n, usable: () => true, close: async () => {} });
const pool = poolStarter(kernel.root)({ kind: "lua", create: async () => mk() }, mk(), { min: 4, max: 4, queueSize: 10000, askTimeoutMs: 5000 });
const ctx = systemContext({ env: {}, node: "n", version: "v" }, ExecutionMode.RPC);
const c = { key: "k", ctx, args: [], fields: {} };
for (let r = 0; r < 5; r++) {
  const N = 100000; const t0 = performance.now(); const c0 = process.cpuUsage(); let done = 0;
  await Promise.all(Array.from({ length: 32 }, async () => { while (done < N) { done++; await pool.call(c); } }));
  const u = process.cpuUsage(c0);
  console.log("pool call µs", ((performance.now() - t0) * 1000 / N).toFixed(2), "cpu", ((u.user + u.system) / N).toFixed(2));
}
await pool.stop(); await kernel.shutdown();
