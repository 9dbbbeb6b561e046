// Unit tests of the REST router, the JSON helpers and implementation selection (no sockets except
// one fallback start).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../errors.js";
import { silentLogger } from "../log.js";
import { selectImpl, startTransport } from "./index.js";
import { errorResponse, json, parseJson, parseJsonObject } from "./json.js";
import { Router, addHealthRoutes } from "./router.js";
import type { RouteHandler } from "./router.js";
import { memoryLogger } from "./testkit.js";
import type { HttpRequest, HttpResponse } from "./types.js";
import type { UwsModule } from "./uws.js";

function req(method: string, path: string, body = ""): HttpRequest {
  return { method, path, rawQuery: "", query: new URLSearchParams(), headers: {}, body: Buffer.from(body), remoteAddress: "127.0.0.1" };
}

const tag = (name: string): RouteHandler => ({ params }) => json({ route: name, params });

async function call(r: Router, method: string, path: string): Promise<{ status: number; body: unknown; res: HttpResponse }> {
  const res = await r.handle(req(method, path));
  return { status: res.status, body: JSON.parse(String(res.body)) as unknown, res };
}

describe("Router", () => {
  const r = new Router({ log: silentLogger() })
    .add("GET", "/v2/friend", tag("friends"))
    .add("POST", "/v2/friend/block", tag("block"))
    .add("GET", "/v2/friend/{id}", tag("friend-by-id"))
    .add("POST", "/v2/group/{group_id}/join", tag("join"))
    .add("DELETE", "/v2/group/{id}", tag("delete-group"))
    .add("GET", "/v2/leaderboard/{leaderboard_id}/owner/{owner_id}", tag("owner"))
    .add("GET", "/v2/rpc/{id:.*}", tag("rpc-get"))
    .add("POST", "/v2/rpc/{id:.*}", tag("rpc-post"));

  it("prefers literal segments over params and falls back to params on method mismatch", async () => {
    assert.deepEqual((await call(r, "POST", "/v2/friend/block")).body, { route: "block", params: {} });
    assert.deepEqual((await call(r, "GET", "/v2/friend/block")).body, { route: "friend-by-id", params: { id: "block" } });
  });

  it("names params per route and decodes them", async () => {
    assert.deepEqual((await call(r, "POST", "/v2/group/a%2Fb/join")).body, { route: "join", params: { group_id: "a/b" } });
    assert.deepEqual((await call(r, "DELETE", "/v2/group/g1")).body, { route: "delete-group", params: { id: "g1" } });
    assert.deepEqual((await call(r, "GET", "/v2/leaderboard/lb/owner/o%20w")).body, {
      route: "owner",
      params: { leaderboard_id: "lb", owner_id: "o w" },
    });
    assert.deepEqual((await call(r, "GET", "/v2/friend/%E0%A4%A")).body, { route: "friend-by-id", params: { id: "%E0%A4%A" } });
  });

  it("matches the catch-all with slashes, and empty, but not without its slash", async () => {
    assert.deepEqual((await call(r, "POST", "/v2/rpc/a/b/c")).body, { route: "rpc-post", params: { id: "a/b/c" } });
    assert.deepEqual((await call(r, "GET", "/v2/rpc/")).body, { route: "rpc-get", params: { id: "" } });
    assert.equal((await call(r, "GET", "/v2/rpc")).status, 404);
  });

  it("answers 404 for unknown paths and 501 for a known path with the wrong method", async () => {
    const nf = await call(r, "GET", "/v2/nope");
    assert.equal(nf.status, 404);
    assert.deepEqual(nf.body, { code: 5, message: "Not Found" });
    assert.equal((await call(r, "GET", "/v2/group/g1/join/extra")).status, 404);
    assert.equal((await call(r, "GET", "/v2/friend/")).status, 404, "an empty segment is not a param");
    const mna = await call(r, "PUT", "/v2/friend");
    assert.equal(mna.status, 501);
    assert.deepEqual(mna.body, { code: 12, message: "Method Not Allowed" });
    assert.equal((await call(r, "DELETE", "/v2/rpc/x")).status, 501);
  });

  it("serves HEAD from the GET route", async () => {
    assert.deepEqual((await call(r, "HEAD", "/v2/friend")).body, { route: "friends", params: {} });
  });

  it("rejects duplicate and malformed patterns", () => {
    const x = new Router({ log: silentLogger() }).add("GET", "/a/{b}", tag("x"));
    assert.throws(() => x.add("GET", "/a/{c}", tag("y")), /duplicate route/);
    assert.throws(() => x.add("GET", "/a/{rest:.*}/b", tag("y")), /catch-all must be the last/);
    assert.throws(() => x.add("GET", "/a/x{y}", tag("y")), /bad route segment/);
    assert.throws(() => x.add("GET", "a", tag("y")), /must start with/);
  });

  it("maps thrown errors: GameError keeps its code, anything else is a logged 500", async () => {
    const { log, lines } = memoryLogger();
    const e = new Router({ log })
      .add("GET", "/auth", () => {
        throw new GameError(Code.UNAUTHENTICATED, "Auth token required");
      })
      .add("GET", "/exists", async () => Promise.reject(new GameError(Code.ALREADY_EXISTS, "Exists.")))
      .add("GET", "/bug", () => {
        throw new TypeError("undefined is not a function");
      });
    const auth = await call(e, "GET", "/auth");
    assert.equal(auth.status, 401);
    assert.equal(auth.res.headers?.["www-authenticate"], "Auth token required");
    assert.deepEqual(auth.body, { code: 16, message: "Auth token required" });
    const exists = await call(e, "GET", "/exists");
    assert.equal(exists.status, 409);
    assert.equal(exists.res.headers?.["www-authenticate"], undefined);
    const bug = await call(e, "GET", "/bug");
    assert.equal(bug.status, 500);
    assert.deepEqual(bug.body, { code: 13, message: "Internal Server Error" });
    assert.ok(lines.some((l) => l.level === "error" && l.msg === "route handler failed" && l.path === "/bug"));
  });

  it("provides Nakama's health routes", async () => {
    const h = addHealthRoutes(new Router({ log: silentLogger() }));
    const root = await h.handle(req("GET", "/"));
    assert.equal(root.status, 200);
    assert.equal(root.body, undefined);
    const hc = await h.handle(req("GET", "/healthcheck"));
    assert.equal(hc.body, "{}");
  });
});

describe("JSON helpers", () => {
  it("parses objects, treats an empty body as {} and rejects the rest with INVALID_ARGUMENT", () => {
    assert.deepEqual(parseJsonObject(Buffer.from('{"a":1}')), { a: 1 });
    assert.deepEqual(parseJsonObject(Buffer.from(" \n")), {});
    for (const bad of ["{", "[1]", "3", "null", '"s"']) {
      assert.throws(
        () => parseJsonObject(Buffer.from(bad)),
        (e: unknown) => e instanceof GameError && e.code === Code.INVALID_ARGUMENT && e.message === "Improperly formatted request body",
        bad,
      );
    }
    assert.throws(() => parseJsonObject(Buffer.alloc(0), { allowEmpty: false }), GameError);
    assert.equal(parseJson('"x"'), "x");
  });

  it("builds JSON and error responses", () => {
    assert.deepEqual(json({ a: 1 }, 201, { "x-y": "z" }), {
      status: 201,
      headers: { "x-y": "z", "content-type": "application/json" },
      body: '{"a":1}',
    });
    const err = errorResponse(new GameError(Code.PERMISSION_DENIED, "No."));
    assert.equal(err.status, 403);
    assert.equal(err.body, '{"code":7,"message":"No."}');
  });
});

describe("implementation selection", () => {
  const broken = (): UwsModule => {
    throw new Error("no binary for this ABI");
  };

  it("falls back to node with a warning on auto, fails on uws, skips loading on node", () => {
    const { log, lines } = memoryLogger();
    assert.deepEqual(selectImpl("auto", broken, log), { impl: "node" });
    assert.ok(lines.some((l) => l.level === "warn"));
    assert.throws(() => selectImpl("uws", broken, log), /cannot load/);
    let loaded = false;
    const spy = (): UwsModule => {
      loaded = true;
      throw new Error("unused");
    };
    assert.deepEqual(selectImpl("node", spy, log), { impl: "node" });
    assert.equal(loaded, false);
  });

  it("starts the node transport when the binary cannot load", async () => {
    const t = await startTransport(
      {
        port: 0,
        address: "127.0.0.1",
        impl: "auto",
        maxRequestSizeBytes: 1024,
        maxMessageSizeBytes: 1024,
        idleTimeoutMs: 1000,
        maxBackpressureBytes: 1024,
        responseHeaders: {},
        log: silentLogger(),
      },
      { http: async () => ({ status: 200, body: "fallback" }) },
      broken,
    );
    try {
      assert.equal(t.impl, "node");
      assert.equal(await (await fetch(`http://127.0.0.1:${t.port}/`)).text(), "fallback");
    } finally {
      await t.close();
    }
  });
});
