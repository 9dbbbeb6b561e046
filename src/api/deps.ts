// Owns the dependencies of the identity API (one object, passed explicitly) and the identity core built
// from them once per server.
import type { Config } from "../config/schema.js";
import type { IdentityCore } from "../identity/core.js";
import { deviceAccounts } from "../identity/devices.js";
import { builtInVerifiers, type SocialVerifiers } from "../identity/social.js";
import type { Logger } from "../log.js";
import type { PipelineDeps } from "../pipeline/hooks.js";
import { createRevocationStore, type RevocationStore } from "../session/revocations.js";
import type { SessionService } from "../session/service.js";
import type { Db, Queryable } from "../storage/db.js";

/** Imports a player's friends from a provider after authenticate/link with `sync` (friends issue). */
export type FriendImporter = (
  provider: "facebook" | "steam",
  userId: string,
  username: string,
  credential: { token: string; steamId?: string },
) => Promise<void>;

export interface IdentityDeps {
  db: Db;
  config: Config;
  log: Logger;
  pipeline: PipelineDeps;
  sessions: SessionService;
  /** Verifiers for providers that need outside services; missing ones are "not configured". Default: built-ins. */
  social?: SocialVerifiers;
  /** Online flag of users (GetAccount, GetUsers). Default: always false, until the realtime layer lands. */
  isOnline?: (userId: string) => boolean;
  /** Closes the user's sockets after account deletion or ban (realtime layer). Default: nothing. */
  disconnectUser?: (userId: string, reason: "deleted" | "banned") => void;
  /** Friend import for `sync` (friends issue). Default: no import. */
  importFriends?: FriendImporter;
  /** Other domains' work inside the account-deletion transaction. */
  deletionSteps?: ReadonlyArray<(q: Queryable, userId: string) => Promise<void>>;
  /** Told of each account deletion after its transaction committed (storage indexes). */
  afterDeletion?: ReadonlyArray<(userId: string) => void>;
  /** Where logouts are persisted across restarts. Default: the session_revocation table of `db`. */
  revocations?: RevocationStore;
}

export function revocationStore(deps: IdentityDeps): RevocationStore {
  return deps.revocations ?? createRevocationStore(deps.db);
}

/** The identity core (database functions of src/identity) for these deps. */
export function identityCore(deps: IdentityDeps): IdentityCore {
  return {
    db: deps.db,
    devices: deviceAccounts(deps.db),
    log: deps.log.child({ module: "identity" }),
    social: deps.social ?? builtInVerifiers(),
    socialConfig: deps.config.social,
    deletionSteps: deps.deletionSteps ?? [],
    afterDeletion: deps.afterDeletion,
    isOnline: deps.isOnline ?? (() => false),
  };
}
