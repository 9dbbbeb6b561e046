// Owns the relay hot path's outgoing envelope: a `match_data` Outgoing that writes its bytes directly
// (one pooled buffer per format, the sender's presence encoded once per session) instead of walking
// the generic codec. The bytes are exactly those of encodeBinary / toJson for the same envelope (tests
// compare them); any value outside the fast path's shapes (an op code that is not a small
// non-negative integer) falls back to the generic codec.
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
function smallOpCode(op: string): number {
  if (op.length === 0 || op.length > 10) return -1;
  const n = Number(op);
  return Number.isInteger(n) && n >= 0 && n <= 0x7fffffff && String(n) === op ? n : -1;
}

/** The sender's own presence, encoded once per format and kept on the session. */
export class PresenceBytes {
  private bin: Buffer | null = null;
  private json: Buffer | null = null;
  /** The match id this sender last relayed to (a sender relays to one match): UTF-8, and as JSON text. */
  private idText = "";
  private idUtf8: Buffer | null = null;
  private idJson: Buffer | null = null;

  constructor(readonly session: SessionHandle) {}

  binary(): Buffer {
    return (this.bin ??= Buffer.from(encodeBinary(rt.UserPresence, selfPresence(this.session))));
  }

  /** The presence as JSON text, UTF-8. */
  text(): Buffer {
    return (this.json ??= Buffer.from(toJson(rt.UserPresence, selfPresence(this.session)), "utf8"));
  }

  /** `matchId` as UTF-8. */
  matchIdUtf8(matchId: string): Buffer {
    if (this.idText !== matchId) this.setMatchId(matchId);
    return (this.idUtf8 ??= Buffer.from(matchId, "utf8"));
  }

  /** `matchId` as a JSON string, UTF-8. */
  matchIdJson(matchId: string): Buffer {
    if (this.idText !== matchId) this.setMatchId(matchId);
    return (this.idJson ??= Buffer.from(JSON.stringify(matchId), "utf8"));
  }

  private setMatchId(matchId: string): void {
    this.idText = matchId;
    this.idUtf8 = null;
    this.idJson = null;
  }
}

/** The sender's cached presence bytes (created on its first relayed message). */
export function presenceBytesOf(s: SessionHandle): PresenceBytes {
  return (s.selfPresenceBytes ??= new PresenceBytes(s));
}

/** A relayed `match_data` from `sender`: encoded once per format, on first demand. */
export class MatchDataOutgoing extends Outgoing {
  private readonly presence: PresenceBytes;

  constructor(
    private readonly slab: ByteSlab,
    sender: SessionHandle,
    private readonly matchId: string,
    private readonly opCode: string,
    private readonly data: Uint8Array,
    private readonly reliable: boolean,
  ) {
    super(null);
    this.presence = presenceBytesOf(sender);
  }

  protected override build(): Init<rt.Envelope> {
    const { matchId, opCode, data, reliable } = this;
    return { match_data: { match_id: matchId, presence: selfPresence(this.presence.session), op_code: opCode, data, reliable } };
  }

  protected override encode(format: SessionFormat): Uint8Array {
    const op = smallOpCode(this.opCode);
    if (op < 0) return super.encode(format);
    return format === "protobuf" ? this.binary(op) : this.text(op);
  }

  private binary(op: number): Uint8Array {
    const id = this.presence.matchIdUtf8(this.matchId);
    const idLen = id.length;
    const pres = this.presence.binary();
    const dataLen = this.data.length;
    let inner = 0;
    if (idLen > 0) inner += 1 + varintSize(idLen) + idLen;
    inner += 1 + varintSize(pres.length) + pres.length;
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
    buf[pos++] = TAG_PRESENCE;
    pos = putVarint(buf, pos, pres.length);
    pos += pres.copy(buf, pos);
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
    const id = this.matchId === "" ? null : this.presence.matchIdJson(this.matchId);
    const pres = this.presence.text();
    const opText = op === 0 ? "" : String(op);
    const dataLen = this.data.length;
    const b64Len = 4 * Math.ceil(dataLen / 3);
    let size = J_HEAD.length + J_PRESENCE.length + pres.length + 2;
    if (id !== null) size += J_MATCH_ID.length + id.length + 1;
    if (op !== 0) size += J_OP_CODE.length + opText.length + 1;
    if (dataLen > 0) size += J_DATA.length + b64Len + 1;
    if (this.reliable) size += J_RELIABLE.length;
    const buf = this.slab.take(size);
    buf.set(J_HEAD, 0);
    let pos = J_HEAD.length;
    if (id !== null) {
      buf.set(J_MATCH_ID, pos);
      pos += J_MATCH_ID.length;
      buf.set(id, pos);
      pos += id.length;
      buf[pos++] = 0x2c; // ,
    }
    buf.set(J_PRESENCE, pos);
    pos += J_PRESENCE.length;
    buf.set(pres, pos);
    pos += pres.length;
    if (op !== 0) {
      buf.set(J_OP_CODE, pos);
      pos += J_OP_CODE.length;
      for (let i = 0; i < opText.length; i++) buf[pos++] = opText.charCodeAt(i);
      buf[pos++] = 0x22; // "
    }
    if (dataLen > 0) {
      buf.set(J_DATA, pos);
      pos += J_DATA.length;
      pos = putBase64(buf, pos, this.data);
      buf[pos++] = 0x22;
    }
    if (this.reliable) {
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
const J_OP_CODE = Buffer.from(',"op_code":"', "latin1");
const J_DATA = Buffer.from(',"data":"', "latin1");
const J_RELIABLE = Buffer.from(',"reliable":true', "latin1");
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
