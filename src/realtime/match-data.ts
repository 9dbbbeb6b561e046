// Owns the `match_data` outgoing envelope of the hot paths (relayed messages and authoritative matches'
// broadcasts): an Outgoing that writes its bytes directly (one pooled buffer per format, the sender's
// presence and the match id encoded once: per session for the relay, per sender in a match's
// dispatcher) instead of walking the generic codec. The bytes are exactly those of encodeBinary /
// toJson for the same envelope (tests compare them); any value outside the fast path's shapes (an op
// code that is not a small non-negative integer) falls back to the generic codec.
import { encodeBinary, rt, toJson, type Init } from "../../proto/index.js";
import type { ByteSlab } from "../transport/index.js";
import { Outgoing, type SessionFormat } from "./outgoing.js";
import type { SessionHandle } from "./session.js";
import { selfPresence } from "./wire.js";

/** Envelope field `match_data` (14), length-delimited. */
const TAG_ENVELOPE_MATCH_DATA = (14 << 3) | 2;
const TAG_MATCH_ID = (1 << 3) | 2;
const TAG_PRESENCE = (2 << 3) | 2;
const TAG_OP_CODE = 3 << 3;
const TAG_DATA = (4 << 3) | 2;
const TAG_RELIABLE = 5 << 3;

function varintSize(v: number): number {
  let n = 1;
  while (v > 127) {
    v >>>= 7;
    n++;
  }
  return n;
}

function putVarint(buf: Buffer, pos: number, v: number): number {
  while (v > 127) {
    buf[pos++] = (v & 127) | 128;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** The op code as a number when the fast path can write it (0 ≤ n < 2^31, canonical text); else -1. */
function smallOpCode(op: string | number): number {
  if (typeof op === "number") return Number.isInteger(op) && op >= 0 && op <= 0x7fffffff ? op : -1;
  if (op.length === 0 || op.length > 10) return -1;
  const n = Number(op);
  return Number.isInteger(n) && n >= 0 && n <= 0x7fffffff && String(n) === op ? n : -1;
}

/** A match id's encodings (UTF-8, and as JSON text), made once each on first demand. */
export class MatchIdBytes {
  private utf8Bytes: Buffer | null = null;
  private jsonBytes: Buffer | null = null;

  constructor(readonly text: string) {}

  utf8(): Buffer {
    return (this.utf8Bytes ??= Buffer.from(this.text, "utf8"));
  }

  json(): Buffer {
    return (this.jsonBytes ??= Buffer.from(JSON.stringify(this.text), "utf8"));
  }
}

/**
 * A sender's presence, encoded once per format: kept on the session for its relayed messages, and per
 * sender by a match's dispatcher for authoritative broadcasts.
 */
export class PresenceBytes {
  private bin: Buffer | null = null;
  private json: Buffer | null = null;
  /** The match id this sender last relayed to (a sender relays to one match). */
  private lastId: MatchIdBytes | null = null;

  constructor(readonly presence: Init<rt.UserPresence>) {}

  binary(): Buffer {
    return (this.bin ??= Buffer.from(encodeBinary(rt.UserPresence, this.presence)));
  }

  /** The presence as JSON text, UTF-8. */
  text(): Buffer {
    return (this.json ??= Buffer.from(toJson(rt.UserPresence, this.presence), "utf8"));
  }

  /** `matchId`'s encodings, kept while the sender relays to the same match. */
  matchId(matchId: string): MatchIdBytes {
    const last = this.lastId;
    if (last !== null && last.text === matchId) return last;
    return (this.lastId = new MatchIdBytes(matchId));
  }
}

/** The sender's cached presence bytes (created on its first relayed message). */
export function presenceBytesOf(s: SessionHandle): PresenceBytes {
  return (s.selfPresenceBytes ??= new PresenceBytes(selfPresence(s)));
}

/** A relayed `match_data` from session `sender` to the relayed match `matchId`. */
export function relayedMatchData(slab: ByteSlab, sender: SessionHandle, matchId: string, opCode: string, data: Uint8Array, reliable: boolean): MatchDataOutgoing {
  const presence = presenceBytesOf(sender);
  return new MatchDataOutgoing(slab, presence.matchId(matchId), presence, opCode, data, reliable);
}

/**
 * A `match_data` envelope (relayed, or an authoritative match's broadcast): encoded once per format, on
 * first demand. `presence` null: no sender.
 */
export class MatchDataOutgoing extends Outgoing {
  constructor(
    private readonly slab: ByteSlab,
    private readonly id: MatchIdBytes,
    private readonly presence: PresenceBytes | null,
    /** The text of an int64 (relayed: as the client sent it), or an integer (a match's broadcast). */
    private readonly opCode: string | number,
    private readonly data: Uint8Array,
    private readonly reliable: boolean,
  ) {
    super(null);
  }

  protected override build(): Init<rt.Envelope> {
    const { id, presence, opCode, data, reliable } = this;
    const matchData: Init<rt.MatchData> = { match_id: id.text, op_code: String(opCode), data, reliable };
    if (presence !== null) matchData.presence = presence.presence;
    return { match_data: matchData };
  }

  protected override encode(format: SessionFormat): Uint8Array {
    const op = smallOpCode(this.opCode);
    if (op < 0) return super.encode(format);
    return format === "protobuf" ? this.binary(op) : this.text(op);
  }

  private binary(op: number): Uint8Array {
    const id = this.id.utf8();
    const idLen = id.length;
    const pres = this.presence === null ? null : this.presence.binary();
    const dataLen = this.data.length;
    let inner = 0;
    if (idLen > 0) inner += 1 + varintSize(idLen) + idLen;
    if (pres !== null) inner += 1 + varintSize(pres.length) + pres.length;
    if (op !== 0) inner += 1 + varintSize(op);
    if (dataLen > 0) inner += 1 + varintSize(dataLen) + dataLen;
    if (this.reliable) inner += 2;
    const buf = this.slab.take(1 + varintSize(inner) + inner);
    buf[0] = TAG_ENVELOPE_MATCH_DATA;
    let pos = putVarint(buf, 1, inner);
    if (idLen > 0) {
      buf[pos++] = TAG_MATCH_ID;
      pos = putVarint(buf, pos, idLen);
      buf.set(id, pos);
      pos += idLen;
    }
    if (pres !== null) {
      buf[pos++] = TAG_PRESENCE;
      pos = putVarint(buf, pos, pres.length);
      buf.set(pres, pos);
      pos += pres.length;
    }
    if (op !== 0) {
      buf[pos++] = TAG_OP_CODE;
      pos = putVarint(buf, pos, op);
    }
    if (dataLen > 0) {
      buf[pos++] = TAG_DATA;
      pos = putVarint(buf, pos, dataLen);
      buf.set(this.data, pos);
      pos += dataLen;
    }
    if (this.reliable) {
      buf[pos++] = TAG_RELIABLE;
      buf[pos++] = 1;
    }
    return buf;
  }

  private text(op: number): Uint8Array {
    const id = this.id.text === "" ? null : this.id.json();
    const pres = this.presence === null ? null : this.presence.text();
    const opText = op === 0 ? "" : String(op);
    const dataLen = this.data.length;
    // Fields present, each but the first after a comma.
    let fields = 0;
    let size = J_HEAD.length + 2;
    if (id !== null) {
      size += J_MATCH_ID.length + id.length;
      fields++;
    }
    if (pres !== null) {
      size += J_PRESENCE.length + pres.length;
      fields++;
    }
    if (op !== 0) {
      size += J_OP_CODE.length + opText.length + 1;
      fields++;
    }
    if (dataLen > 0) {
      size += J_DATA.length + 4 * Math.ceil(dataLen / 3) + 1;
      fields++;
    }
    if (this.reliable) {
      size += J_RELIABLE.length;
      fields++;
    }
    if (fields > 1) size += fields - 1;
    const buf = this.slab.take(size);
    buf.set(J_HEAD, 0);
    const first = J_HEAD.length;
    let pos = first;
    if (id !== null) {
      buf.set(J_MATCH_ID, pos);
      pos += J_MATCH_ID.length;
      buf.set(id, pos);
      pos += id.length;
    }
    if (pres !== null) {
      if (pos !== first) buf[pos++] = 0x2c; // ,
      buf.set(J_PRESENCE, pos);
      pos += J_PRESENCE.length;
      buf.set(pres, pos);
      pos += pres.length;
    }
    if (op !== 0) {
      if (pos !== first) buf[pos++] = 0x2c;
      buf.set(J_OP_CODE, pos);
      pos += J_OP_CODE.length;
      for (let i = 0; i < opText.length; i++) buf[pos++] = opText.charCodeAt(i);
      buf[pos++] = 0x22; // "
    }
    if (dataLen > 0) {
      if (pos !== first) buf[pos++] = 0x2c;
      buf.set(J_DATA, pos);
      pos += J_DATA.length;
      pos = putBase64(buf, pos, this.data);
      buf[pos++] = 0x22;
    }
    if (this.reliable) {
      if (pos !== first) buf[pos++] = 0x2c;
      buf.set(J_RELIABLE, pos);
      pos += J_RELIABLE.length;
    }
    buf[pos++] = 0x7d; // }
    buf[pos++] = 0x7d;
    return buf;
  }
}

const J_HEAD = Buffer.from('{"match_data":{', "latin1");
const J_MATCH_ID = Buffer.from('"match_id":', "latin1");
const J_PRESENCE = Buffer.from('"presence":', "latin1");
const J_OP_CODE = Buffer.from('"op_code":"', "latin1");
const J_DATA = Buffer.from('"data":"', "latin1");
const J_RELIABLE = Buffer.from('"reliable":true', "latin1");
const B64_DIGITS = Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", "latin1");
/** Above this many bytes Node's encoder beats the loop below (it needs a string in between). */
const B64_LOOP_MAX = 256;

/** Writes `data` as standard padded base64 at `pos`; returns the position after it. */
function putBase64(buf: Buffer, pos: number, data: Uint8Array): number {
  const n = data.length;
  if (n > B64_LOOP_MAX) return pos + buf.write(Buffer.from(data.buffer, data.byteOffset, n).toString("base64"), pos, "latin1");
  const D = B64_DIGITS;
  const whole = n - (n % 3);
  let i = 0;
  for (; i < whole; i += 3) {
    const v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    buf[pos++] = D[v >>> 18];
    buf[pos++] = D[(v >>> 12) & 63];
    buf[pos++] = D[(v >>> 6) & 63];
    buf[pos++] = D[v & 63];
  }
  if (n - whole === 1) {
    const v = data[i] << 16;
    buf[pos++] = D[v >>> 18];
    buf[pos++] = D[(v >>> 12) & 63];
    buf[pos++] = 0x3d; // =
    buf[pos++] = 0x3d;
  } else if (n - whole === 2) {
    const v = (data[i] << 16) | (data[i + 1] << 8);
    buf[pos++] = D[v >>> 18];
    buf[pos++] = D[(v >>> 12) & 63];
    buf[pos++] = D[(v >>> 6) & 63];
    buf[pos++] = 0x3d;
  }
  return pos;
}
