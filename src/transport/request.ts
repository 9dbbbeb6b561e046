// Owns the request-side helpers shared by both transport implementations: the raw request head,
// client-IP extraction (X-Forwarded-For with proxy_count), canonical header names and status lines.
import { STATUS_CODES } from "node:http";
import type { HttpRequest } from "./types.js";

/** What an implementation reads synchronously from the wire before any await. */
export interface RequestHead {
  method: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  /** The TCP peer's address. */
  peerAddress: string;
}

const EMPTY_BODY = Buffer.alloc(0);

export function buildRequest(head: RequestHead, body: Buffer, proxyCount: number): HttpRequest {
  return {
    method: head.method,
    path: head.path,
    rawQuery: head.rawQuery,
    query: new URLSearchParams(head.rawQuery),
    headers: head.headers,
    body: body.length === 0 ? EMPTY_BODY : body,
    remoteAddress: clientAddress(head.headers["x-forwarded-for"], head.peerAddress, proxyCount),
  };
}

/** Splits "/a/b?x=1" into path and raw query; absolute-form targets keep only their path. */
export function splitTarget(target: string): { path: string; rawQuery: string } {
  let t = target;
  if (!t.startsWith("/")) {
    const scheme = t.indexOf("://");
    const slash = scheme >= 0 ? t.indexOf("/", scheme + 3) : -1;
    t = slash >= 0 ? t.slice(slash) : "/";
  }
  const q = t.indexOf("?");
  return q < 0 ? { path: t, rawQuery: "" } : { path: t.slice(0, q), rawQuery: t.slice(q + 1) };
}

/**
 * The prototype of request header maps: empty and frozen, so a map behaves as a prototype-less one (no
 * inherited "constructor" or "toString", "__proto__" is a plain key), while V8 keeps it a fast object
 * (Object.create(null) makes a dictionary-mode one, slow to fill and to walk with for-in).
 */
const HEADER_MAP_PROTO: object = Object.freeze(Object.create(null) as object);

/** An empty header map (see HEADER_MAP_PROTO). */
export function newHeaderMap(): Record<string, string> {
  return Object.create(HEADER_MAP_PROTO) as Record<string, string>;
}

/** Adds a header to a lower-case map, joining repeats with ", " as Go and Node do. */
export function addHeader(headers: Record<string, string>, name: string, value: string): void {
  const prev = headers[name];
  headers[name] = prev === undefined ? value : `${prev}, ${value}`;
}

/**
 * The client IP. With proxyCount N > 0 and an X-Forwarded-For list, the Nth entry from the right
 * (the address our outermost trusted proxy saw; the leftmost when the list is shorter); otherwise
 * the peer. Ports are stripped and IPv4-mapped IPv6 addresses unwrapped.
 */
export function clientAddress(xff: string | undefined, peer: string, proxyCount: number): string {
  if (xff !== undefined && proxyCount > 0) {
    const hops = xff.split(",").map((s) => s.trim()).filter((s) => s !== "");
    if (hops.length > 0) {
      const pick = hops[Math.max(0, hops.length - proxyCount)];
      return normalizeAddress(stripPort(pick));
    }
  }
  return normalizeAddress(peer);
}

function stripPort(addr: string): string {
  if (addr.startsWith("[")) {
    const end = addr.indexOf("]");
    return end > 0 ? addr.slice(1, end) : addr;
  }
  const colon = addr.indexOf(":");
  // Exactly one colon: "1.2.3.4:80". Several colons: a bare IPv6 address.
  return colon >= 0 && colon === addr.lastIndexOf(":") ? addr.slice(0, colon) : addr;
}

export function normalizeAddress(addr: string): string {
  const lower = addr.toLowerCase();
  if (lower.startsWith("::ffff:") && lower.includes(".")) return addr.slice(7);
  // uWS prints IPv4-mapped addresses in full form: 0000:0000:0000:0000:0000:ffff:7f00:0001.
  if (lower.startsWith("0000:0000:0000:0000:0000:ffff:")) {
    const hex = lower.slice(30).split(":");
    if (hex.length === 2) {
      const a = parseInt(hex[0], 16);
      const b = parseInt(hex[1], 16);
      return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
    }
  }
  return addr;
}

/** Go's http.CanonicalHeaderKey: "www-authenticate" → "Www-Authenticate". */
export function canonicalHeaderName(name: string): string {
  let out = "";
  let upper = true;
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === "-";
  }
  return out;
}

/** The reason phrase both implementations write, so status lines are identical. */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? "Unknown";
}
