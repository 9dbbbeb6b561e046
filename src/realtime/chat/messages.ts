// Owns chat messages as Nakama's core_channel does them: building a message (code 0 chat, 1 update,
// 2 remove) with whole-second times and its room/group/DM fields, storing it in the `message` table when
// the sender's presence has persistence on (update and remove only touch the sender's own messages), and
// broadcasting it to the channel's stream, encoded once. Returns the ack the sender gets. Shared by the
// socket handlers and, later, the runtime's nk.channelMessageSend/Update/Remove.
import type { Init, api, rt } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { newUuid, parseUuid } from "../../session/uuid.js";
import type { Queryable } from "../../storage/db.js";
import type { StreamId } from "../tracker.js";
import { channelNames, streamColumns } from "./ids.js";

/** ChannelMessage codes (rtapi): chat, update, remove; 3–9 are group events (src/services/groups). */
export const MessageCode = { CHAT: 0, CHAT_UPDATE: 1, CHAT_REMOVE: 2 } as const;

/** Reasons a message operation fails; the socket handlers turn them into Nakama's texts. */
export const ChatFailure = {
  notFound: "channel message not found",
  persist: "error persisting channel message",
} as const;

export interface ChatDeps {
  db: Queryable;
  log: Logger;
  /** Delivers an envelope to every session on a stream (the router: encoded once per format). */
  sendToStream(stream: StreamId, envelope: Init<rt.Envelope>): void;
}

/** Who sends, where, and whether the message is kept. */
export interface MessageTarget {
  stream: StreamId;
  /** The channel id as the caller gave it (echoed in the message and the ack). */
  channelId: string;
  senderId: string;
  username: string;
  persist: boolean;
}

function wholeSecondsNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

function build(t: MessageTarget, messageId: string, code: number, content: string): api.ChannelMessage {
  const now = wholeSecondsNow();
  return {
    channel_id: t.channelId,
    message_id: messageId,
    code,
    sender_id: t.senderId,
    username: t.username,
    content,
    create_time: now,
    update_time: now,
    persistent: t.persist,
    ...channelNames(t.stream),
  };
}

function ackOf(m: api.ChannelMessage): rt.ChannelMessageAck {
  return {
    channel_id: m.channel_id,
    message_id: m.message_id,
    code: m.code,
    username: m.username,
    create_time: m.create_time,
    update_time: m.update_time,
    persistent: m.persistent,
    room_name: m.room_name,
    group_id: m.group_id,
    user_id_one: m.user_id_one,
    user_id_two: m.user_id_two,
  };
}

function persistFailure(deps: ChatDeps, what: string, err: unknown): GameError {
  deps.log.error({ err }, `Error persisting channel message${what}`);
  return new GameError(Code.INTERNAL, ChatFailure.persist, { cause: err });
}

const INSERT = `INSERT INTO message (id, code, sender_id, username, stream_mode, stream_subject, stream_descriptor, stream_label, content, create_time, update_time)
VALUES ($1, $2, $3, $4, $5, $6::UUID, $7::UUID, $8, $9::JSONB, $10, $10)`;

/** A new chat message (code 0). Throws GameError(INTERNAL, ChatFailure.persist) when it cannot be stored. */
export async function sendMessage(deps: ChatDeps, t: MessageTarget, content: string): Promise<rt.ChannelMessageAck> {
  const m = build(t, newUuid(), MessageCode.CHAT, content);
  const ack = ackOf(m);
  if (t.persist) {
    try {
      await deps.db.query(INSERT, [m.message_id, m.code, m.sender_id, m.username, ...streamColumns(t.stream), m.content, m.create_time]);
    } catch (err) {
      throw persistFailure(deps, "", err);
    }
  }
  deps.sendToStream(t.stream, { channel_message: m });
  return ack;
}

/**
 * Replaces the content of one of the sender's messages (code 1). `messageId` is a UUID in any spelling
 * (echoed as given).
 * With persistence, only a stored message of this sender can change (else ChatFailure.notFound, as
 * GameError NOT_FOUND), and the broadcast carries its stored create time; the ack keeps "now".
 */
export async function updateMessage(deps: ChatDeps, t: MessageTarget, messageId: string, content: string): Promise<rt.ChannelMessageAck> {
  const m = build(t, messageId, MessageCode.CHAT_UPDATE, content);
  const ack = ackOf(m);
  if (t.persist) {
    let rows: Array<{ create_time: Date }>;
    try {
      rows = (await deps.db.query<{ create_time: Date }>(
        "UPDATE message SET update_time = $5, username = $4, content = $3::JSONB WHERE id = $1 AND sender_id = $2 RETURNING create_time",
        [parseUuid(messageId) ?? messageId, t.senderId, content, t.username, m.update_time],
      )).rows;
    } catch (err) {
      throw persistFailure(deps, " update", err);
    }
    if (rows.length === 0) throw new GameError(Code.NOT_FOUND, ChatFailure.notFound);
    m.create_time = rows[0].create_time;
  }
  deps.sendToStream(t.stream, { channel_message: m });
  return ack;
}

/** Removes one of the sender's messages (code 2, content "{}"); failures as `updateMessage`. */
export async function removeMessage(deps: ChatDeps, t: MessageTarget, messageId: string): Promise<rt.ChannelMessageAck> {
  const m = build(t, messageId, MessageCode.CHAT_REMOVE, "{}");
  const ack = ackOf(m);
  if (t.persist) {
    let rows: Array<{ create_time: Date }>;
    try {
      rows = (await deps.db.query<{ create_time: Date }>(
        "DELETE FROM message WHERE id = $1 AND sender_id = $2 RETURNING create_time",
        [parseUuid(messageId) ?? messageId, t.senderId],
      )).rows;
    } catch (err) {
      throw persistFailure(deps, " remove", err);
    }
    if (rows.length === 0) throw new GameError(Code.NOT_FOUND, ChatFailure.notFound);
    m.create_time = rows[0].create_time;
  }
  deps.sendToStream(t.stream, { channel_message: m });
  return ack;
}

/** Nakama's content rule: valid JSON whose first non-space character opens an object. */
export function isJsonObjectText(content: string): boolean {
  const trimmed = content.trimStart();
  if (!trimmed.startsWith("{")) return false;
  try {
    JSON.parse(content);
    return true;
  } catch {
    return false;
  }
}
