import { createJsVm, createJsEngine } from "../src/runtime/js/index.js";
import { silentLogger } from "../src/log.js";
import { jsContext, requestContext, systemContext, ExecutionMode } from "../src/runtime/context.js";
import { emptyContext } from "../src/pipeline/hooks.js";
const engine = await createJsEngine({ log: silentLogger() });
const vm = await createJsVm({ source: "function InitModule(c,l,nk,i){ i.reg((ctx, l, nk, p) => p); }", file: "x.js", globals: {}, callTimeoutMs: 1000, memoryLimitBytes: 32 << 20, log: silentLogger(), engine });
let fn: any; await vm.callGlobal("InitModule", [{}, {}, {}, { reg: ([f]: any[]) => { fn = f.keep(); } }]);
const logger = await vm.makeRef({ info: () => 1, warn: () => 1 });
const nkObj: Record<string, any> = {}; for (let i = 0; i < 170; i++) nkObj["f" + i] = () => i;
const nk = await vm.makeRef(nkObj);
const base = { env: {}, node: "troupe", version: "1" };
const call = emptyContext({ userId: "6f4b3a2e-1111-2222-3333-444455556666", username: "bob", expiry: 1800000000, clientIp: "127.0.0.1", headers: { Authorization: ["Bearer xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"], "Content-Type": ["application/json"], Host: ["b"], "Content-Length": ["66"] } });
const full = jsContext(requestContext(base, ExecutionMode.RPC, call));
const small = jsContext(systemContext(base, ExecutionMode.RPC));
const p = "x".repeat(64);
async function time(label: string, args: () => unknown[]) {
  const rs: number[] = [];
  for (let r = 0; r < 5; r++) { const N = 20000; const c0 = process.cpuUsage(); for (let i = 0; i < N; i++) await vm.call(fn, args()); const u = process.cpuUsage(c0); rs.push((u.user + u.system) / N); }
  rs.sort((a, b) => a - b); console.log(label, rs.map((x) => x.toFixed(1)).join(" "));
}
await time("no ctx      ", () => [null, logger, nk, p]);
await time("small ctx   ", () => [jsContext(systemContext(base, ExecutionMode.RPC)), logger, nk, p]);
await time("full ctx    ", () => [jsContext(requestContext(base, ExecutionMode.RPC, call)), logger, nk, p]);
await time("full ctx str", () => [JSON.stringify(full), logger, nk, p]);
await vm.dispose();
