// Owns the session service: minting session and refresh token pairs with Nakama's claims, verifying
// them on the hot path (HMAC + two Map lookups, no database), refresh re-issue, logout, logout-all,
// session.single_session and ban invalidation. Keys and expiries come from the `session` config section.
import { GameError, Code } from "../errors.js";
import { createSessionCache, type SessionCache } from "./cache.js";
import { claimsHeadJson, signToken, signWithHead, signingKey, verifyToken, type SessionClaims, type SigningKey } from "./jwt.js";
import { newUuid } from "./uuid.js";

export interface SessionSettings {
  encryptionKey: string;
  refreshEncryptionKey: string;
  tokenExpirySec: number;
  refreshTokenExpirySec: number;
  /** session.single_session: a new login revokes the user's older tokens. */
  singleSession: boolean;
}

/** The config shape this module reads (a subset of Config["session"]). */
export interface SessionConfigSection {
  encryption_key: string;
  refresh_encryption_key: string;
  token_expiry_sec: number;
  refresh_token_expiry_sec: number;
  single_session: boolean;
}

export function sessionSettingsFrom(session: SessionConfigSection): SessionSettings {
  return {
    encryptionKey: session.encryption_key,
    refreshEncryptionKey: session.refresh_encryption_key,
    tokenExpirySec: session.token_expiry_sec,
    refreshTokenExpirySec: session.refresh_token_expiry_sec,
    singleSession: session.single_session,
  };
}

/** What a verified token says about its caller. */
export interface SessionInfo {
  tokenId: string;
  userId: string;
  username: string;
  vars: Record<string, string>;
  /** Unix seconds. */
  expiresAt: number;
  /** Unix seconds (derived from exp for tokens without `iat`). */
  issuedAt: number;
}

export interface IssuedSession {
  token: string;
  refreshToken: string;
  tokenId: string;
  expiresAt: number;
  refreshExpiresAt: number;
  issuedAt: number;
}

export interface SessionService {
  readonly settings: Readonly<SessionSettings>;
  readonly cache: SessionCache;
  /** A login: applies single_session, then mints a pair with a fresh token id. */
  login(userId: string, username: string, vars: Record<string, string>): IssuedSession;
  /** Verifies a session token: signature, expiry, then the deny-list. Null when not acceptable. */
  verify(token: string): SessionInfo | null;
  /** Verifies a refresh token the same way with the refresh key. */
  verifyRefresh(refreshToken: string): SessionInfo | null;
  /** Re-issues both tokens after a refresh, keeping the token id and issue time (Nakama 3.40). */
  reissue(from: SessionInfo, username: string, vars: Record<string, string>): IssuedSession;
  /**
   * Mints a session token only (runtime authenticateTokenGenerate). `expiresAt` 0 means the configured
   * expiry. Returns the token and its expiry.
   */
  generateToken(userId: string, username: string, expiresAt: number, vars: Record<string, string>): { token: string; expiresAt: number };
  /**
   * Logout: revokes the given token and/or refresh token (both must belong to `userId`), or every
   * token of the user when both are empty. Throws INVALID_ARGUMENT as Nakama does for bad tokens.
   */
  logout(userId: string, token: string, refreshToken: string): LogoutResult;
  revokeAll(userId: string): void;
  ban(userIds: readonly string[]): void;
  unban(userIds: readonly string[]): void;
}

/** What a logout revoked: everything, or token ids with the expiry until which they must stay revoked. */
export type LogoutResult = { all: true } | { all: false; revoked: Array<{ tokenId: string; expiresAt: number }> };

export interface SessionServiceOptions {
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
  /** Verified session tokens remembered to skip the HMAC on repeat use (default 10000; 0 disables). */
  verifiedCacheSize?: number;
}

function toInfo(c: SessionClaims, expirySec: number): SessionInfo {
  return {
    tokenId: c.tid,
    userId: c.uid,
    username: c.usn,
    vars: c.vrs,
    expiresAt: c.exp,
    issuedAt: c.iat !== 0 ? c.iat : c.exp - expirySec,
  };
}

export function createSessionService(settings: SessionSettings, opts: SessionServiceOptions = {}): SessionService {
  const now = opts.now ?? Date.now;
  const nowSec = (): number => Math.floor(now() / 1000);
  const key: SigningKey = signingKey(settings.encryptionKey);
  const refreshKey: SigningKey = signingKey(settings.refreshEncryptionKey);
  const cache = createSessionCache({
    tokenExpirySec: settings.tokenExpirySec,
    refreshTokenExpirySec: settings.refreshTokenExpirySec,
    now,
  });

  const mint = (tokenId: string, userId: string, username: string, vars: Record<string, string>, iat: number): IssuedSession => {
    const t = nowSec();
    const expiresAt = t + settings.tokenExpirySec;
    const refreshExpiresAt = t + settings.refreshTokenExpirySec;
    const head = claimsHeadJson({ tid: tokenId, uid: userId, usn: username, vrs: vars });
    const token = signWithHead(key, head, expiresAt, iat);
    const refreshToken = signWithHead(refreshKey, head, refreshExpiresAt, iat);
    cache.noteIssued(userId, tokenId, iat, refreshExpiresAt);
    return { token, refreshToken, tokenId, expiresAt, refreshExpiresAt, issuedAt: iat };
  };

  const parse = (k: SigningKey, token: string, expirySec: number): SessionInfo | null => {
    const claims = verifyToken(k, token, nowSec());
    return claims === null ? null : toInfo(claims, expirySec);
  };

  // Hot path: a client sends the same token on every request. Exact token bytes that verified once
  // need no second HMAC; expiry and the deny-list are still checked on every use.
  const verified = new Map<string, SessionInfo>();
  const verifiedMax = opts.verifiedCacheSize ?? 10_000;
  const parseSession = (token: string): SessionInfo | null => {
    const hit = verified.get(token);
    if (hit !== undefined) return hit.expiresAt > nowSec() ? hit : null;
    const info = parse(key, token, settings.tokenExpirySec);
    if (info !== null && verifiedMax > 0) {
      if (verified.size >= verifiedMax) verified.delete(verified.keys().next().value as string);
      Object.freeze(info.vars);
      verified.set(token, Object.freeze(info));
    }
    return info;
  };

  return {
    settings: Object.freeze({ ...settings }),
    cache,
    login(userId, username, vars) {
      if (settings.singleSession) cache.removeAll(userId);
      return mint(newUuid(), userId, username, vars, nowSec());
    },
    verify(token) {
      const info = parseSession(token);
      if (info === null || !cache.isValidSession(info.userId, info.tokenId, info.issuedAt)) return null;
      return info;
    },
    verifyRefresh(refreshToken) {
      const info = parse(refreshKey, refreshToken, settings.refreshTokenExpirySec);
      if (info === null || !cache.isValidRefresh(info.userId, info.tokenId, info.issuedAt)) return null;
      return info;
    },
    reissue(from, username, vars) {
      return mint(from.tokenId, from.userId, username, vars, from.issuedAt);
    },
    generateToken(userId, username, expiresAt, vars) {
      const iat = nowSec();
      const exp = expiresAt === 0 ? iat + settings.tokenExpirySec : expiresAt;
      const tokenId = newUuid();
      cache.noteIssued(userId, tokenId, iat, exp);
      return { token: signToken(key, { tid: tokenId, uid: userId, usn: username, vrs: vars, exp, iat }), expiresAt: exp };
    },
    logout(userId, token, refreshToken) {
      let session: SessionInfo | null = null;
      let refresh: SessionInfo | null = null;
      if (token !== "") {
        session = parse(key, token, settings.tokenExpirySec);
        if (session === null || session.userId !== userId) throw new GameError(Code.INVALID_ARGUMENT, "Session token invalid.");
      }
      if (refreshToken !== "") {
        refresh = parse(refreshKey, refreshToken, settings.refreshTokenExpirySec);
        if (refresh === null || refresh.userId !== userId) throw new GameError(Code.INVALID_ARGUMENT, "Refresh token invalid.");
      }
      if ((session === null || session.tokenId === "") && (refresh === null || refresh.tokenId === "")) {
        cache.removeAll(userId);
        return { all: true };
      }
      cache.remove(userId, session?.tokenId ?? "", session?.expiresAt ?? 0, refresh?.tokenId ?? "", refresh?.expiresAt ?? 0);
      const revoked = new Map<string, number>();
      for (const t of [session, refresh]) {
        if (t !== null && t.tokenId !== "") revoked.set(t.tokenId, Math.max(revoked.get(t.tokenId) ?? 0, t.expiresAt));
      }
      return { all: false, revoked: [...revoked].map(([tokenId, expiresAt]) => ({ tokenId, expiresAt })) };
    },
    revokeAll(userId) {
      cache.removeAll(userId);
    },
    ban(userIds) {
      cache.ban(userIds);
    },
    unban(userIds) {
      cache.unban(userIds);
    },
  };
}
