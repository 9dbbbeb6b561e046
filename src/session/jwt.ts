// Owns Nakama's session token format: HS256 JWTs signed with node:crypto (no JWT library), the claim
// set {tid, uid, usn, vrs, exp, iat} in Nakama's field order with zero values omitted, and parsing that
// accepts only HS256, requires an unexpired `exp` and a UUID `uid`.
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";
import { parseUuid } from "./uuid.js";

/** The claims Troupe reads and writes; all optional on the wire (Go `omitempty`). */
export interface SessionClaims {
  /** Token id (UUID), shared by a session token and its refresh token. */
  tid: string;
  /** User id, canonical UUID. */
  uid: string;
  /** Username. */
  usn: string;
  /** Session vars; empty when the token has none. */
  vrs: Record<string, string>;
  /** Expiry, unix seconds. */
  exp: number;
  /** Issue time, unix seconds; 0 when the token carries none (tokens from Nakama < 3.17). */
  iat: number;
}

/** A prepared HMAC key, so the hot path does not rebuild it per token. */
export interface SigningKey {
  readonly key: KeyObject;
}

export function signingKey(secret: string): SigningKey {
  return { key: createSecretKey(Buffer.from(secret, "utf8")) };
}

// {"alg":"HS256","typ":"JWT"}, as golang-jwt writes it.
const HEADER_B64 = Buffer.from('{"alg":"HS256","typ":"JWT"}', "utf8").toString("base64url");

/** The identity part of the claims (everything but the times), shared by a session and its refresh token. */
export type ClaimsHead = Pick<SessionClaims, "tid" | "uid" | "usn" | "vrs">;

function hasKeys(o: Record<string, string>): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}

/**
 * The JSON members of `tid`, `uid`, `usn` and `vrs` in Nakama's order, each with a leading comma, omitting
 * empty values as Go's omitempty does. Built once per login and reused for both tokens.
 */
export function claimsHeadJson(c: ClaimsHead): string {
  let s = "";
  if (c.tid !== "") s += `,"tid":${JSON.stringify(c.tid)}`;
  if (c.uid !== "") s += `,"uid":${JSON.stringify(c.uid)}`;
  if (c.usn !== "") s += `,"usn":${JSON.stringify(c.usn)}`;
  if (hasKeys(c.vrs)) s += `,"vrs":${JSON.stringify(c.vrs)}`;
  return s;
}

/** The whole claims object: the head's members, then `exp` and `iat` (omitted when 0). */
function claimsJson(headJson: string, exp: number, iat: number): string {
  let s = headJson;
  if (exp !== 0) s += `,"exp":${JSON.stringify(exp)}`;
  if (iat !== 0) s += `,"iat":${JSON.stringify(iat)}`;
  return s === "" ? "{}" : `{${s.slice(1)}}`;
}

function mac(key: SigningKey, signingInput: string): Buffer {
  return createHmac("sha256", key.key).update(signingInput).digest();
}

/** Signs claims whose head JSON (`claimsHeadJson`) is already built into a compact JWT. */
export function signWithHead(key: SigningKey, headJson: string, exp: number, iat: number): string {
  const input = `${HEADER_B64}.${Buffer.from(claimsJson(headJson, exp, iat), "utf8").toString("base64url")}`;
  return `${input}.${createHmac("sha256", key.key).update(input).digest("base64url")}`;
}

/** Signs the claims into a compact JWT. */
export function signToken(key: SigningKey, claims: SessionClaims): string {
  return signWithHead(key, claimsHeadJson(claims), claims.exp, claims.iat);
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodeJsonSegment(seg: string): unknown {
  if (!B64URL.test(seg)) return undefined;
  try {
    return JSON.parse(Buffer.from(seg, "base64url").toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads the claims object into SessionClaims, or null when a claim has the wrong type. */
function readClaims(p: Record<string, unknown>): SessionClaims | null {
  const str = (v: unknown): string | null => (v === undefined ? "" : typeof v === "string" ? v : null);
  const num = (v: unknown): number | null => (v === undefined ? 0 : typeof v === "number" ? Math.trunc(v) : null);
  const tid = str(p.tid);
  const uid = str(p.uid);
  const usn = str(p.usn);
  const exp = num(p.exp);
  const iat = num(p.iat);
  if (tid === null || uid === null || usn === null || exp === null || iat === null) return null;
  let vrs: Record<string, string> = {};
  if (p.vrs !== undefined && p.vrs !== null) {
    if (!isRecord(p.vrs)) return null;
    vrs = {};
    for (const [k, v] of Object.entries(p.vrs)) {
      if (typeof v !== "string") return null;
      vrs[k] = v;
    }
  }
  return { tid, uid, usn, vrs, exp, iat };
}

/**
 * Verifies signature, algorithm and expiry (`exp` must be after `nowSec`; a missing `exp` counts as
 * expired, as Nakama's claims check does) and that `uid` is a UUID. Returns the claims with `uid` in
 * canonical form, or null for any failure. Revocation is the session cache's business, not this one.
 */
export function verifyToken(key: SigningKey, token: string, nowSec: number): SessionClaims | null {
  const dot1 = token.indexOf(".");
  const dot2 = dot1 < 0 ? -1 : token.indexOf(".", dot1 + 1);
  if (dot1 <= 0 || dot2 < 0 || token.indexOf(".", dot2 + 1) >= 0) return null;
  // Comparing the canonical base64url text of the expected MAC also refuses re-encoded signatures.
  const sig = Buffer.from(token.slice(dot2 + 1), "latin1");
  const expected = Buffer.from(mac(key, token.slice(0, dot2)).toString("base64url"), "latin1");
  if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return null;
  const headerSeg = token.slice(0, dot1);
  if (headerSeg !== HEADER_B64) {
    const header = decodeJsonSegment(headerSeg);
    if (!isRecord(header) || header.alg !== "HS256") return null;
  }
  const payload = decodeJsonSegment(token.slice(dot1 + 1, dot2));
  if (!isRecord(payload)) return null;
  const claims = readClaims(payload);
  if (claims === null || claims.exp <= nowSec) return null;
  const uid = parseUuid(claims.uid);
  if (uid === null) return null;
  claims.uid = uid;
  return claims;
}
