// Owns nk.http_request / nk.httpRequest: a real HTTP(S) client (node:http/https) with Nakama's contract:
// methods GET POST PUT PATCH DELETE HEAD (case-insensitive), a per-call timeout in ms (default 5000; ≤ 0
// means the default) covering the whole exchange, `insecure` skipping TLS verification, redirects followed
// like Go's http.Client (at most 10; 301/302/303 turn a POST into a GET without body).
//   Lua: local code, headers, body = nk.http_request(url, method, headers, body?, timeout?, insecure?)
//        (headers is required; response headers keep the first value per canonical name, body raw bytes)
//   JS:  nk.httpRequest(url, method, headers?, body?, timeout?, insecure?) → { code, headers, body }
//        (headers map to arrays of values; body is a string)
// Failures read "HTTP request error: Get \"<url>\": <cause>" as Go's url.Error prints them.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { Code, GameError } from "../../errors.js";
import { isPlainObject, type Args } from "./args.js";
import { define } from "./binding.js";
import type { NkBinding } from "./types.js";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]);
const MAX_REDIRECTS = 10;
const DEFAULT_TIMEOUT_MS = 5000;

export interface HttpCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array;
  timeoutMs: number;
  insecure: boolean;
}

export interface HttpResult {
  code: number;
  /** Canonical header name → values in arrival order. */
  headers: Record<string, string[]>;
  body: Buffer;
}

/** Go's textproto.CanonicalMIMEHeaderKey for ordinary names ("content-type" → "Content-Type"). */
export function canonicalHeader(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) return name;
  return name
    .toLowerCase()
    .split("-")
    .map((p) => (p === "" ? p : p[0].toUpperCase() + p.slice(1)))
    .join("-");
}

function collectHeaders(res: IncomingMessage): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = canonicalHeader(raw[i]);
    (out[key] ??= []).push(raw[i + 1]);
  }
  return out;
}

const goOp = (method: string): string => method[0] + method.slice(1).toLowerCase();

function once(call: HttpCall, url: URL, method: string, body: Uint8Array, signal: AbortSignal): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...call.headers };
    if (body.length > 0 && !Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) {
      headers["Content-Length"] = String(body.length);
    }
    const req = send(url, { method, headers, signal, rejectUnauthorized: !call.insecure }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ code: res.statusCode ?? 0, headers: collectHeaders(res), body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body.length > 0) req.write(body);
    req.end();
  });
}

/** Performs the request, following redirects. Rejects with GameError carrying Go's error text. */
export async function performHttp(call: HttpCall): Promise<HttpResult> {
  let url: URL;
  try {
    url = new URL(call.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`unsupported protocol scheme "${url.protocol.slice(0, -1)}"`);
  } catch (err) {
    throw new GameError(Code.INVALID_ARGUMENT, `HTTP request error: ${goOp(call.method)} "${call.url}": ${(err as Error).message}`);
  }
  const signal = AbortSignal.timeout(call.timeoutMs);
  let method = call.method;
  let body = call.body;
  for (let hops = 0; ; hops++) {
    let res: HttpResult;
    try {
      res = await once(call, url, method, body, signal);
    } catch (err) {
      const cause = signal.aborted ? "context deadline exceeded" : (err as Error).message;
      throw new GameError(signal.aborted ? Code.DEADLINE_EXCEEDED : Code.UNAVAILABLE, `HTTP request error: ${goOp(method)} "${url.href}": ${cause}`);
    }
    const location = res.headers["Location"]?.[0];
    if (![301, 302, 303, 307, 308].includes(res.code) || location === undefined) return res;
    if (hops + 1 >= MAX_REDIRECTS) {
      throw new GameError(Code.UNAVAILABLE, `HTTP request error: ${goOp(method)} "${location}": stopped after ${MAX_REDIRECTS} redirects`);
    }
    if (res.code === 303 || ((res.code === 301 || res.code === 302) && method === "POST")) {
      method = method === "HEAD" ? "HEAD" : "GET";
      body = new Uint8Array(0);
    }
    url = new URL(location, url);
  }
}

function parseCall(a: Args): HttpCall {
  const lua = a.lang === "lua";
  const url = a.str(0);
  const method = a.str(1).toUpperCase();
  if (lua && url === "") throw a.fail(0, "expects URL string");
  const headerArg = lua ? a.table(2) : a.optTable(2);
  const headers: Record<string, string> = {};
  if (headerArg !== undefined && isPlainObject(headerArg)) {
    for (const [k, v] of Object.entries(headerArg)) {
      if (typeof v !== "string") throw lua ? a.error("HTTP header values must be strings") : a.fail(2, "expects string");
      headers[k] = v;
    }
  }
  const body = a.has(3) ? a.bytes(3) : new Uint8Array(0);
  let timeoutMs = a.optInt(4, DEFAULT_TIMEOUT_MS);
  if (timeoutMs <= 0) timeoutMs = DEFAULT_TIMEOUT_MS;
  const insecure = a.optBool(5, false);
  if (!lua && url === "") throw a.fail(0, "URL string cannot be empty.");
  if (!METHODS.has(method)) {
    throw lua
      ? a.fail(1, "expects method to be one of: 'get', 'post', 'put', 'patch', 'delete', 'head'")
      : a.fail(1, "Invalid method must be one of: 'get', 'post', 'put', 'patch', 'delete', 'head'.");
  }
  return { url, method, headers, body, timeoutMs, insecure };
}

export function httpBindings(): NkBinding[] {
  return [
    define({
      lua: "http_request",
      js: "httpRequest",
      luaRawStrings: true,
      luaFn: async (a) => {
        const res = await performHttp(parseCall(a));
        const first = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, v[0]]));
        return [res.code, first, Uint8Array.from(res.body)];
      },
      jsFn: async (a) => {
        const res = await performHttp(parseCall(a));
        return { code: res.code, headers: res.headers, body: res.body.toString("utf8") };
      },
    }),
  ];
}
