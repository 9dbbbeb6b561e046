// Owns protobuf binary writing: a growable byte buffer with varints, fixed-width numbers, UTF-8
// strings, bytes and length-delimited sub-messages (reserve one length byte, shift if it needs more).
// Memory comes from Node's Buffer pool (allocUnsafe): a fresh off-heap Uint8Array per message costs
// more than the whole encoding. Only written bytes are ever exposed.
import { expected, int64Parts, timestampParts } from "./scalars.js";

export class Writer {
  buf: Buffer;
  pos = 0;
  private view: DataView | undefined;

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = undefined;
  }

  /** The written bytes (a plain Uint8Array view; the writer must not be used afterwards). */
  finish(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos);
  }

  /** Unsigned 32-bit varint (also used for tags and lengths). */
  varint32(v: number): void {
    this.ensure(5);
    const b = this.buf;
    while (v > 127) {
      b[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    b[this.pos++] = v;
  }

  /** 64-bit varint from two's-complement halves. */
  varint64(lo: number, hi: number): void {
    this.ensure(10);
    const b = this.buf;
    while (hi !== 0 || lo > 127) {
      b[this.pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[this.pos++] = lo;
  }

  int32(v: unknown): void {
    if (typeof v !== "number" || (v | 0) !== v) return expected("int32", v);
    if (v >= 0) this.varint32(v);
    else this.varint64(v >>> 0, 0xffffffff); // negative int32 is sign-extended to 10 bytes
  }

  uint32(v: unknown): void {
    if (typeof v !== "number" || v >>> 0 !== v) return expected("uint32", v);
    this.varint32(v);
  }

  int64(v: unknown): void {
    if (typeof v === "number" && v >= 0 && v <= 0x7fffffff && (v | 0) === v) return this.varint32(v);
    const [lo, hi] = int64Parts("int64", v);
    this.varint64(lo, hi);
  }

  uint64(v: unknown): void {
    const [lo, hi] = int64Parts("uint64", v);
    this.varint64(lo, hi);
  }

  bool(v: unknown): void {
    if (typeof v !== "boolean") return expected("bool", v);
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  private dv(): DataView {
    return (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  double(v: unknown): void {
    if (typeof v !== "number") return expected("double", v);
    this.ensure(8);
    this.dv().setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  float(v: unknown): void {
    if (typeof v !== "number") return expected("float", v);
    this.ensure(4);
    this.dv().setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  /** Length-prefixed UTF-8. Short strings are encoded by hand (faster than TextEncoder). */
  string(s: unknown): void {
    if (typeof s !== "string") return expected("string", s);
    const n = s.length;
    if (n > 42) return this.longString(s);
    this.ensure(1 + n * 3);
    const b = this.buf;
    const start = this.pos++;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) b[p++] = c;
      else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 63);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            b[p++] = 0xf0 | (c >> 18);
            b[p++] = 0x80 | ((c >> 12) & 63);
            b[p++] = 0x80 | ((c >> 6) & 63);
            b[p++] = 0x80 | (c & 63);
            continue;
          }
          c = 0xfffd; // lone surrogate
        }
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 63);
        b[p++] = 0x80 | (c & 63);
      }
    }
    b[start] = p - start - 1;
    this.pos = p;
  }

  private longString(s: string): void {
    const len = Buffer.byteLength(s, "utf8");
    this.varint32(len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, len, "utf8");
  }

  bytes(v: unknown): void {
    if (!(v instanceof Uint8Array)) return expected("bytes (Uint8Array)", v);
    this.varint32(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** Reserves one length byte; returns its offset for `ldelim`. */
  fork(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of everything since `fork()`, moving the content if the length needs > 1 byte. */
  ldelim(at: number): void {
    const len = this.pos - at - 1;
    if (len < 128) {
      this.buf[at] = len;
      return;
    }
    let extra = 1;
    for (let l = len >>> 14; l > 0; l >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    const end = this.pos + extra;
    this.pos = at;
    this.varint32(len);
    this.pos = end;
  }

  /** google.protobuf.Timestamp fields {seconds = 1, nanos = 2}, zeros omitted. */
  timestamp(d: unknown): void {
    const [seconds, nanos] = timestampParts(d);
    if (seconds !== 0) {
      this.varint32(8);
      this.int64(seconds);
    }
    if (nanos !== 0) {
      this.varint32(16);
      this.int32(nanos);
    }
  }
}
