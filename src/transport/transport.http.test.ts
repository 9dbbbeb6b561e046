// HTTP behaviour of the transport over real sockets, run once per implementation (uws, node):
// routing and its error bodies, body limit, compression both ways, CORS, gateway headers, GameError
// mapping, concurrency, aborted requests and client IPs.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { deflateRawSync, deflateSync, gunzipSync, gzipSync } from "node:zlib";
import { Code, GameError } from "../errors.js";
import { silentLogger } from "../log.js";
import { startTransport } from "./index.js";
import type { Transport } from "./index.js";
import { json, parseJsonObject } from "./json.js";
import { Router, addHealthRoutes } from "./router.js";
import { IMPLS, deferred, openSocket, rawRequest, within } from "./testkit.js";
import type { Deferred, RawResponse } from "./testkit.js";

const LIMIT = 1024;
const CACHE = "no-store, no-cache, must-revalidate";

function buildRouter(slow: { gate: Deferred<void> | null; started: Deferred<void> | null }): Router {
  const r = addHealthRoutes(new Router({ log: silentLogger() }));
  r.add("GET", "/v2/account", () => json({ user: { id: "u1" } }));
  r.add("POST", "/v2/echo", ({ req }) => ({
    status: 200,
    headers: { "content-type": req.headers["content-type"] ?? "application/octet-stream" },
    body: req.body,
  }));
  r.add("POST", "/v2/json", ({ req }) => json(parseJsonObject(req.body)));
  r.add("POST", "/v2/group/{group_id}/join", ({ params }) => json(params));
  r.add("GET", "/v2/rpc/{id:.*}", ({ params, req }) => json({ id: params.id, q: req.query.get("q") }));
  r.add("GET", "/v2/big", () => json({ filler: "troupe ".repeat(500) }));
  r.add("GET", "/v2/small", () => json({ ok: true }));
  r.add("GET", "/v2/ip", ({ req }) => json({ ip: req.remoteAddress }));
  r.add("GET", "/v2/own-headers", () => ({ status: 200, headers: { "X-Served-By": "handler" }, body: "" }));
  r.add("GET", "/v2/text", () => ({ status: 200, headers: { "content-type": "text/plain" }, body: "é☃😀 lone:\ud800 end" }));
  // One headers object answered again and again, changed in between; and a frozen one.
  const shared: Record<string, string> = { "content-type": "application/json" };
  let served = 0;
  r.add("GET", "/v2/shared-headers", () => {
    shared["x-served"] = String(++served);
    return { status: 200, headers: shared, body: "{}" };
  });
  const frozen = Object.freeze({ "content-type": "application/json", "x-frozen": "yes" });
  r.add("GET", "/v2/frozen-headers/{status}", ({ params }) => ({ status: Number(params.status), headers: frozen, body: "{}" }));
  r.add("GET", "/v2/req-headers", ({ req }) => {
    const h = req.headers;
    return json({ keys: Object.keys(h).sort(), proto: h["__proto__"] ?? null, ctor: h["constructor"] ?? null, str: h["tostring"] ?? null });
  });
  r.add("GET", "/v2/fail/{kind}", ({ params }) => {
    if (params.kind === "auth") throw new GameError(Code.UNAUTHENTICATED, "Auth token invalid");
    if (params.kind === "missing") throw new GameError(Code.NOT_FOUND, "Group not found.");
    throw new Error("boom");
  });
  r.add("GET", "/v2/slow/{n}", async ({ params }) => {
    slow.started?.resolve();
    await slow.gate?.promise;
    return json({ n: params.n });
  });
  return r;
}

async function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base + path, { headers });
}

/** A request through node:http that does not decode the body (to see compressed bytes). */
function nodeGet(port: number, path: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) h[k] = String(v);
        resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

for (const impl of IMPLS) {
  describe(`transport HTTP (${impl})`, () => {
    let t: Transport;
    let base: string;
    const slow: { gate: Deferred<void> | null; started: Deferred<void> | null } = { gate: null, started: null };

    before(async () => {
      t = await startTransport(
        {
          port: 0,
          address: "127.0.0.1",
          impl,
          maxRequestSizeBytes: LIMIT,
          maxMessageSizeBytes: 4096,
          idleTimeoutMs: 60_000,
          maxBackpressureBytes: 1 << 20,
          responseHeaders: { "X-Served-By": "troupe", "Cache-Control": "public" },
          log: silentLogger(),
          proxyCount: 1,
        },
        { http: buildRouter(slow).handle },
      );
      base = `http://127.0.0.1:${t.port}`;
    });
    after(() => t.close());

    it("reports the implementation it runs and a real port", () => {
      assert.equal(t.impl, impl);
      assert.ok(t.port > 0);
    });

    it("routes to handlers and serves the health routes", async () => {
      const r = await get(base, "/v2/account");
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), "application/json");
      assert.deepEqual(await r.json(), { user: { id: "u1" } });
      const root = await get(base, "/");
      assert.equal(root.status, 200);
      assert.equal(await root.text(), "");
      const health = await get(base, "/healthcheck");
      assert.equal(await health.text(), "{}");
    });

    it("answers unknown paths 404 and wrong methods 501 with Nakama's bodies", async () => {
      const nf = await get(base, "/v2/nothing-here");
      assert.equal(nf.status, 404);
      assert.equal(await nf.text(), '{"code":5,"message":"Not Found"}');
      const mna = await fetch(base + "/v2/account", { method: "DELETE" });
      assert.equal(mna.status, 501);
      assert.equal(await mna.text(), '{"code":12,"message":"Method Not Allowed"}');
    });

    it("decodes path params, including a catch-all with slashes", async () => {
      const g = await fetch(base + "/v2/group/g%20one/join", { method: "POST" });
      assert.deepEqual(await g.json(), { group_id: "g one" });
      const rpc = await get(base, "/v2/rpc/a/b/c%2Fd?q=1");
      assert.deepEqual(await rpc.json(), { id: "a/b/c/d", q: "1" });
      const empty = await get(base, "/v2/rpc/");
      assert.deepEqual(await empty.json(), { id: "", q: null });
    });

    it("answers HEAD like GET without a body", async () => {
      const g = await get(base, "/v2/account");
      const h = await fetch(base + "/v2/account", { method: "HEAD" });
      assert.equal(h.status, 200);
      assert.equal(h.headers.get("content-length"), g.headers.get("content-length"));
      assert.equal(await h.text(), "");
    });

    it("accepts a body of exactly the limit and refuses one byte more", async () => {
      const ok = await fetch(base + "/v2/echo", { method: "POST", body: Buffer.alloc(LIMIT, 7) });
      assert.equal(ok.status, 200);
      assert.equal(Buffer.from(await ok.arrayBuffer()).length, LIMIT);
      const over = await fetch(base + "/v2/echo", { method: "POST", body: Buffer.alloc(LIMIT + 1, 7) });
      assert.equal(over.status, 400);
      assert.equal(await over.text(), '{"code":3,"message":"http: request body too large"}');
      assert.equal(over.headers.get("cache-control"), CACHE);
    });

    it("refuses huge declared and streamed bodies without reading them, then keeps serving", async () => {
      const declared = await fetch(base + "/v2/echo", { method: "POST", body: Buffer.alloc(4 << 20) });
      assert.equal(declared.status, 400);
      assert.equal(await declared.text(), '{"code":3,"message":"http: request body too large"}');
      const chunks = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < 48; i++) c.enqueue(new Uint8Array(64 * 1024));
          c.close();
        },
      });
      const streamed = await fetch(base + "/v2/echo", { method: "POST", body: chunks, duplex: "half" });
      assert.equal(streamed.status, 400);
      assert.equal((await get(base, "/v2/small")).status, 200);
    });

    it("decompresses gzip and deflate request bodies, limiting the decoded size", async () => {
      const payload = JSON.stringify({ hello: "world" });
      for (const [enc, bytes] of [
        ["gzip", gzipSync(payload)],
        ["deflate", deflateRawSync(payload)],
        ["deflate", deflateSync(payload)],
      ] as const) {
        const r = await fetch(base + "/v2/json", { method: "POST", body: bytes, headers: { "content-encoding": enc } });
        assert.equal(r.status, 200, enc);
        assert.deepEqual(await r.json(), { hello: "world" });
      }
      const bomb = gzipSync(Buffer.alloc(LIMIT + 1, 32));
      assert.ok(bomb.length < LIMIT);
      const r = await fetch(base + "/v2/echo", { method: "POST", body: bomb, headers: { "content-encoding": "gzip" } });
      assert.equal(r.status, 400);
      assert.equal(await r.text(), '{"code":3,"message":"http: request body too large"}');
      const plain = await fetch(base + "/v2/json", { method: "POST", body: payload, headers: { "content-encoding": "gzip" } });
      assert.deepEqual(await plain.json(), { hello: "world" }, "non-gzip bytes are read as plain, as Nakama does");
    });

    it("compresses big responses per Accept-Encoding and leaves small ones alone", async () => {
      const gz = await nodeGet(t.port, "/v2/big", { "accept-encoding": "gzip" });
      assert.equal(gz.headers["content-encoding"], "gzip");
      assert.equal(gz.headers["vary"], "Accept-Encoding");
      const text = gunzipSync(gz.body).toString();
      assert.equal((JSON.parse(text) as { filler: string }).filler.length, 3500);
      assert.ok(gz.body.length < text.length);
      const df = await nodeGet(t.port, "/v2/big", { "accept-encoding": "deflate" });
      assert.equal(df.headers["content-encoding"], "deflate");
      const none = await nodeGet(t.port, "/v2/big", {});
      assert.equal(none.headers["content-encoding"], undefined);
      assert.equal(none.body.toString(), text);
      const small = await nodeGet(t.port, "/v2/small", { "accept-encoding": "gzip" });
      assert.equal(small.headers["content-encoding"], undefined);
      const viaFetch = await get(base, "/v2/big");
      assert.equal(viaFetch.headers.get("content-encoding"), "gzip");
      assert.equal(((await viaFetch.json()) as { filler: string }).filler.length, 3500);
    });

    it("answers CORS preflights as gorilla/handlers does", async () => {
      const pre = (h: Record<string, string>): Promise<Response> =>
        fetch(base + "/v2/account", { method: "OPTIONS", headers: { origin: "https://game.example", ...h } });
      const post = await pre({ "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" });
      assert.equal(post.status, 200);
      assert.equal(post.headers.get("access-control-allow-origin"), "*");
      assert.equal(post.headers.get("access-control-allow-headers"), "Authorization,Content-Type");
      assert.equal(post.headers.get("access-control-allow-methods"), null);
      const put = await pre({ "access-control-request-method": "PUT" });
      assert.equal(put.status, 200);
      assert.equal(put.headers.get("access-control-allow-methods"), "PUT");
      assert.equal((await pre({ "access-control-request-method": "PATCH" })).status, 405);
      assert.equal((await pre({ "access-control-request-method": "GET", "access-control-request-headers": "x-secret" })).status, 403);
      assert.equal((await pre({})).status, 400);
    });

    it("adds Allow-Origin only for requests with an Origin", async () => {
      const withOrigin = await get(base, "/v2/account", { origin: "https://game.example" });
      assert.equal(withOrigin.headers.get("access-control-allow-origin"), "*");
      const without = await get(base, "/v2/account");
      assert.equal(without.headers.get("access-control-allow-origin"), null);
    });

    it("sends Cache-Control on every API response and response_headers unless the handler set them", async () => {
      for (const path of ["/v2/account", "/v2/nothing", "/v2/fail/auth"]) {
        const r = await get(base, path);
        assert.equal(r.headers.get("cache-control"), CACHE, path);
        assert.equal(r.headers.get("x-served-by"), "troupe", path);
      }
      const own = await get(base, "/v2/own-headers");
      assert.equal(own.headers.get("x-served-by"), "handler");
    });

    it("maps GameErrors to their status and body, with WWW-Authenticate on 401", async () => {
      const auth = await get(base, "/v2/fail/auth");
      assert.equal(auth.status, 401);
      assert.equal(auth.headers.get("www-authenticate"), "Auth token invalid");
      assert.equal(await auth.text(), '{"code":16,"message":"Auth token invalid"}');
      const missing = await get(base, "/v2/fail/missing");
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get("www-authenticate"), null);
      assert.equal(await missing.text(), '{"code":5,"message":"Group not found."}');
      const boom = await get(base, "/v2/fail/boom");
      assert.equal(boom.status, 500);
      assert.equal(await boom.text(), '{"code":13,"message":"Internal Server Error"}');
    });

    it("serves concurrent requests, a slow one not blocking the rest", async () => {
      slow.gate = deferred();
      slow.started = deferred();
      const pending = get(base, "/v2/slow/first");
      await within(slow.started.promise, 5000, "slow handler start");
      const many = await Promise.all(Array.from({ length: 40 }, (_, i) => get(base, `/v2/rpc/id-${i}`)));
      const ids = await Promise.all(many.map(async (r) => ((await r.json()) as { id: string }).id));
      assert.deepEqual(ids, Array.from({ length: 40 }, (_, i) => `id-${i}`));
      slow.gate.resolve();
      assert.deepEqual(await (await pending).json(), { n: "first" });
      slow.gate = null;
      slow.started = null;
    });

    it("survives clients that disconnect mid-body or before their response", async () => {
      const s1 = await openSocket(t.port);
      s1.write(`POST /v2/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n${"x".repeat(10)}`);
      s1.destroy();
      slow.gate = deferred();
      slow.started = deferred();
      const s2 = await openSocket(t.port);
      s2.on("error", () => undefined);
      s2.write("GET /v2/slow/gone HTTP/1.1\r\nHost: x\r\n\r\n");
      await within(slow.started.promise, 5000, "slow handler start");
      s2.destroy();
      // A full round trip on another connection lets the server see both disconnects first.
      assert.equal((await get(base, "/v2/small")).status, 200);
      slow.gate.resolve();
      assert.equal((await get(base, "/v2/small")).status, 200);
      slow.gate = null;
      slow.started = null;
    });

    it("takes the client IP from X-Forwarded-For honouring proxy_count", async () => {
      const direct = await get(base, "/v2/ip");
      assert.deepEqual(await direct.json(), { ip: "127.0.0.1" });
      const proxied = await get(base, "/v2/ip", { "x-forwarded-for": "203.0.113.9, 198.51.100.7:4711" });
      assert.deepEqual(await proxied.json(), { ip: "198.51.100.7" });
    });

    it("sends string bodies as UTF-8 with lone surrogates as U+FFFD, and their byte length", async () => {
      const r = await rawRequest(t.port, "GET /v2/text HTTP/1.1\r\nHost: x\r\n\r\n");
      const expected = Buffer.from("é☃😀 lone:\ud800 end");
      assert.equal(r.headers["content-length"], String(expected.length));
      assert.deepEqual(r.body, expected);
      const head = await fetch(`${base}/v2/text`, { method: "HEAD" });
      assert.equal(head.headers.get("content-length"), String(expected.length));
    });

    it("writes a handler's headers as they are at each answer, frozen or not", async () => {
      for (const n of [1, 2, 3]) {
        const r = await get(base, "/v2/shared-headers", n === 2 ? { origin: "https://example.com" } : {});
        assert.equal(r.headers.get("x-served"), String(n));
        assert.equal(r.headers.get("access-control-allow-origin"), n === 2 ? "*" : null);
        assert.equal(r.headers.get("cache-control"), CACHE);
      }
      for (const status of [200, 201, 200]) {
        const r = await get(base, `/v2/frozen-headers/${status}`);
        assert.equal(r.status, status);
        assert.equal(r.headers.get("x-frozen"), "yes");
        assert.equal(r.headers.get("content-type"), "application/json");
        assert.equal(await r.text(), "{}");
      }
    });

    it("gives handlers header maps without inherited keys", async () => {
      const plain = await rawRequest(t.port, "GET /v2/req-headers HTTP/1.1\r\nHost: x\r\n\r\n");
      assert.deepEqual(JSON.parse(plain.body.toString()), { keys: ["host"], proto: null, ctor: null, str: null });
      // (uWS refuses header names with "_", so "__proto__" cannot be sent to both implementations.)
      const odd = await rawRequest(t.port, "GET /v2/req-headers HTTP/1.1\r\nHost: x\r\nConstructor: c\r\n\r\n");
      assert.deepEqual(JSON.parse(odd.body.toString()), { keys: ["constructor", "host"], proto: null, ctor: "c", str: null });
    });

    it("writes the same status line and headers for a raw request", async () => {
      const r = await rawRequest(t.port, "GET /v2/small HTTP/1.1\r\nHost: x\r\n\r\n");
      assert.equal(r.status, 200);
      assert.equal(r.headers["content-type"], "application/json");
      assert.equal(r.headers["content-length"], "11");
      assert.equal(r.body.toString(), '{"ok":true}');
    });
  });
}
