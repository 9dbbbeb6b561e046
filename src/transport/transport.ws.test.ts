// WebSocket behaviour of the transport over real sockets, run once per implementation (uws, node):
// upgrade accepted/refused, echo of text and binary frames, the message size limit, close codes,
// ping/pong, backpressure and drain, and close() releasing the port.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { IncomingMessage } from "node:http";
import { WebSocket } from "ws";
import { silentLogger } from "../log.js";
import { startTransport } from "./index.js";
import type { Transport, TransportOptions, WsConn, WsHooks } from "./index.js";
import { IMPLS, closed, nextMessage, openWs, waitUntil, within } from "./testkit.js";

const MAX_MESSAGE = 4096;
const BACKPRESSURE = 64 * 1024;
const FLOOD_FRAME = 16 * 1024;

interface ConnData {
  token: string;
  format: string;
}

type Ev =
  | { kind: "open"; token: string; remote: string }
  | { kind: "close"; token: string; code: number; reason: string }
  | { kind: "pong"; token: string }
  | { kind: "drain"; token: string; buffered: number }
  | { kind: "flooded"; token: string; sent: number; buffered: number; result: string };

class Recorder {
  readonly events: Ev[] = [];
  private pokes = new Set<() => void>();
  push(e: Ev): void {
    this.events.push(e);
    for (const p of this.pokes) p();
  }
  async waitFor<K extends Ev["kind"]>(kind: K, token: string): Promise<Extract<Ev, { kind: K }>> {
    const find = (): Ev | undefined => this.events.find((e) => e.kind === kind && e.token === token);
    const w = waitUntil(() => find() !== undefined, 5000, `${kind} of ${token}`);
    this.pokes.add(w.poke);
    try {
      await w.done;
    } finally {
      this.pokes.delete(w.poke);
    }
    return find() as Extract<Ev, { kind: K }>;
  }
}

function flood(conn: WsConn<ConnData>, rec: Recorder, untilClosed: boolean): void {
  let sent = 0;
  let result = "ok";
  // Synchronous: the client (same process) cannot read meanwhile, so the socket buffers fill.
  // Frames are numbered and patterned so the client can check none was cut, lost or reordered.
  while (sent < 8192) {
    const frame = Buffer.alloc(FLOOD_FRAME, sent % 251);
    frame.writeUInt32BE(sent, 0);
    result = conn.send(frame, true);
    if (result === "closed") break;
    sent++;
    if (result === "backpressure" && !untilClosed) break;
  }
  rec.push({ kind: "flooded", token: conn.data.token, sent, buffered: conn.bufferedAmount(), result });
}

function hooks(rec: Recorder): WsHooks<ConnData> {
  return {
    upgrade: async (req) => {
      const token = req.query.get("token") ?? "";
      const format = req.query.get("format") ?? "json";
      if (token === "throw") throw new Error("hook bug");
      if (!token.startsWith("ok")) return { ok: false, status: 401, body: "Missing or invalid token" };
      if (format !== "json" && format !== "protobuf") return { ok: false, status: 400, body: "Invalid format parameter" };
      return { ok: true, data: { token, format } };
    },
    open: (conn) => rec.push({ kind: "open", token: conn.data.token, remote: conn.remoteAddress }),
    message: (conn, data, isBinary) => {
      const text = isBinary ? "" : data.toString();
      if (text === "close-me") conn.close(4000, "bye");
      else if (text === "ping-me") conn.ping();
      else if (text === "flood") flood(conn, rec, false);
      else if (text === "overflow") flood(conn, rec, true);
      else if (text === "throw") throw new Error("hook bug");
      else if (text === "corked") conn.cork(() => ["a", "b", "c"].forEach((m) => conn.send(m, false)));
      else conn.send(data, isBinary);
    },
    pong: (conn) => rec.push({ kind: "pong", token: conn.data.token }),
    drain: (conn) => rec.push({ kind: "drain", token: conn.data.token, buffered: conn.bufferedAmount() }),
    close: (conn, code, reason) => rec.push({ kind: "close", token: conn.data.token, code, reason }),
  };
}

function options(impl: (typeof IMPLS)[number]): TransportOptions {
  return {
    port: 0,
    address: "127.0.0.1",
    impl,
    maxRequestSizeBytes: 4096,
    maxMessageSizeBytes: MAX_MESSAGE,
    idleTimeoutMs: 60_000,
    maxBackpressureBytes: BACKPRESSURE,
    responseHeaders: {},
    log: silentLogger(),
  };
}

/** Connects expecting a refusal; resolves with its status and body. */
function refused(url: string): Promise<{ status: number; body: string }> {
  return within(
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.on("open", () => reject(new Error("unexpectedly opened")));
      ws.on("error", () => undefined);
      ws.on("unexpected-response", (_req, res: IncomingMessage) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
    }),
    5000,
    "refusal",
  );
}

for (const impl of IMPLS) {
  describe(`transport WebSocket (${impl})`, () => {
    let t: Transport;
    let url: string;
    const rec = new Recorder();

    before(async () => {
      t = await startTransport(options(impl), { http: async () => ({ status: 200 }), ws: hooks(rec) });
      url = `ws://127.0.0.1:${t.port}/ws`;
    });
    after(() => t.close());

    it("upgrades with the query passed to the hook and echoes text and binary frames", async () => {
      const ws = await openWs(`${url}?token=ok-echo&format=json`);
      const opened = await rec.waitFor("open", "ok-echo");
      assert.equal(opened.remote, "127.0.0.1");
      ws.send("hello");
      const text = await nextMessage(ws);
      assert.equal(text.isBinary, false);
      assert.equal(text.data.toString(), "hello");
      ws.send(Buffer.from([0, 1, 2, 255]));
      const bin = await nextMessage(ws);
      assert.equal(bin.isBinary, true);
      assert.deepEqual([...bin.data], [0, 1, 2, 255]);
      ws.send(Buffer.alloc(MAX_MESSAGE, 9), { binary: true });
      assert.equal((await nextMessage(ws)).data.length, MAX_MESSAGE, "a message of exactly the limit passes");
      ws.close(1000);
    });

    it("refuses upgrades with the hook's status and plain-text body", async () => {
      assert.deepEqual(await refused(`${url}?token=bad`), { status: 401, body: "Missing or invalid token\n" });
      assert.deepEqual(await refused(`${url}?token=ok&format=xml`), { status: 400, body: "Invalid format parameter\n" });
      assert.deepEqual(await refused(`${url}?token=throw`), { status: 500, body: "Internal Server Error\n" });
      const plain = await fetch(`http://127.0.0.1:${t.port}/ws?token=bad`);
      assert.equal(plain.status, 401);
      assert.equal(plain.headers.get("content-type"), "text/plain; charset=utf-8");
      const noUpgrade = await fetch(`http://127.0.0.1:${t.port}/ws?token=ok`);
      assert.equal(noUpgrade.status, 400);
      assert.equal(await noUpgrade.text(), "Bad Request\n");
    });

    it("closes with 1009 on a message over max_message_size_bytes", async () => {
      const ws = await openWs(`${url}?token=ok-big`);
      const seen = closed(ws);
      ws.send(Buffer.alloc(MAX_MESSAGE + 1), { binary: true });
      assert.equal((await seen).code, 1009);
      const ev = await rec.waitFor("close", "ok-big");
      assert.equal(ev.code, 1009);
      assert.equal(ev.reason, "message too big");
    });

    it("delivers server close codes and reasons to the client and client ones to the hook", async () => {
      const a = await openWs(`${url}?token=ok-srvclose`);
      const seen = closed(a);
      a.send("close-me");
      assert.deepEqual(await seen, { code: 4000, reason: "bye" });
      const ev = await rec.waitFor("close", "ok-srvclose");
      assert.deepEqual([ev.code, ev.reason], [4000, "bye"]);
      const b = await openWs(`${url}?token=ok-cliclose`);
      await rec.waitFor("open", "ok-cliclose");
      b.close(4001, "client bye");
      const ev2 = await rec.waitFor("close", "ok-cliclose");
      assert.deepEqual([ev2.code, ev2.reason], [4001, "client bye"]);
      assert.equal(rec.events.filter((e) => e.kind === "close" && e.token === "ok-srvclose").length, 1);
    });

    it("closes with 1011 when a message hook throws", async () => {
      const ws = await openWs(`${url}?token=ok-throw`);
      const seen = closed(ws);
      ws.send("throw");
      assert.equal((await seen).code, 1011);
      const ev = await rec.waitFor("close", "ok-throw");
      assert.deepEqual([ev.code, ev.reason], [1011, "internal error"]);
    });

    it("reports pongs to the hook after ping()", async () => {
      const ws = await openWs(`${url}?token=ok-ping`);
      const ping = new Promise<void>((r) => ws.once("ping", () => r()));
      ws.send("ping-me");
      await within(ping, 5000, "client ping");
      await rec.waitFor("pong", "ok-ping");
      ws.close();
    });

    it("sends corked batches in order", async () => {
      const ws = await openWs(`${url}?token=ok-cork`);
      const got: string[] = [];
      const all = waitUntil(() => got.length === 3, 5000, "three messages");
      ws.on("message", (d: Buffer) => {
        got.push(d.toString());
        all.poke();
      });
      ws.send("corked");
      await all.done;
      assert.deepEqual(got, ["a", "b", "c"]);
      ws.close();
    });

    it("reports backpressure past the limit, then drain, and loses nothing", async () => {
      const ws = await openWs(`${url}?token=ok-flood`);
      let received = 0;
      let expected = -1;
      let intact = true;
      const all = waitUntil(() => received === expected, 10_000, "every flooded message");
      ws.on("message", (d: Buffer) => {
        intact &&= d.length === FLOOD_FRAME && d.readUInt32BE(0) === received && d[FLOOD_FRAME - 1] === received % 251;
        received++;
        all.poke();
      });
      ws.send("flood");
      const f = await rec.waitFor("flooded", "ok-flood");
      assert.equal(f.result, "backpressure");
      assert.ok(f.buffered > BACKPRESSURE, `buffered ${f.buffered} should pass the limit`);
      expected = f.sent;
      all.poke();
      const d = await rec.waitFor("drain", "ok-flood");
      assert.ok(d.buffered <= BACKPRESSURE);
      await all.done;
      assert.ok(intact, "every frame arrived whole and in order");
      ws.close();
    });

    it("closes a connection whose buffer passes 4x the limit with 1008", async () => {
      const ws = await openWs(`${url}?token=ok-overflow`);
      const seen = closed(ws);
      ws.send("overflow");
      const f = await rec.waitFor("flooded", "ok-overflow");
      assert.equal(f.result, "closed");
      const ev = await rec.waitFor("close", "ok-overflow");
      assert.deepEqual([ev.code, ev.reason], [1008, "outgoing buffer full"]);
      await seen;
    });
  });

  describe(`transport close (${impl})`, () => {
    it("closes open sockets with 1001 and frees the port", async () => {
      const rec = new Recorder();
      const t = await startTransport(options(impl), { http: async () => ({ status: 200 }), ws: hooks(rec) });
      const ws = await openWs(`ws://127.0.0.1:${t.port}/ws?token=ok-shutdown`);
      await rec.waitFor("open", "ok-shutdown");
      const seen = closed(ws);
      await within(t.close(), 5000, "transport close");
      const ev = await rec.waitFor("close", "ok-shutdown");
      assert.equal(ev.code, 1001);
      assert.ok([1001, 1006].includes((await seen).code));
      const probe = createServer();
      await within(new Promise<void>((resolve, reject) => {
        probe.once("error", reject);
        probe.listen(t.port, "127.0.0.1", () => resolve());
      }), 5000, "re-listen");
      await new Promise<void>((r) => probe.close(() => r()));
    });
  });
}
