// Owns the schema DSL: protobuf messages, enums and fields written as plain TypeScript data
// (snake_case name, field number, type, oneof group). Codecs (codec.ts) and the generated TS types
// (gen-types.ts → api.ts / rt.ts) are both derived from these definitions, never written by hand.
//
// A field is `[number, type]` or `[number, type, { oneof: "group" }]` where type is one of:
//   "string" | "bool" | "int32" | "uint32" | "int64" | "uint64" | "double" | "float" | "bytes"
//   "BoolValue" | "StringValue" | "Int32Value" | "UInt32Value" | "Int64Value" | "UInt64Value" |
//   "DoubleValue" | "FloatValue" | "BytesValue"            (google.protobuf wrappers)
//   "Timestamp"                                             (google.protobuf.Timestamp)
//   an EnumType, a MessageType, or `() => MessageType` (for forward references)
//   repeated(elem) | map(elem)                              (maps always have string keys here)

/** Scalar kinds, with protobuf's names. */
export type ScalarKind =
  | "string" | "bool" | "int32" | "uint32" | "int64" | "uint64" | "double" | "float" | "bytes";

/** google.protobuf wrapper messages and the scalar each one wraps (its field 1). */
export const wrapperScalar = {
  BoolValue: "bool",
  StringValue: "string",
  Int32Value: "int32",
  UInt32Value: "uint32",
  Int64Value: "int64",
  UInt64Value: "uint64",
  DoubleValue: "double",
  FloatValue: "float",
  BytesValue: "bytes",
} as const satisfies Record<string, ScalarKind>;
export type WrapperKind = keyof typeof wrapperScalar;

const scalarKinds: ReadonlySet<string> = new Set<ScalarKind>([
  "string", "bool", "int32", "uint32", "int64", "uint64", "double", "float", "bytes",
]);

/** A protobuf enum: value names to numbers (open enum: unknown numbers decode as numbers). */
export interface EnumType<V extends Readonly<Record<string, number>> = Readonly<Record<string, number>>> {
  readonly kind: "enum";
  /** Full proto name, e.g. "nakama.api.Operator". */
  readonly name: string;
  readonly values: V;
}

/** What a codec slot holds once the message is compiled (see codec.ts). Internal shape. */
export interface Codec {
  /** value → JSON text of the message. */
  ej: (m: any) => string;
  /** parsed JSON value → value; `strict` rejects unknown fields. */
  dj: (o: unknown, strict: boolean) => any;
  /** value → protobuf fields appended to the writer (no length prefix). */
  eb: (m: any, w: any) => void;
  /** reader positioned at the message's first field, its end offset, optional value to merge into. */
  db: (r: any, end: number, into?: any) => any;
}

declare const typeTag: unique symbol;

/** A message schema. `T` is the TypeScript type its codecs produce (a phantom). */
export interface MessageType<T = unknown> {
  readonly kind: "message";
  /** Full proto name, e.g. "nakama.realtime.Envelope". */
  readonly name: string;
  /** Fields in declaration order. */
  readonly fields: readonly Field[];
  /** Oneof group name → member field names, in declaration order. */
  readonly oneofs: Readonly<Record<string, readonly string[]>>;
  /** Compiled codecs; filled once by `compileAll` at module load, then frozen. */
  readonly codec: Codec;
  readonly [typeTag]?: T;
}

export type MessageRef = MessageType | (() => MessageType);

/** A field's element type after resolution. */
export type ValueType =
  | { readonly t: "scalar"; readonly scalar: ScalarKind }
  | { readonly t: "wrapper"; readonly scalar: ScalarKind; readonly wrapper: WrapperKind }
  | { readonly t: "timestamp" }
  | { readonly t: "enum"; readonly enum: EnumType }
  | { readonly t: "message"; readonly ref: MessageRef };

export interface Field {
  readonly name: string;
  /** lowerCamelCase name, also accepted by the JSON decoder. */
  readonly jsonName: string;
  readonly number: number;
  readonly label: "single" | "repeated" | "map";
  readonly value: ValueType;
  readonly oneof: string | undefined;
}

type ElemSpec = ScalarKind | WrapperKind | "Timestamp" | EnumType | MessageRef;
interface ListSpec {
  readonly kind: "repeated" | "map";
  readonly of: ElemSpec;
}
export type TypeSpec = ElemSpec | ListSpec;
export type FieldSpec = readonly [number: number, type: TypeSpec, opts?: { readonly oneof: string }];

/** `repeated X`. */
export function repeated(of: ElemSpec): ListSpec {
  return { kind: "repeated", of };
}

/** `map<string, X>`. */
export function map(of: ElemSpec): ListSpec {
  return { kind: "map", of };
}

/** Defines an enum. */
export function enumType<const V extends Record<string, number>>(name: string, values: V): EnumType<V> {
  return Object.freeze({ kind: "enum", name, values: Object.freeze(values) });
}

/** Resolves a message reference (a type or a thunk returning one). */
export function resolveMessage(ref: MessageRef): MessageType {
  return typeof ref === "function" ? ref() : ref;
}

/** protoc's json_name: drop underscores, upper-case the following letter. */
export function toJsonName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function valueType(spec: ElemSpec, where: string): ValueType {
  if (typeof spec === "string") {
    if (scalarKinds.has(spec)) return { t: "scalar", scalar: spec as ScalarKind };
    if (spec === "Timestamp") return { t: "timestamp" };
    if (Object.hasOwn(wrapperScalar, spec)) {
      const wrapper = spec as WrapperKind;
      return { t: "wrapper", scalar: wrapperScalar[wrapper], wrapper };
    }
    throw new Error(`schema: unknown type "${spec}" at ${where}`);
  }
  if (typeof spec === "function") return { t: "message", ref: spec };
  if (spec.kind === "enum") return { t: "enum", enum: spec };
  return { t: "message", ref: spec };
}

function makeField(name: string, spec: FieldSpec, where: string): Field {
  const [number, type, opts] = spec;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`schema: bad field name ${where}`);
  if (!Number.isInteger(number) || number < 1 || number > 536870911 || (number >= 19000 && number <= 19999)) {
    throw new Error(`schema: bad field number ${number} at ${where}`);
  }
  const list = typeof type === "object" && (type.kind === "repeated" || type.kind === "map") ? type : undefined;
  const value = valueType(list ? list.of : (type as ElemSpec), where);
  const oneof = opts?.oneof;
  if (oneof !== undefined && list) throw new Error(`schema: oneof member cannot be ${list.kind} at ${where}`);
  return Object.freeze({ name, jsonName: toJsonName(name), number, label: list ? list.kind : "single", value, oneof });
}

function notCompiled(): never {
  throw new Error("schema: message used before compileAll()");
}

/** Defines a message. Fields keep their declaration order (the order codecs write them in). */
export function message(name: string, fields: Readonly<Record<string, FieldSpec>>): MessageType {
  const list: Field[] = [];
  const numbers = new Set<number>();
  const oneofs: Record<string, string[]> = {};
  for (const [fname, spec] of Object.entries(fields)) {
    const f = makeField(fname, spec, `${name}.${fname}`);
    if (numbers.has(f.number)) throw new Error(`schema: duplicate field number ${f.number} in ${name}`);
    numbers.add(f.number);
    if (f.oneof !== undefined) (oneofs[f.oneof] ??= []).push(f.name);
    list.push(f);
  }
  for (const k of Object.keys(oneofs)) Object.freeze(oneofs[k]);
  const codec: Codec = { ej: notCompiled, dj: notCompiled, eb: notCompiled, db: notCompiled };
  return Object.freeze({ kind: "message", name, fields: Object.freeze(list), oneofs: Object.freeze(oneofs), codec });
}
