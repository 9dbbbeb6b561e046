// Owns the identity operations that are not REST routes but are called by the console, the runtime
// (nk.usersBanId, nk.accountDeleteId…) and the realtime socket: ban / unban (database flag + session
// invalidation + socket disconnect), the ban check at socket upgrade, account deletion with a
// tombstone, and restoring ban invalidations after a restart.
import { deleteAccount } from "../identity/account.js";
import type { IdentityCore } from "../identity/core.js";
import { banUsers as dbBan, isBanned as dbIsBanned, listBanned, unbanUsers as dbUnban } from "../identity/users.js";
import { revocationStore, type IdentityDeps } from "./deps.js";

export interface IdentityAdmin {
  /** Bans: disable_time = now, every existing token revoked, sockets closed. */
  ban(userIds: readonly string[]): Promise<void>;
  unban(userIds: readonly string[]): Promise<void>;
  /** The check the socket layer runs at upgrade (one primary-key read). */
  isBanned(userId: string): Promise<boolean>;
  /** Deletes an account (optionally leaving a tombstone), revokes its tokens, closes its sockets. */
  deleteAccount(userId: string, recorded: boolean): Promise<boolean>;
  /** At start: tokens issued before a ban stay revoked across restarts. */
  restoreBans(): Promise<number>;
  /** At start: bans plus persisted logouts back into the session cache. */
  restoreSessionState(): Promise<{ bans: number; revocations: number }>;
}

export function createIdentityAdmin(deps: IdentityDeps, core: IdentityCore): IdentityAdmin {
  const restoreBans = async (): Promise<number> => {
    const banned = await listBanned(core);
    for (const b of banned) deps.sessions.cache.banAt(b.userId, Math.floor(b.since.getTime() / 1000));
    return banned.length;
  };
  return {
    async ban(userIds) {
      await dbBan(core, userIds);
      deps.sessions.ban(userIds);
      for (const id of userIds) deps.disconnectUser?.(id, "banned");
    },
    async unban(userIds) {
      await dbUnban(core, userIds);
      deps.sessions.unban(userIds);
    },
    isBanned: (userId) => dbIsBanned(core, userId),
    async deleteAccount(userId, recorded) {
      const deleted = await deleteAccount(core, userId, recorded);
      if (deleted) {
        deps.sessions.revokeAll(userId);
        deps.disconnectUser?.(userId, "deleted");
      }
      return deleted;
    },
    restoreBans,
    async restoreSessionState() {
      const bans = await restoreBans();
      const revocations = await revocationStore(deps).restore(deps.sessions.cache, Math.floor(Date.now() / 1000));
      return { bans, revocations };
    },
  };
}
