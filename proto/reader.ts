// Owns protobuf binary reading: varints (32/64-bit), fixed-width numbers, validated UTF-8 strings,
// copied bytes, sub-message bounds and skipping unknown fields (all wire types, including groups).
import { EMPTY_BYTES, fail, int64FromParts, timestampFrom } from "./scalars.js";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class Reader {
  readonly buf: Uint8Array;
  pos = 0;
  private view: DataView | undefined;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  /** Varint as an unsigned 32-bit number (higher bits of a 64-bit varint are dropped). */
  varint32(): number {
    const b = this.buf;
    let byte = b[this.pos++];
    let v = byte & 127;
    if (byte < 128) return v;
    byte = b[this.pos++];
    v |= (byte & 127) << 7;
    if (byte < 128) return v;
    byte = b[this.pos++];
    v |= (byte & 127) << 14;
    if (byte < 128) return v;
    byte = b[this.pos++];
    v |= (byte & 127) << 21;
    if (byte < 128) return v;
    byte = b[this.pos++];
    v = (v | ((byte & 15) << 28)) >>> 0;
    if (byte < 128) return v;
    for (let i = 0; i < 5; i++) if (b[this.pos++] < 128) return v;
    return fail("malformed varint");
  }

  /** Varint as two's-complement 32-bit halves. */
  private varint64(): [number, number] {
    const b = this.buf;
    let lo = 0;
    let hi = 0;
    let i = 0;
    let byte: number;
    for (; i < 4; i++) {
      byte = b[this.pos++];
      lo |= (byte & 127) << (i * 7);
      if (byte < 128) return [lo >>> 0, 0];
    }
    byte = b[this.pos++];
    lo |= (byte & 127) << 28;
    hi = (byte & 127) >> 4;
    if (byte < 128) return [lo >>> 0, hi];
    for (i = 0; i < 5; i++) {
      byte = b[this.pos++];
      hi |= (byte & 127) << (i * 7 + 3);
      if (byte < 128) return [lo >>> 0, hi >>> 0];
    }
    return fail("malformed varint");
  }

  int32(): number {
    return this.varint32() | 0;
  }

  uint32(): number {
    return this.varint32();
  }

  int64(): string {
    const [lo, hi] = this.varint64();
    return int64FromParts(lo, hi, true);
  }

  uint64(): string {
    const [lo, hi] = this.varint64();
    return int64FromParts(lo, hi, false);
  }

  /** int64 as a JS number (Timestamp seconds are well inside 2^53). */
  int64Number(): number {
    const [lo, hi] = this.varint64();
    return hi >= 0x80000000 ? (hi - 4294967296) * 4294967296 + lo : hi * 4294967296 + lo;
  }

  bool(): boolean {
    const [lo, hi] = this.varint64();
    return lo !== 0 || hi !== 0;
  }

  private dv(): DataView {
    return (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  double(): number {
    this.need(8);
    const v = this.dv().getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.dv().getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) fail("truncated message");
  }

  /** Reads a length prefix; returns the end offset of the delimited bytes, checked against `limit`. */
  sub(limit: number): number {
    const len = this.varint32();
    const end = this.pos + len;
    if (!(end <= limit)) fail("truncated message");
    return end;
  }

  string(limit: number): string {
    const end = this.sub(limit);
    const start = this.pos;
    this.pos = end;
    if (end - start < 24) {
      const b = this.buf;
      let s = "";
      for (let i = start; i < end; i++) {
        const c = b[i];
        if (c >= 128) return decodeUtf8(b, start, end);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decodeUtf8(this.buf, start, end);
  }

  /** A copy (never a view into the frame), in pooled memory, as a plain Uint8Array. */
  bytes(limit: number): Uint8Array {
    const end = this.sub(limit);
    const n = end - this.pos;
    if (n === 0) return EMPTY_BYTES;
    const out = Buffer.allocUnsafe(n);
    out.set(this.buf.subarray(this.pos, end));
    this.pos = end;
    return new Uint8Array(out.buffer, out.byteOffset, n);
  }

  /** google.protobuf.Timestamp ending at `end`. */
  timestamp(end: number): Date {
    let seconds = 0;
    let nanos = 0;
    while (this.pos < end) {
      const tag = this.varint32();
      if (tag === 8) seconds = this.int64Number();
      else if (tag === 16) nanos = this.int32();
      else this.skip(tag, end);
    }
    this.done(end);
    if (nanos < 0 || nanos > 999999999) fail("Timestamp nanos out of range");
    return timestampFrom(seconds, nanos);
  }

  /** Skips one field whose tag was just read. */
  skip(tag: number, limit: number): void {
    if (tag >>> 3 === 0) fail("invalid field number 0");
    switch (tag & 7) {
      case 0:
        this.varint64();
        break;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.sub(limit);
        break;
      case 3:
        this.skipGroup(tag >>> 3, limit);
        break;
      case 5:
        this.pos += 4;
        break;
      default:
        fail(`invalid wire type ${tag & 7}`);
    }
    if (this.pos > limit) fail("truncated message");
  }

  private skipGroup(field: number, limit: number): void {
    while (this.pos < limit) {
      const tag = this.varint32();
      if ((tag & 7) === 4) {
        if (tag >>> 3 !== field) fail("mismatched end group");
        return;
      }
      this.skip(tag, limit);
    }
    fail("truncated group");
  }

  /** Checks a message ended exactly at `end`. */
  done(end: number): void {
    if (this.pos !== end) fail("truncated message");
  }
}

function decodeUtf8(b: Uint8Array, start: number, end: number): string {
  try {
    return utf8.decode(b.subarray(start, end));
  } catch {
    return fail("string field contains invalid UTF-8");
  }
}
