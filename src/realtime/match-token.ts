// Owns matchmaker match tokens: HS256 JWTs `{"mid":"<match id>","exp":<unix s>}` signed with
// session.encryption_key. The matchmaker mints them (when no match id comes back from its hook) and
// `match_join{token}` redeems them. Verification accepts only HS256 and refuses expired tokens.
import { createHmac, timingSafeEqual } from "node:crypto";

const HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}', "utf8").toString("base64url");
const B64URL = /^[A-Za-z0-9_-]*$/;

function mac(key: string, input: string): string {
  return createHmac("sha256", key).update(input).digest("base64url");
}

/** Signs a match token for `matchId`, valid until `expSec` (unix seconds). */
export function signMatchToken(key: string, matchId: string, expSec: number): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify({ mid: matchId, exp: expSec }), "utf8").toString("base64url")}`;
  return `${input}.${mac(key, input)}`;
}

function segment(seg: string): Record<string, unknown> | null {
  if (!B64URL.test(seg)) return null;
  try {
    const v = JSON.parse(Buffer.from(seg, "base64url").toString("utf8")) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The match id inside a valid token, or null: bad shape, signature, algorithm, a non-string `mid`,
 * or an `exp` at or before `nowSec` (a token without `exp` never expires, as jwt-go's MapClaims).
 */
export function verifyMatchToken(key: string, token: string, nowSec: number): string | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [h, p, s] = parts;
  const expected = Buffer.from(mac(key, `${h}.${p}`), "latin1");
  const sig = Buffer.from(s, "latin1");
  if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return null;
  const header = segment(h);
  if (header === null || header.alg !== "HS256") return null;
  const claims = segment(p);
  if (claims === null || typeof claims.mid !== "string") return null;
  if (claims.exp !== undefined && (typeof claims.exp !== "number" || claims.exp <= nowSec)) return null;
  return claims.mid;
}
