import { createJsEngine, createJsVm, isJsRef } from "./index.js";
import type { JsRef } from "./index.js";
import { silentLogger } from "../../log.js";
const log = silentLogger();
const engine = await createJsEngine({ log });
const rpcs = new Map<string, JsRef>();
const src = `
function InitModule(ctx, logger, nk, initializer) {
  for (const id of ["a", "b"]) initializer.registerRpc(id, (c, l, n, payload) => id + ":" + payload + ":" + n.echo(payload));
  initializer.registerRpc("async", async (c, l, n, p) => { const v = n.slow(p); await null; return "slow:" + v + ":" + n.slow(v); });
  initializer.registerRpc("throw", () => { throw { message: "nope", code: 5 }; });
  initializer.registerRpc("err", () => { null.x; });
  return "ok";
}`;
for (const build of ["asyncify", "sync"] as const) {
  const vm = await createJsVm({ source: src, file: "index.js", globals: { nk: { echo: ([x]) => x, slow: async ([x]) => { await new Promise((r) => setTimeout(r, 5)); return String(x) + "!"; } } }, callTimeoutMs: 1000, memoryLimitBytes: 8 << 20, log, engine, build });
  const initializer = { registerRpc: ([id, fn]: unknown[]) => { if (isJsRef(fn)) rpcs.set(String(id), fn.keep()); } };
  console.log(build, await vm.callGlobal("InitModule", [{}, {}, {}, initializer]));
  const nk = await vm.makeRef({ echo: ([x]: unknown[]) => x, slow: async ([x]: unknown[]) => String(x) + "?" });
  console.log(build, await vm.call(rpcs.get("a")!, [{ userId: "u" }, {}, nk, "hello"]));
  console.log(build, await vm.call(rpcs.get("async")!, [{}, {}, nk, "p"]).catch((e) => e.message));
  console.log(build, await vm.call(rpcs.get("throw")!, []).catch((e) => [e.code, e.message]));
  console.log(build, await vm.call(rpcs.get("err")!, []).catch((e) => [e.code, e.message, e.stackTrace]));
  console.log(build, vm.stats(), vm.health());
  for (const r of rpcs.values()) r.release();
  rpcs.clear(); nk.release();
  await vm.dispose();
  console.log(build, "disposed");
}
