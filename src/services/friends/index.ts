// Owns the public surface of the friends service (issue 7, item 4). Import from here only.
//
// README — what each core function backs (REST request name; nk in JS / Lua; Go names are PascalCase):
//   addFriends(deps, userId, username, ids, metadata)  REST AddFriends; nk friendsAdd / friends_add
//   deleteFriends(deps, userId, username, ids)        REST DeleteFriends; nk friendsDelete / friends_delete
//   blockFriends(deps, userId, ids)                   REST BlockFriends; nk friendsBlock / friends_block
//   listFriends(deps, userId, limit, state, cursor)   REST ListFriends; nk friendsList / friends_list
//   listFriendsOfFriends(deps, userId, limit, cursor) REST ListFriendsOfFriends;
//                                                     nk friendsOfFriendsList / friends_of_friends_list
//   updateFriendMetadata(deps, userId, friendId, md)  nk friendMetadataUpdate / friend_metadata_update
//   getFriendStatus(deps, userId, ids)                nk usersGetFriendStatus / users_get_friend_status
//   userIdsByUsernames(deps, usernames)               the username half of add/delete/block (REST and nk)
//   friendsDeletionStep                               account deletion (IdentityDeps.deletionSteps)
//
// Ids passed in are canonical UUIDs (parseUuid); the callers (REST routes, nk bindings) validate input
// with their own texts and resolve usernames first. nk bindings pass metadata as JSON object text
// (goJson of the module's object). Notifications go through src/services/notifications with
// deps.notify for live delivery; the online flag comes from deps.isOnline.
import type { Queryable } from "../../storage/db.js";

export { addFriends, blockFriends, deleteFriends, updateFriendMetadata, userIdsByUsernames } from "./edges.js";
export { getFriendStatus, listFriends, listFriendsOfFriends } from "./list.js";
export { FriendError, FriendReason, FriendState, type FriendsDeps } from "./types.js";
export { isSocialError, SocialError } from "./edge-tx.js";

/**
 * Runs inside the account-deletion transaction after the users row is gone (its own edges went with it,
 * ON DELETE CASCADE): removes the other users' edges to the deleted user and their edge counts.
 */
export async function friendsDeletionStep(q: Queryable, userId: string): Promise<void> {
  const r = await q.query<{ source_id: string }>("DELETE FROM user_edge WHERE destination_id = $1 RETURNING source_id", [userId]);
  if (r.rowCount === 0) return;
  await q.query(
    "UPDATE users SET edge_count = GREATEST(edge_count - 1, 0), update_time = now() WHERE id = ANY($1::uuid[])",
    [r.rows.map((row) => row.source_id)],
  );
}
