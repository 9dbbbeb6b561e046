// Unit tests of the OpenTelemetry tracer (with an in-memory exporter): nesting across awaits, root spans,
// error status and GameError codes, sync work, trace ids in log lines, and the free disabled tracer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { tracing } from "@opentelemetry/sdk-node";
import { Code, GameError } from "../errors.js";
import { createLogger } from "../log.js";
import { logTraceIds, noTracer, startOtelTracer, tracesUrl } from "./index.js";

function setup() {
  const exporter = new tracing.InMemorySpanExporter();
  const tracer = startOtelTracer({ endpoint: "http://unused", serviceVersion: "0.0.0", node: "n1", exporter, batchDelayMs: 10 });
  const spans = async () => {
    await tracer.flush();
    return exporter.getFinishedSpans();
  };
  return { tracer, spans };
}

test("spans nest across awaits; a root span starts a new trace", async () => {
  const { tracer, spans } = setup();
  const out = await tracer.withSpan("AuthenticateDevice", { uid: "u1" }, async () => {
    await new Promise((r) => setImmediate(r));
    const inner = await tracer.withSpan("before_AuthenticateDevice", {}, async () => "hooked");
    tracer.withSpan("match_tick", {}, () => undefined, { root: true });
    return inner;
  }, { kind: "server" });
  assert.equal(out, "hooked");
  const all = await spans();
  const by = new Map(all.map((s) => [s.name, s]));
  const outer = by.get("AuthenticateDevice");
  const hook = by.get("before_AuthenticateDevice");
  const tick = by.get("match_tick");
  assert.ok(outer && hook && tick, `all three spans exported: ${all.map((s) => s.name).join()}`);
  assert.equal(hook.spanContext().traceId, outer.spanContext().traceId);
  assert.equal(hook.parentSpanContext?.spanId, outer.spanContext().spanId);
  assert.notEqual(tick.spanContext().traceId, outer.spanContext().traceId);
  assert.equal(outer.attributes.uid, "u1");
  assert.equal(outer.resource.attributes["service.name"], "troupe");
  await tracer.shutdown();
});

test("a throw or rejection marks the span as an error and passes through unchanged", async () => {
  const { tracer, spans } = setup();
  const err = new GameError(Code.PERMISSION_DENIED, "nope");
  await assert.rejects(tracer.withSpan("Rpc/deny", {}, async () => Promise.reject(err)), (e) => e === err);
  assert.throws(() => tracer.withSpan("sync", {}, () => {
    throw new Error("sync boom");
  }), /sync boom/);
  assert.equal(tracer.withSpan("sync_ok", {}, () => 42), 42);
  const by = new Map((await spans()).map((s) => [s.name, s]));
  assert.equal(by.get("Rpc/deny")?.status.code, 2 /* ERROR */);
  assert.equal(by.get("Rpc/deny")?.attributes.code, Code.PERMISSION_DENIED);
  assert.equal(by.get("sync")?.status.message, "sync boom");
  assert.equal(by.get("sync_ok")?.status.code, 0 /* UNSET */);
  await tracer.shutdown();
});

test("lines logged inside a span carry trace_id and span_id, children loggers included", async () => {
  const { tracer } = setup();
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const log = createLogger({ level: "info", destination: sink });
  const child = log.child({ module: "x" });
  const off = logTraceIds(log, tracer);
  let ids: { traceId: string; spanId: string } | undefined;
  await tracer.withSpan("work", {}, async () => {
    ids = tracer.current();
    await Promise.resolve();
    child.info("inside");
  });
  child.info({ n: 1 }, "outside");
  child.info({ n: 2 }, "outside again");
  off();
  await tracer.withSpan("after_off", {}, async () => log.info("untagged"));
  assert.ok(ids);
  const inside = lines.find((l) => l.msg === "inside");
  assert.equal(inside?.trace_id, ids.traceId);
  assert.equal(inside?.span_id, ids.spanId);
  assert.equal(inside?.module, "x");
  assert.equal(lines.find((l) => l.msg === "outside")?.trace_id, undefined);
  assert.equal(lines.find((l) => l.msg === "outside again")?.n, 2, "a line's own fields never leak into the next");
  assert.equal(lines.find((l) => l.msg === "untagged")?.trace_id, undefined);
  await tracer.shutdown();
});

test("the disabled tracer is a plain call", () => {
  let calls = 0;
  assert.equal(noTracer.withSpan("x", {}, () => ++calls), 1);
  assert.equal(noTracer.current(), undefined);
  assert.equal(noTracer.enabled, false);
});

test("the traces URL gets /v1/traces once", () => {
  assert.equal(tracesUrl("http://127.0.0.1:4318"), "http://127.0.0.1:4318/v1/traces");
  assert.equal(tracesUrl("http://c:4318/"), "http://c:4318/v1/traces");
  assert.equal(tracesUrl("http://c:4318/v1/traces"), "http://c:4318/v1/traces");
});
