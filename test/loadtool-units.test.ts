// The load tool's parts without a game server: which targets it accepts (loopback only), option bounds,
// the recorder's per-second timeline, compare mode's medians and ratios, the SVG chart, and the raw
// HTTP and WebSocket clients reading what real servers send (chunked bodies, close-delimited bodies,
// fragmented WebSocket messages) from small node:net servers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { chartSvg, compareRuns, loadOptions, loopbackHost, parseCli, parseTargetUrl, Recorder, TargetRefused, UsageError, type RunResult } from "../bench/load/index.js";
import { RawHttp } from "../bench/lib/raw-http.js";
import { MiniWs } from "../bench/lib/mini-ws.js";

test("targets: loopback hosts are accepted, anything else is refused", () => {
  assert.equal(loopbackHost("localhost"), "127.0.0.1");
  assert.equal(loopbackHost("127.0.0.1"), "127.0.0.1");
  assert.equal(loopbackHost("127.3.2.1"), "127.3.2.1");
  assert.equal(loopbackHost("[::1]"), "::1");
  for (const h of ["10.0.0.1", "192.168.1.2", "example.com", "127.0.0.256", "0.0.0.0", "::", "localhost.example.com"]) {
    assert.equal(loopbackHost(h), null, h);
  }
  assert.deepEqual(parseTargetUrl("http://localhost:7350"), { url: "http://127.0.0.1:7350", host: "127.0.0.1", port: 7350 });
  assert.deepEqual(parseTargetUrl("ws://[::1]:7350/ws"), { url: "http://[::1]:7350", host: "::1", port: 7350 });
  assert.throws(() => parseTargetUrl("http://nakama.example.com:7350"), TargetRefused);
  assert.throws(() => parseTargetUrl("https://127.0.0.1:7350"), /only http/);
  assert.throws(() => parseCli(["auth", "--target", "http://127.0.0.1:1", "--compare", "http://10.1.2.3:7350"]), TargetRefused);
});

test("options: workload defaults, bounds, phases and compare mode", () => {
  const o = loadOptions("authoritative", { runtime: "js" });
  assert.equal(o.players, 8);
  assert.equal(o.createRpc, "js_create");
  assert.equal(o.matchModule, "js_relay");
  assert.deepEqual(loadOptions("storage").phases, ["write", "read"]);
  assert.throws(() => loadOptions("auth", { size: 1e9 }), /--size must be between 0 and 50000/);
  assert.throws(() => loadOptions("auth", { duration: 601 }), UsageError);
  assert.throws(() => loadOptions("auth", { phases: "new,bogus" }), /auth has no phase bogus/);
  assert.throws(() => loadOptions("matchmaker", { size: 7 }), /even/);
  assert.throws(() => loadOptions("relay", { size: 20_000, players: 4 }), /50000 sockets/);
  const cli = parseCli(["relay", "--target", "http://localhost:7350", "--compare", "local", "--rate", "1000"]);
  assert.ok("cli" in cli);
  assert.equal(cli.cli.rounds, 3);
  assert.deepEqual(cli.cli.targets.map((t) => t.where), ["http://localhost:7350", "local"]);
  assert.ok("help" in parseCli(["--help"]));
  assert.throws(() => parseCli(["nope"]), /unknown workload nope/);
});

test("recorder: operations land in per-second buckets with their percentiles", () => {
  const rec = new Recorder();
  rec.ok(5); // outside a phase: warm-up, not recorded
  rec.begin("p", "req", 3);
  const t0 = performance.now();
  for (let i = 1; i <= 100; i++) rec.ok(i, t0 + 10);
  rec.ok(1000, t0 + 2500);
  rec.fail(new Error("boom"), t0 + 2600);
  rec.extra("k", 7);
  const r = rec.end(3)!;
  rec.close();
  assert.equal(r.ops, 101);
  assert.equal(r.errors, 1);
  assert.equal(r.firstError, "boom");
  assert.equal(r.rate, 101 / 3);
  assert.deepEqual(r.timeline.map((s) => [s.t, s.ops, s.errors]), [[0, 100, 0], [1, 0, 0], [2, 1, 1]]);
  assert.equal(r.timeline[0].p50, 51);
  assert.equal(r.timeline[0].p99, 100);
  assert.equal(r.timeline[1].p50, null);
  assert.equal(r.latency.max, 1000);
  assert.equal(r.extra.k, 7);
});

function fakeRun(side: "A" | "B", round: number, rate: number, p99: number): RunResult {
  const phase = {
    name: "p", unit: "req", seconds: 2, ops: rate * 2, errors: 0, rate, latency: { p50: 1, p90: 2, p99, max: p99, mean: 1 },
    serverCpuUsPerOp: null, serverCpuPct: null, clientCpuPct: 10, extra: {},
    timeline: [{ t: 0, ops: rate, errors: 0, p50: 1, p99 }, { t: 1, ops: rate, errors: 0, p50: 1, p99 }],
  };
  return {
    workload: "auth", target: side === "A" ? "x <a>" : "y", url: "http://127.0.0.1:1", side, round, startedAt: "", options: loadOptions("auth"),
    machine: { cpus: 2, model: "m", node: "v20", loadavg: [0] }, phases: [phase],
  };
}

test("compare: medians over each side's rounds and the ratio B/A", () => {
  const runs = [fakeRun("A", 1, 100, 10), fakeRun("B", 1, 300, 5), fakeRun("A", 2, 120, 30), fakeRun("B", 2, 200, 5), fakeRun("A", 3, 110, 20), fakeRun("B", 3, 250, 5)];
  const rows = compareRuns(runs);
  const rate = rows.find((r) => r.metric === "ops/s")!;
  assert.deepEqual([rate.a, rate.b], [110, 250]);
  assert.equal(rate.ratio, 250 / 110);
  const p99 = rows.find((r) => r.metric === "p99 ms")!;
  assert.equal(p99.ratio, 0.25);
  assert.equal(rows.find((r) => r.metric === "server CPU µs/op")!.ratio, null);
});

test("chart: an SVG with a throughput and a latency line per shown run, text escaped", () => {
  const svg = chartSvg([fakeRun("A", 1, 100, 10), fakeRun("B", 1, 300, 5), fakeRun("A", 2, 1, 1)], "t & <x>");
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>$/);
  assert.equal(svg.match(/<polyline /g)?.length, 6); // round 1 of A and B: ops/s, p50, p99 each
  assert.ok(svg.includes("t &amp; &lt;x&gt;"));
  assert.ok(svg.includes("A: x &lt;a&gt; ops/s"));
  assert.ok(!svg.includes("NaN"));
});

async function serve(onConnection: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

test("raw HTTP: Content-Length, chunked (split across packets) and close-delimited responses", { timeout: 10_000 }, async () => {
  let n = 0;
  const { server, port } = await serve((s) => {
    s.on("data", () => {
      n++;
      if (n === 1) s.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
      else if (n === 2) {
        s.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwi");
        setImmediate(() => s.write("ki\r\n5\r\npedia\r\n0\r\n\r\n"));
      } else s.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\nbye");
    });
  });
  try {
    const c = await RawHttp.open("127.0.0.1", port);
    const a = await c.send(Buffer.from("GET / HTTP/1.1\r\n\r\n"));
    assert.deepEqual([a.status, a.body.toString()], [200, "hello"]);
    const b = await c.send(Buffer.from("GET / HTTP/1.1\r\n\r\n"));
    assert.deepEqual([b.status, b.body.toString()], [200, "wikipedia"]);
    const d = await c.send(Buffer.from("GET / HTTP/1.1\r\n\r\n"));
    assert.deepEqual([d.status, d.body.toString()], [404, "bye"]);
    assert.equal(c.closed, true);
    await assert.rejects(c.send(Buffer.from("GET / HTTP/1.1\r\n\r\n")), /closed/);
  } finally {
    server.close();
  }
});

test("mini WebSocket: frames in the upgrade's packet, a fragmented message, a ping answered", { timeout: 10_000 }, async () => {
  const frame = (first: number, payload: string): Buffer => Buffer.concat([Buffer.from([first, payload.length]), Buffer.from(payload)]);
  let gotPong!: (d: Buffer) => void;
  const pong = new Promise<Buffer>((resolve) => (gotPong = resolve));
  const { server, port } = await serve((s) => {
    s.once("data", () => {
      s.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
      s.write(Buffer.concat([frame(0x01, '{"a":'), frame(0x89, "pp"), frame(0x00, '"b",'), frame(0x80, '"c":1}'), frame(0x82, "xy")]));
      s.once("data", (d: Buffer) => gotPong(d));
    });
  });
  try {
    const ws = await MiniWs.open(port, "/ws");
    const got: Array<[string, boolean]> = [];
    const two = new Promise<void>((resolve) => {
      ws.onMessage = (d, binary) => {
        got.push([d.toString(), binary]);
        if (got.length === 2) resolve();
      };
    });
    await two;
    assert.deepEqual(got, [['{"a":"b","c":1}', false], ["xy", true]]);
    const first = await pong; // the server's next read (the test's timeout is the deadline)
    assert.equal(first[0] & 0x0f, 0x0a, "the ping is answered with a pong");
    assert.equal(first.subarray(6, 8).toString(), "pp", "echoing the ping's payload (zero mask)");
    ws.close();
  } finally {
    server.close();
  }
});
