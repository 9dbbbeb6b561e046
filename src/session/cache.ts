// Owns the session cache: Nakama 3.40's deny-list. A correctly signed, unexpired token is valid unless
// its token id was revoked (logout) or a full invalidation of its user (logout-all, ban,
// session.single_session) happened after it was issued. Lookups are two Map reads, no I/O.
//
// Precision: tokens carry whole seconds (`iat`). Nakama treats a token issued in the same second as a
// full invalidation as valid, so a login right after a logout-all or a single_session login in the
// same second would leave older same-second tokens valid. Here a full invalidation at second S denies
// every token with iat < S, and of the tokens with iat == S only those this process issued after the
// invalidation (their ids are remembered until they expire).

export interface SessionCacheOptions {
  tokenExpirySec: number;
  refreshTokenExpirySec: number;
  /** Milliseconds since the epoch; tests pass a manual clock. */
  now: () => number;
}

interface UserEntry {
  /** Unix second of the last full invalidation; 0 for none. */
  revokedAt: number;
  /** Token ids issued in second `revokedAt` after the invalidation → expiry second. */
  boundary: Map<string, number>;
  /** Revoked session token ids → expiry second. */
  sessions: Map<string, number>;
  /** Revoked refresh token ids → expiry second. */
  refreshes: Map<string, number>;
}

export interface SessionCache {
  /** Is a verified session token with these claims still allowed? */
  isValidSession(userId: string, tokenId: string, issuedAt: number): boolean;
  /** Is a verified refresh token with these claims still allowed? */
  isValidRefresh(userId: string, tokenId: string, issuedAt: number): boolean;
  /** Records a token this process has just issued (needed for same-second precision, see above). */
  noteIssued(userId: string, tokenId: string, issuedAt: number, refreshExp: number): void;
  /** Revokes one session token id and/or one refresh token id until they expire. */
  remove(userId: string, sessionTokenId: string, sessionExp: number, refreshTokenId: string, refreshExp: number): void;
  /** Revokes every token of the user issued until now. */
  removeAll(userId: string): void;
  /** Full invalidation for each user (their tokens stop working; the DB flag stops new logins). */
  ban(userIds: readonly string[]): void;
  /** Full invalidation of one user as of an earlier second (restoring bans after a restart). */
  banAt(userId: string, atSec: number): void;
  /** Nothing to undo in a deny-list (Nakama: no-op); kept for symmetry. */
  unban(userIds: readonly string[]): void;
  /** Drops entries that can no longer deny anything. Called lazily by writes; exposed for tests. */
  sweep(): void;
  /** Users with an entry (for tests and metrics). */
  size(): number;
}

export function createSessionCache(opts: SessionCacheOptions): SessionCache {
  const users = new Map<string, UserEntry>();
  const horizon = Math.max(opts.tokenExpirySec, opts.refreshTokenExpirySec);
  // Writes trigger a sweep at most this often, so the map cannot grow without bound.
  const sweepEverySec = Math.max(1, Math.min(opts.tokenExpirySec, 60));
  let nextSweep = 0;

  const entry = (userId: string): UserEntry => {
    let e = users.get(userId);
    if (e === undefined) {
      e = { revokedAt: 0, boundary: new Map(), sessions: new Map(), refreshes: new Map() };
      users.set(userId, e);
    }
    return e;
  };

  const allowedByInvalidation = (e: UserEntry, tokenId: string, issuedAt: number): boolean =>
    e.revokedAt === 0 || issuedAt > e.revokedAt || (issuedAt === e.revokedAt && e.boundary.has(tokenId));

  const nowSec = (): number => Math.floor(opts.now() / 1000);
  const maybeSweep = (): void => {
    const t = nowSec();
    if (t >= nextSweep) {
      nextSweep = t + sweepEverySec;
      cache.sweep();
    }
  };

  const invalidate = (userId: string, t: number): void => {
    const e = entry(userId);
    if (t >= e.revokedAt) {
      // Everything issued up to now is covered by revokedAt; single revocations are no longer needed.
      e.revokedAt = t;
      e.boundary.clear();
      e.sessions.clear();
      e.refreshes.clear();
    }
  };

  const cache: SessionCache = {
    isValidSession(userId, tokenId, issuedAt) {
      const e = users.get(userId);
      if (e === undefined) return true;
      return allowedByInvalidation(e, tokenId, issuedAt) && !e.sessions.has(tokenId);
    },
    isValidRefresh(userId, tokenId, issuedAt) {
      const e = users.get(userId);
      if (e === undefined) return true;
      return allowedByInvalidation(e, tokenId, issuedAt) && !e.refreshes.has(tokenId);
    },
    noteIssued(userId, tokenId, issuedAt, refreshExp) {
      const e = users.get(userId);
      if (e !== undefined && e.revokedAt === issuedAt) e.boundary.set(tokenId, refreshExp + 1);
    },
    remove(userId, sessionTokenId, sessionExp, refreshTokenId, refreshExp) {
      const e = entry(userId);
      if (sessionTokenId !== "") e.sessions.set(sessionTokenId, sessionExp + 1);
      if (refreshTokenId !== "") e.refreshes.set(refreshTokenId, refreshExp + 1);
      maybeSweep();
    },
    removeAll(userId) {
      invalidate(userId, nowSec());
      maybeSweep();
    },
    ban(userIds) {
      const t = nowSec();
      for (const id of userIds) invalidate(id, t);
      maybeSweep();
    },
    banAt(userId, atSec) {
      invalidate(userId, atSec);
    },
    unban() {
      // A deny-list has nothing to lift: banned users' old tokens stay revoked, new logins check the DB.
    },
    sweep() {
      const t = nowSec();
      for (const [userId, e] of users) {
        for (const m of [e.boundary, e.sessions, e.refreshes]) {
          for (const [tid, exp] of m) if (exp <= t) m.delete(tid);
        }
        const invalidationLive = e.revokedAt !== 0 && e.revokedAt >= t - horizon;
        if (!invalidationLive && e.boundary.size === 0 && e.sessions.size === 0 && e.refreshes.size === 0) {
          users.delete(userId);
        }
      }
    },
    size: () => users.size,
  };
  return cache;
}
