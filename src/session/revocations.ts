// Owns persisting single-token revocations (logout) in the session_revocation table, so a restart does
// not bring a logged-out token back, and loading the live ones into the session cache at start. A row
// revokes both the session and the refresh token of its token id (they share it) until expiry_time.
import type { Db } from "../storage/db.js";
import type { SessionCache } from "./cache.js";

export interface RevocationStore {
  save(userId: string, revoked: ReadonlyArray<{ tokenId: string; expiresAt: number }>): Promise<void>;
  /** Loads unexpired rows into the cache and deletes expired ones. Returns how many were loaded. */
  restore(cache: SessionCache, nowSec: number): Promise<number>;
}

export function createRevocationStore(db: Db): RevocationStore {
  return {
    async save(userId, revoked) {
      for (const r of revoked) {
        await db.query(
          `INSERT INTO session_revocation (token_id, user_id, expiry_time) VALUES ($1, $2, to_timestamp($3))
           ON CONFLICT (token_id) DO UPDATE SET expiry_time = GREATEST(session_revocation.expiry_time, EXCLUDED.expiry_time)`,
          [r.tokenId, userId, r.expiresAt],
        );
      }
    },
    async restore(cache, nowSec) {
      await db.query("DELETE FROM session_revocation WHERE expiry_time <= to_timestamp($1)", [nowSec]);
      const rows = await db.query<{ token_id: string; user_id: string; expiry_time: Date }>(
        "SELECT token_id, user_id, expiry_time FROM session_revocation",
      );
      for (const r of rows.rows) {
        const exp = Math.floor(r.expiry_time.getTime() / 1000);
        cache.remove(r.user_id, r.token_id, exp, r.token_id, exp);
      }
      return rows.rows.length;
    },
  };
}
