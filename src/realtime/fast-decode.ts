// Owns the relay's inbound shortcut: a frame that is exactly one `match_data_send` (no cid, no
// presences, ASCII match id, small op code, non-empty data) is read directly into the same envelope the
// generic decoder would build. Protobuf: fields in order. JSON: the compact text JSON.stringify writes
// (no whitespace, no escapes, each of match_id / op_code / data / reliable / an empty presences list at
// most once, in any order, op code as a canonical decimal string or number, data in base64 of either
// alphabet). Anything else returns null and takes
// the generic decoder, so every error, odd encoding and unknown field is still judged there (tests
// compare the two).
import type { rt } from "../../proto/index.js";

/** Envelope field `match_data_send` (15), length-delimited. */
const TAG_MATCH_DATA_SEND = (15 << 3) | 2;
const TAG_MATCH_ID = (1 << 3) | 2;
const TAG_OP_CODE = 2 << 3;
const TAG_DATA = (3 << 3) | 2;
const TAG_RELIABLE = 5 << 3;

/** A varint of at most 4 bytes (< 2^28) at `pos`: value and next position, or -1 when longer or cut. */
function varint(b: Buffer, pos: number, end: number, out: { v: number; pos: number }): boolean {
  let v = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) return false;
    const x = b[pos++];
    v |= (x & 127) << shift;
    if (x < 128) {
      out.v = v;
      out.pos = pos;
      return true;
    }
  }
  return false;
}

function ascii(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] > 127) return false;
  return true;
}

/** The envelope of a plain match_data_send frame, or null (then decode it the generic way). */
export function decodeMatchDataSend(frame: Buffer): rt.Envelope | null {
  const end = frame.length;
  if (end < 2 || frame[0] !== TAG_MATCH_DATA_SEND) return null;
  const r = { v: 0, pos: 1 };
  if (!varint(frame, 1, end, r) || r.pos + r.v !== end) return null;
  let pos = r.pos;
  let matchId = "";
  let op = 0;
  let data: Uint8Array | null = null;
  let reliable = false;
  let last = 0;
  while (pos < end) {
    const tag = frame[pos++];
    const field = tag >>> 3;
    if (field <= last) return null; // repeated or out of order: the generic decoder's rules apply
    last = field;
    if (tag === TAG_MATCH_ID) {
      if (!varint(frame, pos, end, r) || r.pos + r.v > end || !ascii(frame, r.pos, r.pos + r.v)) return null;
      matchId = frame.toString("latin1", r.pos, r.pos + r.v);
      pos = r.pos + r.v;
    } else if (tag === TAG_OP_CODE) {
      if (!varint(frame, pos, end, r)) return null;
      op = r.v;
      pos = r.pos;
    } else if (tag === TAG_DATA) {
      if (!varint(frame, pos, end, r) || r.v === 0 || r.pos + r.v > end) return null;
      data = new Uint8Array(frame.buffer, frame.byteOffset + r.pos, r.v);
      pos = r.pos + r.v;
    } else if (tag === TAG_RELIABLE) {
      if (pos >= end || frame[pos] > 1) return null;
      reliable = frame[pos++] === 1;
    } else {
      return null;
    }
  }
  if (data === null) return null;
  return { cid: "", match_data_send: { match_id: matchId, op_code: String(op), data, presences: [], reliable } };
}

// ---- JSON ---------------------------------------------------------------------------------------

const Q = 0x22; // "
const COMMA = 0x2c;
const CLOSE = 0x7d; // }
/** `{"match_data_send":{` */
const JSON_HEAD = Buffer.from('{"match_data_send":{', "latin1");
const K_MATCH_ID = Buffer.from('"match_id":"', "latin1");
const K_OP_CODE = Buffer.from('"op_code":', "latin1");
const K_PRESENCES_NONE = Buffer.from('"presences":[]', "latin1");
const K_DATA = Buffer.from('"data":"', "latin1");
const K_RELIABLE = Buffer.from('"reliable":', "latin1");
const TRUE = Buffer.from("true", "latin1");
const FALSE = Buffer.from("false", "latin1");

/** Base64 digit values of both alphabets (standard and URL-safe, as protojson accepts); -1 elsewhere. */
const B64 = ((): Int8Array => {
  const t = new Int8Array(256).fill(-1);
  const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (let i = 0; i < std.length; i++) t[std.charCodeAt(i)] = i;
  t[0x2b] = t[0x2d] = 62; // + -
  t[0x2f] = t[0x5f] = 63; // / _
  return t;
})();

function at(b: Buffer, pos: number, lit: Buffer): boolean {
  if (pos + lit.length > b.length) return false;
  for (let i = 0; i < lit.length; i++) if (b[pos + i] !== lit[i]) return false;
  return true;
}

/** End (the closing quote) of a JSON string body of printable ASCII without escapes, or -1. */
function plainString(b: Buffer, pos: number): number {
  for (let i = pos; i < b.length; i++) {
    const c = b[i];
    if (c === Q) return i;
    if (c < 0x20 || c > 0x7e || c === 0x5c) return -1; // control, non-ASCII, backslash
  }
  return -1;
}

/**
 * Base64 text in b[start, end) decoded as the generic decoder does (proto base64Decode: padded with
 * length a multiple of 4, or unpadded with length % 4 ≠ 1), into a fresh Uint8Array; null otherwise.
 */
function base64(b: Buffer, start: number, end: number): Uint8Array | null {
  let n = end - start;
  if (n === 0) return null;
  let pad = 0;
  if (b[end - 1] === 0x3d) pad = b[end - 2] === 0x3d ? 2 : 1;
  if ((pad > 0 && n % 4 !== 0) || n % 4 === 1) return null;
  n -= pad;
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  const T = B64;
  const whole = start + n - (n % 4);
  let o = 0;
  let i = start;
  for (; i < whole; i += 4) {
    const c0 = T[b[i]];
    const c1 = T[b[i + 1]];
    const c2 = T[b[i + 2]];
    const c3 = T[b[i + 3]];
    if ((c0 | c1 | c2 | c3) < 0) return null;
    const v = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  const rest = start + n - i; // 0, 2 or 3 digits (a whole group less its padding)
  if (rest >= 2) {
    const c0 = T[b[i]];
    const c1 = T[b[i + 1]];
    const c2 = rest === 3 ? T[b[i + 2]] : 0;
    if ((c0 | c1 | c2) < 0) return null;
    const v = (c0 << 18) | (c1 << 12) | (c2 << 6);
    out[o++] = v >>> 16;
    if (rest === 3) out[o++] = (v >>> 8) & 255;
  }
  return out;
}

/** The envelope of a plain JSON match_data_send frame, or null (then decode it the generic way). */
export function decodeMatchDataSendJson(frame: Buffer): rt.Envelope | null {
  const end = frame.length;
  if (!at(frame, 0, JSON_HEAD) || frame[end - 1] !== CLOSE || frame[end - 2] !== CLOSE) return null;
  const last = end - 2; // the inner object's closing brace
  let pos = JSON_HEAD.length;
  let matchId: string | null = null;
  let op = -1;
  let data: Uint8Array | null = null;
  let reliable: boolean | null = null;
  let presences = false;
  for (;;) {
    if (matchId === null && at(frame, pos, K_MATCH_ID)) {
      const s = pos + K_MATCH_ID.length;
      const e = plainString(frame, s);
      if (e < 0) return null;
      matchId = frame.toString("latin1", s, e);
      pos = e + 1;
    } else if (op < 0 && at(frame, pos, K_OP_CODE)) {
      // A numeric string or a number (as the Nakama JavaScript client sends it), canonical decimal.
      const quoted = frame[pos + K_OP_CODE.length] === Q;
      const s = pos + K_OP_CODE.length + (quoted ? 1 : 0);
      let e = s;
      let v = 0;
      while (e < end && e - s < 9 && frame[e] >= 0x30 && frame[e] <= 0x39) v = v * 10 + frame[e++] - 0x30;
      if (e === s || (frame[s] === 0x30 && e - s > 1)) return null;
      if (quoted) {
        if (frame[e] !== Q) return null;
        e++;
      } else if (frame[e] !== COMMA && frame[e] !== CLOSE) {
        return null; // a fraction, an exponent…
      }
      op = v;
      pos = e;
    } else if (!presences && at(frame, pos, K_PRESENCES_NONE)) {
      presences = true;
      pos += K_PRESENCES_NONE.length;
    } else if (data === null && at(frame, pos, K_DATA)) {
      const s = pos + K_DATA.length;
      const e = plainString(frame, s);
      if (e < 0) return null;
      data = base64(frame, s, e);
      if (data === null) return null;
      pos = e + 1;
    } else if (reliable === null && at(frame, pos, K_RELIABLE)) {
      const s = pos + K_RELIABLE.length;
      if (at(frame, s, TRUE)) {
        reliable = true;
        pos = s + TRUE.length;
      } else if (at(frame, s, FALSE)) {
        reliable = false;
        pos = s + FALSE.length;
      } else {
        return null;
      }
    } else {
      return null;
    }
    if (pos === last) break;
    if (frame[pos] !== COMMA || pos + 1 >= last) return null;
    pos++;
  }
  if (data === null) return null;
  return {
    cid: "",
    match_data_send: { match_id: matchId ?? "", op_code: String(op < 0 ? 0 : op), data, presences: [], reliable: reliable ?? false },
  };
}
