// Owns the guest-side shapes of match values and the dispatcher's argument rules, per language:
//   JS / native: presences {userId, sessionId, username, node[, reason]}, messages {sender, opCode,
//     data: ArrayBuffer|null (Uint8Array for native), reliable, receiveTimeMs};
//   Lua: presences {user_id, session_id, username, node[, reason]}, messages {sender, op_code, data
//     (a byte string or nil), reliable, receive_time_ms}.
// Dispatcher arguments are checked with Nakama's texts (runtime_javascript_match_core.go /
// runtime_lua_match_core.go) and handed to the match's MatchDispatch as host values.
import { Code } from "../../errors.js";
import { Args, isAbsent, isPlainObject, type Lang } from "../../runtime/nk/args.js";
import { toUuid } from "../../realtime/index.js";
import { matchError, type MatchDispatch, type MatchMessage, type MatchPresence, type PresenceTarget, type SenderPresence } from "../types.js";

type Obj = Record<string, unknown>;

const KEYS = {
  js: { userId: "userId", sessionId: "sessionId", opCode: "opCode", receiveTime: "receiveTimeMs" },
  lua: { userId: "user_id", sessionId: "session_id", opCode: "op_code", receiveTime: "receive_time_ms" },
} as const;

/** A presence in the guest's shape; `withReason` for matchJoin/matchLeave lists. */
export function guestPresence(lang: Lang, p: MatchPresence, withReason: boolean): Obj {
  const k = KEYS[lang];
  const o: Obj = { [k.userId]: p.userId, [k.sessionId]: p.sessionId, username: p.username, node: p.node };
  if (withReason) o.reason = p.reason;
  return o;
}

export function guestPresences(lang: Lang, ps: readonly MatchPresence[]): Obj[] {
  return ps.map((p) => guestPresence(lang, p, true));
}

export function guestMessages(lang: Lang, ms: readonly MatchMessage[]): Obj[] {
  const k = KEYS[lang];
  return ms.map((m) => ({
    sender: guestPresence(lang, m.sender, false),
    [k.opCode]: m.opCode,
    data: m.data,
    reliable: m.reliable,
    [k.receiveTime]: m.receiveTimeMs,
  }));
}

function listOf(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  // Lua's empty table arrives as {}.
  if (isPlainObject(v) && Object.keys(v).length === 0) return [];
  return null;
}

function sessionOf(a: Args, p: Obj): string {
  const k = KEYS[a.lang];
  const v = p[k.sessionId];
  if (a.lang === "lua") {
    const sid = typeof v === "string" ? toUuid(v) : null;
    if (sid === null || typeof p.node !== "string" || p.node === "") throw matchError("expects each presence to have a valid session_id and node");
    return sid;
  }
  if (isAbsent(v)) throw matchError("presence is expected to contain a 'sessionId'");
  if (typeof v !== "string") throw matchError("expects a 'sessionId' string");
  const sid = toUuid(v);
  if (sid === null) throw matchError("expects a valid 'sessionId'");
  if (isAbsent(p.node)) throw matchError("expects presence to contain a 'node'");
  if (typeof p.node !== "string") throw matchError("expects a 'nodeId' string");
  return sid;
}

/** Broadcast targets: null for everybody. */
function targets(a: Args, i: number): PresenceTarget[] | null {
  const v = a.get(i);
  if (isAbsent(v)) return null;
  const list = listOf(v);
  if (list === null) throw matchError(a.lang === "lua" ? "expects a valid set of presences" : "expects an array of presences or nil");
  return list.map((p) => {
    if (!isPlainObject(p)) throw matchError(a.lang === "lua" ? "expects a valid set of presences" : "expects an array of presences or nil");
    return { sessionId: sessionOf(a, p), node: p.node as string };
  });
}

function uuidField(p: Obj, key: string, what: string): string {
  const v = p[key];
  if (isAbsent(v)) throw matchError(`expects presence to contain '${key}'`);
  if (typeof v !== "string") throw matchError(`expects presence to contain '${key}' string`);
  if (toUuid(v) === null) throw matchError(`expects presence to contain valid ${what}`);
  return v;
}

function sender(a: Args, i: number): SenderPresence | null {
  const v = a.get(i);
  if (isAbsent(v)) return null;
  if (!isPlainObject(v)) throw matchError(a.lang === "lua" ? "expects sender to be a table" : "expects sender to be an object");
  const k = KEYS[a.lang];
  const userId = uuidField(v, k.userId, "userId");
  const sessionId = uuidField(v, k.sessionId, "sessionId");
  const username = v.username;
  if (isAbsent(username)) throw matchError("presence is expected to contain a 'username'");
  if (typeof username !== "string") throw matchError("expects a 'username' string");
  return { userId, sessionId, username };
}

function payload(a: Args, i: number): Uint8Array | null {
  const v = a.get(i);
  if (isAbsent(v)) return null;
  if (v instanceof Uint8Array) return v;
  if (typeof v === "string") return Buffer.from(v, "utf8");
  throw matchError(a.lang === "lua" ? "expects data to be a string or nil" : "expects data to be an ArrayBuffer, a string or nil");
}

function broadcast(dispatch: MatchDispatch, a: Args, deferred: boolean): void {
  const opCode = a.int(0);
  const data = payload(a, 1);
  const to = targets(a, 2);
  const from = sender(a, 3);
  const reliable = a.optBool(4, true);
  dispatch.broadcast(opCode, data, to, from, reliable, deferred);
}

function kick(dispatch: MatchDispatch, a: Args): void {
  const v = a.get(0);
  if (isAbsent(v)) return;
  const list = listOf(v);
  const bad = a.lang === "lua" ? "expects a valid set of presences" : "expects an array of presence objects";
  if (list === null) throw matchError(bad);
  const out: PresenceTarget[] = [];
  for (const p of list) {
    if (!isPlainObject(p)) throw matchError(bad);
    const userId = uuidField(p, KEYS[a.lang].userId, "userId");
    out.push({ userId, sessionId: sessionOf(a, p), node: p.node as string });
  }
  dispatch.kick(out);
}

function labelUpdate(dispatch: MatchDispatch, a: Args): void {
  const label = a.str(0);
  try {
    dispatch.updateLabel(label);
  } catch (err) {
    throw matchError(`error updating match label: ${(err as Error).message}`);
  }
}

export type HostFn = (args: unknown[]) => unknown;

/** JS's broadcast paths besides the generic functions (see `jsBroadcasts`). */
export interface JsBroadcasts {
  /** Host function: one broadcast, sent (or deferred) at once. */
  readonly fast: HostFn;
  /** Host function: `[batch]`, a batch the guest collected (`replay`), sent before the guest goes on. */
  readonly batch: HostFn;
  /** Sends the batch a guest value announces (see `isBatch`). */
  replay(batch: string | number): void;
  /**
   * The match VM's io buffer, where the batch's records and kind 3 payloads are (set once the host can
   * read it in place; the guest batches nothing before). Read only on the VM's turn.
   */
  io: GuestIo | undefined;
}

/** A match VM's io buffer, read in place: undefined when out of reach. */
export interface GuestIo {
  bytes(): Uint8Array | undefined;
  /** The same bytes as uint16s (after bytes() in the same turn). */
  uint16(): Uint16Array;
}

/**
 * Bytes of a match VM's io buffer: a tick's input (when it fits; tick and message count in its last two
 * float64s), the batched broadcasts' kind 3 payloads (the first IO_PAYLOAD_BYTES) and the batch's
 * records (from IO_RECORDS_AT: a uint16 count, then up to IO_RECORDS records), read and written in place
 * by the host.
 */
export const IO_BYTES = 2048;
export const IO_PAYLOAD_BYTES = 1024;
export const IO_RECORDS_AT = 1024;
export const IO_RECORDS = 125;

/** A batch with no string payloads comes as its code plus this (codes are below it). */
export const BATCHED = 16;

/** A guest call's value that announces a batch (else it is a plain code, or null). */
export function isBatch(v: unknown): v is string | number {
  return typeof v === "string" || (typeof v === "number" && v >= BATCHED);
}

/** The code a batch announcement carries. */
export function batchCode(v: string | number): number {
  return typeof v === "number" ? v - BATCHED : v.charCodeAt(0) - 48;
}

/**
 * Sender slots per match: the guest numbers each sender the host accepted (1 … SENDER_SLOTS - 1) and
 * starts over past that; batches name senders by slot.
 */
export const SENDER_SLOTS = 1024;

/**
 * JS's fast broadcasts: the guest-side dispatcher (engines/js.ts) hands over only primitives, which
 * cross the VM boundary several times cheaper than objects and ArrayBuffers. Same checks and texts as
 * the generic path.
 *
 * `fast(op, kind, payload, key, reliable, deferred, slot)`: one broadcast at once; data kind 0 none /
 * 1 text / 2 bytes as latin1 text (NULs as U+0100), key "userId|sessionId|username" (checked here: a bad
 * one fails at the guest's call); a slot > 0 remembers the accepted sender under that number.
 *
 * A batch is records in the VM's io buffer (their count at IO_RECORDS_AT, then four uint16s each:
 * kind + 4 if reliable, op code, sender slot (0: none), payload length), handed over as a value: the
 * code + BATCHED, or a text whose first char is the code's digit followed by the string payloads of
 * kinds 1 and 2 end to end (`length` chars each); kind 3's payload (bytes) is the next `length` bytes of
 * io (the batch's kind 3 payloads lie there end to end from offset 0). The guest batches only integer
 * op codes below 0xD7FF, payloads shorter than that, and senders already accepted.
 */
export function jsBroadcasts(dispatch: MatchDispatch): JsBroadcasts {
  const slots: Array<SenderPresence | undefined> = [];
  const senderOf = (name: string, key: string): SenderPresence => {
    // "userId|sessionId|username": the ids never hold "|", the username may.
    const i = key.indexOf("|");
    const j = key.indexOf("|", i + 1);
    const [userId, sessionId, username] = [key.slice(0, i), key.slice(i + 1, j), key.slice(j + 1)];
    const from = sender(new Args("js", name, [null, null, null, { userId, sessionId, username }]), 3);
    if (from === null) throw matchError("expects sender to be an object");
    return from;
  };
  // kind 2: latin1 text (NULs come as U+0100: latin1 decoding keeps the low byte of each char).
  const bytes = (kind: number, payload: string): Uint8Array | null =>
    kind === 1 ? Buffer.from(payload, "utf8") : kind === 2 ? Buffer.from(payload, "latin1") : null;
  const out: JsBroadcasts = {
    fast: ([op, kind, payload, key, reliable, deferred, slot]) => {
      const name = deferred === true ? "broadcastMessageDeferred" : "broadcastMessage";
      const opCode = new Args("js", name, [op]).int(0);
      const data = bytes(kind as number, payload as string);
      const from = typeof key === "string" ? senderOf(name, key) : null;
      if (from !== null && typeof slot === "number" && slot > 0 && slot < SENDER_SLOTS) slots[slot] = from;
      dispatch.broadcast(opCode, data, null, from, reliable !== false, deferred === true);
    },
    batch: ([batch]) => {
      if (isBatch(batch)) out.replay(batch);
    },
    replay: (batch) => {
      const guest = out.io;
      const base = IO_RECORDS_AT >> 1;
      if (guest === undefined || guest.bytes() === undefined) throw matchError("broadcast bytes out of reach", Code.INTERNAL);
      const count = guest.uint16()[base];
      if (count > IO_RECORDS) throw matchError("broadcast batch out of reach", Code.INTERNAL);
      const text = typeof batch === "string" ? batch : "";
      let at = 0;
      let i = 1;
      for (let r = base + 1, end = base + 1 + 4 * count; r < end; r += 4) {
        // Looked up per record: the views are new if the memory grew meanwhile.
        const io = guest.bytes();
        if (io === undefined) throw matchError("broadcast bytes out of reach", Code.INTERNAL);
        const rv = guest.uint16();
        const head = rv[r];
        const n = rv[r + 3];
        let data: Uint8Array | null;
        if ((head & 3) === 3) {
          if (at + n > IO_PAYLOAD_BYTES) throw matchError("broadcast bytes out of reach", Code.INTERNAL);
          // A copy of its own (pooled: no ArrayBuffer per broadcast).
          data = Buffer.from(io.subarray(at, at + n));
          at += n;
        } else if (n > 0) {
          data = bytes(head & 3, text.slice(i, i + n));
          i += n;
        } else data = bytes(head & 3, "");
        const slot = rv[r + 2];
        const from = slot === 0 ? null : slots[slot];
        if (from === undefined) throw matchError("unknown sender in a broadcast batch", Code.INTERNAL);
        dispatch.broadcast(rv[r + 1], data, null, from, (head & 4) !== 0, false);
      }
    },
    io: undefined,
  };
  return out;
}

/** The dispatcher as host functions named in the guest's language. */
export function dispatcherFunctions(lang: Lang, dispatch: MatchDispatch): Record<string, HostFn> {
  const names = lang === "lua"
    ? ["broadcast_message", "broadcast_message_deferred", "match_kick", "match_label_update"]
    : ["broadcastMessage", "broadcastMessageDeferred", "matchKick", "matchLabelUpdate"];
  const args = (i: number, v: unknown[]): Args => new Args(lang, names[i], v);
  return {
    [names[0]]: (v) => void broadcast(dispatch, args(0, v), false),
    [names[1]]: (v) => void broadcast(dispatch, args(1, v), true),
    [names[2]]: (v) => void kick(dispatch, args(2, v)),
    [names[3]]: (v) => void labelUpdate(dispatch, args(3, v)),
  };
}
