// Device authentication load, now the load tool's "auth" workload (bench/load/workloads/auth.ts); this
// keeps the old command and its flags working:
//   npm run bench -- auth [--seconds 10] [--conns 32] [--devices 1000] [--db postgres://…]
// (same as: npm run bench -- load auth --duration 10 --concurrency 32 --size 1000 [--server-flags="--database.address …"])
import { oldFlags, runLegacy } from "./load/legacy.js";

const flags = oldFlags(process.argv.slice(2));
const db = flags.get("db");
process.exitCode = await runLegacy("auth", flags, { seconds: "duration", conns: "concurrency", devices: "size", db: null },
  db === undefined ? [] : ["--database.address", db]);
