import { silentLogger } from "../../log.js";
import { createJsEngine } from "./engine.js";
import { PRELUDE } from "./prelude.js";
const log = silentLogger();
const engine = await createJsEngine({ log });
const build = (process.argv[2] ?? "asyncify") as "asyncify" | "sync";
const N = 40; let tNew = 0, tPre = 0, tDisp = 0;
for (let i = 0; i < N + 10; i++) {
  let t = performance.now();
  const ec = await engine.newContext(build);
  const a = performance.now() - t; t = performance.now();
  const r = ec.context.evalCode(PRELUDE, "p.js", { type: "global" });
  const b = performance.now() - t; t = performance.now();
  (r.value ?? r.error)!.dispose(); ec.low.dispose(); const rt = ec.context.runtime; ec.context.dispose(); rt.dispose();
  const c = performance.now() - t;
  if (i >= 10) { tNew += a; tPre += b; tDisp += c; }
}
console.log(build, "newContext", (tNew / N).toFixed(2), "prelude eval", (tPre / N).toFixed(2), "dispose", (tDisp / N).toFixed(2));
