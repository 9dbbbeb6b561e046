// Owns what the transport adds to responses, identically for both implementations: Nakama's CORS
// (gorilla/handlers semantics), Cache-Control, socket.response_headers, Vary, default content type,
// gzip/deflate compression per Accept-Encoding, and the plain-text bodies of WebSocket refusals. The
// header work is done once per response shape (ResponseFinisher), including the pre-joined status and
// header text uWS writes in one call.
import { deflate, deflateSync, gzip, gzipSync } from "node:zlib";
import { promisify } from "node:util";
import { canonicalHeaderName, reasonPhrase } from "./request.js";
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
  /** Shared between responses of the same shape: never mutated. */
  headers: ReadonlyArray<readonly [string, string]>;
  /**
   * The status line after "HTTP/1.1 " and every header line, CRLF-joined without the last CRLF
   * ("200 OK\r\nContent-Type: …"): what uWS's writeStatus takes, so a response is one native call.
   */
  head: string;
  /** A string is sent as UTF-8. */
  body: Buffer | string;
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
  return { status, headers, head: wireHead(status, headers), body: EMPTY, sendBody: true, contentLength: 0, close: false };
}

/** FinalResponse.head for a status and canonical headers. */
export function wireHead(status: number, headers: ReadonlyArray<readonly [string, string]>): string {
  let head = `${status} ${reasonPhrase(status)}`;
  for (const [k, v] of headers) head += `\r\n${k}: ${v}`;
  return head;
}

function corsOrigin(req: RequestView, out: Map<string, string>): void {
  const origin = req.headers["origin"];
  if (origin !== undefined && origin !== "") out.set("access-control-allow-origin", "*");
}

/** The headers of one response shape, worked out once (see ResponseFinisher). */
interface Layout {
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly head: string;
  /** The encoding to compress the body with, or null. */
  readonly encoding: "gzip" | "deflate" | null;
}

/** Response shapes remembered per finisher; past it the memory starts over (shapes are few in practice). */
const LAYOUTS_MAX = 512;

/**
 * Applies the gateway's headers and compression to handlers' responses. The header work depends only on
 * the response's shape (status, the handler's headers, whether the request had an Origin, whether the
 * body is empty/text/binary and the encoding chosen for it), so it is done once per shape and reused:
 * most routes answer with a handful of shapes.
 */
export class ResponseFinisher {
  private readonly layouts = new Map<string, Layout>();
  /** Layouts by shape for frozen headers objects (constants handlers answer with again and again). */
  private readonly byObject = new WeakMap<object, Map<number, Layout>>();

  constructor(private readonly responseHeaders: ReadonlyArray<readonly [string, string]>) {}

  /** The wire response; a promise only when the body is compressed on the thread pool. */
  finish(req: RequestView, res: HttpResponse): FinalResponse | Promise<FinalResponse> {
    const raw = res.body;
    const text = typeof raw === "string";
    const length = raw === undefined ? 0 : text ? Buffer.byteLength(raw) : raw.length;
    const status = res.status;
    const sendBody = req.method !== "HEAD" && status !== 204 && status !== 304;
    const origin = req.headers["origin"];
    const cors = origin !== undefined && origin !== "";
    const candidate = sendBody && length >= COMPRESS_MIN_BYTES ? chooseEncoding(req.headers["accept-encoding"]) : null;
    // Everything besides the headers that decides the layout, as one number.
    const shape =
      status * 32 + (cors ? 16 : 0) + (length === 0 ? 0 : text ? 4 : 8) + (candidate === null ? 0 : candidate === "gzip" ? 1 : 2);
    const given = res.headers;
    let layout: Layout | undefined;
    // A frozen headers object cannot have changed since it was last seen: its shape's layout is remembered on it.
    const frozen = given !== undefined && Object.isFrozen(given);
    if (frozen) layout = this.byObject.get(given)?.get(shape);
    if (layout === undefined) {
      let key = String(shape);
      if (given !== undefined) {
        for (const k in given) if (Object.hasOwn(given, k)) key += `\0${k}\0${given[k]}`;
      }
      layout = this.layouts.get(key);
      if (layout === undefined) {
        layout = this.layout(status, given, cors, length, text, candidate);
        if (this.layouts.size >= LAYOUTS_MAX) this.layouts.clear();
        this.layouts.set(key, layout);
      }
      if (frozen) {
        let shapes = this.byObject.get(given);
        if (shapes === undefined) this.byObject.set(given, (shapes = new Map()));
        if (shapes.size < LAYOUTS_MAX) shapes.set(shape, layout);
      }
    }
    const body = raw === undefined ? EMPTY : raw;
    const noLength = status === 204 || status === 304;
    if (layout.encoding === null) {
      return {
        status,
        headers: layout.headers,
        head: layout.head,
        body: sendBody ? body : EMPTY,
        sendBody,
        contentLength: noLength ? null : length,
        close: false,
      };
    }
    const enc = layout.encoding;
    const finish = (zipped: Buffer): FinalResponse => ({
      status,
      headers: layout.headers,
      head: layout.head,
      body: zipped,
      sendBody,
      contentLength: noLength ? null : zipped.length,
      close: false,
    });
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    if (bytes.length < COMPRESS_ASYNC_BYTES) return finish(enc === "gzip" ? gzipSync(bytes) : deflateSync(bytes));
    return (enc === "gzip" ? gzipAsync(bytes) : deflateAsync(bytes)).then(finish);
  }

  private layout(
    status: number,
    given: Readonly<Record<string, string>> | undefined,
    cors: boolean,
    length: number,
    text: boolean,
    candidate: "gzip" | "deflate" | null,
  ): Layout {
    const h = new Map<string, string>();
    if (given) {
      for (const [k, v] of Object.entries(given)) {
        const name = k.toLowerCase();
        if (!TRANSPORT_HEADERS.has(name)) h.set(name, v);
      }
    }
    if (!h.has("cache-control")) h.set("cache-control", CACHE_CONTROL);
    for (const [k, v] of this.responseHeaders) if (!h.has(k)) h.set(k, v);
    const vary = h.get("vary");
    if (vary === undefined) h.set("vary", "Accept-Encoding");
    else if (!/accept-encoding/i.test(vary)) h.set("vary", `${vary}, Accept-Encoding`);
    if (cors) h.set("access-control-allow-origin", "*");
    if (length > 0 && !h.has("content-type")) {
      h.set("content-type", text ? "text/plain; charset=utf-8" : "application/octet-stream");
    }
    let encoding: "gzip" | "deflate" | null = null;
    if (candidate !== null && !h.has("content-encoding")) {
      encoding = candidate;
      h.set("content-encoding", candidate);
    }
    const headers = toWire(h);
    return { headers, head: wireHead(status, headers), encoding };
  }
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
  const headers = toWire(h);
  return { status, headers, head: wireHead(status, headers), body: sendBody ? body : EMPTY, sendBody, contentLength: body.length, close: false };
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

/** Normalizes socket.response_headers once: lower-case names, transport-managed ones dropped. */
export function normalizeResponseHeaders(h: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(h)
    .map(([k, v]): [string, string] => [k.toLowerCase(), v])
    .filter(([k]) => !TRANSPORT_HEADERS.has(k));
}
