// Owns how Lua numbers become text, the way Nakama's Lua (gopher-lua, float64 numbers) writes them:
// integral values with |n| < 2^63 print as integers ("5", "1700000000000"), other values use Go's
// shortest %v form ("0.5", "1.2345675e+06", "+Inf", "NaN"). Also the integer conversions of
// string.format (%d %i %u %o %x %X, truncating like Go's int64 conversion) and Go's JSON number form.

const TWO_63 = 9223372036854775808;

/** True when Go's `float64(int64(n)) == n` holds, i.e. gopher-lua prints `n` as an integer. */
export function isGoInteger(n: number): boolean {
  return Number.isInteger(n) && n >= -TWO_63 && n < TWO_63;
}

/** Exact decimal digits of an integral double (JS's String() rounds past 2^53). */
function integerDigits(n: number): string {
  if (n === 0) return "0"; // also -0, as gopher-lua prints it
  return Math.abs(n) <= Number.MAX_SAFE_INTEGER ? String(n) : BigInt(n).toString();
}

/** Go's strconv 'g' with the shortest precision (what fmt's %v does for a float64). */
function goShortestG(n: number): string {
  const [mantissa, expText] = n.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const digits = String(Math.abs(exp)).padStart(2, "0");
    return `${mantissa}e${exp < 0 ? "-" : "+"}${digits}`;
  }
  return String(n); // JS prints fixed notation with the shortest digits in this exponent range
}

/** tostring(n) / `..` / print as Nakama: integral → integer digits, else Go's %v. */
export function luaNumberToString(n: number): string {
  if (isGoInteger(n)) return integerDigits(n);
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return goShortestG(n);
}

/** A number as Go's encoding/json writes what Nakama converts it to (int64 when whole). */
export function jsonNumber(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  if (isGoInteger(n)) return integerDigits(n);
  return String(n); // 'f' form in [1e-6, 1e21), exponent outside: identical to JS's Number#toString
}

interface IntSpec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  precision: number | null;
  conv: string;
}

function parseIntSpec(spec: string): IntSpec | null {
  const m = /^%([-+ #0]*)(\d*)(?:\.(\d*))?([diouxX])$/.exec(spec);
  if (!m) return null;
  const flags = m[1];
  return {
    minus: flags.includes("-"),
    plus: flags.includes("+"),
    space: flags.includes(" "),
    alt: flags.includes("#"),
    zero: flags.includes("0"),
    width: m[2] === "" ? 0 : Number(m[2]),
    precision: m[3] === undefined ? null : m[3] === "" ? 0 : Number(m[3]),
    conv: m[4],
  };
}

function magnitudeDigits(mag: bigint, conv: string): string {
  if (conv === "o") return mag.toString(8);
  if (conv === "x") return mag.toString(16);
  if (conv === "X") return mag.toString(16).toUpperCase();
  return mag.toString(10);
}

/**
 * string.format's integer conversions for a Lua number: the value is truncated toward zero (as Go's
 * int64 conversion and Lua 5.1's cast do); negative values keep their sign in every base (Go's
 * behaviour: %x of -1 is "-1"). Returns null when the value has no int64 representation.
 */
export function formatInteger(spec: string, value: number): string | null {
  if (!Number.isFinite(value)) return null;
  const t = Math.trunc(value);
  if (t < -TWO_63 || t >= TWO_63) return null;
  const s = parseIntSpec(spec);
  if (s === null) return null;
  const neg = t < 0;
  let digits = magnitudeDigits(BigInt(Math.abs(t)), s.conv);
  if (s.precision !== null) {
    if (s.precision === 0 && t === 0) digits = "";
    digits = digits.padStart(s.precision, "0");
  }
  let prefix = neg ? "-" : s.plus ? "+" : s.space ? " " : "";
  if (s.alt && t !== 0 && (s.conv === "x" || s.conv === "X")) prefix += s.conv === "x" ? "0x" : "0X";
  if (s.alt && s.conv === "o" && !digits.startsWith("0")) digits = "0" + digits;
  const len = prefix.length + digits.length;
  if (len >= s.width) return prefix + digits;
  const pad = s.width - len;
  if (s.minus) return prefix + digits + " ".repeat(pad);
  if (s.zero && s.precision === null) return prefix + "0".repeat(pad) + digits;
  return " ".repeat(pad) + prefix + digits;
}

/** |x| as an exact decimal: |x| = digits × 10^-scale (every double has a finite expansion). */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  const frac = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
  const mant = e === 0 ? frac : frac + 4503599627370496n;
  const exp = e === 0 ? -1074 : e - 1075;
  if (exp >= 0) return { digits: mant << BigInt(exp), scale: 0 };
  return { digits: mant * 5n ** BigInt(-exp), scale: -exp };
}

/** Divides by 10^k rounding half to even (C's and Go's rounding of exact decimal expansions). */
function roundDrop(d: bigint, k: number): bigint {
  if (k <= 0) return d * 10n ** BigInt(-k);
  const p = 10n ** BigInt(k);
  const q = d / p;
  const r = d % p;
  const twice = r * 2n;
  return twice > p || (twice === p && q % 2n === 1n) ? q + 1n : q;
}

function fixedDigits(x: number, prec: number): string {
  const { digits, scale } = exactDecimal(x);
  const s = roundDrop(digits, scale - prec).toString().padStart(prec + 1, "0");
  return prec === 0 ? s : `${s.slice(0, s.length - prec)}.${s.slice(s.length - prec)}`;
}

/** Mantissa digits (prec+1 of them) and decimal exponent of |x| rounded to prec+1 significant digits. */
function scientificParts(x: number, prec: number): { mantissa: string; exp: number } {
  if (x === 0) return { mantissa: "0".repeat(prec + 1), exp: 0 };
  const { digits, scale } = exactDecimal(x);
  const len = digits.toString().length;
  let exp = len - 1 - scale;
  let m = roundDrop(digits, len - (prec + 1)).toString();
  if (m.length > prec + 1) {
    m = m.slice(0, prec + 1);
    exp++;
  }
  return { mantissa: m, exp };
}

function expText(exp: number): string {
  return `e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

function scientific(x: number, prec: number, alt: boolean): string {
  const { mantissa, exp } = scientificParts(x, prec);
  const point = prec > 0 || alt ? "." : "";
  return `${mantissa[0]}${point}${mantissa.slice(1)}${expText(exp)}`;
}

function stripZeros(s: string): string {
  const e = s.indexOf("e");
  const body = e < 0 ? s : s.slice(0, e);
  const tail = e < 0 ? "" : s.slice(e);
  if (!body.includes(".")) return s;
  return body.replace(/\.?0+$/, "") + tail;
}

function general(x: number, precision: number | null, alt: boolean): string {
  if (precision === null) return goShortestG(Math.abs(x)); // Go's %g: shortest representation
  const p = precision === 0 ? 1 : precision;
  const { exp } = scientificParts(x, p - 1);
  const s = exp < p && exp >= -4 ? fixedDigits(x, p - 1 - exp) : scientific(x, p - 1, alt);
  return alt ? s : stripZeros(s);
}

/**
 * string.format's float conversions (%e %E %f %g %G) with C flags, width and precision, rounding
 * exact decimal expansions half to even as C and Go do; %g without precision is Go's shortest form
 * and infinities/NaN print as Go does ("+Inf", "NaN"). Returns null for an unsupported spec.
 */
export function formatFloat(spec: string, x: number): string | null {
  const m = /^%([-+ #0]*)(\d*)(?:\.(\d*))?([eEfgG])$/.exec(spec);
  if (!m) return null;
  const [, flags, w, prec, conv] = m;
  const width = w === "" ? 0 : Number(w);
  const precision = prec === undefined ? null : prec === "" ? 0 : Number(prec);
  const alt = flags.includes("#");
  const neg = x < 0 || Object.is(x, -0);
  let body: string;
  if (!Number.isFinite(x)) body = Number.isNaN(x) ? "NaN" : "Inf";
  else if (conv === "f") body = fixedDigits(x, precision ?? 6) + (alt && precision === 0 ? "." : "");
  else if (conv === "e" || conv === "E") body = scientific(x, precision ?? 6, alt);
  else body = general(x, precision, alt);
  if (conv === "E" || conv === "G") body = body.toUpperCase().replace("INF", "Inf").replace("NAN", "NaN");
  const sign = Number.isNaN(x) ? "" : neg ? "-" : flags.includes("+") || !Number.isFinite(x) ? "+" : flags.includes(" ") ? " " : "";
  const len = sign.length + body.length;
  if (len >= width) return sign + body;
  const pad = width - len;
  if (flags.includes("-")) return sign + body + " ".repeat(pad);
  if (flags.includes("0") && Number.isFinite(x)) return sign + "0".repeat(pad) + body;
  return " ".repeat(pad) + sign + body;
}
