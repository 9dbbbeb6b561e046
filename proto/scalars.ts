// Owns scalar conversions shared by the JSON and protobuf codecs: 64-bit integers as decimal
// strings, integer/float checks, protojson float text, base64, RFC 3339 timestamps (with an optional
// sub-millisecond part carried on the Date), and the internal ProtoFail error with its field path.

/** A codec failure inside a message; `path` grows as it unwinds. The API turns it into a GameError. */
export class ProtoFail extends Error {
  readonly path: string[] = [];
  readonly detail: string;
  /** The detail already names the JSON key being read, so the first `at` must not add it again. */
  namesKey: boolean;
  constructor(detail: string, namesKey = false) {
    super(detail);
    this.name = "ProtoFail";
    this.detail = detail;
    this.namesKey = namesKey;
  }
  /** "a.b[2].c" */
  pathText(): string {
    let s = "";
    for (const seg of this.path) s = seg.startsWith("[") || s === "" ? s + seg : `${s}.${seg}`;
    return s;
  }
}

export function fail(detail: string): never {
  throw new ProtoFail(detail);
}

/** Prepends a path segment to a ProtoFail (anything else passes through untouched). */
export function at(e: unknown, seg: string | number): unknown {
  if (!(e instanceof ProtoFail)) return e;
  if (e.namesKey) e.namesKey = false;
  else e.path.unshift(typeof seg === "number" ? `[${seg}]` : seg);
  return e;
}

/** A failure about the key itself (unknown, duplicate, second oneof member). */
export function failKey(detail: string): never {
  throw new ProtoFail(detail, true);
}

/** Short description of a bad value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (v instanceof Uint8Array) return "bytes";
  if (v instanceof Date) return "Date";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "object") return "object";
  if (typeof v === "bigint") return `${v}n`;
  return typeof v === "number" || typeof v === "boolean" ? String(v) : typeof v;
}

export function expected(what: string, v: unknown): never {
  throw new ProtoFail(`expected ${what}, got ${describe(v)}`);
}

// ---- integers -------------------------------------------------------------------------------

const INT_RE = /^-?(?:0|[1-9]\d*)$/;
const NUM_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

export type IntKind = "int32" | "uint32" | "int64" | "uint64";

function inRange(kind: IntKind, n: number): boolean {
  switch (kind) {
    case "int32": return n >= -2147483648 && n <= 2147483647;
    case "uint32": return n >= 0 && n <= 4294967295;
    case "int64": return n >= -9223372036854775808 && n < 9223372036854775808;
    case "uint64": return n >= 0 && n < 18446744073709551616;
  }
}

function bigInRange(kind: IntKind, b: bigint): boolean {
  if (kind === "int64") return b >= I64_MIN && b <= I64_MAX;
  if (kind === "uint64") return b >= 0n && b <= U64_MAX;
  return inRange(kind, Number(b));
}

/** Decimal text of an integer given as JSON number, decimal/exponent string or bigint; checks range. */
export function intText(kind: IntKind, v: unknown): string {
  if (typeof v === "string") {
    if (INT_RE.test(v)) {
      if (v.length <= 15) {
        const n = Number(v);
        if (!inRange(kind, n)) fail(`${kind} out of range: ${v}`);
        return String(n); // "-0" → "0"
      }
      if (!bigInRange(kind, BigInt(v))) fail(`${kind} out of range: ${v}`);
      return v;
    }
    if (NUM_RE.test(v)) return intText(kind, Number(v));
    return expected(`${kind} (number or numeric string)`, v);
  }
  if (typeof v === "number") {
    if (!Number.isInteger(v)) return expected(`${kind} (integral number)`, v);
    if (!inRange(kind, v)) fail(`${kind} out of range: ${v}`);
    return Number.isSafeInteger(v) ? String(v === 0 ? 0 : v) : BigInt(v).toString();
  }
  if (typeof v === "bigint") {
    if (!bigInRange(kind, v)) fail(`${kind} out of range: ${v}`);
    return v.toString();
  }
  return expected(`${kind} (number or numeric string)`, v);
}

/** A 32-bit integer from JSON (number or numeric string). */
export function int32From(kind: "int32" | "uint32", v: unknown): number {
  if (typeof v === "number" && Number.isInteger(v) && inRange(kind, v)) return v === 0 ? 0 : v;
  return Number(intText(kind, v));
}

/** Splits a 64-bit integer (decimal string, number or bigint) into two's-complement 32-bit halves. */
export function int64Parts(kind: "int64" | "uint64", v: unknown): [lo: number, hi: number] {
  if (typeof v === "number" && Number.isSafeInteger(v)) {
    if (kind === "uint64" && v < 0) fail(`uint64 out of range: ${v}`);
    const hi = Math.floor(v / 4294967296);
    return [(v - hi * 4294967296) >>> 0, hi >>> 0];
  }
  const text = intText(kind, v);
  if (text.length <= 15) return int64Parts(kind, Number(text));
  const b = BigInt.asUintN(64, BigInt(text));
  return [Number(b & 0xffffffffn), Number(b >> 32n)];
}

/** Decimal text from two's-complement 32-bit halves. */
export function int64FromParts(lo: number, hi: number, signed: boolean): string {
  if (hi < 0x200000) return String(hi * 4294967296 + lo);
  const b = (BigInt(hi) << 32n) | BigInt(lo);
  return (signed ? BigInt.asIntN(64, b) : b).toString();
}

// ---- floats ---------------------------------------------------------------------------------

const F32_MAX = 3.4028234663852886e38;

/** A double/float from JSON: number, numeric string, or "NaN" / "Infinity" / "-Infinity". */
export function floatFrom(kind: "double" | "float", v: unknown): number {
  let n: number;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") {
    if (v === "NaN") return NaN;
    if (v === "Infinity") return Infinity;
    if (v === "-Infinity") return -Infinity;
    if (!NUM_RE.test(v)) return expected(`${kind} (number or numeric string)`, v);
    n = Number(v);
  } else return expected(`${kind} (number or numeric string)`, v);
  if (!Number.isFinite(n)) fail(`${kind} out of range: ${describe(v)}`);
  if (kind === "float") {
    if (Math.abs(n) > F32_MAX) fail(`float out of range: ${describe(v)}`);
    return Math.fround(n);
  }
  return n;
}

/** protojson text for a double (ES and Go print the same shortest digits and exponent rules). */
export function doubleText(v: number): string {
  if (typeof v !== "number") return expected("double (number)", v);
  if (v !== v) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  if (v === 0 && 1 / v < 0) return "-0";
  return String(v);
}

/** protojson text for a float: the shortest decimal that reads back as the same float32. */
export function floatText(v: number): string {
  if (typeof v !== "number") return expected("float (number)", v);
  const f = Math.fround(v);
  if (f !== f || f === Infinity || f === -Infinity || f === 0) return doubleText(f);
  for (let p = 1; p < 9; p++) {
    const n = Number(f.toPrecision(p));
    if (Math.fround(n) === f) return String(n);
  }
  return String(Number(f.toPrecision(9)));
}

// ---- bytes ----------------------------------------------------------------------------------

/** The default of every absent bytes field: one shared, frozen, empty array. */
export const EMPTY_BYTES: Uint8Array = Object.freeze(new Uint8Array(0));

/** Standard base64 with padding. */
export function base64Encode(b: Uint8Array): string {
  if (!(b instanceof Uint8Array)) return expected("bytes (Uint8Array)", b);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

/**
 * Standard or URL-safe base64, padded or not (as protojson accepts). Returns a new plain Uint8Array.
 * Node's decoder skips characters outside both alphabets, so any such character shows up as a
 * decoded length shorter than the text implies: that check replaces a (slower) regex.
 */
export function base64Decode(v: unknown): Uint8Array {
  if (typeof v !== "string") return expected("bytes (base64 string)", v);
  if (v.length === 0) return EMPTY_BYTES;
  const pad = v.charCodeAt(v.length - 1) !== 61 ? 0 : v.charCodeAt(v.length - 2) === 61 ? 2 : 1; // "="
  if ((pad > 0 && v.length % 4 !== 0) || v.length % 4 === 1) return expected("bytes (base64 string)", v);
  const b = Buffer.from(v, "base64"); // pooled; handles both alphabets, with or without padding
  if (b.length !== Math.floor(((v.length - pad) * 3) / 4)) return expected("bytes (base64 string)", v);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

// ---- timestamps -----------------------------------------------------------------------------

/** Where a Date may carry its sub-millisecond part, in nanoseconds (0–999 999). */
const SUB_MS = Symbol("proto.subMillisecondNanos");
type PreciseDate = Date & { [SUB_MS]?: number };

const MIN_SECONDS = -62135596800; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

/** A Date for `seconds` + `nanos` since the epoch that keeps sub-millisecond precision for the codecs. */
export function timestampFrom(seconds: number, nanos: number): Date {
  const d: PreciseDate = new Date(seconds * 1000 + Math.floor(nanos / 1e6));
  const sub = nanos % 1e6;
  if (sub !== 0) Object.defineProperty(d, SUB_MS, { value: sub, enumerable: false });
  return d;
}

/** Splits a Date into protobuf Timestamp {seconds, nanos} (nanos include any sub-ms part). */
export function timestampParts(d: unknown): [seconds: number, nanos: number] {
  if (!(d instanceof Date)) return expected("Timestamp (Date)", d);
  const ms = d.getTime();
  if (ms !== ms) fail("invalid Date");
  const seconds = Math.floor(ms / 1000);
  return [seconds, (ms - seconds * 1000) * 1e6 + ((d as PreciseDate)[SUB_MS] ?? 0)];
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** "YYYY-MM-DDTHH:MM:SS" for seconds since the epoch (civil-from-days arithmetic; toISOString is slow). */
function civilText(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const sod = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(sod / 3600);
  const mi = Math.floor((sod - h * 3600) / 60);
  const y = year < 1000 ? String(year).padStart(4, "0") : String(year);
  return `${y}-${pad2(month)}-${pad2(day)}T${pad2(h)}:${pad2(mi)}:${pad2(sod - h * 3600 - mi * 60)}`;
}

/** RFC 3339 in UTC with "Z" and 0, 3, 6 or 9 fractional digits, as protojson prints it. */
export function timestampText(d: unknown): string {
  const [seconds, nanos] = timestampParts(d);
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) fail("Timestamp out of range (years 1–9999)");
  const base = civilText(seconds);
  if (nanos === 0) return `${base}Z`;
  const digits = String(nanos).padStart(9, "0");
  if (nanos % 1e6 === 0) return `${base}.${digits.slice(0, 3)}Z`;
  if (nanos % 1e3 === 0) return `${base}.${digits.slice(0, 6)}Z`;
  return `${base}.${digits}Z`;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** `n` decimal digits of `s` at `i`, or -1. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const badTime = (v: string): never => expected("Timestamp (RFC 3339 string)", v);

/** Parses an RFC 3339 timestamp "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)" (Go's time.RFC3339Nano rules). */
export function timestampParse(v: unknown): Date {
  if (typeof v !== "string") return expected("Timestamp (RFC 3339 string)", v);
  if (v.length < 20 || v[4] !== "-" || v[7] !== "-" || v[10] !== "T" || v[13] !== ":" || v[16] !== ":") badTime(v);
  const [y, mo, d, h, mi, sec] = [digits(v, 0, 4), digits(v, 5, 2), digits(v, 8, 2), digits(v, 11, 2), digits(v, 14, 2), digits(v, 17, 2)];
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1] || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) badTime(v);
  if (mo === 2 && d === 29 && !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) badTime(v);
  let i = 19;
  let nanos = 0;
  if (v[i] === ".") {
    const start = ++i;
    while (i < v.length && i - start < 10 && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
    if (i === start || i - start > 9) badTime(v);
    nanos = Number(v.slice(start, i).padEnd(9, "0"));
  }
  let offset = 0;
  if (v[i] === "Z" && i + 1 === v.length) offset = 0;
  else if ((v[i] === "+" || v[i] === "-") && i + 6 === v.length && v[i + 3] === ":") {
    const oh = digits(v, i + 1, 2);
    const om = digits(v, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) badTime(v);
    offset = (v[i] === "-" ? -1 : 1) * (oh * 3600 + om * 60);
  } else badTime(v);
  const seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) fail(`Timestamp out of range: ${describe(v)}`);
  return timestampFrom(seconds, nanos);
}
