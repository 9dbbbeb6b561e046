// Owns what the transport adds to responses, identically for both implementations: Nakama's CORS
// (gorilla/handlers semantics), Cache-Control, socket.response_headers, Vary, default content type,
// gzip/deflate compression per Accept-Encoding, and the plain-text bodies of WebSocket refusals.
import { deflate, deflateSync, gzip, gzipSync } from "node:zlib";
import { promisify } from "node:util";
import { canonicalHeaderName } from "./request.js";
import type { HttpResponse } from "./types.js";

/** Bodies smaller than this are sent uncompressed: below ~1 KB gzip saves little and costs CPU. */
export const COMPRESS_MIN_BYTES = 1024;
/** Bodies at least this big are compressed on the thread pool instead of the event loop. */
const COMPRESS_ASYNC_BYTES = 64 * 1024;

const gzipAsync = promisify(gzip);
const deflateAsync = promisify(deflate);

export const CACHE_CONTROL = "no-store, no-cache, must-revalidate";
const CORS_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE"] as const;
const CORS_SIMPLE_METHODS = ["GET", "HEAD", "POST"] as const;
const CORS_SIMPLE_HEADERS = ["Accept", "Accept-Language", "Content-Language", "Origin"] as const;
const CORS_HEADERS = [...CORS_SIMPLE_HEADERS, "Authorization", "Content-Type", "User-Agent"] as const;
/** Headers the implementations manage themselves; a handler's values are dropped. */
const TRANSPORT_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "date"]);

/** A response ready for the wire. Header names are canonical; Content-Length is added by the writer. */
export interface FinalResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  /** False for HEAD requests and 204/304: headers only. */
  sendBody: boolean;
  /** The Content-Length to announce (for HEAD: what GET would send); null for 204/304. */
  contentLength: number | null;
  /** Close the connection after this response. */
  close: boolean;
}

export interface RequestView {
  method: string;
  headers: Readonly<Record<string, string>>;
}

const EMPTY = Buffer.alloc(0);

/**
 * gorilla/handlers CORS for an OPTIONS request carrying Origin, which never reaches the router:
 * no Access-Control-Request-Method → 400; a method outside GET/HEAD/POST/PUT/DELETE → 405; a
 * requested header outside the allowed list → 403; else 200 with the allowed subset echoed.
 * Returns null when the request is not such a preflight.
 */
export function corsPreflight(req: RequestView): FinalResponse | null {
  const origin = req.headers["origin"];
  if (req.method !== "OPTIONS" || origin === undefined || origin === "") return null;
  const method = req.headers["access-control-request-method"];
  if (method === undefined) return bare(400, []);
  if (!(CORS_METHODS as readonly string[]).includes(method)) return bare(405, []);
  const allowed: string[] = [];
  for (const raw of (req.headers["access-control-request-headers"] ?? "").split(",")) {
    const name = canonicalHeaderName(raw.trim());
    if (name === "" || (CORS_SIMPLE_HEADERS as readonly string[]).includes(name)) continue;
    if (!(CORS_HEADERS as readonly string[]).includes(name)) return bare(403, []);
    allowed.push(name);
  }
  const headers: Array<[string, string]> = [];
  if (allowed.length > 0) headers.push(["Access-Control-Allow-Headers", allowed.join(",")]);
  if (!(CORS_SIMPLE_METHODS as readonly string[]).includes(method)) {
    headers.push(["Access-Control-Allow-Methods", method]);
  }
  headers.push(["Access-Control-Allow-Origin", "*"]);
  return bare(200, headers);
}

function bare(status: number, headers: Array<[string, string]>): FinalResponse {
  return { status, headers, body: EMPTY, sendBody: true, contentLength: 0, close: false };
}

function corsOrigin(req: RequestView, out: Map<string, string>): void {
  const origin = req.headers["origin"];
  if (origin !== undefined && origin !== "") out.set("access-control-allow-origin", "*");
}

/** Applies the gateway's headers and compression to a handler's response. */
export async function finalizeResponse(
  req: RequestView,
  res: HttpResponse,
  responseHeaders: ReadonlyArray<readonly [string, string]>,
): Promise<FinalResponse> {
  let body = res.body === undefined ? EMPTY : typeof res.body === "string" ? Buffer.from(res.body) : res.body;
  const h = new Map<string, string>();
  if (res.headers) {
    for (const [k, v] of Object.entries(res.headers)) {
      const name = k.toLowerCase();
      if (!TRANSPORT_HEADERS.has(name)) h.set(name, v);
    }
  }
  if (!h.has("cache-control")) h.set("cache-control", CACHE_CONTROL);
  for (const [k, v] of responseHeaders) if (!h.has(k)) h.set(k, v);
  const vary = h.get("vary");
  if (vary === undefined) h.set("vary", "Accept-Encoding");
  else if (!/accept-encoding/i.test(vary)) h.set("vary", `${vary}, Accept-Encoding`);
  corsOrigin(req, h);
  const status = res.status;
  const sendBody = req.method !== "HEAD" && status !== 204 && status !== 304;
  if (body.length > 0 && !h.has("content-type")) {
    h.set("content-type", typeof res.body === "string" ? "text/plain; charset=utf-8" : "application/octet-stream");
  }
  if (sendBody && body.length >= COMPRESS_MIN_BYTES && !h.has("content-encoding")) {
    const enc = chooseEncoding(req.headers["accept-encoding"]);
    if (enc !== null) {
      body = await compress(body, enc);
      h.set("content-encoding", enc);
    }
  }
  const noLength = status === 204 || status === 304;
  return {
    status,
    headers: toWire(h),
    body: sendBody ? body : EMPTY,
    sendBody,
    contentLength: noLength ? null : body.length,
    close: false,
  };
}

/** What Go's http.Error writes: text/plain, nosniff, the message and a newline. */
export function plainTextResponse(
  req: RequestView,
  status: number,
  text: string,
  extra: Array<[string, string]> = [],
): FinalResponse {
  const h = new Map<string, string>();
  for (const [k, v] of extra) h.set(k.toLowerCase(), v);
  h.set("content-type", "text/plain; charset=utf-8");
  h.set("x-content-type-options", "nosniff");
  corsOrigin(req, h);
  const body = Buffer.from(`${text}\n`);
  const sendBody = req.method !== "HEAD";
  return { status, headers: toWire(h), body: sendBody ? body : EMPTY, sendBody, contentLength: body.length, close: false };
}

function toWire(h: Map<string, string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of h) out.push([canonicalHeaderName(k), v]);
  return out;
}

/** The first of gzip/deflate the client lists (q=0 excluded), as gorilla's CompressHandler picks. */
export function chooseEncoding(acceptEncoding: string | undefined): "gzip" | "deflate" | null {
  if (acceptEncoding === undefined) return null;
  for (const part of acceptEncoding.split(",")) {
    const [token, ...params] = part.split(";");
    const name = token.trim().toLowerCase();
    if (name !== "gzip" && name !== "deflate") continue;
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/i.test(p))) continue;
    return name;
  }
  return null;
}

async function compress(body: Buffer, enc: "gzip" | "deflate"): Promise<Buffer> {
  // "deflate" is sent zlib-wrapped (RFC 9110); every client decoder accepts that form.
  if (body.length < COMPRESS_ASYNC_BYTES) return enc === "gzip" ? gzipSync(body) : deflateSync(body);
  return enc === "gzip" ? gzipAsync(body) : deflateAsync(body);
}

/** Normalizes socket.response_headers once: lower-case names, transport-managed ones dropped. */
export function normalizeResponseHeaders(h: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(h)
    .map(([k, v]): [string, string] => [k.toLowerCase(), v])
    .filter(([k]) => !TRANSPORT_HEADERS.has(k));
}
