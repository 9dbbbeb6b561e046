// Owns the uWebSockets.js implementation (@rjweb/uws 1.5.0): one `any("/*")` HTTP route (this
// build's parameter routes never match on Node 20, so we route ourselves) and one `ws(path)` route.
// uWS rules kept here: bytes are copied out of req/message inside the callback, every response has
// onAborted and is never written after it, async writes are corked, send() results are checked.
import { createRequire } from "node:module";
import type * as Uws from "@rjweb/uws";
import { BodyCollector } from "./body.js";
import { HttpPipeline } from "./pipeline.js";
import { ByteSlab } from "./slab.js";
import { addHeader, newHeaderMap, normalizeAddress } from "./request.js";
import type { RequestHead } from "./request.js";
import type { FinalResponse } from "./response.js";
import { BaseConn, CLOSE_GOING_AWAY, CLOSE_TOO_BIG } from "./ws-conn.js";
import type { ConnLimits } from "./ws-conn.js";
import type { Logger } from "../log.js";
import type { Transport, WsHooks } from "./types.js";

export type UwsModule = typeof Uws;

/** "00" … "ff". */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Loads the native binary; throws when this platform/Node ABI has none. */
export function loadUws(): UwsModule {
  const require = createRequire(import.meta.url);
  return require("@rjweb/uws") as UwsModule;
}

export interface UwsSettings {
  port: number;
  address: string;
  maxMessageSizeBytes: number;
  limits: ConnLimits;
  wsPath: string;
  log: Logger;
}

interface ResState {
  /** Aborted by the peer, or already answered: either way never touch `res` again. */
  finished: boolean;
}

interface UserData<D> {
  data: D;
  remoteAddress: string;
  conn: UwsConn<D> | null;
}

/**
 * MEASURED BUG in @rjweb/uws 1.5.0: a single send() of 16 KiB or more that meets a partial socket
 * write loses 4 bytes of the stream (the peer then sees garbage frames). Messages below 16 KiB are
 * unaffected, and so are fragments: bigger messages are therefore sent as fragments of this size.
 */
export const UWS_FRAGMENT_BYTES = 16_000;
const UWS_UNSAFE_SEND_BYTES = 16_384;

/** The fragment API this build has but its typings omit. */
interface FragmentingSocket {
  sendFirstFragment(message: Uint8Array, isBinary: boolean, compress: boolean): number;
  sendFragment(message: Uint8Array, compress: boolean): number;
  sendLastFragment(message: Uint8Array, compress: boolean): number;
}

function sendFragmented(ws: FragmentingSocket, msg: Uint8Array, isBinary: boolean): number {
  let off = UWS_FRAGMENT_BYTES;
  let status = ws.sendFirstFragment(msg.subarray(0, off), isBinary, false);
  while (msg.length - off > UWS_FRAGMENT_BYTES) {
    status = Math.max(status, ws.sendFragment(msg.subarray(off, off + UWS_FRAGMENT_BYTES), false));
    off += UWS_FRAGMENT_BYTES;
  }
  return Math.max(status, ws.sendLastFragment(msg.subarray(off), false));
}

class UwsConn<D> extends BaseConn<D> {
  constructor(
    private readonly ws: Uws.WebSocket<UserData<D>>,
    data: D,
    remoteAddress: string,
    limits: ConnLimits,
    hooks: WsHooks<D>,
    log: Logger,
  ) {
    super(data, remoteAddress, limits, hooks, log);
  }
  protected rawSend(data: Uint8Array | string, isBinary: boolean): boolean {
    const big = typeof data === "string" ? data.length * 3 >= UWS_UNSAFE_SEND_BYTES : data.length >= UWS_UNSAFE_SEND_BYTES;
    if (!big) return this.ws.send(data, isBinary, false) !== 2;
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    if (bytes.length < UWS_UNSAFE_SEND_BYTES) return this.ws.send(bytes, isBinary, false) !== 2;
    return sendFragmented(this.ws as unknown as FragmentingSocket, bytes, isBinary) !== 2;
  }
  protected rawBuffered(): number {
    return this.ws.getBufferedAmount();
  }
  protected rawClose(code: number, reason: string): void {
    this.ws.end(code, reason); // runs the uWS close handler synchronously
  }
  protected rawCork(fn: () => void): void {
    this.ws.cork(fn);
  }
  protected rawPing(): void {
    this.ws.ping();
  }
}

function readHead(req: Uws.HttpRequest, res: Uws.HttpResponse): RequestHead {
  const query: string | undefined = req.getQuery(); // undefined at runtime when there is none
  const headers = newHeaderMap();
  req.forEachHeader((k, v) => addHeader(headers, k, v));
  return {
    method: req.getMethod().toUpperCase(),
    path: req.getUrl(),
    rawQuery: query ?? "",
    headers,
    peerAddress: peerAddress(res),
  };
}

/**
 * The peer's address as normalizeAddress would print uWS's text form, formatted from the binary form
 * (cheaper than the text form plus decoding): IPv4 and IPv4-mapped IPv6 dotted, other IPv6 as uWS
 * prints it (eight groups of four lower-case hex digits).
 */
function peerAddress(res: Uws.HttpResponse): string {
  const b = new Uint8Array(res.getRemoteAddress());
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16) return normalizeAddress(Buffer.from(res.getRemoteAddressAsText()).toString());
  let mapped = b[10] === 0xff && b[11] === 0xff;
  for (let i = 0; mapped && i < 10; i++) mapped = b[i] === 0;
  if (mapped) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let text = "";
  for (let i = 0; i < 16; i += 2) {
    if (i > 0) text += ":";
    text += HEX2[b[i]] + HEX2[b[i + 1]];
  }
  return text;
}

/**
 * ES2024's String#toWellFormed (Node 20 has it, our lib setting does not): uWS would write a lone
 * surrogate as its raw 3-byte form where Buffer.from and node:http write U+FFFD.
 */
interface WellFormable {
  toWellFormed(): string;
}

function write(res: Uws.HttpResponse, state: ResState, f: FinalResponse): void {
  if (state.finished) return;
  state.finished = true;
  res.cork(() => {
    // The status line and every header in one call: uWS writes the text as given, each native call costs.
    res.writeStatus(f.head);
    if (!f.sendBody) {
      // endWithoutBody(length) leaves the response open in this build; write the length ourselves.
      if (f.contentLength !== null) res.writeHeader("Content-Length", String(f.contentLength));
      res.endWithoutBody();
    } else if (f.contentLength === null) {
      res.endWithoutBody();
    } else {
      // A string goes to uWS as is (no Buffer made for it); closeConnection also writes "Connection: close".
      res.end(typeof f.body === "string" ? (f.body as unknown as WellFormable).toWellFormed() : f.body, f.close);
    }
  });
}

/**
 * HTTP answers that became ready during one event-loop turn, written together once the turn's I/O
 * callbacks are done (each corked on its own response), so a client's next request tends to arrive with
 * others in one poll instead of waking the server on its own.
 */
class AnswerBatch {
  private readonly res: Uws.HttpResponse[] = [];
  private readonly states: ResState[] = [];
  private readonly answers: FinalResponse[] = [];
  private scheduled = false;
  private readonly flush = (): void => {
    this.scheduled = false;
    const n = this.res.length;
    for (let i = 0; i < n; i++) {
      try {
        write(this.res[i], this.states[i], this.answers[i]);
      } catch (err) {
        this.log.error({ err }, "uws response failed");
      }
    }
    this.res.length = 0;
    this.states.length = 0;
    this.answers.length = 0;
  };

  constructor(private readonly log: Logger) {}

  /** Writes the answer in the batch once it is ready. */
  reply(res: Uws.HttpResponse, state: ResState, p: Promise<FinalResponse>): void {
    p.then((f) => this.add(res, state, f), this.failed);
  }

  private readonly failed = (err: unknown): void => this.log.error({ err }, "uws response failed");

  add(res: Uws.HttpResponse, state: ResState, f: FinalResponse): void {
    this.res.push(res);
    this.states.push(state);
    this.answers.push(f);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }
}

function copy(ab: ArrayBuffer): Buffer {
  return Buffer.copyBytesFrom(new Uint8Array(ab));
}

function serveHttp<D>(pipeline: HttpPipeline<D>, batch: AnswerBatch, bodies: ByteSlab, res: Uws.HttpResponse, req: Uws.HttpRequest): void {
  const head = readHead(req, res);
  const state: ResState = { finished: false };
  res.onAborted(() => {
    state.finished = true;
  });
  const early = pipeline.early(head);
  if (early !== null) {
    batch.reply(res, state, early);
    return;
  }
  const collector = new BodyCollector(pipeline.limit);
  let done = false;
  res.onData((chunk, isLast) => {
    if (done) return;
    // Copy now: uWS neuters the ArrayBuffer when this callback returns.
    const more = collector.push(collector.overflowed ? chunk.byteLength : bodies.copy(new Uint8Array(chunk)));
    if (more === "stop") {
      done = true;
      batch.reply(res, state, pipeline.tooLarge(head, true));
    } else if (isLast) {
      done = true;
      batch.reply(res, state, pipeline.run(head, collector));
    }
  });
}

function wsBehavior<D>(
  uws: UwsModule,
  pipeline: HttpPipeline<D>,
  hooks: WsHooks<D>,
  s: UwsSettings,
  conns: Set<UwsConn<D>>,
): Uws.WebSocketBehavior<UserData<D>> {
  return {
    // Messages up to 2x the limit (at least +64 KiB) reach us and are closed with a 1009 frame,
    // as Nakama does; uWS itself cuts anything bigger abruptly.
    maxPayloadLength: Math.max(2 * s.maxMessageSizeBytes, s.maxMessageSizeBytes + 65536),
    // BaseConn enforces limits.hardBytes before each send; uWS must never drop part of a message.
    maxBackpressure: 1 << 30,
    closeOnBackpressureLimit: 0,
    idleTimeout: 0,
    maxLifetime: 0,
    sendPingsAutomatically: false,
    compression: uws.DISABLED,
    upgrade: (res, req, context) => {
      const head = readHead(req, res);
      const key = req.getHeader("sec-websocket-key");
      const extensions = req.getHeader("sec-websocket-extensions");
      const state: ResState = { finished: false };
      res.onAborted(() => {
        state.finished = true;
      });
      pipeline.wsGate(head).then(
        (gate) => {
          if (state.finished) return;
          if (!gate.ok) return write(res, state, gate.response);
          if (!HttpPipeline.validHandshake(head)) return write(res, state, pipeline.badHandshake(head));
          state.finished = true;
          const ud: UserData<D> = { data: gate.data, remoteAddress: gate.req.remoteAddress, conn: null };
          // No subprotocol is ever selected, as Nakama's upgrader does.
          res.cork(() => res.upgrade(ud, key, "", extensions, context));
        },
      ).catch((err: unknown) => s.log.error({ err }, "uws upgrade failed"));
    },
    open: (ws) => {
      const ud = ws.getUserData();
      const conn = new UwsConn(ws, ud.data, ud.remoteAddress, s.limits, hooks, s.log);
      ud.conn = conn;
      conns.add(conn);
      conn.open();
    },
    message: (ws, message, isBinary) => {
      const conn = ws.getUserData().conn;
      if (conn === null) return;
      if (message.byteLength > s.maxMessageSizeBytes) {
        conn.closeAs(CLOSE_TOO_BIG, "", "message too big");
        return;
      }
      conn.deliver(copy(message), isBinary);
    },
    drain: (ws) => ws.getUserData().conn?.onRawDrain(),
    pong: (ws) => ws.getUserData().conn?.onRawPong(),
    close: (ws, code, message) => {
      const conn = ws.getUserData().conn;
      if (conn === null) return;
      conns.delete(conn);
      conn.onRawClose(code, Buffer.from(message).toString());
    },
  };
}

function listen(uws: UwsModule, app: Uws.TemplatedApp, address: string, port: number): Promise<Uws.us_listen_socket> {
  return new Promise((resolve, reject) => {
    const done = (ls: Uws.us_listen_socket | false): void => {
      if (ls === false) reject(new Error(`uws: cannot listen on ${address || "*"}:${port}`));
      else resolve(ls);
    };
    if (address === "") app.listen(port, done);
    else app.listen(address, port, done);
  });
}

export async function startUws<D>(
  uws: UwsModule,
  s: UwsSettings,
  pipeline: HttpPipeline<D>,
  hooks: WsHooks<D> | undefined,
): Promise<Transport> {
  const app = uws.App();
  const conns = new Set<UwsConn<D>>();
  if (hooks !== undefined) app.ws<UserData<D>>(s.wsPath, wsBehavior(uws, pipeline, hooks, s, conns));
  const batch = new AnswerBatch(s.log);
  // Request bodies' private copies: small ones (up to 4 KiB) carved from shared 64 KiB slabs rather than
  // each taking a slice of Node's 8 KiB pool (a new pool every ≈100 requests, each allocation costly).
  const bodies = new ByteSlab(64 * 1024);
  app.any("/*", (res, req) => serveHttp(pipeline, batch, bodies, res, req));
  const listenSocket = await listen(uws, app, s.address, s.port);
  const port = uws.getSocketPort(listenSocket);
  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    uws.closeSocket(listenSocket);
    for (const conn of [...conns]) conn.close(CLOSE_GOING_AWAY, "server shutting down");
    // One loop turn so the close frames leave before every socket is cut.
    await new Promise<void>((r) => setImmediate(r));
    const closeAll = (app as unknown as { close?: () => void }).close;
    if (typeof closeAll === "function") closeAll.call(app);
  };
  return {
    port,
    impl: "uws",
    close: () => (closing ??= close()),
  };
}
