// Owns nk.json_encode / nk.json_decode semantics for Lua values (Nakama: convert the Lua value, then
// Go's json.Marshal / json.Unmarshal). Input to jsonEncode is a Lua value already converted by
// marshal.ts (which applied Nakama's table rules); this module adds Go's encoding: map keys sorted by
// byte order, `<` `>` `&` U+2028 U+2029 escaped as \u003c…, \b \f \n \r \t short escapes, other
// control characters as \u00XX, whole numbers below 2^63 as integers, other numbers in Go's shortest
// form, NaN/±Inf rejected, functions and other references as their "function: 0x…" text.
import { Code, GameError } from "../../errors.js";
import { jsonNumber, luaNumberToString } from "./numbers.js";
import { LuaRef } from "./types.js";
import { fromLuaString } from "./api.js";

const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: "\\\\", 0x08: "\\b", 0x0c: "\\f", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t" };
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

function hex4(c: number): string {
  return "\\u" + c.toString(16).padStart(4, "0");
}

/** A JS string as Go's encoding/json writes it (with HTML escaping on). */
export function goJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) out += short;
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) out += hex4(c);
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
      } else out += "\\ufffd";
    } else if (c >= 0xdc00 && c <= 0xdfff) out += "\\ufffd";
    else out += s[i];
  }
  return out + '"';
}

/** Orders strings by Unicode code point, i.e. by their UTF-8 bytes (Go's sort.Strings). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate (code point ≥ 0x10000) sorts after any BMP char
    return x - y;
  }
  return a.length - b.length;
}

function unsupported(what: string): GameError {
  return new GameError(Code.INVALID_ARGUMENT, `json: unsupported value: ${what}`);
}

function encodeObject(entries: [string, unknown][], path: Set<object>): string {
  entries.sort((x, y) => compareCodePoints(x[0], y[0]));
  const parts = entries.map(([k, v]) => `${goJsonString(k)}:${encodeValue(v, path)}`);
  return `{${parts.join(",")}}`;
}

function encodeContainer(v: object, path: Set<object>): string {
  if (path.has(v)) throw unsupported("encountered a cycle");
  path.add(v);
  try {
    if (Array.isArray(v)) return `[${v.map((x) => encodeValue(x, path)).join(",")}]`;
    if (v instanceof Map) return encodeObject([...v].map(([k, x]) => [typeof k === "number" ? luaNumberToString(k) : String(k), x]), path);
    return encodeObject(Object.entries(v as Record<string, unknown>), path);
  } finally {
    path.delete(v);
  }
}

function encodeValue(v: unknown, path: Set<object>): string {
  switch (typeof v) {
    case "undefined":
      return "null";
    case "boolean":
      return v ? "true" : "false";
    case "number": {
      const text = jsonNumber(v);
      if (text === null) throw unsupported(luaNumberToString(v));
      return text;
    }
    case "bigint":
      return v.toString();
    case "string":
      return goJsonString(v);
    case "function":
      return goJsonString(`function: ${v.name || "builtin"}`);
    default:
      break;
  }
  if (v === null) return "null";
  if (v instanceof LuaRef) return goJsonString(v.text);
  if (v instanceof Uint8Array) return goJsonString(fromLuaString(v));
  return encodeContainer(v as object, path);
}

/** nk.json_encode: a converted Lua value → JSON text, byte-compatible with Nakama's output. */
export function jsonEncode(value: unknown): string {
  return encodeValue(value, new Set());
}

/**
 * nk.json_decode: JSON text → a JS value that, pushed back into Lua, gives Nakama's result (objects →
 * tables, arrays → 1..n tables with null holes, every number a Lua number, null → nil).
 */
export function jsonDecode(text: string | Uint8Array): unknown {
  const s = typeof text === "string" ? text : fromLuaString(text);
  try {
    return JSON.parse(s) as unknown;
  } catch (e) {
    throw new GameError(Code.INVALID_ARGUMENT, `json: ${(e as Error).message}`, { cause: e });
  }
}
