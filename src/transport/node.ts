// Owns the fallback implementation on node:http + ws, used where the uWS binary cannot load (or when
// configured). It feeds the same pipeline as uws.ts and mirrors its wire behaviour: same statuses,
// headers and bodies, same WebSocket close codes, same hook order.
import { createServer } from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import { WebSocketServer } from "ws";
import type { WebSocket } from "ws";
import { BodyCollector } from "./body.js";
import { HttpPipeline } from "./pipeline.js";
import { newHeaderMap, reasonPhrase, splitTarget } from "./request.js";
import type { RequestHead } from "./request.js";
import type { FinalResponse } from "./response.js";
import { BaseConn, CLOSE_GOING_AWAY, CLOSE_TOO_BIG } from "./ws-conn.js";
import type { ConnLimits } from "./ws-conn.js";
import type { Logger } from "../log.js";
import type { Transport, WsHooks } from "./types.js";

export interface NodeSettings {
  port: number;
  address: string;
  maxMessageSizeBytes: number;
  idleTimeoutMs: number;
  closeAckWaitMs: number;
  limits: ConnLimits;
  wsPath: string;
  log: Logger;
}

class NodeConn<D> extends BaseConn<D> {
  private ackTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    private readonly closeAckWaitMs: number,
    data: D,
    remoteAddress: string,
    limits: ConnLimits,
    hooks: WsHooks<D>,
    log: Logger,
  ) {
    super(data, remoteAddress, limits, hooks, log);
  }
  protected rawSend(data: Uint8Array | string, isBinary: boolean): boolean {
    this.ws.send(data, { binary: isBinary });
    return true;
  }
  protected rawBuffered(): number {
    return this.ws.bufferedAmount;
  }
  protected rawClose(code: number, reason: string): void {
    this.ws.close(code, reason);
    // Like socket.close_ack_wait_ms: do not wait for a silent peer's close frame forever.
    this.ackTimer = setTimeout(() => this.ws.terminate(), this.closeAckWaitMs);
  }
  protected rawCork(fn: () => void): void {
    this.socket.cork();
    try {
      fn();
    } finally {
      this.socket.uncork();
    }
  }
  protected rawPing(): void {
    this.ws.ping();
  }
  /** The TCP socket is gone. */
  released(): void {
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
  }
  terminate(): void {
    this.ws.terminate();
  }
}

function readHead(req: IncomingMessage): RequestHead {
  const headers = newHeaderMap();
  for (const [k, v] of Object.entries(req.headersDistinct)) if (v !== undefined) headers[k] = v.join(", ");
  const { path, rawQuery } = splitTarget(req.url ?? "/");
  return { method: (req.method ?? "GET").toUpperCase(), path, rawQuery, headers, peerAddress: req.socket.remoteAddress ?? "" };
}

function wireHeaders(f: FinalResponse): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of f.headers) out[k] = v;
  if (f.close) out["Connection"] = "close";
  if (f.contentLength !== null) out["Content-Length"] = String(f.contentLength);
  return out;
}

function write(res: ServerResponse, f: FinalResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(f.status, reasonPhrase(f.status), wireHeaders(f));
  res.end(f.sendBody ? f.body : undefined);
}

/** Writes a complete HTTP/1.1 response on a raw (upgrade) socket and closes it. */
function writeRaw(socket: Duplex, f: FinalResponse): void {
  if (socket.destroyed) return;
  let head = `HTTP/1.1 ${f.status} ${reasonPhrase(f.status)}\r\n`;
  for (const [k, v] of Object.entries(wireHeaders({ ...f, close: true }))) head += `${k}: ${String(v)}\r\n`;
  head += `Date: ${new Date().toUTCString()}\r\n\r\n`;
  const body = typeof f.body === "string" ? Buffer.from(f.body) : f.body;
  socket.end(f.sendBody ? Buffer.concat([Buffer.from(head, "latin1"), body]) : Buffer.from(head, "latin1"));
}

function serveHttp<D>(pipeline: HttpPipeline<D>, log: Logger, req: IncomingMessage, res: ServerResponse): void {
  const head = readHead(req);
  const reply = (p: Promise<FinalResponse>): void => {
    p.then(
      (f) => write(res, f),
      (err: unknown) => log.error({ err }, "node response failed"),
    );
  };
  const early = pipeline.early(head);
  if (early !== null) {
    reply(early);
    return;
  }
  const collector = new BodyCollector(pipeline.limit);
  let done = false;
  req.on("data", (chunk: Buffer) => {
    if (done) return;
    if (collector.push(collector.overflowed ? chunk.length : chunk) === "stop") {
      done = true;
      reply(pipeline.tooLarge(head, true));
    }
  });
  req.on("end", () => {
    if (done) return;
    done = true;
    reply(pipeline.run(head, collector));
  });
  req.on("error", () => {
    done = true; // the client went away mid-body; nothing to answer
  });
}

function wsErrorCode(err: unknown): number {
  return (err as { code?: unknown }).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? CLOSE_TOO_BIG : 1002;
}

function attach<D>(ws: WebSocket, socket: Duplex, data: D, remote: string, hooks: WsHooks<D>, s: NodeSettings,
  conns: Set<NodeConn<D>>): void {
  const conn = new NodeConn(ws, socket, s.closeAckWaitMs, data, remote, s.limits, hooks, s.log);
  conns.add(conn);
  let failure: number | null = null;
  ws.on("message", (msg: Buffer, isBinary: boolean) => conn.deliver(msg, isBinary));
  ws.on("pong", () => conn.onRawPong());
  ws.on("error", (err) => {
    failure = wsErrorCode(err);
  });
  ws.on("close", (code: number, reason: Buffer) => {
    conns.delete(conn);
    conn.released();
    if (failure === CLOSE_TOO_BIG) conn.onRawClose(CLOSE_TOO_BIG, "message too big");
    else conn.onRawClose(failure ?? code, reason.toString());
  });
  socket.on("drain", () => conn.onRawDrain());
  conn.open();
}

interface Tracked<D> {
  conns: Set<NodeConn<D>>;
  /** Upgrade sockets still waiting for hooks.upgrade; the http server no longer tracks them. */
  pending: Set<Duplex>;
}

function serveUpgrade<D>(pipeline: HttpPipeline<D>, wss: WebSocketServer, hooks: WsHooks<D> | undefined,
  s: NodeSettings, tracked: Tracked<D>, req: IncomingMessage, socket: Duplex, rest: Buffer): void {
  socket.on("error", () => socket.destroy());
  tracked.pending.add(socket);
  socket.once("close", () => tracked.pending.delete(socket));
  const head = readHead(req);
  if (hooks === undefined || !pipeline.isWsUpgrade(head)) {
    // Not our WebSocket endpoint: answer as plain HTTP (uWS routes these to the HTTP handler too).
    const collector = new BodyCollector(pipeline.limit);
    void pipeline.run(head, collector).then((f) => writeRaw(socket, f));
    return;
  }
  pipeline.wsGate(head).then((gate) => {
    if (socket.destroyed) return;
    if (!gate.ok) return writeRaw(socket, gate.response);
    if (!HttpPipeline.validHandshake(head)) return writeRaw(socket, pipeline.badHandshake(head));
    tracked.pending.delete(socket);
    wss.handleUpgrade(req, socket, rest, (ws) =>
      attach(ws, socket, gate.data, gate.req.remoteAddress, hooks, s, tracked.conns));
  }).catch((err: unknown) => s.log.error({ err }, "node upgrade failed"));
}

function listen(server: Server, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const done = (): void => {
      server.off("error", reject);
      const a = server.address();
      resolve(typeof a === "object" && a !== null ? a.port : port);
    };
    if (address === "") server.listen(port, done);
    else server.listen(port, address, done);
  });
}

export async function startNode<D>(s: NodeSettings, pipeline: HttpPipeline<D>, hooks: WsHooks<D> | undefined): Promise<Transport> {
  const tracked: Tracked<D> = { conns: new Set(), pending: new Set() };
  const server = createServer({ keepAliveTimeout: s.idleTimeoutMs });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: s.maxMessageSizeBytes,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: () => false,
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => serveHttp(pipeline, s.log, req, res));
  server.on("upgrade", (req: IncomingMessage, socket: Socket, rest: Buffer) =>
    serveUpgrade(pipeline, wss, hooks, s, tracked, req, socket, rest));
  const port = await listen(server, s.address, s.port);
  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    const stopped = new Promise<void>((r) => server.close(() => r()));
    const open = [...tracked.conns];
    for (const conn of open) conn.close(CLOSE_GOING_AWAY, "server shutting down");
    for (const socket of tracked.pending) socket.destroy();
    // One loop turn so the close frames leave before every socket is cut.
    await new Promise<void>((r) => setImmediate(r));
    for (const conn of open) conn.terminate();
    server.closeAllConnections();
    await stopped;
  };
  return { port, impl: "node", close: () => (closing ??= close()) };
}
