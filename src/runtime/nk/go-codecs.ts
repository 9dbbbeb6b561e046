// Owns byte codecs that behave like Go's standard library where nk exposes them: strict base64 (std and
// URL alphabets, padding required, CR/LF skipped, "illegal base64 data at input byte N") and hex
// ("encoding/hex: invalid byte: U+0067 'g'", "encoding/hex: odd length hex string"). Node's Buffer
// decoders are lenient (they skip bad characters), which would make bad input look valid.

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export class GoCodecError extends Error {
  override readonly name = "GoCodecError";
}

function table(alphabet: string): Int16Array {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}

const corrupt = (at: number): GoCodecError => new GoCodecError(`illegal base64 data at input byte ${at}`);

/** Go's base64.StdEncoding / URLEncoding DecodeString (padded encodings). */
export function goBase64Decode(input: string, url: boolean): Uint8Array {
  const dec = table(url ? URL : STD);
  const out: number[] = [];
  const n = input.length;
  let i = 0;
  const skipNewlines = (): void => {
    while (i < n && (input[i] === "\n" || input[i] === "\r")) i++;
  };
  let done = false;
  while (!done) {
    skipNewlines();
    if (i >= n) break;
    const start = i;
    const vals: number[] = [];
    while (vals.length < 4) {
      skipNewlines();
      if (i >= n) throw corrupt(start);
      const c = input.charCodeAt(i);
      if (c === 0x3d) {
        // "=": only after two or three symbols, "==" after two, and nothing but newlines after it.
        if (vals.length < 2) throw corrupt(i);
        i++;
        if (vals.length === 2) {
          skipNewlines();
          if (i >= n || input.charCodeAt(i) !== 0x3d) throw corrupt(Math.min(i, n));
          i++;
        }
        skipNewlines();
        if (i < n) throw corrupt(i);
        done = true;
        break;
      }
      const v = c < 128 ? dec[c] : -1;
      if (v < 0) throw corrupt(i);
      vals.push(v);
      i++;
    }
    const word = ((vals[0] ?? 0) << 18) | ((vals[1] ?? 0) << 12) | ((vals[2] ?? 0) << 6) | (vals[3] ?? 0);
    out.push((word >> 16) & 0xff);
    if (vals.length > 2) out.push((word >> 8) & 0xff);
    if (vals.length > 3) out.push(word & 0xff);
  }
  return Uint8Array.from(out);
}

/** Go's base64 EncodeToString for the four encodings (std/url × padded/raw). */
export function goBase64Encode(bytes: Uint8Array, url: boolean, padding: boolean): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let s = buf.toString(url ? "base64url" : "base64");
  if (url && padding) s += "=".repeat((4 - (s.length % 4)) % 4);
  if (!url && !padding) s = s.replace(/=+$/, "");
  return s;
}

/** Pads base64 text with "=" to a multiple of 4 (Nakama's "make padding optional"). */
export function padBase64(s: string): string {
  const extra = s.length % 4;
  return extra === 0 ? s : s + "=".repeat(4 - extra);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Go's %#U of a byte value. */
function goRune(b: number): string {
  const hex = b.toString(16).toUpperCase().padStart(4, "0");
  const printable = b >= 0x20 && b < 0x7f;
  return printable ? `U+${hex} '${String.fromCharCode(b)}'` : `U+${hex}`;
}

/** Go's hex.DecodeString over the bytes of `input`. */
export function goHexDecode(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length >> 1);
  let j = 1;
  for (; j < input.length; j += 2) {
    const a = hexValue(input[j - 1]);
    const b = hexValue(input[j]);
    if (a < 0) throw new GoCodecError(`encoding/hex: invalid byte: ${goRune(input[j - 1])}`);
    if (b < 0) throw new GoCodecError(`encoding/hex: invalid byte: ${goRune(input[j])}`);
    out[j >> 1] = (a << 4) | b;
  }
  if (input.length % 2 === 1) {
    if (hexValue(input[j - 1]) < 0) throw new GoCodecError(`encoding/hex: invalid byte: ${goRune(input[j - 1])}`);
    throw new GoCodecError("encoding/hex: odd length hex string");
  }
  return out;
}
