// Owns the two credentials of Nakama's REST API as its security interceptor reads them: Basic auth with
// socket.server_key as the username (authenticate + session refresh) and Bearer session tokens
// (everything else; reused by the RPC route and the realtime socket through verifySessionToken).
import { E, fail } from "../errors.js";
import type { SessionInfo, SessionService } from "../session/service.js";

/** Go's base64.StdEncoding accepts only padded standard base64. */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Parses `Basic base64(user:pass)` exactly as Go's helper: case-sensitive prefix, one colon required. */
export function parseBasicAuth(header: string): { username: string; password: string } | null {
  const prefix = "Basic ";
  if (!header.startsWith(prefix)) return null;
  const b64 = header.slice(prefix.length);
  if (!STD_BASE64.test(b64)) return null;
  const text = Buffer.from(b64, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Checks the server key of an authenticate / refresh request. No header: "Server key required";
 * a malformed header or a different key: "Server key invalid" (both UNAUTHENTICATED).
 */
export function checkServerKey(serverKey: string, authorization: string | undefined): void {
  if (authorization === undefined) throw fail(E.serverKeyRequired);
  const basic = parseBasicAuth(authorization);
  if (basic === null || basic.username !== serverKey) throw fail(E.serverKeyInvalid);
}

/** The token of a `Bearer <token>` header (case-sensitive prefix, as Nakama), or null. */
export function bearerToken(authorization: string): string | null {
  const prefix = "Bearer ";
  return authorization.startsWith(prefix) ? authorization.slice(prefix.length) : null;
}

/**
 * Verifies a Bearer header: no header gives "Auth token required"; a malformed, expired, forged or
 * revoked token gives "Auth token invalid" (both UNAUTHENTICATED). No database access.
 */
export function verifySessionToken(sessions: SessionService, authorization: string | undefined): SessionInfo {
  if (authorization === undefined) throw fail(E.authTokenRequired);
  const token = bearerToken(authorization);
  const info = token === null ? null : sessions.verify(token);
  if (info === null) throw fail(E.authTokenInvalid);
  return info;
}
