// Owns the helpers the transport's tests share: event waits with deadlines, a raw HTTP/1.1 client
// over net.Socket (for aborted uploads and byte-exact responses), WebSocket client helpers, and an
// in-memory log sink. Test support only; no server code imports it.
import { connect } from "node:net";
import type { Socket } from "node:net";
import { WebSocket } from "ws";
import { createLogger } from "../log.js";
import type { Logger } from "../log.js";

export const IMPLS = ["uws", "node"] as const;

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Rejects if `p` does not settle within `ms` (the deadline for an awaited event). */
export async function within<T>(p: Promise<T>, ms = 5000, what = "event"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when `check()` is true, re-checking on every `poke` call; rejects at the deadline. */
export function waitUntil(check: () => boolean, ms = 5000, what = "condition"): { done: Promise<void>; poke: () => void } {
  const d = deferred();
  const poke = (): void => {
    if (check()) d.resolve();
  };
  poke();
  return { done: within(d.promise, ms, what), poke };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Parses one complete HTTP/1.1 response with Content-Length from `buf`, or null if incomplete. */
export function parseResponse(buf: Buffer): RawResponse | null {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const len = Number(headers["content-length"] ?? 0);
  if (buf.length < end + 4 + len) return null;
  return { status, headers, body: buf.subarray(end + 4, end + 4 + len) };
}

/** Sends raw bytes on a fresh connection and resolves with the first response. */
export async function rawRequest(port: number, bytes: string | Buffer): Promise<RawResponse> {
  const socket = await openSocket(port);
  const got = deferred<RawResponse>();
  let buf = Buffer.alloc(0);
  socket.on("data", (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    const r = parseResponse(buf);
    if (r !== null) got.resolve(r);
  });
  socket.on("close", () => got.reject(new Error("connection closed before a full response")));
  socket.write(bytes);
  try {
    return await within(got.promise, 5000, "raw response");
  } finally {
    socket.destroy();
  }
}

export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
}

/** Opens a WebSocket; resolves once open. */
export function openWs(url: string): Promise<WebSocket> {
  return within(
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`unexpected response ${res.statusCode}`)));
    }),
    5000,
    "websocket open",
  );
}

/** Resolves with the next message on `ws`. */
export function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return within(
    new Promise((resolve) => ws.once("message", (data: Buffer, isBinary: boolean) => resolve({ data, isBinary }))),
    5000,
    "websocket message",
  );
}

/** Resolves with the close code and reason the client sees. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return within(
    new Promise((resolve) => ws.once("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() }))),
    5000,
    "websocket close",
  );
}

/** A logger that keeps its JSON lines in memory. */
export function memoryLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({
    level: "debug",
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  });
  return { log, lines };
}
