// Owns the RPC workloads, calling an echo RPC (--rpc-id, default "echo": the per-runtime fixtures in
// test/fixtures/modules/<runtime>) with a --payload-byte string:
//   rpc-http:   POST /v2/rpc/<id> over keep-alive connections, phases "bearer" (session token) and
//               "http_key" (?http_key=, server to server);
//   rpc-socket: rpc envelopes over sockets, --inflight requests outstanding on each.
import { buildRequest } from "../../lib/raw-http.js";
import { httpClosedLoop, phase, wants, withHttp } from "../loops.js";
import { closeAll, fixtureModules, openSockets, signUp } from "../setup.js";
import type { LoadOptions, RunContext, Workload } from "../types.js";
import { Api, bearer, type NakamaSocket } from "../wire.js";

const local = (o: LoadOptions) => ({ runtimePath: fixtureModules(o.runtime), flags: [] });
// Troupe closes a socket sending more than socket.max_inbound_per_sec (5000 by default) messages a second; Nakama has
// no such limit, and a closed loop with several RPCs in flight passes it at once.
const localSocket = (o: LoadOptions) => ({ runtimePath: fixtureModules(o.runtime), flags: ["--socket.max_inbound_per_sec", "0"] });
const payloadOf = (o: LoadOptions): string => "x".repeat(o.payload);

export const rpcHttp: Workload = {
  name: "rpc-http",
  summary: "echo RPC over HTTP, with a session token and with the HTTP key",
  phases: ["bearer", "http_key"],
  defaults: { size: 0, duration: 10, concurrency: 32, warmup: 1, sizeMeans: "(unused)", concurrencyMeans: "keep-alive connections" },
  local,
  run: (ctx) => withHttp(ctx, ctx.opts.concurrency, async (api, conns) => {
    const payload = payloadOf(ctx.opts);
    const body = JSON.stringify(payload);
    const path = `/v2/rpc/${encodeURIComponent(ctx.opts.rpcId)}`;
    const echoed = (r: { status: number; body: Buffer }): string | null =>
      r.status === 200 && r.body.length >= payload.length ? null : `HTTP ${r.status} ${r.body.toString().slice(0, 160)}`;
    if (wants(ctx, "bearer")) {
      const sessions = await signUp(ctx, api, ctx.opts.concurrency, "rpc");
      const reqs = sessions.map((s) => buildRequest("POST", path, ctx.target.host, { Authorization: bearer(s.token), "Content-Type": "application/json" }, body));
      await phase(ctx, "bearer", "rpc", (s) => httpClosedLoop(ctx, conns, s, (w) => reqs[w], echoed));
    }
    if (wants(ctx, "http_key")) {
      const req = buildRequest("POST", `${path}?http_key=${encodeURIComponent(ctx.target.httpKey)}`, ctx.target.host, { "Content-Type": "application/json" }, body);
      await phase(ctx, "http_key", "rpc", (s) => httpClosedLoop(ctx, conns, s, () => req, echoed));
    }
  }),
};

/** JSON: a prebuilt text envelope per cid and a regex over replies (cheap enough for ~50k rpc/s). */
function jsonLoop(ctx: RunContext, sock: NakamaSocket, end: number, payload: string): Promise<void> {
  const sentAt = new Map<string, number>();
  const idJson = JSON.stringify(ctx.opts.rpcId);
  const payloadJson = JSON.stringify(payload);
  let next = 0;
  return new Promise((resolve) => {
    const send = (): void => {
      const cid = String(++next);
      sentAt.set(cid, performance.now());
      sock.ws.send(`{"cid":"${cid}","rpc":{"id":${idJson},"payload":${payloadJson}}}`);
    };
    // A reply that never comes must not hang the run: give up 10 s after the end.
    const giveUp = setTimeout(() => {
      for (let k = 0; k < sentAt.size; k++) ctx.rec.fail("no rpc reply 10 s after the end");
      finish();
    }, end - performance.now() + 10_000);
    const finish = (): void => {
      clearTimeout(giveUp);
      sock.raw = null;
      sock.onClose = () => undefined;
      resolve();
    };
    sock.raw = (data) => {
      const m = /"cid":"(\d+)"/.exec(data.toString("latin1"));
      if (m === null) return false;
      const t = sentAt.get(m[1]);
      if (t === undefined) return false;
      sentAt.delete(m[1]);
      const now = performance.now();
      if (data.includes('"error"')) ctx.rec.fail(`rpc error: ${data.toString().slice(0, 160)}`);
      else ctx.rec.ok(now - t, now);
      if (now < end && !sock.closed) send();
      else if (sentAt.size === 0) finish();
      return true;
    };
    sock.onClose = () => {
      ctx.rec.fail("socket closed");
      finish();
    };
    for (let i = 0; i < ctx.opts.inflight; i++) send();
  });
}

/** Protobuf: the socket's own request/reply matching (encode and decode per call). */
async function protobufLoop(ctx: RunContext, sock: NakamaSocket, end: number, payload: string): Promise<void> {
  const one = async (): Promise<void> => {
    while (performance.now() < end && !sock.closed) {
      const t = performance.now();
      try {
        await sock.request({ rpc: { id: ctx.opts.rpcId, payload } });
        ctx.rec.ok(performance.now() - t);
      } catch (e) {
        ctx.rec.fail(e);
      }
    }
  };
  await Promise.all(Array.from({ length: ctx.opts.inflight }, one));
}

export const rpcSocket: Workload = {
  name: "rpc-socket",
  summary: "echo RPC over realtime sockets, several requests in flight per socket",
  phases: ["socket"],
  defaults: {
    size: 0, duration: 10, concurrency: 32, warmup: 1,
    sizeMeans: "(unused)", concurrencyMeans: "sockets (each with --inflight requests outstanding)",
  },
  local: localSocket,
  async run(ctx) {
    const api = new Api(ctx.target);
    const sessions = await signUp(ctx, api, ctx.opts.concurrency, "rpcws");
    api.close();
    const socks = await openSockets(ctx, sessions, ctx.opts.format);
    const payload = payloadOf(ctx.opts);
    const loop = ctx.opts.format === "json" ? jsonLoop : protobufLoop;
    try {
      await phase(ctx, "socket", "rpc", async (s) => {
        const end = performance.now() + s * 1000;
        await Promise.all(socks.map((sock) => loop(ctx, sock, end, payload)));
      });
    } finally {
      closeAll(socks);
    }
  },
};
