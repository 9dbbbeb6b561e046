// Owns the group channel's event messages: the channel id of a group ("3.<group id>.."), building a
// join/add/leave/kick/promote/ban/demote message as Nakama does (sender = the member concerned, content
// "{}", persistent, whole-second times), storing it in the `message` table inside the change's
// transaction, and handing messages and removals to the chat layer once the change has committed.
import type { api } from "../../../proto/index.js";
import { newUuid, SYSTEM_USER_ID } from "../../session/uuid.js";
import type { Queryable } from "../../storage/db.js";
import type { GroupsDeps } from "./types.js";

/** ChannelMessage codes of group events (rtapi). */
export const GroupEvent = { JOIN: 3, ADD: 4, LEAVE: 5, KICK: 6, PROMOTE: 7, BAN: 8, DEMOTE: 9 } as const;
export type GroupEvent = (typeof GroupEvent)[keyof typeof GroupEvent];

/** Stream mode of group channels. */
const STREAM_MODE_GROUP = 3;

export function groupChannelId(groupId: string): string {
  return `${STREAM_MODE_GROUP}.${groupId}..`;
}

/** Builds and stores one event message on `q` (the change's transaction). */
export async function storeGroupEvent(q: Queryable, groupId: string, code: GroupEvent, userId: string, username: string): Promise<api.ChannelMessage> {
  const ts = new Date(Math.floor(Date.now() / 1000) * 1000);
  const message: api.ChannelMessage = {
    channel_id: groupChannelId(groupId),
    message_id: newUuid(),
    code,
    sender_id: userId,
    username,
    content: "{}",
    create_time: ts,
    update_time: ts,
    persistent: true,
    room_name: "",
    group_id: groupId,
    user_id_one: "",
    user_id_two: "",
  };
  await q.query(
    `INSERT INTO message (id, code, sender_id, username, stream_mode, stream_subject, stream_descriptor, stream_label, content, create_time, update_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7, '', '{}', $8, $8)`,
    [message.message_id, code, userId, username, STREAM_MODE_GROUP, groupId, SYSTEM_USER_ID, ts],
  );
  return message;
}

/** After commit: pushes the stored messages and the removals to the chat layer (failures only logged). */
export function publishGroupEvents(deps: GroupsDeps, groupId: string, messages: readonly api.ChannelMessage[], removed: readonly string[] = []): void {
  const channel = deps.channel;
  if (channel === undefined) return;
  try {
    for (const m of messages) channel.message(groupId, m);
    if (removed.length > 0) channel.removed(groupId, removed);
  } catch (err) {
    deps.log.warn({ err, group_id: groupId }, "could not publish group channel events");
  }
}

/** The username of a user inside a transaction, or null when there is no such user. */
export async function usernameOf(q: Queryable, userId: string): Promise<string | null> {
  const r = await q.query<{ username: string }>("SELECT username FROM users WHERE id = $1", [userId]);
  return r.rows[0]?.username ?? null;
}
