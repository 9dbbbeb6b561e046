// Owns the JSON codec generator: for one message it writes the source of an encoder (value → JSON
// text, protojson rules: UseProtoNames, UseEnumNumbers, no EmitUnpopulated) and a decoder (parsed
// JSON → value; snake_case or lowerCamelCase names, lenient scalars, unknown fields optional).
// The sources are compiled once by codec.ts; `jsonHelpers` is what the generated code calls.
import type { Field, MessageType, ValueType } from "./schema.js";
import {
  at, base64Decode, base64Encode, doubleText, EMPTY_BYTES, expected, fail, failKey, floatFrom, floatText, int32From,
  intText, timestampParse, timestampText,
} from "./scalars.js";
import type { EnumType } from "./schema.js";

/** Indexes of referenced messages (`c[i]`) and enums (`e[i]`) in the generated code. */
export interface Refs {
  msg(t: MessageType): number;
  enm(t: EnumType): number;
}

/** Oneof groups larger than this are encoded by scanning the value's own keys. */
export const SCAN_ONEOF = 4;

function at2(e: unknown, f: string, ix: number | string): unknown {
  if (ix !== -1) at(e, typeof ix === "number" ? ix : `[${JSON.stringify(ix)}]`);
  return at(e, f);
}

function enumFrom(v: unknown, en: EnumType): number {
  if (typeof v === "string") {
    if (Object.hasOwn(en.values, v)) return en.values[v];
    return fail(`unknown value ${JSON.stringify(v)} for enum ${en.name}`);
  }
  return int32From("int32", v);
}

function setKey(r: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(r, k, { value: v, enumerable: true, writable: true, configurable: true });
  else r[k] = v;
}

/** Characters JSON.stringify would escape (quote, backslash, controls, surrogates): rare in practice. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** The characters JSON.stringify escapes other than quote and backslash (controls, surrogates). */
const NEEDS_STRINGIFY = /[\u0000-\u001f\ud800-\udfff]/;

/**
 * `s` as a JSON string literal with only its quotes and backslashes escaped: the text JSON.stringify
 * writes whenever `s` holds no control character or lone surrogate (text that is itself JSON, such as a
 * storage value, is full of quotes, and V8 takes its slow per-character path for any escape: this is a
 * tenth of its cost for 1 KB).
 */
export function quotedText(s: string): string {
  return `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** A JSON string literal, as JSON.stringify writes it; skips JSON.stringify when it can (see quotedText). */
export function jsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  if (NEEDS_STRINGIFY.test(s)) return JSON.stringify(s);
  return quotedText(s);
}

function strText(v: unknown): string {
  return typeof v === "string" ? jsonString(v) : expected("string", v);
}

/** Runtime helpers the generated JSON code calls (`h.*`). */
export const jsonHelpers = Object.freeze({
  EMPTY: EMPTY_BYTES,
  at2,
  bad: expected,
  unknown: (k: string): never => failKey(`unknown field ${JSON.stringify(k)}`),
  dup: (k: string): never => failKey(`duplicate field ${JSON.stringify(k)}`),
  two: (g: string, a: string, b: string): never => failKey(`oneof ${g} is already set (${a}), cannot also set ${b}`),
  setKey,
  z64: (v: unknown): boolean => v === "0" || v === 0 || v === 0n || v === "-0",
  // encode
  str: strText,
  bool: (v: unknown): string => (v === true ? "true" : v === false ? "false" : expected("bool", v)),
  i32: (v: unknown): string => (typeof v === "number" && (v | 0) === v ? String(v) : expected("int32", v)),
  u32: (v: unknown): string => (typeof v === "number" && v >>> 0 === v ? String(v) : expected("uint32", v)),
  i64: (v: unknown): string => `"${intText("int64", v)}"`,
  u64: (v: unknown): string => `"${intText("uint64", v)}"`,
  f64: doubleText,
  f32: floatText,
  b64: (v: unknown): string => `"${base64Encode(v as Uint8Array)}"`,
  ts: (v: unknown): string => `"${timestampText(v)}"`,
  // decode
  i32d: (v: unknown): number => int32From("int32", v),
  u32d: (v: unknown): number => int32From("uint32", v),
  i64d: (v: unknown): string => intText("int64", v),
  u64d: (v: unknown): string => intText("uint64", v),
  f64d: (v: unknown): number => floatFrom("double", v),
  f32d: (v: unknown): number => floatFrom("float", v),
  b64d: base64Decode,
  tsd: timestampParse,
  enumd: enumFrom,
});

const q = (s: string): string => JSON.stringify(s);

function encExpr(vt: ValueType, x: string, refs: Refs): string {
  switch (vt.t) {
    case "message": return `c${refs.msg(resolve(vt.ref))}.ej(${x})`;
    case "timestamp": return `h.ts(${x})`;
    case "enum": return `h.i32(${x})`;
    case "scalar":
    case "wrapper": {
      const fn = { string: "str", bool: "bool", int32: "i32", uint32: "u32", int64: "i64", uint64: "u64",
        double: "f64", float: "f32", bytes: "b64" }[vt.scalar];
      return `h.${fn}(${x})`;
    }
  }
}

/** Condition under which a singular, non-oneof field `v` is written (proto3: zero values are not). */
export function presentCond(vt: ValueType): string {
  const set = "v !== undefined && v !== null";
  if (vt.t === "enum") return `${set} && v !== 0`;
  if (vt.t !== "scalar") return set;
  switch (vt.scalar) {
    case "string": return `${set} && v !== ""`;
    case "bool": return `${set} && v !== false`;
    case "int32": case "uint32": return `${set} && v !== 0`;
    case "double": case "float": return `${set} && (v !== 0 || 1 / v < 0)`;
    case "int64": case "uint64": return `${set} && !h.z64(v)`;
    case "bytes": return `${set} && v.length !== 0`;
  }
}

function resolve(ref: MessageType | (() => MessageType)): MessageType {
  return typeof ref === "function" ? ref() : ref;
}

function encField(f: Field, refs: Refs, oneofVar?: string): string {
  const key = q(`,"${f.name}":`);
  const head = `f = ${q(f.name)}; v = m.${f.name};\n`;
  if (f.label === "repeated") {
    return `${head}if (v !== undefined && v !== null && v.length !== 0) {
  if (!Array.isArray(v)) h.bad("array", v);
  ix = 0; s += ${key} + "[" + ${encExpr(f.value, "v[0]", refs)};
  for (ix = 1; ix < v.length; ix++) s += "," + ${encExpr(f.value, "v[ix]", refs)};
  ix = -1; s += "]";
}\n`;
  }
  if (f.label === "map") {
    return `${head}if (v !== undefined && v !== null) {
  if (typeof v !== "object" || Array.isArray(v)) h.bad("map (object)", v);
  let t = "";
  for (ix in v) t += "," + h.str(ix) + ":" + ${encExpr(f.value, "v[ix]", refs)};
  ix = -1;
  if (t !== "") s += ${key} + "{" + t.slice(1) + "}";
}\n`;
  }
  if (oneofVar !== undefined) {
    return `${head}if (v !== undefined && v !== null) {
  if (${oneofVar} !== undefined) h.two(${q(f.oneof ?? "")}, ${oneofVar}, ${q(f.name)});
  ${oneofVar} = ${q(f.name)}; s += ${key} + ${encExpr(f.value, "v", refs)};
}\n`;
  }
  return `${head}if (${presentCond(f.value)}) s += ${key} + ${encExpr(f.value, "v", refs)};\n`;
}

/** A large oneof: scan the value's own keys instead of probing every member. */
function encScan(members: readonly Field[], refs: Refs, gv: string): string {
  const cases = members.map((f) => `    case ${q(f.name)}: ${encField(f, refs, gv).replace(/\n/g, "\n    ")} break;`);
  return `for (const k in m) {\n  switch (k) {\n${cases.join("\n")}\n  }\n}\n`;
}

/** Source of `function(m): string` for one message. */
export function jsonEncoderSource(t: MessageType, refs: Refs): string {
  let body = "";
  const done = new Set<string>();
  const groupVars: string[] = [];
  for (const f of t.fields) {
    if (f.oneof === undefined) {
      body += encField(f, refs);
      continue;
    }
    if (done.has(f.oneof)) continue;
    done.add(f.oneof);
    const gv = `g${groupVars.length}`;
    groupVars.push(gv);
    const members = t.fields.filter((x) => x.oneof === f.oneof);
    body += members.length > SCAN_ONEOF ? encScan(members, refs, gv) : members.map((x) => encField(x, refs, gv)).join("");
  }
  const decl = groupVars.length > 0 ? `let ${groupVars.join(", ")};` : "";
  return `return function ej(m) {
if (typeof m !== "object" || m === null) h.bad("message object", m);
let s = "", v, f = "", ix = -1; ${decl}
try {
${body}} catch (e) { throw h.at2(e, f, ix); }
return s === "" ? "{}" : "{" + s.slice(1) + "}";
};`;
}

function decExpr(vt: ValueType, x: string, refs: Refs): string {
  switch (vt.t) {
    case "message": return `c${refs.msg(resolve(vt.ref))}.dj(${x}, strict)`;
    case "timestamp": return `h.tsd(${x})`;
    case "enum": return `h.enumd(${x}, e${refs.enm(vt.enum)})`;
    case "scalar":
    case "wrapper":
      switch (vt.scalar) {
        case "string": return `(typeof ${x} === "string" ? ${x} : h.bad("string", ${x}))`;
        case "bool": return `(typeof ${x} === "boolean" ? ${x} : h.bad("bool", ${x}))`;
        case "int32": return `h.i32d(${x})`;
        case "uint32": return `h.u32d(${x})`;
        case "int64": return `h.i64d(${x})`;
        case "uint64": return `h.u64d(${x})`;
        case "double": return `h.f64d(${x})`;
        case "float": return `h.f32d(${x})`;
        case "bytes": return `h.b64d(${x})`;
      }
  }
}

/** Default of a field in a decoded value, or undefined when the field is left absent. */
export function defaultLiteral(f: Field): string | undefined {
  if (f.label === "repeated") return "[]";
  if (f.label === "map") return "{}";
  if (f.oneof !== undefined) return undefined;
  if (f.value.t === "enum") return "0";
  if (f.value.t !== "scalar") return undefined;
  return { string: '""', bool: "false", int32: "0", uint32: "0", int64: '"0"', uint64: '"0"', double: "0",
    float: "0", bytes: "h.EMPTY" }[f.value.scalar];
}

export function defaultsObject(t: MessageType): string {
  const parts: string[] = [];
  for (const f of t.fields) {
    const d = defaultLiteral(f);
    if (d !== undefined) parts.push(`${f.name}: ${d}`);
  }
  return `{ ${parts.join(", ")} }`;
}

function decCase(f: Field, refs: Refs, gv: string | undefined): string {
  let labels = "";
  if (f.jsonName !== f.name) labels += `case ${q(f.jsonName)}: if (o.${f.name} !== undefined) h.dup(k);\n`;
  labels += `case ${q(f.name)}: if (v !== null) {`;
  if (f.label === "repeated") {
    return `${labels} if (!Array.isArray(v)) h.bad("array", v); const a = m.${f.name};
  for (ix = 0; ix < v.length; ix++) { const x = v[ix]; a.push(${decExpr(f.value, "x", refs)}); } ix = -1; } break;\n`;
  }
  if (f.label === "map") {
    return `${labels} if (typeof v !== "object" || Array.isArray(v)) h.bad("map (object)", v); const r = m.${f.name};
  for (ix in v) { const x = v[ix]; h.setKey(r, ix, ${decExpr(f.value, "x", refs)}); } ix = -1; } break;\n`;
  }
  const one = gv === undefined ? "" : ` if (${gv} !== undefined) h.two(${q(f.oneof ?? "")}, ${gv}, ${q(f.name)}); ${gv} = ${q(f.name)};`;
  return `${labels}${one} m.${f.name} = ${decExpr(f.value, "v", refs)}; } break;\n`;
}

/** Source of `function(o, strict): T` for one message. */
export function jsonDecoderSource(t: MessageType, refs: Refs): string {
  const groups = Object.keys(t.oneofs);
  const gvOf = (f: Field): string | undefined => (f.oneof === undefined ? undefined : `g${groups.indexOf(f.oneof)}`);
  const cases = t.fields.map((f) => decCase(f, refs, gvOf(f))).join("");
  const decl = groups.length > 0 ? `let ${groups.map((_g, i) => `g${i}`).join(", ")};` : "";
  return `return function dj(o, strict) {
if (typeof o !== "object" || o === null || Array.isArray(o)) h.bad("object", o);
const m = ${defaultsObject(t)};
let k, ix = -1; ${decl}
try {
for (k in o) {
const v = o[k];
switch (k) {
${cases}default: if (strict) h.unknown(k);
}
}
} catch (e) { throw h.at2(e, k, ix); }
return m;
};`;
}
