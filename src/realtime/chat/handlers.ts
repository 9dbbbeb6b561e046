// Owns the chat envelopes of the socket (pipeline_channel): channel_join for rooms, direct messages and
// groups (members only), channel_leave, and channel_message_send / update / remove, with Nakama's checks
// and error texts. A DM join by a user whose partner is not on the channel sends the partner a
// persistent −1 "<username> wants to chat" notification. Presence events of chat streams are built by
// the realtime layer (presence-events.ts); the messages themselves by messages.ts.
import type { Init, rt } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { NotificationCode, sendNotifications, type NotifyFn } from "../../services/notifications/index.js";
import { parseUuid } from "../../session/uuid.js";
import type { Db } from "../../storage/db.js";
import { EMPTY, reply, rtError, type Answer, type HandlerContext, type HandlerTable } from "../dispatch.js";
import { StreamMode, type StreamId } from "../tracker.js";
import { RtCode, wirePresence } from "../wire.js";
import {
  ChannelType, INVALID_TARGET, INVALID_TYPE, channelIdOf, channelNames, channelStream, dmStream, roomNameProblem, targetUuid,
} from "./ids.js";
import { ChatFailure, isJsonObjectText, removeMessage, sendMessage, updateMessage, type ChatDeps, type MessageTarget } from "./messages.js";

export interface ChatHandlerDeps {
  db: Db;
  log: Logger;
  /** Group membership (superadmin, admin or member). */
  isGroupMember(groupId: string, userId: string): Promise<boolean>;
  /** Live push of the DM-request notification; absent: stored only. */
  notify?: NotifyFn;
}

const badInput = (message: string): Answer => rtError(RtCode.BAD_INPUT, message);
const BAD_CHANNEL = badInput("Invalid channel identifier");
const BAD_MESSAGE_ID = badInput("Invalid message identifier");
const BAD_CONTENT = badInput("Message content must be a valid JSON object");

type Target = { stream: StreamId } | Answer;

async function dmTarget(deps: ChatHandlerDeps, c: HandlerContext, target: string): Promise<Target> {
  const other = targetUuid(target);
  if (other === null) return badInput(`Invalid user ID in direct message join: ${INVALID_TARGET}`);
  const me = c.session.userId;
  let allowed: boolean;
  try {
    const r = await deps.db.query<{ n: number }>(
      `SELECT COUNT(id)::INT AS n FROM users WHERE id = $1::UUID AND NOT EXISTS (
         SELECT state FROM user_edge WHERE source_id = $1::UUID AND destination_id = $2::UUID AND state = 3)`,
      [other, me],
    );
    allowed = (r.rows[0]?.n ?? 0) > 0;
  } catch (err) {
    c.log.error({ err }, "could not look up a direct message target");
    return rtError(RtCode.RUNTIME_EXCEPTION, "Failed to look up user ID");
  }
  return allowed ? { stream: dmStream(other, me) } : badInput(`User ID not found: ${INVALID_TARGET}`);
}

async function groupTarget(deps: ChatHandlerDeps, c: HandlerContext, target: string): Promise<Target> {
  const gid = parseUuid(target);
  if (gid === null) return badInput(`Invalid group ID in group channel join: ${INVALID_TARGET}`);
  let allowed: boolean;
  try {
    allowed = await deps.isGroupMember(gid, c.session.userId);
  } catch (err) {
    c.log.error({ err }, "could not look up group membership");
    return rtError(RtCode.RUNTIME_EXCEPTION, "Failed to look up group membership");
  }
  return allowed ? { stream: { mode: StreamMode.GROUP, subject: gid, subcontext: "", label: "" } } : badInput(`Group not found: ${INVALID_TARGET}`);
}

/** BuildChannelId: the stream a join targets, or the error Nakama answers. */
async function joinTarget(deps: ChatHandlerDeps, c: HandlerContext, msg: rt.ChannelJoin): Promise<Target> {
  if (msg.target === "") return badInput(INVALID_TARGET);
  switch (msg.type) {
    case ChannelType.UNSPECIFIED:
    case ChannelType.ROOM: {
      const problem = roomNameProblem(msg.target);
      return problem === null ? { stream: { mode: StreamMode.CHANNEL, subject: "", subcontext: "", label: msg.target } } : badInput(problem);
    }
    case ChannelType.DIRECT_MESSAGE:
      return dmTarget(deps, c, msg.target);
    case ChannelType.GROUP:
      return groupTarget(deps, c, msg.target);
    default:
      return badInput(INVALID_TYPE);
  }
}

/** −1 to the DM partner when they are not (visibly) on the channel; failures are only logged, as Nakama. */
async function dmRequest(deps: ChatHandlerDeps, c: HandlerContext, stream: StreamId): Promise<void> {
  const s = c.session;
  const other = stream.subject === s.userId ? stream.subcontext : stream.subject;
  if (c.core.tracker.list(stream, false, true).some((p) => p.userId === other)) return;
  try {
    await sendNotifications({ db: deps.db, log: deps.log, notify: deps.notify }, [{
      userId: other, subject: `${s.username} wants to chat`, content: { username: s.username },
      code: NotificationCode.DM_REQUEST, senderId: s.userId, persistent: true,
    }]);
  } catch (err) {
    c.log.warn({ err }, "Failed to send channel direct message notification");
  }
}

async function channelJoin(deps: ChatHandlerDeps, c: HandlerContext, env: rt.Envelope): Promise<Answer> {
  const msg = env.channel_join as rt.ChannelJoin;
  const t = await joinTarget(deps, c, msg);
  if ("kind" in t) return t;
  const s = c.session;
  const meta = { username: s.username, hidden: msg.hidden === true, persistence: msg.persistence !== false, status: "" };
  const tracked = c.core.tracker.track(s, t.stream, meta);
  if (!tracked.ok) return rtError(RtCode.RUNTIME_EXCEPTION, "Error joining channel");
  if (tracked.isNew && t.stream.mode === StreamMode.DM) await dmRequest(deps, c, t.stream);
  const presences: Init<rt.UserPresence>[] = [];
  for (const p of c.core.tracker.list(t.stream, false, true)) {
    // A new join does not list its own presence; a repeated join does.
    if (!(tracked.isNew && p.session === s)) presences.push(wirePresence(p));
  }
  const self: Init<rt.UserPresence> = { user_id: s.userId, session_id: s.id, username: meta.username, persistence: meta.persistence };
  return reply({ channel: { id: channelIdOf(t.stream) as string, presences, self, ...channelNames(t.stream) } });
}

function channelLeave(c: HandlerContext, env: rt.Envelope): Answer {
  const stream = channelStream((env.channel_leave as rt.ChannelLeave).channel_id);
  if (stream === null) return BAD_CHANNEL;
  c.core.tracker.untrack(c.session.id, stream);
  return EMPTY;
}

function chatDeps(deps: ChatHandlerDeps, c: HandlerContext): ChatDeps {
  return { db: deps.db, log: c.log, sendToStream: (stream, envelope) => void c.core.sendToStream(stream, envelope) };
}

/** The sender's target on a joined channel, or null when the session is not on it. */
function targetOf(c: HandlerContext, stream: StreamId, channelId: string): MessageTarget | null {
  const p = c.core.tracker.get(c.session.id, stream);
  if (p === undefined) return null;
  return { stream, channelId, senderId: c.session.userId, username: c.session.username, persist: p.meta.persistence };
}

function failure(err: unknown, notFound: string, persist: string): Answer {
  if (err instanceof GameError && err.message === ChatFailure.notFound) return badInput(notFound);
  if (err instanceof GameError && err.code === Code.INTERNAL && err.message === ChatFailure.persist) return rtError(RtCode.RUNTIME_EXCEPTION, persist);
  throw err;
}

async function messageSend(deps: ChatHandlerDeps, c: HandlerContext, env: rt.Envelope): Promise<Answer> {
  const msg = env.channel_message_send as rt.ChannelMessageSend;
  const stream = channelStream(msg.channel_id);
  if (stream === null) return BAD_CHANNEL;
  if (!isJsonObjectText(msg.content)) return BAD_CONTENT;
  const t = targetOf(c, stream, msg.channel_id);
  if (t === null) return badInput("Must join channel before sending messages");
  try {
    return reply({ channel_message_ack: await sendMessage(chatDeps(deps, c), t, msg.content) });
  } catch (err) {
    return failure(err, "", "Could not persist message to channel history");
  }
}

async function messageUpdate(deps: ChatHandlerDeps, c: HandlerContext, env: rt.Envelope): Promise<Answer> {
  const msg = env.channel_message_update as rt.ChannelMessageUpdate;
  if (parseUuid(msg.message_id) === null) return BAD_MESSAGE_ID;
  const stream = channelStream(msg.channel_id);
  if (stream === null) return BAD_CHANNEL;
  if (!isJsonObjectText(msg.content)) return BAD_CONTENT;
  const t = targetOf(c, stream, msg.channel_id);
  if (t === null) return badInput("Must join channel before updating messages");
  try {
    return reply({ channel_message_ack: await updateMessage(chatDeps(deps, c), t, msg.message_id, msg.content) });
  } catch (err) {
    return failure(err, "Could not find message to update in channel history", "Could not persist message update to channel history");
  }
}

async function messageRemove(deps: ChatHandlerDeps, c: HandlerContext, env: rt.Envelope): Promise<Answer> {
  const msg = env.channel_message_remove as rt.ChannelMessageRemove;
  if (parseUuid(msg.message_id) === null) return BAD_MESSAGE_ID;
  const stream = channelStream(msg.channel_id);
  if (stream === null) return BAD_CHANNEL;
  const t = targetOf(c, stream, msg.channel_id);
  if (t === null) return badInput("Must join channel before removing messages");
  try {
    return reply({ channel_message_ack: await removeMessage(chatDeps(deps, c), t, msg.message_id) });
  } catch (err) {
    return failure(err, "Could not find message to remove in channel history", "Could not persist message remove to channel history");
  }
}

/** The chat entries of the dispatch table (hook names ChannelJoin, ChannelLeave, ChannelMessageSend…). */
export function chatHandlers(deps: ChatHandlerDeps): HandlerTable {
  return {
    channel_join: { run: (c, env) => channelJoin(deps, c, env) },
    channel_leave: { run: channelLeave },
    channel_message_send: { run: (c, env) => messageSend(deps, c, env) },
    channel_message_update: { run: (c, env) => messageUpdate(deps, c, env) },
    channel_message_remove: { run: (c, env) => messageRemove(deps, c, env) },
  };
}

