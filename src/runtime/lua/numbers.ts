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
