// Owns the load tool's side of Nakama's wire protocol: REST calls over the raw keep-alive client (device
// authentication, RPC) and a realtime socket speaking envelopes in JSON or protobuf (requests matched to
// replies by cid, pushes handed to a callback, a raw fast path for hot messages). Nothing here knows
// which server is on the other end.
import { decodeBinary, encodeBinary, fromJson, rt, toJson, type Init } from "../../proto/index.js";
import { HttpPool, type HttpReply } from "../lib/raw-http.js";
import { MiniWs } from "../lib/mini-ws.js";
import type { Target } from "./target.js";

export type Format = "json" | "protobuf";

export const basic = (key: string): string => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
export const bearer = (token: string): string => `Bearer ${token}`;

export interface Session {
  readonly token: string;
  readonly userId: string;
}

/** The user id (`uid` claim) inside a session token. */
export function userIdOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { uid: string }).uid;
}

export class WireError extends Error {}

function expectOk(what: string, r: HttpReply): HttpReply {
  if (r.status !== 200) throw new WireError(`${what}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
  return r;
}

/** REST calls for setup work (a few keep-alive connections shared by concurrent callers). */
export class Api {
  private readonly pool: HttpPool;

  constructor(readonly target: Target, connections = 16) {
    this.pool = new HttpPool(target.host, target.port, connections);
  }

  async authenticateDevice(id: string, create = true): Promise<Session> {
    const r = expectOk("authenticate device", await this.pool.request(
      "POST", `/v2/account/authenticate/device?create=${create}`,
      { Authorization: basic(this.target.serverKey), "Content-Type": "application/json" }, JSON.stringify({ id }),
    ));
    const token = (JSON.parse(r.body.toString()) as { token: string }).token;
    return { token, userId: userIdOf(token) };
  }

  /** Calls an RPC with a session token; resolves with the returned payload string. */
  async rpc(id: string, payload: string, token: string): Promise<string> {
    const r = expectOk(`rpc ${id}`, await this.pool.request(
      "POST", `/v2/rpc/${encodeURIComponent(id)}`, { Authorization: bearer(token), "Content-Type": "application/json" }, JSON.stringify(payload),
    ));
    return (JSON.parse(r.body.toString()) as { payload?: string }).payload ?? "";
  }

  request(method: string, path: string, token: string, body = ""): Promise<HttpReply> {
    return this.pool.request(method, path, { Authorization: bearer(token), "Content-Type": "application/json" }, body);
  }

  close(): void {
    this.pool.close();
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; stops at the first failure. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

interface Pending {
  resolve: (e: rt.Envelope) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** A realtime socket: `/ws?token=…&format=…`. */
export class NakamaSocket {
  /** Pushes (envelopes without a cid, or with one nobody waits for). */
  onPush: (e: rt.Envelope) => void = () => undefined;
  /** Raw fast path, tried first for every message: return true when it consumed the message. */
  raw: ((data: Buffer, binary: boolean) => boolean) | null = null;
  onClose: (code: number, reason: string) => void = () => undefined;
  private readonly pending = new Map<string, Pending>();
  private cid = 0;

  private constructor(readonly ws: MiniWs, readonly format: Format) {
    ws.onMessage = (data, binary) => this.message(data, binary);
    ws.onClose = (code, reason) => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new WireError(`socket closed (${code} ${reason})`));
      }
      this.pending.clear();
      this.onClose(code, reason);
    };
  }

  static async open(target: Target, token: string, format: Format): Promise<NakamaSocket> {
    const ws = await MiniWs.open(target.port, `/ws?lang=en&status=false&format=${format}&token=${encodeURIComponent(token)}`, target.host);
    return new NakamaSocket(ws, format);
  }

  /** Wraps an already open WebSocket (e.g. to a bare relay that takes no token). */
  static wrap(ws: MiniWs, format: Format): NakamaSocket {
    return new NakamaSocket(ws, format);
  }

  get closed(): boolean {
    return this.ws.closed;
  }

  encode(env: Init<rt.Envelope>): Uint8Array | string {
    return this.format === "protobuf" ? encodeBinary(rt.Envelope, env) : toJson(rt.Envelope, env);
  }

  /** Sends an envelope that gets no reply (match_data_send). */
  send(env: Init<rt.Envelope>): void {
    this.ws.send(this.encode(env));
  }

  /** Sends a request with a fresh cid; resolves with the reply, rejects on an error reply, a close or
   * after `timeoutMs` (0: no timer, for hot loops that end by themselves). */
  request(env: Init<rt.Envelope>, timeoutMs = 15_000): Promise<rt.Envelope> {
    const cid = String(++this.cid);
    return new Promise((resolve, reject) => {
      const timer = timeoutMs <= 0 ? undefined : setTimeout(() => {
        this.pending.delete(cid);
        reject(new WireError(`no reply to ${Object.keys(env).join(",")} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(cid, { resolve, reject, timer });
      this.ws.send(this.encode({ ...env, cid }));
    });
  }

  close(): void {
    this.ws.close();
  }

  private message(data: Buffer, binary: boolean): void {
    if (this.raw?.(data, binary) === true) return;
    let e: rt.Envelope;
    try {
      e = binary ? decodeBinary(rt.Envelope, data) : fromJson(rt.Envelope, data, { unknown: "ignore" });
    } catch {
      return;
    }
    const p = e.cid === "" ? undefined : this.pending.get(e.cid);
    if (p === undefined) {
      this.onPush(e);
      return;
    }
    this.pending.delete(e.cid);
    clearTimeout(p.timer);
    if (e.error !== undefined) p.reject(new WireError(`error ${e.error.code}: ${e.error.message}`));
    else p.resolve(e);
  }
}
