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
  private json: string | null = null;

  constructor(readonly session: SessionHandle) {}

  binary(): Buffer {
    return (this.bin ??= Buffer.from(encodeBinary(rt.UserPresence, selfPresence(this.session))));
  }

  text(): string {
    return (this.json ??= toJson(rt.UserPresence, selfPresence(this.session)));
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
    const idLen = Buffer.byteLength(this.matchId, "utf8");
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
      pos += buf.write(this.matchId, pos, "utf8");
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
    let s = '{"match_data":{';
    if (this.matchId !== "") s += `"match_id":${JSON.stringify(this.matchId)},`;
    s += `"presence":${this.presence.text()}`;
    if (op !== 0) s += `,"op_code":"${op}"`;
    if (this.data.length > 0) s += `,"data":"${Buffer.from(this.data.buffer, this.data.byteOffset, this.data.length).toString("base64")}"`;
    if (this.reliable) s += ',"reliable":true';
    s += "}}";
    const buf = this.slab.take(Buffer.byteLength(s, "utf8"));
    buf.write(s, 0, "utf8");
    return buf;
  }
}

