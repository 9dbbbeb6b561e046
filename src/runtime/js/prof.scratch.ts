import { silentLogger } from "../../log.js";
import { createJsEngine } from "./engine.js";
import { createJsVm } from "./vm.js";
const log = silentLogger();
const engine = await createJsEngine({ log });
const build = (process.argv[2] ?? "asyncify") as "asyncify" | "sync";
const src = "function InitModule(ctx, logger, nk, initializer) { return 1; }";
for (let i = 0; i < 20; i++) await (await createJsVm({ source: src, file: "i.js", globals: {}, callTimeoutMs: 1000, memoryLimitBytes: 8 << 20, log, engine, build })).dispose();
const t0 = performance.now(); const N = 50;
let tc = 0, ti = 0, td = 0;
for (let i = 0; i < N; i++) {
  let t = performance.now();
  const vm = await createJsVm({ source: src, file: "i.js", globals: {}, callTimeoutMs: 1000, memoryLimitBytes: 8 << 20, log, engine, build });
  tc += performance.now() - t; t = performance.now();
  await vm.callGlobal("InitModule", [{}, {}, {}, {}]);
  ti += performance.now() - t; t = performance.now();
  await vm.dispose();
  td += performance.now() - t;
}
console.log(build, "per vm ms", ((performance.now() - t0) / N).toFixed(2), "create", (tc / N).toFixed(2), "init", (ti / N).toFixed(2), "dispose", (td / N).toFixed(2));
