import { createJsVm, createJsEngine } from "../src/runtime/js/index.js";
import { silentLogger } from "../src/log.js";
const engine = await createJsEngine({ log: silentLogger() });
const vm = await createJsVm({ source: "function InitModule(c,l,nk,i){ i.reg((ctx, l, nk, p) => p); i.reg2((ctx, l, nk, p) => ctx.userId + ctx.headers['Host'][0]); }", file: "x.js", globals: {}, callTimeoutMs: 1000, memoryLimitBytes: 32 << 20, log: silentLogger(), engine });
let fn: any, fn2: any; await vm.callGlobal("InitModule", [{}, {}, {}, { reg: ([f]: any[]) => { fn = f.keep(); }, reg2: ([f]: any[]) => { fn2 = f.keep(); } }]);
const headers = JSON.stringify({ Authorization: ["Bearer " + "x".repeat(100)], "Content-Type": ["application/json"], Host: ["b"], "Content-Length": ["66"] });
const TRAMP = `(function () {
  "use strict";
  function lazy(o, k, json) {
    Object.defineProperty(o, k, { enumerable: true, configurable: true, get: function () { var v = JSON.parse(json); Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true }); return v; }, set: function (v) { Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true }); } });
  }
  return function (fn, logger, nk, env, node, version, mode, userId, username, exp, sessionId, lang, ip, port, headers, query, vars, a, b) {
    var c = { node: node, version: version, env: env };
    if (mode) c.executionMode = mode;
    if (headers) lazy(c, "headers", headers);
    if (query) lazy(c, "queryParams", query);
    if (exp) c.userSessionExp = exp;
    if (userId) c.userId = userId;
    if (username) c.username = username;
    if (vars) lazy(c, "vars", vars);
    if (sessionId) { c.sessionId = sessionId; c.lang = lang; }
    if (ip) c.clientIp = ip;
    if (port) c.clientPort = port;
    return fn(c, logger, nk, a, b);
  };
})()`;
const tramp = await vm.callGlobal("eval", [TRAMP], { result: "ref" }) as any;
const PROXY = `(function () {
  "use strict";
  var parse = JSON.parse, R = Reflect;
  function lazyCtx(json) {
    var v;
    function t() { return v || (v = parse(json)); }
    return new Proxy({}, {
      get: function (_o, k) { return t()[k]; },
      set: function (_o, k, x) { t()[k] = x; return true; },
      has: function (_o, k) { return k in t(); },
      deleteProperty: function (_o, k) { return delete t()[k]; },
      ownKeys: function () { return R.ownKeys(t()); },
      getOwnPropertyDescriptor: function (_o, k) { var d = R.getOwnPropertyDescriptor(t(), k); if (d) d.configurable = true; return d; },
      defineProperty: function (_o, k, d) { return R.defineProperty(t(), k, d); }
    });
  }
  return function (fn, logger, nk, ctx, a, b) { return fn(lazyCtx(ctx), logger, nk, a, b); };
})()`;
const proxy = await vm.callGlobal("eval", [PROXY], { result: "ref" }) as any;
const ctxJson = JSON.stringify({ node: "troupe", version: "1", env: { A: "1" }, executionMode: "rpc", headers: JSON.parse(headers), userSessionExp: 1800000000, userId: "6f4b3a2e-1111-2222-3333-444455556666", username: "bob", vars: {}, clientIp: "127.0.0.1" });
const env = await vm.makeRef({ A: "1" });
const logger = await vm.makeRef({ info: () => 1 });
const nk = await vm.makeRef({ f: () => 1 });
const p = "x".repeat(64);
async function time(label: string, f: any, args: () => unknown[]) {
  const rs: number[] = [];
  for (let r = 0; r < 5; r++) { const N = 20000; const c0 = process.cpuUsage(); for (let i = 0; i < N; i++) await vm.call(f, args()); const u = process.cpuUsage(c0); rs.push((u.user + u.system) / N); }
  rs.sort((a, b) => a - b); console.log(label, rs.map((x) => x.toFixed(1)).join(" "));
}
console.log(await vm.call(tramp, [fn2, logger, nk, env, "troupe", "1", "rpc", "uid", "bob", 1800000000, "", "", "127.0.0.1", "", headers, "", "{}", p]));
await time("direct no ctx ", fn, () => [null, logger, nk, p]);
await time("tramp echo     ", tramp, () => [fn, logger, nk, env, "troupe", "1", "rpc", "6f4b3a2e-1111-2222-3333-444455556666", "bob", 1800000000, "", "", "127.0.0.1", "", headers, "", "{}", p]);
await time("tramp reads ctx", tramp, () => [fn2, logger, nk, env, "troupe", "1", "rpc", "6f4b3a2e-1111-2222-3333-444455556666", "bob", 1800000000, "", "", "127.0.0.1", "", headers, "", "{}", p]);
console.log(await vm.call(proxy, [fn2, logger, nk, ctxJson, p]));
await time("proxy echo     ", proxy, () => [fn, logger, nk, ctxJson, p]);
await time("proxy reads ctx", proxy, () => [fn2, logger, nk, ctxJson, p]);
await vm.dispose();
