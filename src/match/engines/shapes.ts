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
  /** Host function: `[text]`, a batch the guest collected (`replay`), sent before the guest goes on. */
  readonly batch: HostFn;
  /** Sends the batch held by `text` from index `start` on. */
  replay(text: string, start: number): void;
  /**
   * The match VM's io buffer, where kind 3 records' payloads are (set once the host can read it in
   * place). Read only on the VM's turn.
   */
  io: (() => Uint8Array | undefined) | undefined;
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
 * A batch is one text of records, each four chars (every value + 1, so no char is NUL): header
 * (kind + 4 if reliable), op code, sender slot (0: none), payload length; then the payload, except for
 * kind 3 (bytes): its payload is the next `length` bytes of the VM's io buffer (the batch's kind 3
 * payloads lie there end to end from offset 0). The guest batches only integer op codes below 0xD7FF,
 * payloads shorter than that, and senders already accepted.
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
    batch: ([text]) => {
      if (typeof text === "string") out.replay(text, 0);
    },
    replay: (text, start) => {
      let at = 0;
      for (let i = start; i + 3 < text.length; ) {
        const head = text.charCodeAt(i) - 1;
        const op = text.charCodeAt(i + 1) - 1;
        const slot = text.charCodeAt(i + 2) - 1;
        const n = text.charCodeAt(i + 3) - 1;
        let data: Uint8Array | null;
        if ((head & 3) === 3) {
          // Looked up per record: the view is new if the memory grew meanwhile.
          const io = out.io?.();
          if (io === undefined || at + n > io.length) throw matchError("broadcast bytes out of reach", Code.INTERNAL);
          // A copy of its own (pooled: no ArrayBuffer per broadcast).
          data = Buffer.from(io.subarray(at, at + n));
          at += n;
          i += 4;
        } else {
          data = bytes(head & 3, text.slice(i + 4, i + 4 + n));
          i += 4 + n;
        }
        const from = slot === 0 ? null : slots[slot];
        if (from === undefined) throw matchError("unknown sender in a broadcast batch", Code.INTERNAL);
        dispatch.broadcast(op, data, null, from, (head & 4) !== 0, false);
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
