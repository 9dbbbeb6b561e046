// Owns channel history listing (GET /v2/channel/{channel_id}, nk.channelMessagesList) with Nakama's
// rules: rooms are open to anyone, group history to members (role ≤ member), DM history to its two
// users (the runtime, caller "", skips the checks); pages are ordered by (create_time, id) forward or
// backward; `next_cursor` continues in the listing's direction, `prev_cursor` goes back (only on a page
// reached with a cursor), and `cacheable_cursor` points after the newest message seen so a client can
// later ask for "anything new". A cursor only fits the channel and direction it was made for.
//
// Cursors are opaque to clients: base64 of a small JSON array (Nakama uses Go's gob; no client reads it).
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import type { Queryable } from "../../storage/db.js";
import { StreamMode, type StreamId } from "../tracker.js";
import { channelNames, streamColumns } from "./ids.js";

/** Nakama's runtime errors of a listing (ErrChannelCursorInvalid, ErrChannelGroupNotFound, ErrChannelIDInvalid). */
export const HistoryFailure = {
  cursorInvalid: "invalid channel cursor",
  groupNotFound: "group not found",
  channelInvalid: "invalid channel id",
} as const;

export interface HistoryDeps {
  db: Queryable;
  log: Logger;
  /** Group membership (superadmin, admin or member) of a user. */
  isGroupMember(groupId: string, userId: string): Promise<boolean>;
}

export interface HistoryQuery {
  stream: StreamId;
  /** The channel id as given (each message carries it). */
  channelId: string;
  /** "" for the runtime (no permission checks). */
  callerId: string;
  limit: number;
  forward: boolean;
  cursor: string;
}

interface Cursor {
  mode: number;
  subject: string;
  subcontext: string;
  label: string;
  /** Unix seconds. */
  createTime: number;
  id: string;
  forward: boolean;
  isNext: boolean;
}

export function encodeHistoryCursor(c: Cursor): string {
  const v = [c.mode, c.subject, c.subcontext, c.label, c.createTime, c.id, c.forward, c.isNext];
  return Buffer.from(JSON.stringify(v), "utf8").toString("base64");
}

export function decodeHistoryCursor(text: string): Cursor | null {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v.length !== 8) return null;
  const [mode, subject, subcontext, label, createTime, id, forward, isNext] = v as unknown[];
  if (typeof mode !== "number" || typeof subject !== "string" || typeof subcontext !== "string" || typeof label !== "string") return null;
  if (typeof createTime !== "number" || !Number.isSafeInteger(createTime) || typeof id !== "string" || !/^[0-9a-f-]{36}$/.test(id)) return null;
  if (typeof forward !== "boolean" || typeof isNext !== "boolean") return null;
  return { mode, subject, subcontext, label, createTime, id, forward, isNext };
}

function fits(c: Cursor, q: HistoryQuery): boolean {
  const s = q.stream;
  return c.forward === q.forward && c.mode === s.mode && c.subject === s.subject && c.subcontext === s.subcontext && c.label === s.label;
}

async function checkAccess(deps: HistoryDeps, q: HistoryQuery): Promise<void> {
  if (q.callerId === "") return;
  const s = q.stream;
  if (s.mode === StreamMode.GROUP) {
    if (!(await deps.isGroupMember(s.subject, q.callerId))) throw new GameError(Code.INVALID_ARGUMENT, HistoryFailure.groupNotFound);
  } else if (s.mode === StreamMode.DM && s.subject !== q.callerId && s.subcontext !== q.callerId) {
    throw new GameError(Code.INVALID_ARGUMENT, HistoryFailure.channelInvalid);
  }
}

interface Row {
  id: string;
  code: number;
  sender_id: string;
  username: string;
  content: string;
  create_time: Date;
  update_time: Date;
}

function selectFor(q: HistoryQuery, incoming: Cursor | null): { sql: string; params: unknown[] } {
  const params: unknown[] = [...streamColumns(q.stream), q.limit + 1];
  let sql = `SELECT id, code, sender_id, username, content::TEXT AS content, create_time, update_time FROM message
WHERE stream_mode = $1 AND stream_subject = $2::UUID AND stream_descriptor = $3::UUID AND stream_label = $4`;
  if (incoming === null) {
    sql += q.forward ? " ORDER BY create_time ASC, id ASC" : " ORDER BY create_time DESC, id DESC";
  } else {
    params.push(new Date(incoming.createTime * 1000), incoming.id);
    // Forward and next page is the same walk as backward and previous page (and vice versa).
    sql += q.forward === incoming.isNext
      ? " AND (create_time, id) > ($6, $7::UUID) ORDER BY create_time ASC, id ASC"
      : " AND (create_time, id) < ($6, $7::UUID) ORDER BY create_time DESC, id DESC";
  }
  return { sql: `${sql} LIMIT $5`, params };
}

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

function cursorAt(q: HistoryQuery, createTime: number, id: string, isNext: boolean): Cursor {
  const s = q.stream;
  return { mode: s.mode, subject: s.subject, subcontext: s.subcontext, label: s.label, createTime, id, forward: q.forward, isNext };
}

/**
 * One page of a channel's history. Throws GameError with a HistoryFailure text for a bad cursor, a
 * group the caller is not in, or a DM that is not the caller's; database errors propagate.
 */
export async function listChannelMessages(deps: HistoryDeps, q: HistoryQuery): Promise<api.ChannelMessageList> {
  let incoming: Cursor | null = null;
  if (q.cursor !== "") {
    incoming = decodeHistoryCursor(q.cursor);
    if (incoming === null || !fits(incoming, q)) throw new GameError(Code.INVALID_ARGUMENT, HistoryFailure.cursorInvalid);
  }
  await checkAccess(deps, q);
  const { sql, params } = selectFor(q, incoming);
  const rows = (await deps.db.query<Row>(sql, params)).rows;
  const names = channelNames(q.stream);
  const messages: api.ChannelMessage[] = [];
  let next: Cursor | null = null;
  let prev: Cursor | null = null;
  for (const r of rows) {
    if (messages.length >= q.limit) {
      // The extra row proves there is more; the cursor is the last row returned, as Nakama's.
      const last = messages[messages.length - 1];
      next = cursorAt(q, seconds(last.create_time as Date), last.message_id, true);
      break;
    }
    messages.push({
      channel_id: q.channelId, message_id: r.id, code: r.code, sender_id: r.sender_id, username: r.username,
      content: r.content, create_time: new Date(seconds(r.create_time) * 1000), update_time: new Date(seconds(r.update_time) * 1000),
      persistent: true, ...names,
    });
    if (incoming !== null && prev === null) prev = cursorAt(q, seconds(r.create_time), r.id, false);
  }
  if (incoming !== null && !incoming.isNext) {
    // A previous-page walk ran the other way: restore the listing's order and swap the cursors.
    [next, prev] = [prev, next];
    if (next !== null) next.isNext = true;
    if (prev !== null) prev.isNext = false;
    messages.reverse();
  }
  return { messages, next_cursor: next === null ? "" : encodeHistoryCursor(next), prev_cursor: prev === null ? "" : encodeHistoryCursor(prev), cacheable_cursor: cacheable(q, messages, incoming) };
}

function cacheable(q: HistoryQuery, messages: readonly api.ChannelMessage[], incoming: Cursor | null): string {
  const last = messages[messages.length - 1];
  if (last !== undefined) {
    return encodeHistoryCursor({ ...cursorAt(q, seconds(last.create_time as Date), last.message_id, true), forward: true });
  }
  if (incoming === null) return "";
  return encodeHistoryCursor(q.forward ? incoming : { ...incoming, forward: true, isNext: true });
}
