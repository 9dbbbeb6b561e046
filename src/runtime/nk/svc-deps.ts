// Owns turning NkDeps into the dependency objects of the game-service cores (src/services/*), so every
// nk domain builds them the same way: storage/multi take { db, log } and the storage indexes; wallet { db, log }; notifications add the live
// pushes; friends and groups add the online flag (default: the identity core's) and the group channel.
// Leaderboards and tournaments need the one LeaderboardCore of the server (NkDeps.leaderboards).
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import type { FriendsDeps } from "../../services/friends/index.js";
import type { GroupsDeps } from "../../services/groups/index.js";
import type { LeaderboardCore } from "../../services/leaderboard/index.js";
import type { NotificationDeps } from "../../services/notifications/index.js";
import type { StorageDeps } from "../../services/storage/index.js";
import type { Db } from "../../storage/db.js";
import type { NkCall } from "./types.js";

export function baseDeps(call: NkCall): { db: Db; log: Logger } {
  return { db: call.deps.db, log: call.deps.log };
}

/** Storage and multi-update deps: the base ones plus the server's storage indexes, told of every write. */
export function storageDeps(call: NkCall): StorageDeps {
  const d = call.deps;
  return d.storageIndexes === undefined ? { db: d.db, log: d.log } : { db: d.db, log: d.log, index: d.storageIndexes };
}

export function notificationDeps(call: NkCall): NotificationDeps {
  const d = call.deps;
  return { db: d.db, log: d.log, notify: d.notify, notifyAll: d.notifyAll };
}

function isOnline(call: NkCall): (userId: string) => boolean {
  return call.deps.isOnline ?? call.deps.identity.isOnline;
}

export function friendsDeps(call: NkCall): FriendsDeps {
  const d = call.deps;
  return { db: d.db, log: d.log, notify: d.notify, isOnline: isOnline(call) };
}

export function groupsDeps(call: NkCall): GroupsDeps {
  const d = call.deps;
  return { db: d.db, log: d.log, notify: d.notify, isOnline: isOnline(call), channel: d.groupChannel };
}

/** The server's leaderboard core; UNAVAILABLE when the composition root did not wire one. */
export function leaderboardCore(call: NkCall): LeaderboardCore {
  const core = call.deps.leaderboards;
  if (core === undefined) throw new GameError(Code.UNAVAILABLE, "leaderboards are not available (NkDeps.leaderboards is not set)");
  return core;
}
