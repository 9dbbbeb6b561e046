// nk http_request / httpRequest against a local HTTP server: shapes per language, redirects, timeout.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Code } from "../../errors.js";
import { openNkFixture, rejection, type NkFixture } from "./testkit.js";

let f: NkFixture;
let server: Server;
let base = "";
const hanging: ServerResponse[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.url === "/hang") {
      hanging.push(res);
      return;
    }
    if (req.url === "/redirect") {
      res.writeHead(302, { Location: "/echo" });
      res.end();
      return;
    }
    res.setHeader("X-Multi", ["one", "two"]);
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ method: req.method, url: req.url, body, token: req.headers["x-token"] ?? null }));
  });
}

before(async () => {
  f = await openNkFixture();
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await f.dispose();
});

describe("http_request", () => {
  it("Lua: code, first header values, body bytes", async () => {
    const [code, headers, body] = await f.lua("http_request", `${base}/echo`, "post", { "X-Token": "t1" }, "payload");
    assert.equal(code, 200);
    const h = headers as Record<string, string>;
    assert.equal(h["Content-Type"], "application/json");
    assert.equal(h["X-Multi"], "one");
    assert.deepEqual(JSON.parse(Buffer.from(body as Uint8Array).toString()), { method: "POST", url: "/echo", body: "payload", token: "t1" });
  });

  it("JS: { code, headers (arrays), body } and redirects followed (POST becomes GET)", async () => {
    const r = (await f.js("httpRequest", `${base}/redirect`, "POST", {}, "x")) as { code: number; headers: Record<string, string[]>; body: string };
    assert.equal(r.code, 200);
    assert.deepEqual(r.headers["X-Multi"], ["one", "two"]);
    assert.deepEqual(JSON.parse(r.body), { method: "GET", url: "/echo", body: "", token: null });
  });

  it("times out with Go's wording and DEADLINE_EXCEEDED", async () => {
    const e = await rejection(f.js("httpRequest", `${base}/hang`, "get", undefined, undefined, 100));
    assert.equal(e.code, Code.DEADLINE_EXCEEDED);
    assert.equal(e.message, `HTTP request error: Get "${base}/hang": context deadline exceeded`);
  });

  it("argument and connection errors", async () => {
    assert.equal((await rejection(f.lua("http_request", "", "get", {}))).message, "bad argument #1 to http_request (expects URL string)");
    assert.equal((await rejection(f.lua("http_request", base, "trace", {}))).message,
      "bad argument #2 to http_request (expects method to be one of: 'get', 'post', 'put', 'patch', 'delete', 'head')");
    assert.equal((await rejection(f.lua("http_request", base, "get", { a: 1 }))).message, "HTTP header values must be strings");
    assert.equal((await rejection(f.js("httpRequest", "", "get"))).message, "URL string cannot be empty.");
    const refused = await rejection(f.js("httpRequest", "http://127.0.0.1:1/", "get"));
    assert.equal(refused.code, Code.UNAVAILABLE);
    assert.match(refused.message, /^HTTP request error: Get "http:\/\/127.0.0.1:1\/": /);
  });
});
