import { silentLogger } from "../../log.js";
import { createJsEngine } from "./engine.js";
import { createJsVm } from "./vm.js";
const log = silentLogger();
const engine = await createJsEngine({ log });
const build = (process.argv[2] ?? "asyncify") as "asyncify" | "sync";
const vm = await createJsVm({ source: `var kept = []; function hog(n) { var a = []; var t = Date.now(); try { for (var i = 0; i < n; i++) a.push("x".repeat(1024) + a.length); return "done " + a.length + " " + (Date.now() - t); } catch (e) { var l = a.length; a = null; return e.message + " at " + l + " " + (Date.now() - t); } }`, file: "i.js", globals: {}, callTimeoutMs: 20000, memoryLimitBytes: 4 << 20, log, engine, build, readOnlyGlobals: false });
for (const n of [100, 1000, 2000, 3000, 100000]) { const t = performance.now(); console.log(n, await vm.callGlobal("hog", [n]).catch(e => e.message), (performance.now() - t).toFixed(0)); console.log(await vm.memoryUsed()); }
await vm.dispose();
