// Owns Go-style message formatting for module loggers (Nakama's JS logger is fmt.Sprintf): the verbs
// %v %+v %#v %s %q %d %x %X %o %b %f %F %e %E %g %G %t %T %c %U and %%, with flags (- + # 0 space),
// width and precision; Go's error markers for missing/extra/mismatched arguments; and how Go prints
// exported JS values with %v (maps as map[k:v] with sorted keys, slices as [a b], nil as <nil>).

const VERB = /%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/g;

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 2 ** 63;
}

/** Go's type name of an exported JS value (what goja's Export gives). */
function goType(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int64";
  if (typeof v === "number") return isInt(v) ? "int64" : "float64";
  if (Array.isArray(v)) return "[]interface {}";
  if (typeof v === "function") return "func(goja.FunctionCall) goja.Value";
  return "map[string]interface {}";
}

/** Go's %v of a float64 (strconv 'g' with the shortest digits, exponent from 1e21 or below 1e-4). */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = n.toExponential().split("e");
    const ev = Number(e);
    return `${m}e${ev < 0 ? "-" : "+"}${String(Math.abs(ev)).padStart(2, "0")}`;
  }
  return String(n);
}

/** Go's %v of an exported JS value. */
export function goValue(v: unknown, plus = false, depth = 0): string {
  if (v === null || v === undefined) return "<nil>";
  switch (typeof v) {
    case "string":
      return v;
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "number":
      return isInt(v) ? String(v) : goFloat(v);
    case "function":
      return "0x0";
    default:
      break;
  }
  if (depth > 32) return "...";
  if (v instanceof Uint8Array) return `[${Array.from(v).join(" ")}]`;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return `[${v.map((x) => goValue(x, plus, depth + 1)).join(" ")}]`;
  const entries = Object.keys(v).sort().map((k) => `${k}:${goValue((v as Record<string, unknown>)[k], plus, depth + 1)}`);
  return `map[${entries.join(" ")}]`;
}

/** Go's %#v (Go-syntax) of an exported JS value, approximated for maps, slices and scalars. */
function goSyntax(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v !== "object" || depth > 32) return goValue(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goSyntax(x, depth + 1)).join(", ")}}`;
  const entries = Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${goSyntax((v as Record<string, unknown>)[k], depth + 1)}`);
  return `map[string]interface {}{${entries.join(", ")}}`;
}

interface Spec {
  flags: string;
  width: number | undefined;
  prec: number | undefined;
  verb: string;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const w = spec.width;
  if (w === undefined || s.length >= w) return s;
  if (spec.flags.includes("-")) return s.padEnd(w, " ");
  if (numeric && spec.flags.includes("0")) {
    const sign = s[0] === "-" || s[0] === "+" ? s[0] : "";
    return sign + s.slice(sign.length).padStart(w - sign.length, "0");
  }
  return s.padStart(w, " ");
}

function bad(spec: Spec, v: unknown): string {
  return `%!${spec.verb}(${goType(v)}=${goValue(v)})`;
}

function signed(s: string, n: number, spec: Spec): string {
  if (n >= 0 && spec.flags.includes("+")) return "+" + s;
  if (n >= 0 && spec.flags.includes(" ")) return " " + s;
  return s;
}

function integer(spec: Spec, v: unknown): string {
  const n = typeof v === "bigint" ? Number(v) : v;
  if (!isInt(n)) return bad(spec, v);
  const base = { d: 10, x: 16, X: 16, o: 8, b: 2 }[spec.verb] ?? 10;
  let s = Math.abs(n).toString(base);
  if (spec.verb === "X") s = s.toUpperCase();
  if (spec.flags.includes("#") && base === 16) s = (spec.verb === "X" ? "0X" : "0x") + s;
  return pad(signed(n < 0 ? "-" + s : s, n, spec), spec, true);
}

function float(spec: Spec, v: unknown): string {
  if (typeof v !== "number") return bad(spec, v);
  const p = spec.prec;
  let s: string;
  switch (spec.verb) {
    case "e":
    case "E": {
      const [m, e] = v.toExponential(p ?? 6).split("e");
      s = `${m}e${e[0] === "-" ? "-" : "+"}${e.replace(/^[-+]/, "").padStart(2, "0")}`;
      if (spec.verb === "E") s = s.toUpperCase();
      break;
    }
    case "g":
    case "G":
      s = p === undefined ? goFloat(v) : String(Number(v.toPrecision(p || 1)));
      if (spec.verb === "G") s = s.toUpperCase();
      break;
    default:
      s = Number.isFinite(v) ? v.toFixed(p ?? 6) : goFloat(v);
  }
  return pad(signed(s, v, spec), spec, true);
}

function quoted(spec: Spec, v: unknown): string {
  if (typeof v === "string") return pad(JSON.stringify(v), spec, false);
  if (isInt(v)) return pad(`'${String.fromCodePoint(v)}'`, spec, false);
  if (v !== null && typeof v === "object") return pad(goValue(v), spec, false);
  return bad(spec, v);
}

function one(spec: Spec, v: unknown): string {
  switch (spec.verb) {
    case "v":
      if (spec.flags.includes("#")) return pad(goSyntax(v), spec, false);
      return pad(goValue(v, spec.flags.includes("+")), spec, false);
    case "s": {
      const s = typeof v === "string" ? v : goValue(v);
      return pad(spec.prec === undefined ? s : s.slice(0, spec.prec), spec, false);
    }
    case "q":
      return quoted(spec, v);
    case "d":
    case "o":
    case "b":
      return integer(spec, v);
    case "x":
    case "X":
      if (typeof v === "string") {
        const hex = Buffer.from(v, "utf8").toString("hex");
        return pad(spec.verb === "X" ? hex.toUpperCase() : hex, spec, false);
      }
      return isInt(v) ? integer(spec, v) : bad(spec, v);
    case "f":
    case "F":
    case "e":
    case "E":
    case "g":
    case "G":
      return float(spec, v);
    case "t":
      return typeof v === "boolean" ? pad(String(v), spec, false) : bad(spec, v);
    case "T":
      return pad(goType(v), spec, false);
    case "c":
      return isInt(v) ? pad(String.fromCodePoint(v), spec, false) : bad(spec, v);
    case "U":
      return isInt(v) ? pad(`U+${v.toString(16).toUpperCase().padStart(4, "0")}`, spec, false) : bad(spec, v);
    default:
      return `%!${spec.verb}(${goType(v)}=${goValue(v)})`;
  }
}

/** fmt.Sprintf(format, ...args) over JS values. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let next = 0;
  const take = (): { ok: boolean; v: unknown } => (next < args.length ? { ok: true, v: args[next++] } : { ok: false, v: undefined });
  let out = format.replace(VERB, (_m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === "%") return "%";
    const spec: Spec = { flags, width: undefined, prec: undefined, verb };
    if (width === "*") spec.width = Number(take().v) || 0;
    else if (width !== undefined) spec.width = Number(width);
    if (prec === "*") spec.prec = Number(take().v) || 0;
    else if (prec !== undefined) spec.prec = Number(prec);
    else if (_m.includes(".")) spec.prec = 0;
    const a = take();
    return a.ok ? one(spec, a.v) : `%!${verb}(MISSING)`;
  });
  if (next < args.length) {
    out += `%!(EXTRA ${args.slice(next).map((v) => `${goType(v)}=${goValue(v)}`).join(", ")})`;
  }
  return out;
}
