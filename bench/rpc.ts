// RPC echo load per runtime, now the load tool's "rpc-http" and "rpc-socket" workloads
// (bench/load/workloads/rpc.ts); this keeps the old command and its flags working:
//   npm run bench -- rpc [--seconds 5] [--conns 32] [--sockets 32] [--inflight 4] [--only lua,js,native] [--pool]
// For each runtime: HTTP with a session token over --conns connections, then the socket (--sockets ×
// --inflight). --pool: 16 VMs per pool (the old "2× more concurrent calls than VMs" case at 32).
import { oldFlags, runLegacy } from "./load/legacy.js";

const flags = oldFlags(process.argv.slice(2));
const only = (flags.get("only") ?? "native,lua,js").split(",");
const pool = flags.get("pool") === "true"
  ? ["--runtime.lua_min_count", "16", "--runtime.lua_max_count", "16", "--runtime.js_min_count", "16", "--runtime.js_max_count", "16"] : [];
const sockets = flags.get("sockets");
for (const k of ["only", "pool", "sockets"]) flags.delete(k);
const seconds = flags.get("seconds") ?? "5";
flags.delete("seconds");
let code = 0;
for (const runtime of only) {
  const base = new Map([...flags, ["runtime", runtime], ["duration", seconds]]);
  code ||= await runLegacy("rpc-http", new Map([...base, ["phases", "bearer"]]), { conns: "concurrency", inflight: null }, pool);
  code ||= await runLegacy("rpc-socket", new Map([...base, ...(sockets !== undefined ? [["concurrency", sockets] as const] : [])]), { conns: null }, pool);
}
process.exitCode = code;
