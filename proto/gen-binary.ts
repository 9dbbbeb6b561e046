// Owns the protobuf binary codec generator: for one message it writes the source of an encoder
// (value → fields on a Writer, field-number order as Go writes them, zeros omitted, packed repeated
// scalars, maps with key and value always present, wrappers/Timestamp as embedded messages) and a
// decoder (Reader → value; unknown fields and wire-type mismatches skipped, packed or unpacked
// repeated accepted, repeated occurrences of a message merged, last oneof member wins).
import type { Field, MessageType, ScalarKind, ValueType } from "./schema.js";
import { at, EMPTY_BYTES, expected, fail } from "./scalars.js";
import type { Reader } from "./reader.js";
import { presentCond, SCAN_ONEOF, defaultsObject } from "./gen-json.js";
import type { Refs } from "./gen-json.js";

const WT_VARINT = 0;
const WT_I64 = 1;
const WT_LEN = 2;
const WT_I32 = 5;

function resolve(ref: MessageType | (() => MessageType)): MessageType {
  return typeof ref === "function" ? ref() : ref;
}

function scalarWire(s: ScalarKind): number {
  if (s === "double") return WT_I64;
  if (s === "float") return WT_I32;
  if (s === "string" || s === "bytes") return WT_LEN;
  return WT_VARINT;
}

function wireType(vt: ValueType): number {
  if (vt.t === "scalar") return scalarWire(vt.scalar);
  return vt.t === "enum" ? WT_VARINT : WT_LEN;
}

const tag = (n: number, wt: number): number => ((n << 3) | wt) >>> 0;

/** Writer method for a scalar kind. */
const wfn = (s: ScalarKind): string => s;

type Rd = (r: Reader, end: number) => unknown;
const readers: Record<ScalarKind, Rd> = {
  string: (r, e) => r.string(e),
  bytes: (r, e) => r.bytes(e),
  bool: (r) => r.bool(),
  int32: (r) => r.int32(),
  uint32: (r) => r.uint32(),
  int64: (r) => r.int64(),
  uint64: (r) => r.uint64(),
  double: (r) => r.double(),
  float: (r) => r.float(),
};

function unwrap(r: Reader, end: number, vtag: number, read: Rd, zero: unknown): unknown {
  let v = zero;
  while (r.pos < end) {
    const t = r.varint32();
    if (t === vtag) v = read(r, end);
    else r.skip(t, end);
  }
  r.done(end);
  return v;
}

function clearOneof(m: Record<string, unknown>, members: readonly string[], keep: string): void {
  for (const k of members) if (k !== keep && m[k] !== undefined) delete m[k];
}

/** Runtime helpers the generated binary code calls (`h.*`). */
export const binaryHelpers = Object.freeze({
  EMPTY: EMPTY_BYTES,
  at,
  bad: expected,
  at2: (e: unknown, f: string, ix: number | string): unknown => {
    if (ix !== -1) at(e, typeof ix === "number" ? ix : `[${JSON.stringify(ix)}]`);
    return at(e, f);
  },
  two: (g: string, a: string, b: string): never => fail(`oneof ${g} has two members set: ${a} and ${b}`),
  z64: (v: unknown): boolean => v === "0" || v === 0 || v === 0n || v === "-0",
  unwrap,
  readers,
  clearOneof,
  setKey: (r: Record<string, unknown>, k: string, v: unknown): void => {
    if (k === "__proto__") Object.defineProperty(r, k, { value: v, enumerable: true, writable: true, configurable: true });
    else r[k] = v;
  },
});

/** Statements writing element `x` (tag included) of a field with number `n`. */
function writeElem(vt: ValueType, n: number, x: string, refs: Refs): string {
  const t = tag(n, wireType(vt));
  switch (vt.t) {
    case "scalar": return `w.varint32(${t}); w.${wfn(vt.scalar)}(${x});`;
    case "enum": return `w.varint32(${t}); w.int32(${x});`;
    case "timestamp": return `w.varint32(${t}); { const p = w.fork(); w.timestamp(${x}); w.ldelim(p); }`;
    case "message":
      return `w.varint32(${t}); { const p = w.fork(); c${refs.msg(resolve(vt.ref))}.eb(${x}, w); w.ldelim(p); }`;
    case "wrapper": {
      const cond = presentCond({ t: "scalar", scalar: vt.scalar }).replace(/\bv\b/g, "wv");
      return `w.varint32(${t}); { const p = w.fork(); const wv = ${x}; if (${cond}) { w.varint32(${tag(1, scalarWire(vt.scalar))}); w.${wfn(vt.scalar)}(wv); } w.ldelim(p); }`;
    }
  }
}

const packable = (vt: ValueType): boolean => vt.t === "enum" || (vt.t === "scalar" && scalarWire(vt.scalar) !== WT_LEN);

function encField(f: Field, refs: Refs, gv?: string): string {
  const head = `f = ${JSON.stringify(f.name)}; v = m.${f.name};\n`;
  if (f.label === "repeated") {
    const arr = `if (v !== undefined && v !== null && v.length !== 0) {\n  if (!Array.isArray(v)) h.bad("array", v);\n`;
    if (packable(f.value)) {
      const fn = f.value.t === "enum" ? "int32" : wfn((f.value as { scalar: ScalarKind }).scalar);
      return `${head}${arr}  w.varint32(${tag(f.number, WT_LEN)}); const p = w.fork();
  for (ix = 0; ix < v.length; ix++) w.${fn}(v[ix]);
  ix = -1; w.ldelim(p);\n}\n`;
    }
    return `${head}${arr}  for (ix = 0; ix < v.length; ix++) { ${writeElem(f.value, f.number, "v[ix]", refs)} }\n  ix = -1;\n}\n`;
  }
  if (f.label === "map") {
    return `${head}if (v !== undefined && v !== null) {
  if (typeof v !== "object" || Array.isArray(v)) h.bad("map (object)", v);
  for (ix in v) { w.varint32(${tag(f.number, WT_LEN)}); const p = w.fork(); w.varint32(10); w.string(ix); ${writeElem(f.value, 2, "v[ix]", refs)} w.ldelim(p); }
  ix = -1;\n}\n`;
  }
  if (gv !== undefined) {
    return `${head}if (v !== undefined && v !== null) {
  if (${gv} !== undefined) h.two(${JSON.stringify(f.oneof ?? "")}, ${gv}, ${JSON.stringify(f.name)});
  ${gv} = ${JSON.stringify(f.name)}; ${writeElem(f.value, f.number, "v", refs)}\n}\n`;
  }
  return `${head}if (${presentCond(f.value)}) { ${writeElem(f.value, f.number, "v", refs)} }\n`;
}

/** Source of `function(m, w)` for one message. */
export function binaryEncoderSource(t: MessageType, refs: Refs): string {
  let body = "";
  const groupVars: string[] = [];
  const done = new Set<string>();
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
    if (members.length > SCAN_ONEOF) {
      const cases = members.map((x) => `  case ${JSON.stringify(x.name)}: ${encField(x, refs, gv)} break;`);
      body += `for (const k in m) {\nswitch (k) {\n${cases.join("\n")}\n}\n}\n`;
    } else body += members.map((x) => encField(x, refs, gv)).join("");
  }
  const decl = groupVars.length > 0 ? `let ${groupVars.join(", ")};` : "";
  return `return function eb(m, w) {
if (typeof m !== "object" || m === null) h.bad("message object", m);
let v, f = "", ix = -1; ${decl}
try {
${body}} catch (e) { throw h.at2(e, f, ix); }
};`;
}

/** Expression reading one element (no tag) of type `vt`, bounded by `lim`. */
function readExpr(vt: ValueType, lim: string, refs: Refs): string {
  switch (vt.t) {
    case "scalar": return vt.scalar === "string" || vt.scalar === "bytes" ? `r.${vt.scalar}(${lim})` : `r.${vt.scalar}()`;
    case "enum": return "r.int32()";
    case "timestamp": return `r.timestamp(r.sub(${lim}))`;
    case "message": return `c${refs.msg(resolve(vt.ref))}.db(r, r.sub(${lim}), undefined)`;
    case "wrapper": {
      const zero = { string: '""', bool: "false", int64: '"0"', uint64: '"0"', bytes: "h.EMPTY" }[vt.scalar as string] ?? "0";
      return `h.unwrap(r, r.sub(${lim}), ${tag(1, scalarWire(vt.scalar))}, h.readers.${vt.scalar}, ${zero})`;
    }
  }
}

function decCase(f: Field, refs: Refs, gi: number): string {
  const name = f.name;
  const wt = wireType(f.value);
  if (f.label === "repeated") {
    let s = `case ${tag(f.number, wt)}: m.${name}.push(${readExpr(f.value, "end", refs)}); break;\n`;
    if (packable(f.value)) {
      s += `case ${tag(f.number, WT_LEN)}: { const e = r.sub(end); const a = m.${name}; while (r.pos < e) a.push(${readExpr(f.value, "e", refs)}); r.done(e); } break;\n`;
    }
    return s;
  }
  if (f.label === "map") {
    const vt = tag(2, wt);
    const dflt = f.value.t === "message" ? `c${refs.msg(resolve(f.value.ref))}.db(r, r.pos, undefined)` : defaultOf(f.value);
    return `case ${tag(f.number, WT_LEN)}: { const e = r.sub(end); let mk = "", mv;
  while (r.pos < e) { const t2 = r.varint32(); if (t2 === 10) mk = r.string(e); else if (t2 === ${vt}) mv = ${readExpr(f.value, "e", refs)}; else r.skip(t2, e); }
  r.done(e); h.setKey(m.${name}, mk, mv === undefined ? ${dflt} : mv); } break;\n`;
  }
  let pre = "";
  if (f.oneof !== undefined) {
    pre = `if (g${gi} !== ${JSON.stringify(name)}) { if (g${gi} !== undefined || !fresh) h.clearOneof(m, O${gi}, ${JSON.stringify(name)}); g${gi} = ${JSON.stringify(name)}; } `;
  }
  const read = f.value.t === "message"
    ? `{ const e = r.sub(end); m.${name} = c${refs.msg(resolve(f.value.ref))}.db(r, e, m.${name}); }`
    : `m.${name} = ${readExpr(f.value, "end", refs)};`;
  return `case ${tag(f.number, wt)}: ${pre}${read} break;\n`;
}

function defaultOf(vt: ValueType): string {
  if (vt.t === "enum") return "0";
  if (vt.t === "timestamp") return "new Date(0)";
  if (vt.t === "message") return "undefined";
  return { string: '""', bool: "false", int64: '"0"', uint64: '"0"', bytes: "h.EMPTY" }[vt.scalar as string] ?? "0";
}

/** Source of `function(r, end, into)` for one message. */
export function binaryDecoderSource(t: MessageType, refs: Refs): string {
  const groups = Object.keys(t.oneofs);
  const cases = t.fields.map((f) => decCase(f, refs, f.oneof === undefined ? -1 : groups.indexOf(f.oneof))).join("");
  const names = JSON.stringify(Object.fromEntries(t.fields.map((f) => [f.number, f.name])));
  const consts = groups.map((g, i) => `const O${i} = ${JSON.stringify(t.oneofs[g])};`).join(" ");
  const decl = groups.length > 0 ? `let ${groups.map((_g, i) => `g${i}`).join(", ")};` : "";
  return `const N = ${names}; ${consts}
return function db(r, end, into) {
const fresh = into === undefined;
const m = fresh ? ${defaultsObject(t)} : into;
let t = 0; ${decl}
try {
while (r.pos < end) {
t = r.varint32();
switch (t) {
${cases}default: r.skip(t, end);
}
}
t = 0;
r.done(end);
} catch (e) { throw t === 0 ? e : h.at(e, N[t >>> 3] ?? "#" + (t >>> 3)); }
return m;
};`;
}
