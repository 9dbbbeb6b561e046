// Black-box test of the Prometheus endpoint: a server with metrics.prometheus_port set serves its metrics
// on any path; after some traffic (device logins, a failing call, an HTTP RPC, a socket with a message)
// the Nakama-named counters have moved, and the gauges (sessions, db pool, VMs, kernel, event loop) are
// there. Also: with the port at 0 nothing listens and nothing is recorded.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { RawSocket, wsUrl } from "./realtime-kit.js";

const SERVER_KEY = `Basic ${Buffer.from("defaultkey:").toString("base64")}`;
const LABELS = 'node_name="metrics-node",namespace="ns1"';

/** A port that was free a moment ago (the config treats 0 as "off", so the test picks one). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr !== null ? addr.port : 0));
    });
  });
}

/** name{labels} → value for every sample of a scrape. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
    if (m && !line.startsWith("#")) out.set(m[1], m[2] === "+Inf" ? Infinity : Number(m[2]));
  }
  return out;
}

let s: BootedServer;
let port: number;
let modules: string;

async function scrape(pathname = "/metrics"): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

function value(m: Map<string, number>, name: string, extra = ""): number {
  return m.get(`nakama_${name}{${LABELS}${extra ? `,${extra}` : ""}}`) ?? 0;
}

async function authenticate(id: string): Promise<{ status: number; token: string }> {
  const res = await fetch(`${s.httpUrl}/v2/account/authenticate/device?create=true`, {
    method: "POST", headers: { authorization: SERVER_KEY }, body: JSON.stringify({ id }),
  });
  const body = (await res.json()) as { token?: string };
  return { status: res.status, token: body.token ?? "" };
}

before(async () => {
  modules = mkdtempSync(path.join(os.tmpdir(), "troupe-metrics-mod-"));
  writeFileSync(path.join(modules, "echo.mjs"), `
export function InitModule(ctx, logger, nk, initializer) {
  initializer.registerRpc("echo", (ctx, logger, nk, payload) => payload);
  initializer.registerStorageIndex({ name: "scores", collection: "scores", key: "", fields: ["v"], sortableFields: [], maxEntries: 10, indexOnly: false });
}
`);
  port = await freePort();
  s = await bootServer({ name: "metrics-node", "metrics.prometheus_port": port, "metrics.namespace": "ns1", "runtime.path": modules });
});

after(async () => {
  await s?.stop();
  rmSync(modules, { recursive: true, force: true });
});

test("the startup line names the metrics port", () => {
  const done = s.logs().find((l) => l.msg === "Startup done");
  assert.equal(done?.metrics_port, port);
  assert.deepEqual(done?.modules, { native: 1, lua: 0, js: 0 });
});

test("counters move with traffic; gauges are read at scrape time", async () => {
  const before0 = await scrape();
  for (const id of ["metrics-device-0001", "metrics-device-0002"]) assert.equal((await authenticate(id)).status, 200);
  assert.equal((await authenticate("short")).status, 400, "a too-short device id fails");
  const { token } = await authenticate("metrics-device-0001");
  const rpc = await fetch(`${s.httpUrl}/v2/rpc/echo?http_key=defaulthttpkey`, { method: "POST", body: JSON.stringify("hello") });
  assert.equal(rpc.status, 200);

  const sock = await RawSocket.open(wsUrl(s, token, "json"), "json");
  try {
    sock.send({ cid: "7", rpc: { id: "echo", payload: "over the socket" } });
    const reply = await sock.reply("7");
    assert.equal(reply.rpc?.payload, "over the socket");
    const mid = await scrape("/");
    const moved = (name: string, extra = "") => value(mid, name, extra) - value(before0, name, extra);
    assert.equal(moved("AuthenticateDevice_count"), 4);
    assert.equal(moved("AuthenticateDevice_errors"), 1);
    assert.equal(moved("AuthenticateDevice_latency_ms_count"), 4);
    assert.equal(moved("Rpc_count", 'rpc_id="echo"'), 2, "HTTP and socket RPC");
    assert.equal(moved("Rpc_recv_bytes", 'rpc_id="echo"'), "hello".length + "over the socket".length);
    assert.ok(moved("overall_request_count") >= 5, "every HTTP request counted");
    assert.ok(moved("overall_request_errors") >= 1);
    assert.ok(moved("overall_latency_ms_count") >= 5);
    assert.equal(moved("socket_ws_opened"), 1);
    assert.ok(moved("overall_message_count") >= 1);
    assert.ok(moved("socket_ws_sent_messages") >= 1);
    assert.equal(value(mid, "sessions"), 1, "the open socket");
    assert.ok(value(mid, "presences") >= 1, "its notification presence");
    assert.equal(value(mid, "db_max_open_conns"), 1, "the embedded database has one connection");
    assert.ok(value(mid, "actor_count") > 0);
    assert.ok(mid.has(`nakama_event_loop_lag_ms{${LABELS},stat="p99"}`));
    assert.ok(value(mid, "process_rss_bytes") > 0);
    assert.equal(value(mid, "lua_runtimes"), 0);
    assert.ok(mid.has(`nakama_authoritative_matches{${LABELS}}`), "the match host's gauge");
  } finally {
    sock.close();
  }
  await sock.closed();
  // The server sees the close a moment after the client: wait for it with a deadline.
  const deadline = Date.now() + 5000;
  for (;;) {
    const later = await scrape();
    if (value(later, "sessions") === 0 && value(later, "socket_ws_closed") - value(before0, "socket_ws_closed") === 1) break;
    assert.ok(Date.now() < deadline, "the closed socket is counted and its session gone");
    await new Promise((r) => setTimeout(r, 20));
  }
});

test("storage_index_entry_count follows each storage index", async () => {
  assert.equal(value(await scrape(), "storage_index_entry_count", 'index="scores"'), 0);
  const { token } = await authenticate("metrics-storage-index-device");
  const res = await fetch(`${s.httpUrl}/v2/storage`, {
    method: "PUT", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ objects: [{ collection: "scores", key: "k", value: '{"v":1}' }] }),
  });
  assert.equal(res.status, 200);
  assert.equal(value(await scrape(), "storage_index_entry_count", 'index="scores"'), 1);
});

test("only GET and HEAD are served", async () => {
  assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: "POST", body: "x" })).status, 405);
  const head = await fetch(`http://127.0.0.1:${port}/anything`, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("access-control-allow-origin"), "*");
});

test("with metrics.prometheus_port 0 nothing listens", async () => {
  const other = await bootServer();
  try {
    const done = other.logs().find((l) => l.msg === "Startup done");
    assert.equal(done?.metrics_port, 0);
    assert.equal(other.logs().some((l) => l.msg === "Starting Prometheus server for metrics requests"), false);
  } finally {
    await other.stop();
  }
});
