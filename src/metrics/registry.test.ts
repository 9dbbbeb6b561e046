// Unit tests of the registry and the text format: names and constant labels, escaping, cumulative
// histogram buckets, callback metrics read at scrape time, collection errors, type conflicts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "./registry.js";
import { createServerMetrics } from "./server-metrics.js";
import { sanitizeName } from "./exposition.js";

/** Every sample line as name{labels} → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
    assert.ok(m, `well-formed sample line: ${line}`);
    out.set(m[1], m[2] === "+Inf" ? Infinity : Number(m[2]));
  }
  return out;
}

test("names get the prefix, every series the constant labels; unlabelled counters start at 0", () => {
  const r = new Registry({ prefix: "nakama", constLabels: { node_name: "n1", namespace: "ns" } });
  const c = r.counter("overall_count", "All requests.");
  const text1 = r.render();
  assert.match(text1, /^# HELP nakama_overall_count All requests\.$/m);
  assert.match(text1, /^# TYPE nakama_overall_count counter$/m);
  assert.equal(samples(text1).get('nakama_overall_count{node_name="n1",namespace="ns"}'), 0);
  c.inc();
  c.inc(2);
  c.inc(-5); // counters never go down
  assert.equal(samples(r.render()).get('nakama_overall_count{node_name="n1",namespace="ns"}'), 3);
});

test("an empty prefix leaves names alone", () => {
  const r = new Registry({ prefix: "" });
  r.gauge("sessions", "Sessions.").set(4);
  assert.equal(samples(r.render()).get("sessions"), 4);
});

test("labelled series are rendered per label set, values escaped", () => {
  const r = new Registry({ constLabels: { node_name: "a" } });
  const c = r.counter("Rpc_count", "RPCs.", ["rpc_id"]);
  c.with({ rpc_id: "plain" }).inc();
  c.with({ rpc_id: 'we"ird\\id\nx' }).inc(2);
  c.with({ rpc_id: "plain" }).inc();
  const s = samples(r.render());
  assert.equal(s.get('Rpc_count{node_name="a",rpc_id="plain"}'), 2);
  assert.equal(s.get('Rpc_count{node_name="a",rpc_id="we\\"ird\\\\id\\nx"}'), 2);
});

test("a labelled family with no series yet is not rendered", () => {
  const r = new Registry();
  r.counter("Rpc_errors", "Failed RPCs.", ["rpc_id"]);
  assert.doesNotMatch(r.render(), /Rpc_errors/);
});

test("histogram buckets are cumulative, with +Inf, _sum and _count", () => {
  const r = new Registry();
  const h = r.histogram("lat_ms", "Latency.", [1, 5, 10]);
  for (const v of [0.5, 1, 3, 7, 50]) h.observe(v);
  const s = samples(r.render());
  assert.equal(s.get('lat_ms_bucket{le="1"}'), 2, "le is inclusive");
  assert.equal(s.get('lat_ms_bucket{le="5"}'), 3);
  assert.equal(s.get('lat_ms_bucket{le="10"}'), 4);
  assert.equal(s.get('lat_ms_bucket{le="+Inf"}'), 5);
  assert.equal(s.get("lat_ms_sum"), 61.5);
  assert.equal(s.get("lat_ms_count"), 5);
  assert.throws(() => r.histogram("bad_ms", "x", [5, 1]), /increase/);
});

test("callback metrics are read at every scrape; a failing reader is counted and skipped", () => {
  const r = new Registry({ prefix: "p" });
  let n = 1;
  const off = r.callback("gauge", "sessions", "Sessions.", () => n);
  r.callback("gauge", "runtime_vm_busy", "Busy.", () => [{ labels: { runtime: "lua" }, value: 2 }, { labels: { runtime: "js" }, value: 0 }]);
  r.callback("counter", "broken", "Throws.", () => {
    throw new Error("boom");
  });
  let collected = 0;
  r.onCollect(() => collected++);
  assert.equal(samples(r.render()).get("p_sessions"), 1);
  n = 7;
  const s = samples(r.render());
  assert.equal(s.get("p_sessions"), 7);
  assert.equal(s.get('p_runtime_vm_busy{runtime="lua"}'), 2);
  assert.equal(s.get("p_metrics_collection_errors_count"), 2, "one failure per scrape, this one included");
  assert.equal([...s.keys()].some((k) => k.startsWith("p_broken")), false);
  assert.equal(collected, 2);
  off();
  assert.doesNotMatch(r.render(), /p_sessions/);
});

test("the same name returns the same metric; another type or label set is a bug", () => {
  const r = new Registry();
  assert.equal(r.counter("x_count", "x"), r.counter("x_count", "x"));
  assert.throws(() => r.gauge("x_count", "x"), /already registered/);
  assert.throws(() => r.counter("x_count", "x", ["a"]), /already registered/);
  assert.throws(() => r.callback("gauge", "x_count", "x", () => 1), /already registered/);
  assert.throws(() => r.counter("bad name", "x"), /bad metric name/);
  assert.throws(() => r.counter("y", "x", ["le"]), /bad label name/);
});

test("request names become metric names", () => {
  assert.equal(sanitizeName("AuthenticateDevice"), "AuthenticateDevice");
  assert.equal(sanitizeName("before_Match-Data.Send"), "before_Match_Data_Send");
  assert.equal(sanitizeName("1st"), "_1st");
});

test("server metrics use Nakama's names", () => {
  const r = new Registry({ prefix: "nakama", constLabels: { node_name: "n" } });
  const m = createServerMetrics(r);
  m.request("AuthenticateDevice", 3, false);
  m.request("AuthenticateDevice", 4, true);
  m.hook("before", "AuthenticateDevice", 1, false);
  m.rpc("echo", 2, false, 5, 7);
  m.http(3, true, 10, 20);
  m.wsOpened();
  m.wsReceived(12);
  m.wsSent(30);
  m.watch({ sessions: () => 5 });
  const s = samples(r.render());
  const l = '{node_name="n"}';
  assert.equal(s.get(`nakama_AuthenticateDevice_count${l}`), 2);
  assert.equal(s.get(`nakama_AuthenticateDevice_errors${l}`), 1);
  assert.equal(s.get(`nakama_AuthenticateDevice_latency_ms_count${l}`), 2);
  assert.equal(s.get(`nakama_before_AuthenticateDevice_count${l}`), 1);
  assert.equal(s.get(`nakama_overall_before_count${l}`), 1);
  assert.equal(s.get('nakama_Rpc_count{node_name="n",rpc_id="echo"}'), 1);
  assert.equal(s.get('nakama_Rpc_sent_bytes{node_name="n",rpc_id="echo"}'), 7);
  assert.equal(s.get(`nakama_overall_count${l}`), 2, "one request and one message");
  assert.equal(s.get(`nakama_overall_request_errors${l}`), 1);
  assert.equal(s.get(`nakama_overall_message_count${l}`), 1);
  assert.equal(s.get(`nakama_overall_sent_bytes${l}`), 50);
  assert.equal(s.get(`nakama_socket_ws_opened${l}`), 1);
  assert.equal(s.get(`nakama_sessions${l}`), 5);
});
