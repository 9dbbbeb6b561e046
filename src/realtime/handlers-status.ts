// Owns the status handlers: status_follow (by user ids and usernames, checked against the users
// table), status_unfollow and status_update, with Nakama's validation messages. Followers receive
// `status_presence_event`s through the status registry when a followed user's status stream changes.
import type { Init, rt } from "../../proto/index.js";
import { EMPTY, reply, rtError, type Answer, type HandlerContext, type HandlerTable } from "./dispatch.js";
import { toUuid } from "./ids.js";
import { StreamMode, streamId } from "./tracker.js";
import { RtCode, wirePresence } from "./wire.js";

const NIL_UUID = "00000000-0000-0000-0000-000000000000";
const NO_ONE: Answer = reply({ status: { presences: [] } });

type Wanted = { ids: Set<string>; names: Set<string> } | Answer;

function wanted(c: HandlerContext, msg: rt.StatusFollow): Wanted {
  const ids = new Set<string>();
  for (const raw of msg.user_ids) {
    const id = toUuid(raw);
    if (id === null) return rtError(RtCode.BAD_INPUT, "Invalid user identifier");
    if (id !== c.session.userId) ids.add(id);
  }
  const names = new Set<string>();
  for (const name of msg.usernames) {
    if (name === "") return rtError(RtCode.BAD_INPUT, "Invalid username");
    if (name !== c.session.username) names.add(name);
  }
  return { ids, names };
}

/** The ids of existing users among `ids` and `names` (never the caller, never the system user). */
async function existing(c: HandlerContext, ids: Set<string>, names: Set<string>): Promise<Set<string>> {
  const db = c.core.deps.db;
  const rows =
    names.size === 0
      ? (await db.query<{ id: string }>("SELECT id FROM users WHERE id = ANY($1::UUID[])", [[...ids]])).rows
      : (await db.query<{ id: string }>("SELECT id FROM users WHERE id = ANY($1::UUID[]) OR username = ANY($2::TEXT[])", [[...ids], [...names]])).rows;
  const found = new Set<string>();
  for (const r of rows) if (r.id !== NIL_UUID && r.id !== c.session.userId) found.add(r.id);
  return found;
}

async function statusFollow(c: HandlerContext, env: rt.Envelope): Promise<Answer> {
  const msg = env.status_follow as rt.StatusFollow;
  if (msg.user_ids.length === 0 && msg.usernames.length === 0) return NO_ONE;
  const w = wanted(c, msg);
  if ("kind" in w) return w;
  if (w.ids.size === 0 && w.names.size === 0) return NO_ONE;
  let follow: Set<string>;
  try {
    follow = await existing(c, w.ids, w.names);
  } catch (err) {
    c.log.error({ err }, "error checking users in status follow");
    return rtError(RtCode.RUNTIME_EXCEPTION, "Could not check users");
  }
  const status = c.core.status;
  status.follow(c.session, follow);
  const presences: Init<rt.UserPresence>[] = [];
  for (const userId of follow) for (const p of status.presences(userId)) presences.push(wirePresence(p, true));
  return reply({ status: { presences } });
}

function statusUnfollow(c: HandlerContext, env: rt.Envelope): Answer {
  const msg = env.status_unfollow as rt.StatusUnfollow;
  const ids: string[] = [];
  for (const raw of msg.user_ids) {
    const id = toUuid(raw);
    if (id === null) return rtError(RtCode.BAD_INPUT, "Invalid user identifier");
    if (id !== c.session.userId) ids.push(id);
  }
  c.core.status.unfollow(c.session.id, ids);
  return EMPTY;
}

function statusUpdate(c: HandlerContext, env: rt.Envelope): Answer {
  const msg = env.status_update as rt.StatusUpdate;
  const s = c.session;
  const stream = streamId(StreamMode.STATUS, s.userId);
  if (msg.status === undefined) {
    c.core.tracker.untrack(s.id, stream);
    return EMPTY;
  }
  if (Buffer.byteLength(msg.status, "utf8") > 2048) return rtError(RtCode.BAD_INPUT, "Status must be 2048 characters or less");
  const ok = c.core.tracker.update(s, stream, { username: s.username, hidden: false, persistence: false, status: msg.status });
  return ok ? EMPTY : rtError(RtCode.RUNTIME_EXCEPTION, "Error tracking status update");
}

export const statusHandlers: HandlerTable = Object.freeze({
  status_follow: { run: statusFollow },
  status_unfollow: { run: statusUnfollow },
  status_update: { run: statusUpdate },
});
