// Owns compiling the generated codec sources into functions (once, at module load) and the public
// codec entry points: JSON text/value and protobuf binary, both directions, with errors as GameError.
import { Code, GameError } from "../src/errors.js";
import type { Codec, EnumType, MessageType } from "./schema.js";
import { resolveMessage } from "./schema.js";
import { jsonDecoderSource, jsonEncoderSource, jsonHelpers } from "./gen-json.js";
import type { Refs } from "./gen-json.js";
import { binaryDecoderSource, binaryEncoderSource, binaryHelpers } from "./gen-binary.js";
import { Reader } from "./reader.js";
import { ProtoFail } from "./scalars.js";
import { Writer } from "./writer.js";

/** What encoders accept: any field may be left out (proto3 defaults), nested values likewise. */
export type Init<T> = T extends string | number | boolean | bigint | Date | Uint8Array
  ? T
  : T extends readonly (infer E)[]
    ? readonly Init<E>[]
    : { [K in keyof T]?: Init<T[K]> };

export interface DecodeOptions {
  /** Unknown JSON fields: "error" (default; the realtime socket) or "ignore" (the REST gateway). */
  unknown?: "ignore" | "error";
}

type Factory = (h: unknown, c: readonly Codec[], e: readonly EnumType[]) => (...args: any[]) => any;

function build(src: string, h: unknown, msgs: MessageType[], enums: EnumType[]): (...args: any[]) => any {
  const prelude = msgs.map((_m, i) => `const c${i} = c[${i}];`).join(" ") + enums.map((_x, i) => `const e${i} = e[${i}];`).join(" ");
  // Codecs are generated from our own schema definitions (never from input) and compiled once.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function("h", "c", "e", `"use strict"; ${prelude}\n${src}`) as Factory;
  return factory(h, msgs.map((m) => m.codec), enums);
}

function compileOne(t: MessageType): void {
  const msgs: MessageType[] = [];
  const enums: EnumType[] = [];
  const refs: Refs = {
    msg: (m) => (msgs.includes(m) ? msgs.indexOf(m) : msgs.push(m) - 1),
    enm: (en) => (enums.includes(en) ? enums.indexOf(en) : enums.push(en) - 1),
  };
  const src = {
    ej: jsonEncoderSource(t, refs),
    dj: jsonDecoderSource(t, refs),
    eb: binaryEncoderSource(t, refs),
    db: binaryDecoderSource(t, refs),
  };
  const codec = t.codec;
  codec.ej = build(src.ej, jsonHelpers, msgs, enums);
  codec.dj = build(src.dj, jsonHelpers, msgs, enums);
  codec.eb = build(src.eb, binaryHelpers, msgs, enums);
  codec.db = build(src.db, binaryHelpers, msgs, enums);
}

/**
 * Compiles the codecs of these messages and every message they reach, then freezes them.
 * Called once per schema module at load; compiled messages are skipped.
 */
export function compileAll(types: Iterable<MessageType>): void {
  const seen = new Set<MessageType>();
  const queue = [...types];
  while (queue.length > 0) {
    const t = queue.pop() as MessageType;
    if (seen.has(t) || Object.isFrozen(t.codec)) continue;
    seen.add(t);
    for (const f of t.fields) if (f.value.t === "message") queue.push(resolveMessage(f.value.ref));
  }
  for (const t of seen) compileOne(t);
  for (const t of seen) Object.freeze(t.codec);
}

function failure(type: MessageType, e: unknown, code: Code, what: string): GameError {
  if (e instanceof GameError) return e;
  if (e instanceof ProtoFail) {
    const path = e.pathText();
    return new GameError(code, `${what}${type.name}: ${path === "" ? "" : `${path}: `}${e.detail}`);
  }
  return new GameError(Code.INTERNAL, `${what}${type.name}: internal codec error`, { cause: e });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Encodes to JSON text with Nakama's protojson rules. Bad values throw GameError(INTERNAL). */
export function toJson<T>(type: MessageType<T>, value: Init<T>): string {
  try {
    return type.codec.ej(value);
  } catch (e) {
    throw failure(type, e, Code.INTERNAL, "cannot encode ");
  }
}

/** Like toJson, as a plain JSON value (for embedding in a larger document). */
export function toJsonValue<T>(type: MessageType<T>, value: Init<T>): Record<string, unknown> {
  return JSON.parse(toJson(type, value)) as Record<string, unknown>;
}

/**
 * Decodes JSON (text, UTF-8 bytes, or an already parsed value). Bad input throws
 * GameError(INVALID_ARGUMENT) whose message names the field.
 */
export function fromJson<T>(type: MessageType<T>, input: string | Uint8Array | object, opts?: DecodeOptions): T {
  let o: unknown = input;
  try {
    if (input instanceof Uint8Array) o = JSON.parse(utf8.decode(input));
    else if (typeof input === "string") o = JSON.parse(input);
  } catch (e) {
    const why = e instanceof Error ? e.message : "not UTF-8";
    throw new GameError(Code.INVALID_ARGUMENT, `${type.name}: invalid JSON: ${why}`, { cause: e });
  }
  try {
    return type.codec.dj(o, opts?.unknown !== "ignore") as T;
  } catch (e) {
    throw failure(type, e, Code.INVALID_ARGUMENT, "");
  }
}

/**
 * Encodes to protobuf binary. Bad values throw GameError(INTERNAL). The result is a view into pooled
 * memory (its byteOffset may be non-zero): send or copy the view itself, never its `.buffer`.
 */
export function encodeBinary<T>(type: MessageType<T>, value: Init<T>): Uint8Array {
  const w = new Writer(256);
  try {
    type.codec.eb(value, w);
  } catch (e) {
    throw failure(type, e, Code.INTERNAL, "cannot encode ");
  }
  return w.finish();
}

/** Decodes protobuf binary. Malformed input throws GameError(INVALID_ARGUMENT). */
export function decodeBinary<T>(type: MessageType<T>, bytes: Uint8Array): T {
  if (!(bytes instanceof Uint8Array)) throw new GameError(Code.INVALID_ARGUMENT, `${type.name}: expected bytes`);
  try {
    return type.codec.db(new Reader(bytes), bytes.length, undefined) as T;
  } catch (e) {
    throw failure(type, e, Code.INVALID_ARGUMENT, "");
  }
}

/** Which member of a oneof group is set (the first non-null one), or undefined. */
export function oneofCase<T>(type: MessageType<T>, value: T, group: string): string | undefined {
  const members = type.oneofs[group];
  if (members === undefined) throw new Error(`proto: ${type.name} has no oneof ${group}`);
  const v = value as Record<string, unknown>;
  for (const k of members) if (v[k] !== undefined && v[k] !== null) return k;
  return undefined;
}
