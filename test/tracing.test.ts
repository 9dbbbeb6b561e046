// Black-box test of tracing: a server with metrics.otlp_endpoint pointing at an in-process OTLP/HTTP
// receiver (JSON) exports a span per HTTP request, per API call and its before/after hooks, and per RPC
// (over HTTP, as a child of its request span, and over the socket); lines logged inside carry trace_id.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { RawSocket, wsUrl } from "./realtime-kit.js";

const SERVER_KEY = `Basic ${Buffer.from("defaultkey:").toString("base64")}`;

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: number | string } }>;
  status?: { code?: number; message?: string };
}

/** An OTLP/HTTP receiver on 127.0.0.1 that keeps every span posted to /v1/traces. */
class Receiver {
  readonly spans: OtlpSpan[] = [];
  readonly contentTypes = new Set<string>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.method === "POST" && req.url === "/v1/traces") {
          this.contentTypes.add(req.headers["content-type"] ?? "");
          const body = JSON.parse(Buffer.concat(chunks).toString()) as {
            resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
          };
          for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) this.spans.push(...ss.spans);
        }
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    const addr = this.server.address();
    this.port = typeof addr === "object" && addr !== null ? addr.port : 0;
  }

  /** Waits (deadline) until `find` returns something for the spans received so far. */
  async until<T>(what: string, find: (spans: readonly OtlpSpan[]) => T | undefined, ms = 10_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = find(this.spans);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${this.spans.map((s) => s.name).join(", ")}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  stop(): Promise<void> {
    return new Promise((r) => {
      this.server?.close(() => r());
      this.server?.closeAllConnections();
    });
  }
}

function attr(s: OtlpSpan, key: string): string | number | undefined {
  const v = s.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue === undefined ? undefined : Number(v.intValue));
}

const receiver = new Receiver();
let s: BootedServer;
let modules: string;

before(async () => {
  await receiver.start();
  modules = mkdtempSync(path.join(os.tmpdir(), "troupe-tracing-mod-"));
  writeFileSync(path.join(modules, "traced.mjs"), `
export function InitModule(ctx, logger, nk, initializer) {
  initializer.registerRpc("traced", (ctx, logger, nk, payload) => {
    logger.info("inside traced rpc");
    return payload.toUpperCase();
  });
  initializer.registerBefore("AuthenticateDevice", (ctx, logger, nk, req) => req);
  initializer.registerAfter("AuthenticateDevice", (ctx, logger, nk, res, req) => undefined);
}
`);
  s = await bootServer({ "metrics.otlp_endpoint": `http://127.0.0.1:${receiver.port}`, "runtime.path": modules });
});

after(async () => {
  await s?.stop();
  await receiver.stop();
  rmSync(modules, { recursive: true, force: true });
});

test("an API call has a span under its HTTP request, with its before and after hooks inside", async () => {
  const res = await fetch(`${s.httpUrl}/v2/account/authenticate/device?create=true`, {
    method: "POST", headers: { authorization: SERVER_KEY }, body: JSON.stringify({ id: "tracing-device-0001" }),
  });
  assert.equal(res.status, 200);
  const { api, beforeHook, afterHook } = await receiver.until("the API call's spans", (spans) => {
    const api = spans.find((x) => x.name === "AuthenticateDevice");
    const beforeHook = spans.find((x) => x.name === "before_AuthenticateDevice");
    const afterHook = spans.find((x) => x.name === "after_AuthenticateDevice");
    return api && beforeHook && afterHook ? { api, beforeHook, afterHook } : undefined;
  });
  const http = receiver.spans.find((x) => x.spanId === api.parentSpanId);
  assert.equal(http?.name, "HTTP POST", "the API span's parent is its HTTP request");
  assert.equal(attr(http, "url.path"), "/v2/account/authenticate/device");
  assert.ok(!http.parentSpanId, "the request span is a root");
  for (const hook of [beforeHook, afterHook]) {
    assert.equal(hook.traceId, api.traceId);
    assert.equal(hook.parentSpanId, api.spanId);
  }
  assert.ok([...receiver.contentTypes].every((t) => t.startsWith("application/json")), "the exporter speaks OTLP JSON");
});

test("an RPC has its span, over HTTP (under the request) and over the socket; its logs carry the trace id", async () => {
  const res = await fetch(`${s.httpUrl}/v2/rpc/traced?http_key=defaulthttpkey`, { method: "POST", body: JSON.stringify("by http") });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { payload: "BY HTTP" });
  const login = await fetch(`${s.httpUrl}/v2/account/authenticate/device?create=true`, {
    method: "POST", headers: { authorization: SERVER_KEY }, body: JSON.stringify({ id: "tracing-device-0002" }),
  });
  const { token } = (await login.json()) as { token: string };
  const sock = await RawSocket.open(wsUrl(s, token, "json"), "json");
  try {
    sock.send({ cid: "1", rpc: { id: "traced", payload: "by socket" } });
    assert.equal((await sock.reply("1")).rpc?.payload, "BY SOCKET");
  } finally {
    sock.close();
  }
  const rpcs = await receiver.until("two RPC spans", (spans) => {
    const found = spans.filter((x) => x.name === "Rpc/traced");
    return found.length >= 2 ? found : undefined;
  });
  for (const r of rpcs) assert.equal(attr(r, "rpc_id"), "traced");
  const parents = rpcs.map((r) => receiver.spans.find((x) => x.spanId === r.parentSpanId)?.name ?? "(root)");
  assert.deepEqual(parents.sort(), ["(root)", "HTTP POST"], "the HTTP one is inside its request; the socket one is a root");
  assert.ok(rpcs.some((r) => attr(r, "uid") !== undefined), "the socket RPC names its user");

  const lines = s.logs().filter((l) => l.msg === "inside traced rpc");
  assert.equal(lines.length, 2);
  const traceIds = new Set(rpcs.map((r) => r.traceId));
  for (const l of lines) assert.ok(traceIds.has(String(l.trace_id)), `log line carries its RPC's trace id: ${JSON.stringify(l)}`);
});

test("a failing call's span is marked as an error", async () => {
  const res = await fetch(`${s.httpUrl}/v2/rpc/traced?http_key=defaulthttpkey`, { method: "POST", body: "{not json" });
  assert.equal(res.status, 400);
  const bad = await fetch(`${s.httpUrl}/v2/account/authenticate/device`, {
    method: "POST", headers: { authorization: SERVER_KEY }, body: JSON.stringify({ id: "short" }),
  });
  assert.equal(bad.status, 400);
  const failed = await receiver.until("a failed API span", (spans) =>
    spans.find((x) => x.name === "AuthenticateDevice" && x.status?.code === 2));
  assert.equal(attr(failed, "code"), 3, "INVALID_ARGUMENT");
});
