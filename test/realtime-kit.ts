// Shared helpers of the realtime black-box tests (test/realtime-*.test.ts): nakama-js sockets in both
// formats (JSON, and protobuf through @heroiclabs/nakama-js-protobuf) that record every push, raw `ws`
// clients for byte-level protocol checks, and waiting with deadlines (never sleeps).
//
// nakama-js arms 10–30 s timers it never clears (per request, per heartbeat, per connect). They would
// hold each test process open long after its last test, so this module makes every timer of the test
// process unref'd; the in-process server's listening socket keeps the loop alive while tests run.
import { WebSocket } from "ws";
import type { Client} from "@heroiclabs/nakama-js";
import { type DefaultSocket, type Session, type WebSocketAdapter } from "@heroiclabs/nakama-js";
// @ts-expect-error -- the package's "exports" map has no "types" condition; the one export is typed below.
import * as nakamaPb from "@heroiclabs/nakama-js-protobuf";
import { decodeBinary, encodeBinary, rt, toJsonValue, type Init } from "../proto/index.js";
import { clientFor, type BootedServer } from "./helpers/boot.js";

const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const t = realSetTimeout(fn, ms, ...args);
  t.unref();
  return t;
}) as typeof setTimeout;
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
const { WebSocketAdapterPb } = nakamaPb as { WebSocketAdapterPb: new () => WebSocketAdapter };

export type Format = "json" | "protobuf";
export const FORMATS: readonly Format[] = ["json", "protobuf"];
export const BASIC = `Basic ${Buffer.from("defaultkey:").toString("base64")}`;

/** Resolves when `pred` holds (checked on every `poke`), rejects after `ms`. */
export class Recorder<T> {
  readonly seen: T[] = [];
  private waiters: Array<() => void> = [];

  push(v: T): void {
    this.seen.push(v);
    for (const w of [...this.waiters]) w();
  }

  async until<R>(what: string, find: (seen: readonly T[]) => R | undefined, ms = 4000): Promise<R> {
    const hit = find(this.seen);
    if (hit !== undefined) return hit;
    return new Promise<R>((resolve, reject) => {
      const timer = realSetTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; seen ${JSON.stringify(this.seen, bytesAsArray).slice(0, 1500)}`));
      }, ms);
      timer.unref();
      const check = (): void => {
        const r = find(this.seen);
        if (r === undefined) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(r);
      };
      this.waiters.push(check);
    });
  }

  /** The first recorded value matching `pred`. */
  first(what: string, pred: (v: T) => boolean, ms?: number): Promise<T> {
    return this.until(what, (seen) => seen.find(pred), ms);
  }
}

function bytesAsArray(_k: string, v: unknown): unknown {
  return v instanceof Uint8Array ? [...v] : v;
}

export type Push = { kind: string; value: any };

/** A nakama-js socket that records pushes and its disconnect. */
export interface Peer {
  readonly name: string;
  readonly format: Format;
  readonly session: Session;
  readonly socket: DefaultSocket;
  readonly pushes: Recorder<Push>;
  /** The close event, once the socket closed. */
  closed(): Promise<{ code: number; reason: string }>;
}

export { clientFor };

export async function login(client: Client, name: string): Promise<Session> {
  return client.authenticateDevice(`device-${name}-0001`, true, name);
}

export async function connect(client: Client, session: Session, name: string, format: Format, status = false): Promise<Peer> {
  // createSocket is typed as the Socket interface; the object is a DefaultSocket (send, connect timeout).
  const socket = client.createSocket(false, false, format === "protobuf" ? new WebSocketAdapterPb() : undefined) as DefaultSocket;
  const pushes = new Recorder<Push>();
  const closes = new Recorder<{ code: number; reason: string }>();
  const on = (kind: string) => (value: unknown) => pushes.push({ kind, value });
  socket.onnotification = on("notification");
  socket.onmatchdata = on("match_data");
  socket.onmatchpresence = on("match_presence");
  socket.onstatuspresence = on("status_presence");
  socket.onstreampresence = on("stream_presence");
  socket.ondisconnect = (e: Event) => {
    const ce = e as unknown as { code?: number; reason?: string };
    closes.push({ code: ce.code ?? 0, reason: ce.reason ?? "" });
  };
  await socket.connect(session, status, 5000);
  return { name, format, session, socket, pushes, closed: () => closes.first(`${name} closed`, () => true) };
}

/** Logs a fresh user in and connects a socket of the given format. */
export async function peer(s: BootedServer, name: string, format: Format, status = false): Promise<Peer> {
  const client = clientFor(s);
  return connect(client, await login(client, name), name, format, status);
}

/** A raw WebSocket speaking envelopes (JSON text or protobuf binary through our own codec). */
export class RawSocket {
  readonly messages = new Recorder<Record<string, any>>();
  readonly closes = new Recorder<{ code: number; reason: string }>();
  private constructor(
    readonly ws: WebSocket,
    readonly format: Format,
  ) {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      const v = isBinary ? toJsonValue(rt.Envelope, decodeBinary(rt.Envelope, data)) : (JSON.parse(data.toString()) as Record<string, unknown>);
      this.messages.push(isBinary ? { ...v, binary: true } : v);
    });
    ws.on("close", (code: number, reason: Buffer) => this.closes.push({ code, reason: reason.toString() }));
  }

  static open(url: string, format: Format, opts: { autoPong?: boolean; headers?: Record<string, string> } = {}): Promise<RawSocket> {
    const ws = new WebSocket(url, { autoPong: opts.autoPong ?? true, headers: opts.headers });
    const raw = new RawSocket(ws, format);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(raw));
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode, body })));
      });
      ws.once("error", reject);
    });
  }

  /** Sends an envelope in this socket's format. */
  send(env: Init<rt.Envelope>): void {
    if (this.format === "protobuf") this.ws.send(encodeBinary(rt.Envelope, env));
    else this.ws.send(JSON.stringify(toJsonValue(rt.Envelope, env)));
  }

  sendRaw(data: string | Buffer, binary: boolean): void {
    this.ws.send(data, { binary });
  }

  reply(cid: string, ms?: number): Promise<Record<string, any>> {
    return this.messages.first(`reply to cid ${cid}`, (m) => m.cid === cid, ms);
  }

  closed(ms?: number): Promise<{ code: number; reason: string }> {
    return this.closes.first("close", () => true, ms);
  }

  close(): void {
    this.ws.close();
  }
}

export function wsUrl(s: BootedServer, token: string, format: Format, extra = ""): string {
  return `${s.wsUrl}?token=${encodeURIComponent(token)}&format=${format}${extra}`;
}

/** Closes sockets quietly (end of a test). */
export function closeAll(...peers: Array<Peer | RawSocket | undefined>): void {
  for (const p of peers) {
    if (p instanceof RawSocket) p.close();
    else p?.socket.disconnect(false);
  }
}
