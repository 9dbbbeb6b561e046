// The runtime behaviour suite: the same scenarios against a Lua module, a JS bundle and a native module
// (test/fixtures/modules/{lua,js,native}), over the wire: RPC by session, by http_key (query and Basic),
// with unwrap and over the socket; a before hook that edits, rejects and throws a coded error; an after
// hook that logs and writes to the database; run_once running once; context fields; error codes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { BootedServer } from "./helpers/boot.js";
import { closeAll, clientFor, connect, peer, type Push } from "./realtime-kit.js";
import { bearer, bootRuntime, eventually, HTTP_KEY, login, request, rpc, RUNTIMES, SERVER_KEY } from "./runtime-kit.js";

for (const runtime of RUNTIMES) {
  describe(`runtime behaviour: ${runtime}`, () => {
    let s: BootedServer;
    before(async () => {
      s = await bootRuntime(runtime);
    });
    after(() => s.stop());

    it("answers an RPC by session (Bearer), ids case-insensitive, GET payload always empty", async () => {
      const { token } = await login(s, `${runtime}-rpc-session`);
      const r = await rpc(s, "ECHO", { auth: bearer(token), payload: `{"a":1,"b":"<&>"}` });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), "application/json");
      assert.equal(r.text, '{"payload":"{\\"a\\":1,\\"b\\":\\"\\u003c\\u0026\\u003e\\"}"}');
      const viaOther = await rpc(s, "echo_too", { auth: bearer(token), payload: "same fn" });
      assert.deepEqual(viaOther.json(), { payload: "same fn" });
      const get = await rpc(s, "echo", { method: "GET", auth: bearer(token), query: "payload=ignored" });
      assert.deepEqual(get.json(), { payload: "" });
    });

    it("answers an RPC by http_key (query or Basic username) with no user in the context", async () => {
      const byQuery = await rpc(s, "ctx", { query: `http_key=${HTTP_KEY}&q=1&q=2` });
      assert.equal(byQuery.status, 200);
      const ctx = JSON.parse(byQuery.json().payload as string) as Record<string, any>;
      assert.ok(!ctx.userId && !ctx.user_id, "server-to-server calls have no user id");
      assert.deepEqual(ctx.queryParams ?? ctx.query_params, { q: ["1", "2"] }, "http_key is not passed on");
      const basic = `Basic ${Buffer.from(`${HTTP_KEY}:`).toString("base64")}`;
      assert.equal((await rpc(s, "echo", { auth: basic, payload: "x" })).json().payload, "x");
      const bad = await rpc(s, "echo", { query: "http_key=nope" });
      assert.equal(bad.status, 401);
      assert.equal(bad.text, '{"error":"HTTP key invalid","message":"HTTP key invalid","code":16}');
    });

    it("takes and returns raw bodies with ?unwrap, echoing the request's content type", async () => {
      const r = await rpc(s, "echo", { query: `http_key=${HTTP_KEY}&unwrap`, body: '{"raw":true}', headers: { "content-type": "application/json" } });
      assert.equal(r.status, 200);
      assert.equal(r.text, '{"raw":true}');
      assert.equal(r.headers.get("content-type"), "application/json");
      const notString = await rpc(s, "echo", { query: `http_key=${HTTP_KEY}`, body: '{"raw":true}' });
      assert.equal(notString.status, 400);
      assert.equal(notString.json().message, "json: cannot unmarshal object into Go value of type string");
    });

    it("reaches the same registry over the socket", async () => {
      const client = clientFor(s);
      const session = await client.authenticateDevice(`${runtime}-socket-device`, true);
      const peer = await connect(client, session, `${runtime}-socket`, "json");
      try {
        const r = await peer.socket.rpc("ECHO", "over the socket");
        assert.equal(r.payload, "over the socket");
        await assert.rejects(peer.socket.rpc("missing", ""), (e: any) => e.code === 6 || /not found/i.test(String(e.message)));
      } finally {
        peer.socket.disconnect(false);
      }
    });

    it("gives functions their context fields in the language's naming", async () => {
      const { token, userId } = await login(s, `${runtime}-ctx-device`, { tier: "gold" });
      const r = await rpc(s, "ctx", { auth: bearer(token), query: "k=v", headers: { "x-trace": "t1" } });
      const c = JSON.parse(r.json().payload as string) as Record<string, any>;
      const pick = (camel: string, snake: string) => (runtime === "lua" ? c[snake] : c[camel]);
      assert.equal(pick("userId", "user_id"), userId);
      assert.match(pick("username", "username"), /^\w+$/);
      assert.equal(pick("executionMode", "execution_mode"), "rpc");
      assert.deepEqual(pick("env", "env"), { TEST_ENV: "hello", OTHER: "x=y" });
      assert.deepEqual(pick("queryParams", "query_params"), { k: ["v"] });
      assert.deepEqual(pick("headers", "headers")["X-Trace"], ["t1"]);
      assert.equal(pick("clientIp", "client_ip"), "127.0.0.1");
      assert.equal(pick("node", "node"), "troupe");
      assert.ok(pick("userSessionExp", "user_session_exp") > Date.now() / 1000);
      if (runtime !== "lua") assert.deepEqual(c.vars, { tier: "gold" });
      if (runtime === "lua") assert.equal(c.same, "rpc", "nk.get_context() sees the same call");
      // A caller's repeated requests may share a context; one that differs in a header or the query must not.
      const seen = async (query: string, trace: string) => {
        const p = JSON.parse((await rpc(s, "ctx", { auth: bearer(token), query, headers: { "x-trace": trace } })).json().payload as string) as Record<string, any>;
        return [(runtime === "lua" ? p.query_params : p.queryParams) as unknown, (p.headers as Record<string, unknown>)["X-Trace"]];
      };
      assert.deepEqual(await seen("k=v", "t1"), [{ k: ["v"] }, ["t1"]]);
      assert.deepEqual(await seen("k=v", "t2"), [{ k: ["v"] }, ["t2"]]);
      assert.deepEqual(await seen("k=w", "t2"), [{ k: ["w"] }, ["t2"]]);
      assert.deepEqual(await seen("k=v", "t1"), [{ k: ["v"] }, ["t1"]]);
      if (runtime === "js") {
        // ctx is read-only input, also when an identical context is reused by a later call.
        for (let i = 0; i < 3; i++) assert.equal((await rpc(s, "ctx_write", { auth: bearer(token) })).json().payload, "read-only");
      }
    });

    it("runs realtime before/after hooks on the envelope: edit, coded error, after hook", async () => {
      const client = clientFor(s);
      const watched = await connect(client, await client.authenticateDevice(`${runtime}-rt-watched`, true, `${runtime}rtw`), `${runtime}rtw`, "json", true);
      const follower = await peer(s, `${runtime}rtf`, "json");
      try {
        const id = watched.session.user_id as string;
        await follower.socket.followUsers([id]);
        await watched.socket.updateStatus("hello");
        const seen = (e: Push) => e.kind === "status_presence" && ((e.value.joins ?? []) as Array<{ user_id: string; status?: string }>)
          .some((j) => j.user_id === id && j.status === "HELLO");
        await follower.pushes.first("the hook's upper-cased status", seen);
        await assert.rejects(watched.socket.updateStatus("boom"), (e: any) => e.code === 7 && /status boom refused/.test(String(e.message)));
        await eventually("the realtime after hook's log line", async () =>
          s.logs().find((l) => l.msg === "rt after StatusUpdate HELLO" && l.runtime === runtime));
      } finally {
        closeAll(watched, follower);
      }
    });

    it("calls nk functions from module code", async () => {
      const r = await rpc(s, "nk", { query: `http_key=${HTTP_KEY}`, payload: "hi there" });
      const out = JSON.parse(r.json().payload as string) as { uuid: string; b64: string };
      assert.match(out.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(out.b64, Buffer.from("hi there").toString("base64"));
    });

    const customAuth = (id: string) =>
      request(s, "/v2/account/authenticate/custom?create=true", {
        method: "POST", headers: { authorization: SERVER_KEY }, body: JSON.stringify({ id: id, vars: { v: "1" } }),
      });

    it("runs a before hook that edits the request", async () => {
      const r = await customAuth(`edit-${runtime}-00001`);
      assert.equal(r.status, 200, r.text);
      const account = await request(s, "/v2/account", { headers: { authorization: bearer(r.json().token as string) } });
      assert.equal(account.json().user.username, `${runtime}_EDIT-${runtime.toUpperCase()}-00001`);
    });

    it("rejects a request whose before hook returns nothing", async () => {
      const r = await customAuth(`reject-${runtime}-00001`);
      assert.equal(r.status, 404);
      assert.deepEqual(r.json(), { code: 5, message: "Requested resource was not found." });
    });

    it("sends a before hook's coded error to the client with its code", async () => {
      const r = await customAuth(`deny-${runtime}-000001`);
      assert.equal(r.status, 403);
      assert.equal(r.json().code, 7);
      assert.ok((r.json().message as string).startsWith(`custom id deny-${runtime}-000001 is denied`), r.text);
    });

    it("runs the after hook once the reply is sent: it logs and writes to the database", async () => {
      const { token, userId } = await login(s, `${runtime}-after-device`);
      const account = await request(s, "/v2/account", { headers: { authorization: bearer(token) } });
      assert.equal(account.status, 200);
      await eventually("the after hook's row", async () => {
        const counts = JSON.parse((await rpc(s, "counts", { query: `http_key=${HTTP_KEY}` })).json().payload as string);
        return Number(counts.after) >= 1 ? counts : undefined;
      });
      const line = s.logs().find((l) => l.msg === `after GetAccount for ${userId}`);
      assert.ok(line, "the after hook's log line");
      assert.equal(line.runtime, runtime);
      assert.equal(line.level, "info");
    });

    it("runs run_once once, however many VMs are created", async () => {
      // Enough concurrent calls to make the pools grow beyond their first VM.
      const results = await Promise.all(Array.from({ length: 8 }, () => rpc(s, "work", { query: `http_key=${HTTP_KEY}`, payload: "20000" })));
      for (const r of results) assert.equal(r.json().payload, "200010000", r.text);
      const counts = JSON.parse((await rpc(s, "counts", { query: `http_key=${HTTP_KEY}` })).json().payload as string);
      assert.equal(String(counts.once), "1");
    });

    it("maps error codes to HTTP statuses; uncoded errors are INTERNAL and logged with the RPC id", async () => {
      const coded = await rpc(s, "fail", { query: `http_key=${HTTP_KEY}`, payload: JSON.stringify({ message: "no such thing", code: 5 }) });
      assert.equal(coded.status, 404);
      assert.deepEqual(Object.keys(coded.json()), ["code", "error", "message"]);
      assert.equal(coded.json().code, 5);
      assert.ok((coded.json().message as string).startsWith("no such thing"));
      const plain = await rpc(s, "fail", { query: `http_key=${HTTP_KEY}`, payload: JSON.stringify({ message: "kaboom" }) });
      assert.equal(plain.status, 500);
      assert.equal(plain.json().code, 13);
      assert.match(plain.json().message as string, /kaboom/);
      if (runtime === "js") assert.match(plain.json().error.stackTrace as string, /index\.js/);
      else assert.deepEqual(plain.json().error, {});
      const logged = s.logs().find((l) => l.rpc_id === "fail" && l.level === "error");
      assert.ok(logged, "uncoded errors are logged");
      assert.equal(logged.runtime, runtime);
      const missing = await rpc(s, "nope", { query: `http_key=${HTTP_KEY}` });
      assert.equal(missing.status, 404);
      assert.equal(missing.text, '{"error":"RPC function not found","message":"RPC function not found","code":5}');
    });
  });
}
