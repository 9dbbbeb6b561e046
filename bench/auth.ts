// Device authentication load: new accounts and existing devices, 32 keep-alive connections by default.
// Server in its own process on core 0, load on core 1 (when taskset exists), 127.0.0.1 only.
//   npm run bench -- auth [--seconds 10] [--conns 32] [--devices 1000] [--db postgres://…]
import http from "node:http";
import { closedLoop, fmt, table } from "./lib/stats.js";
import { pinSelf, startBenchServer } from "./lib/server.js";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const seconds = Number(arg("seconds", "10"));
const conns = Number(arg("conns", "32"));
const devices = Number(arg("devices", "1000"));
const dbUrl = arg("db", "");

const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
const auth = "Basic " + Buffer.from("defaultkey:").toString("base64");

function post(port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, method: "POST", agent, headers: { authorization: auth, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve(200) : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

pinSelf(1);
const server = await startBenchServer(dbUrl ? ["--database.address", dbUrl] : []);
const run = Date.now().toString(36);
const device = (w: number, i: number) => JSON.stringify({ id: `bench-${run}-${w}-${i}-device` });
const existing = (i: number) => JSON.stringify({ id: `bench-${run}-existing-${i % devices}` });
try {
  // Warm up and create the existing devices.
  for (let i = 0; i < devices; i += conns) {
    await Promise.all(Array.from({ length: Math.min(conns, devices - i) }, (_, k) => post(server.port, "/v2/account/authenticate/device", existing(i + k))));
  }
  const rows: Array<Array<string | number>> = [];
  for (const [name, body] of [["new accounts", device], ["existing devices", (_w: number, i: number) => existing(i * 7919)]] as const) {
    const cpu0 = server.cpuSeconds();
    const r = await closedLoop(conns, seconds, (w, i) => post(server.port, "/v2/account/authenticate/device?create=true", body(w, i)).then(() => undefined));
    const cpu = server.cpuSeconds() - cpu0;
    rows.push([name, fmt(r.ok / r.elapsed, 0), fmt(r.lat.percentile(50), 2), fmt(r.lat.percentile(99), 2), fmt((cpu / Math.max(1, r.ok)) * 1e6, 0), r.errors]);
    if (r.firstError) console.error(`${name}: first error: ${r.firstError}`);
  }
  console.log(`device auth, ${conns} connections, ${seconds} s each, database ${dbUrl ? "postgres" : "pglite"}, server RSS ${fmt(server.rssBytes() / 1e6, 0)} MB`);
  console.log(table(["workload", "req/s", "p50 ms", "p99 ms", "server CPU µs/req", "errors"], rows));
} finally {
  await server.stop();
  agent.destroy();
}
