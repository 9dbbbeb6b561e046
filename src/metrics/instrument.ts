// Owns the measuring wrappers the composition root puts around existing parts, so that those parts stay
// unaware of metrics and traces: the router's request observer (overall_* plus an HTTP span), the RPC
// registry (Rpc_* by rpc_id plus an RPC span) and the /ws hooks (socket_ws_*, overall_message_*). With
// metrics off and tracing off each wrapper gives back the part itself: nothing is added to any path.
import type { RpcRegistry } from "../runtime/rpc.js";
import type { HttpRequest, HttpResponse, WsConn, WsHooks } from "../transport/index.js";
import type { RequestObserver } from "../transport/router.js";
import type { Tracer } from "../tracing/index.js";
import type { ServerMetrics } from "./server-metrics.js";

function bodyBytes(body: HttpResponse["body"]): number {
  if (body === undefined) return 0;
  return typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
}

/** The router's observer: every HTTP request counted and timed, inside an "HTTP <method>" span. */
export function observeHttp(metrics: ServerMetrics | undefined, tracer: Tracer): RequestObserver | undefined {
  if (metrics === undefined && !tracer.enabled) return undefined;
  const measured = (req: HttpRequest, next: (req: HttpRequest) => Promise<HttpResponse>): Promise<HttpResponse> => {
    if (metrics === undefined) return next(req);
    const t0 = performance.now();
    return next(req).then(
      (res) => {
        metrics.http(performance.now() - t0, res.status >= 400, req.body.length, bodyBytes(res.body));
        return res;
      },
      (err: unknown) => {
        metrics.http(performance.now() - t0, true, req.body.length, 0);
        throw err;
      },
    );
  };
  if (!tracer.enabled) return measured;
  return (req, next) =>
    tracer.withSpan(`HTTP ${req.method}`, { "http.request.method": req.method, "url.path": req.path }, () => measured(req, next), { kind: "server" });
}

/** The RPC registry with Rpc_count/_latency_ms/_errors/_recv_bytes/_sent_bytes and a "Rpc/<id>" span per call. */
export function instrumentRpc(inner: RpcRegistry, metrics: ServerMetrics | undefined, tracer: Tracer): RpcRegistry {
  if (metrics === undefined && !tracer.enabled) return inner;
  const measured = async (ctx: Parameters<RpcRegistry["call"]>[0], id: string, payload: string): Promise<string> => {
    if (metrics === undefined) return inner.call(ctx, id, payload);
    const t0 = performance.now();
    let out: string | undefined;
    try {
      out = await inner.call(ctx, id, payload);
      return out;
    } finally {
      metrics.rpc(id, performance.now() - t0, out === undefined, Buffer.byteLength(payload), out === undefined ? 0 : Buffer.byteLength(out));
    }
  };
  return {
    has: (id) => inner.has(id),
    call(ctx, rawId, payload) {
      const id = rawId.toLowerCase();
      // Unknown ids are the client's choice: they must not mint series or spans.
      if (!inner.has(id)) return inner.call(ctx, rawId, payload);
      if (!tracer.enabled) return measured(ctx, id, payload);
      return tracer.withSpan(`Rpc/${id}`, { rpc_id: id, ...(ctx.userId ? { uid: ctx.userId } : {}) }, () => measured(ctx, id, payload), { kind: "server" });
    },
  };
}

/** A connection whose sends are counted (text frames by characters: no per-send UTF-8 scan). */
function countingConn<D>(conn: WsConn<D>, metrics: ServerMetrics): WsConn<D> {
  return {
    get data() {
      return conn.data;
    },
    get remoteAddress() {
      return conn.remoteAddress;
    },
    get closed() {
      return conn.closed;
    },
    send(data, isBinary) {
      const r = conn.send(data, isBinary);
      if (r !== "closed") metrics.wsSent(typeof data === "string" ? data.length : data.byteLength);
      return r;
    },
    bufferedAmount: () => conn.bufferedAmount(),
    cork: (fn) => conn.cork(fn),
    close: (code, reason) => conn.close(code, reason),
    ping: () => conn.ping(),
  };
}

/** The /ws hooks with socket_ws_opened/closed and overall_message_* counted. */
export function instrumentWs<D>(hooks: WsHooks<D>, metrics: ServerMetrics | undefined): WsHooks<D> {
  if (metrics === undefined) return hooks;
  const wrapped = new WeakMap<WsConn<D>, WsConn<D>>();
  const own = (conn: WsConn<D>) => wrapped.get(conn) ?? conn;
  return {
    upgrade: (req) => hooks.upgrade(req),
    open(conn) {
      const w = countingConn(conn, metrics);
      wrapped.set(conn, w);
      metrics.wsOpened();
      hooks.open(w);
    },
    message(conn, data, isBinary) {
      metrics.wsReceived(data.length);
      hooks.message(own(conn), data, isBinary);
    },
    ...(hooks.drain ? { drain: (conn: WsConn<D>) => hooks.drain?.(own(conn)) } : {}),
    ...(hooks.pong ? { pong: (conn: WsConn<D>) => hooks.pong?.(own(conn)) } : {}),
    close(conn, code, reason) {
      metrics.wsClosed();
      const w = own(conn);
      wrapped.delete(conn);
      hooks.close(w, code, reason);
    },
  };
}
