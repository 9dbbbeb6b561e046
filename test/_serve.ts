import { startServer } from "/work/main/src/main.js";
const over: Record<string, unknown> = { "socket.port": 7399, "socket.address": "127.0.0.1", "logger.level": "warn", "database.in_memory": true, data_dir: "/tmp/troupe-bench-data" };
if (process.env.BENCH_PG) over["database.address"] = process.env.BENCH_PG;
const s = await startServer(over);
console.log("ready", s.httpUrl);
process.on("SIGTERM", () => { void s.stop().then(() => process.exit(0)); });
