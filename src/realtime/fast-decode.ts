// Owns the relay's inbound shortcut: a protobuf frame that is exactly one `match_data_send` (no cid, no
// presences, fields in order, ASCII match id, small op code, non-empty data) is read directly into the
// same envelope decodeBinary would build. Anything else returns null and takes the generic decoder, so
// every error, odd encoding and unknown field is still judged there (tests compare the two).
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
