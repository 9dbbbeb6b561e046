// Storage throughput, now the load tool's "storage" workload (bench/load/workloads/storage.ts); this
// keeps the old command and its flags working:
//   npm run bench -- storage [--db postgres://…] [--batches 1,10,50] [--seconds 5] [--conns 32]
// For each batch size: ≈1 KB objects written (PUT /v2/storage, `batch` per request, 256 keys per user)
// then read back (POST /v2/storage), one user per keep-alive connection. --db runs the server on that
// PostgreSQL (the database as given: use a scratch one) instead of the embedded PGlite.
import { oldFlags, runLegacy } from "./load/legacy.js";

const flags = oldFlags(process.argv.slice(2));
const db = flags.get("db");
const batches = (flags.get("batches") ?? "1,10,50").split(",");
flags.delete("batches");
if (!flags.has("seconds")) flags.set("seconds", "5");
let code = 0;
for (const batch of batches) {
  code ||= await runLegacy("storage", new Map([...flags, ["batch", batch]]), { seconds: "duration", conns: "concurrency", db: null },
    db === undefined ? [] : ["--database.address", db]);
}
process.exitCode = code;
