// Owns the public surface of proto/: the Nakama wire schema and its codecs. Import from here only.
//
//   import { api, rt, toJson, fromJson, encodeBinary, decodeBinary, envelopeCase } from "../proto/index.js";
//
// Schemas: `api.X` (nakama.api, REST) and `rt.X` (nakama.realtime, socket) are each both a value
// (MessageType<X>, pass it to a codec) and a TypeScript type (the decoded shape). Enums are `as const`
// objects (api.Operator.BEST, rt.ErrorCode.BAD_INPUT). Defined in proto/defs/ with the DSL in
// schema.ts; api.ts and rt.ts are generated from them by gen-types.ts.
//
// Values in memory (same for JSON and protobuf, so a message decoded from one encodes to the other):
//   string, bool → string, boolean     int32, uint32, double, float, enum → number
//   int64, uint64 → decimal string ("7"; encoders also take number/bigint)
//   bytes → Uint8Array                 map<string, V> → Record<string, V>     repeated → array
//   google.protobuf.*Value wrappers → the bare value, undefined = unset (null also accepted on encode)
//   Timestamp → Date (sub-millisecond digits survive: see timestampFrom / timestampParts)
//   message fields → object, undefined = unset     oneof members → plain optional fields, at most one set
// Decoded values always carry every scalar, repeated and map field (proto3 defaults: "", 0, false,
// "0", empty Uint8Array, [], {}); message, wrapper, Timestamp and oneof fields are present only when set.
// Encoders take `Init<T>`: any field may be omitted.
//
// Codecs (compiled once per message when proto/ loads):
//   toJson(type, value): string                protojson with Nakama's options (UseProtoNames,
//   toJsonValue(type, value): object             UseEnumNumbers, no EmitUnpopulated)
//   fromJson(type, text | bytes | object, { unknown: "error" | "ignore" }): T
//   encodeBinary(type, value): Uint8Array       decodeBinary(type, bytes): T
//   envelopeCase(envelope) / oneofCase(type, value, group): which oneof member is set
// Decode failures throw GameError(INVALID_ARGUMENT) naming the message and field path; encoding an
// invalid value (wrong JS type, out-of-range number) throws GameError(INTERNAL).
import * as rt from "./rt.js";

export * as api from "./api.js";
export * as rt from "./rt.js";
export type { EnumType, Field, MessageType } from "./schema.js";
export type { DecodeOptions, Init } from "./codec.js";
export { decodeBinary, encodeBinary, fromJson, oneofCase, toJson, toJsonValue } from "./codec.js";
export { timestampFrom, timestampParts, timestampText } from "./scalars.js";
export { jsonString, quotedText } from "./gen-json.js";

const envelopeMembers: ReadonlySet<string> = new Set(rt.Envelope.oneofs.message);

/** The envelope's message case (its one set member), or undefined when it carries none. */
export function envelopeCase(env: rt.Envelope): rt.EnvelopeMessageCase | undefined {
  for (const k in env) {
    if (k !== "cid" && envelopeMembers.has(k) && (env as unknown as Record<string, unknown>)[k] != null) {
      return k as rt.EnvelopeMessageCase;
    }
  }
  return undefined;
}
