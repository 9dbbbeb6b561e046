// Black-box tests of the server foundation over the wire: health routes, Nakama's routing errors, headers,
// the startup warnings for insecure defaults, and a clean stop.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { bootServer, type BootedServer } from "./helpers/boot.js";

let s: BootedServer;
before(async () => {
  s = await bootServer();
});
after(async () => {
  await s.stop();
});

test("GET / answers 200 with an empty body; GET /healthcheck answers {}", async () => {
  const root = await fetch(`${s.httpUrl}/`);
  assert.equal(root.status, 200);
  assert.equal(await root.text(), "");
  const hc = await fetch(`${s.httpUrl}/healthcheck`);
  assert.equal(hc.status, 200);
  assert.deepEqual(await hc.json(), {});
  assert.equal(hc.headers.get("cache-control"), "no-store, no-cache, must-revalidate");
});

test("unknown routes and wrong methods get Nakama's error bodies", async () => {
  const nf = await fetch(`${s.httpUrl}/v2/nothing-here`);
  assert.equal(nf.status, 404);
  assert.deepEqual(await nf.json(), { code: 5, message: "Not Found" });
  const mna = await fetch(`${s.httpUrl}/healthcheck`, { method: "DELETE" });
  assert.equal(mna.status, 501);
  assert.deepEqual(await mna.json(), { code: 12, message: "Method Not Allowed" });
});

test("CORS preflight is answered as Nakama's gateway does", async () => {
  const preflight = (method: string, headers = "authorization,content-type") =>
    fetch(`${s.httpUrl}/v2/account`, {
      method: "OPTIONS",
      headers: { origin: "http://example.test", "access-control-request-method": method, "access-control-request-headers": headers },
    });
  const res = await preflight("PUT");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.equal(res.headers.get("access-control-allow-methods"), "PUT");
  assert.match(res.headers.get("access-control-allow-headers") ?? "", /Authorization/);
  assert.match(res.headers.get("access-control-allow-headers") ?? "", /Content-Type/);
  assert.equal((await preflight("PATCH")).status, 405, "methods outside GET/HEAD/POST/PUT/DELETE are refused");
  assert.equal((await preflight("GET", "x-secret")).status, 403, "headers outside the allowed list are refused");
});

test("the insecure default keys are warned about at start", () => {
  const warned = s.logs().filter((l) => l.level === "warn").map((l) => String(l.msg));
  for (const key of ["socket.server_key", "runtime.http_key", "session.encryption_key", "session.refresh_encryption_key"]) {
    assert.ok(warned.some((m) => m.includes(key)), `warning names ${key}`);
  }
  const done = s.logs().find((l) => l.msg === "Startup done");
  assert.ok(done, "startup line logged");
  assert.equal(done.database, "pglite");
});

test("a stopped server frees its port", async () => {
  const other = await bootServer();
  const url = other.httpUrl;
  assert.equal((await fetch(`${url}/healthcheck`)).status, 200);
  await other.stop();
  await assert.rejects(fetch(`${url}/healthcheck`));
});
