// Owns changing the friend graph (user_edge, two rows per relationship, and users.edge_count): add by id
// (invite, or accept the other user's invite), delete, block, and the runtime's edge metadata update.
// Each call runs in one transaction over all the given users; notifications (−2 request, −3 accept,
// −9 removed) go out after it commits and their failure never fails the call, as in Nakama.
//
// Race: two users adding each other at once. The second transaction's insert waits for the first's rows
// and then inserts nothing; it then runs the accept update again (a new statement sees the committed
// invite), so the pair ends up friends and the second caller's add counts as the acceptance.
import type { Queryable } from "../../storage/db.js";
import { goJson } from "../storage/json.js";
import { NotificationCode, sendNotifications, type NotificationSend } from "../notifications/index.js";
import { edgePosition, socialTx } from "./edge-tx.js";
import { FriendState, type FriendsDeps } from "./types.js";

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort();
}

async function bumpEdgeCount(q: Queryable, userIds: readonly string[], delta: 1 | -1): Promise<void> {
  if (userIds.length === 0) return;
  await q.query(
    `UPDATE users SET edge_count = edge_count + $2, update_time = now() WHERE id = ANY($1::uuid[])`,
    [unique(userIds), delta],
  );
}

const ACCEPT = `UPDATE user_edge SET state = 0, update_time = now(),
  metadata = CASE WHEN source_id = $2::uuid THEN metadata || $3::jsonb ELSE metadata END
WHERE (source_id = $1::uuid AND destination_id = $2::uuid AND state = 1)
   OR (source_id = $2::uuid AND destination_id = $1::uuid AND state = 2)`;

const INVITE = `INSERT INTO user_edge (source_id, destination_id, state, position, update_time, metadata)
SELECT ue.s, ue.d, ue.st, $3::bigint, now(), ue.m
FROM (VALUES ($1::uuid, $2::uuid, 1::int2, $4::jsonb), ($2::uuid, $1::uuid, 2::int2, '{}'::jsonb)) AS ue(s, d, st, m)
WHERE EXISTS (SELECT 1 FROM users WHERE id = $2::uuid)
  AND NOT EXISTS (SELECT 1 FROM user_edge WHERE source_id = $2::uuid AND destination_id = $1::uuid AND state = 3)
ON CONFLICT (source_id, destination_id) DO NOTHING
RETURNING source_id`;

type AddOutcome = "invited" | "accepted" | "none";

/** One add inside the transaction (Nakama's addFriend): accept a pending invite, else invite. */
async function addFriend(q: Queryable, userId: string, friendId: string, metadata: string): Promise<AddOutcome> {
  const accept = async (): Promise<boolean> => (await q.query(ACCEPT, [friendId, userId, metadata])).rowCount === 2;
  if (await accept()) return "accepted";
  const inserted = await q.query<{ source_id: string }>(INVITE, [userId, friendId, edgePosition(), metadata]);
  await bumpEdgeCount(q, inserted.rows.map((r) => r.source_id), 1);
  if (inserted.rowCount === 2) return "invited";
  // Nothing inserted: maybe the friend's invite to us committed while we waited (see header).
  if (inserted.rowCount === 0 && (await accept())) return "accepted";
  return "none";
}

async function hasBlocked(q: Queryable, userId: string, otherId: string): Promise<boolean> {
  const r = await q.query("SELECT 1 FROM user_edge WHERE source_id = $1 AND destination_id = $2 AND state = 3", [userId, otherId]);
  return r.rowCount > 0;
}

async function notifyQuietly(deps: FriendsDeps, sends: NotificationSend[]): Promise<void> {
  if (sends.length === 0) return;
  try {
    await sendNotifications(deps, sends);
  } catch (err) {
    deps.log.warn({ err }, "could not send friend notifications");
  }
}

/**
 * Adds friends by id (ids canonical; unknown users are skipped): invites them, or accepts their invite.
 * Users the caller blocked, and users who blocked the caller, are skipped silently. `metadata` is a
 * JSON object text stored on the caller's edge ("" = {}).
 */
export async function addFriends(deps: FriendsDeps, userId: string, username: string, friendIds: readonly string[], metadata = ""): Promise<void> {
  const meta = metadata === "" ? "{}" : metadata;
  const outcomes = await socialTx(deps.db, async (q) => {
    const out = new Map<string, AddOutcome>();
    for (const id of unique(friendIds)) {
      if (id === userId || (await hasBlocked(q, userId, id))) continue;
      out.set(id, await addFriend(q, userId, id, meta));
    }
    return out;
  });
  const content = goJson({ username });
  const sends: NotificationSend[] = [];
  for (const [id, outcome] of outcomes) {
    if (outcome === "none") continue;
    const accepted = outcome === "accepted";
    sends.push({
      userId: id,
      subject: accepted ? `${username} accepted your friend request` : `${username} wants to add you as a friend`,
      content,
      code: accepted ? NotificationCode.FRIEND_ACCEPT : NotificationCode.FRIEND_REQUEST,
      senderId: userId,
      persistent: true,
    });
  }
  await notifyQuietly(deps, sends);
}

/**
 * Removes relationships: the caller's edge to each user in any state, and theirs unless it is a block
 * (a user who blocked the caller stays blocked). A friend who lost the friendship gets −9.
 */
export async function deleteFriends(deps: FriendsDeps, userId: string, username: string, friendIds: readonly string[]): Promise<void> {
  const removed = await socialTx(deps.db, async (q) => {
    const lostFriend: string[] = [];
    for (const id of unique(friendIds)) {
      if (id === userId) continue;
      const r = await q.query<{ source_id: string; state: number }>(
        `DELETE FROM user_edge WHERE (source_id = $1 AND destination_id = $2) OR (source_id = $2 AND destination_id = $1 AND state <> 3)
         RETURNING source_id, state`,
        [userId, id],
      );
      await bumpEdgeCount(q, r.rows.map((row) => row.source_id), -1);
      if (r.rows.some((row) => row.source_id === id && row.state === FriendState.FRIEND)) lostFriend.push(id);
    }
    return lostFriend;
  });
  await notifyQuietly(deps, removed.map((id) => ({
    userId: id,
    subject: `${username} removed you as a friend`,
    content: goJson({ username }),
    code: NotificationCode.FRIEND_REMOVE,
    senderId: userId,
    persistent: true,
  })));
}

const BLOCK_NEW = `INSERT INTO user_edge (source_id, destination_id, state, position, update_time)
SELECT $1::uuid, $2::uuid, 3, $3::bigint, now() WHERE EXISTS (SELECT 1 FROM users WHERE id = $2::uuid)`;

/** Blocks users (ids canonical; unknown users skipped): the caller's edge becomes 3, theirs is removed. */
export async function blockFriends(deps: FriendsDeps, userId: string, friendIds: readonly string[]): Promise<void> {
  await socialTx(deps.db, async (q) => {
    for (const id of unique(friendIds)) {
      if (id === userId) continue;
      const updated = await q.query(
        "UPDATE user_edge SET state = 3, update_time = now() WHERE source_id = $1 AND destination_id = $2",
        [userId, id],
      );
      if (updated.rowCount === 0) {
        const inserted = await q.query(BLOCK_NEW, [userId, id, edgePosition()]);
        if (inserted.rowCount === 0) continue; // no such user
        await bumpEdgeCount(q, [userId], 1);
      }
      // Their edge to the caller goes, unless they blocked the caller too.
      const theirs = await q.query("DELETE FROM user_edge WHERE source_id = $1 AND destination_id = $2 AND state <> 3", [id, userId]);
      if (theirs.rowCount > 0) await bumpEdgeCount(q, [id], -1);
    }
  });
}

/** The runtime's friendMetadataUpdate: replaces the metadata of the caller's edge to `friendId`. */
export async function updateFriendMetadata(deps: FriendsDeps, userId: string, friendId: string, metadata: string): Promise<void> {
  await deps.db.query("UPDATE user_edge SET metadata = $3::jsonb WHERE source_id = $1 AND destination_id = $2", [
    userId, friendId, metadata === "" ? "{}" : metadata,
  ]);
}

/** Ids of the users with these usernames (unknown ones are absent), as Nakama's fetchUserID. */
export async function userIdsByUsernames(deps: FriendsDeps, usernames: readonly string[]): Promise<string[]> {
  if (usernames.length === 0) return [];
  const r = await deps.db.query<{ id: string }>("SELECT id FROM users WHERE username = ANY($1::text[])", [usernames]);
  return r.rows.map((row) => row.id);
}
