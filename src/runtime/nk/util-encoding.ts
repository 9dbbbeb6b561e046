// Owns nk's encoding utilities: base64 / base64url / base16 encode and decode, uuid_v4 (JS uuidv4),
// uuid_bytes_to_string / uuid_string_to_bytes (Lua), json_encode / json_decode (Lua only; JS has JSON),
// binaryToString / stringToBinary (JS only) and secure_random_bytes. Nakama's quirks kept:
//   Lua: inputs must be non-empty ("expects string"); decoded values are byte strings; base64_decode and
//     base64url_decode pad the input unless `padding` is true (default false); errors read
//     "not a valid base64 string: illegal base64 data at input byte 4".
//   JS: encoders take a string or ArrayBuffer; decoders return ArrayBuffer; base64Decode pads unless
//     `padding` is false (default true) while base64UrlDecode pads only when `padding` is false;
//     decode errors read "Failed to decode string: <input>".
import { randomBytes } from "node:crypto";
import { newUuid, parseUuid } from "../../session/uuid.js";
import { jsonDecode, jsonEncode } from "../lua/index.js";
import { isAbsent, wrapError, type Args } from "./args.js";
import { define, immediate } from "./binding.js";
import { GoCodecError, goBase64Decode, goBase64Encode, goHexDecode, padBase64 } from "./go-codecs.js";
import type { NkBinding } from "./types.js";

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");

/** A non-empty Lua byte-string argument. */
function luaInput(a: Args, i: number, message = "expects string"): Uint8Array {
  const b = a.bytes(i);
  if (b.length === 0) throw a.fail(i, message);
  return b;
}

/** A JS string-or-ArrayBuffer argument. */
function jsInput(a: Args, i: number): Uint8Array {
  const v = a.get(i);
  if (typeof v === "string" || v instanceof Uint8Array) return a.bytes(i);
  throw a.fail(i, "expects a string or ArrayBuffer object");
}

function decodeOrFail<T>(fn: () => T, onError: (e: GoCodecError) => Error): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GoCodecError) throw onError(e);
    throw e;
  }
}

function base64Bindings(): NkBinding[] {
  const encoders = ([["base64_encode", "base64Encode", false], ["base64url_encode", "base64UrlEncode", true]] as const).map(([lua, js, url]) =>
    define({
      lua,
      js,
      luaRawStrings: true,
      luaFn: (a) => [goBase64Encode(luaInput(a, 0), url, a.optBool(1, true))],
      jsFn: (a) => goBase64Encode(jsInput(a, 0), url, a.has(1) ? a.bool(1) : true),
    }),
  );
  const luaDecode = (url: boolean) => (a: Args) => {
    const input = latin1(luaInput(a, 0));
    const padded = a.optBool(1, false) ? input : padBase64(input);
    const what = url ? "not a valid base64 url string" : "not a valid base64 string";
    return [decodeOrFail(() => goBase64Decode(padded, url), (e) => wrapError(what, e))];
  };
  const jsDecode = (url: boolean) => (a: Args) => {
    const input = a.str(0);
    const padding = a.has(1) ? a.bool(1) : true;
    // Nakama pads when `padding` is true for base64Decode, but when it is false for base64UrlDecode.
    const pad = url ? !padding : padding;
    const text = pad ? padBase64(input) : input;
    return decodeOrFail(() => goBase64Decode(text, url), () => a.error(`Failed to decode string: ${text}`));
  };
  return [
    ...encoders,
    define({ lua: "base64_decode", js: "base64Decode", luaRawStrings: true, luaFn: luaDecode(false), jsFn: jsDecode(false) }),
    define({ lua: "base64url_decode", js: "base64UrlDecode", luaRawStrings: true, luaFn: luaDecode(true), jsFn: jsDecode(true) }),
  ];
}

function base16Bindings(): NkBinding[] {
  return [
    define({
      lua: "base16_encode",
      js: "base16Encode",
      luaRawStrings: true,
      luaFn: (a) => [Buffer.from(luaInput(a, 0)).toString("hex")],
      jsFn: (a) => Buffer.from(jsInput(a, 0)).toString("hex"),
    }),
    define({
      lua: "base16_decode",
      js: "base16Decode",
      luaRawStrings: true,
      luaFn: (a) => [decodeOrFail(() => goHexDecode(luaInput(a, 0)), (e) => wrapError("not a valid base16 string", e))],
      jsFn: (a) => {
        const input = a.str(0);
        return decodeOrFail(() => goHexDecode(Buffer.from(input, "utf8")), () => a.error(`Failed to decode string: ${input}`));
      },
    }),
  ];
}

function uuidBindings(): NkBinding[] {
  return [
    define({ lua: "uuid_v4", js: "uuidv4", luaFn: () => [newUuid()], jsFn: () => newUuid() }),
    define({
      lua: "uuid_bytes_to_string",
      luaRawStrings: true,
      luaFn: (a) => {
        const bytes = luaInput(a, 0, "expects a UUID byte string");
        if (bytes.length !== 16) throw a.fail(0, "not a valid UUID byte string");
        const hex = Buffer.from(bytes).toString("hex");
        return [`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`];
      },
    }),
    define({
      lua: "uuid_string_to_bytes",
      luaFn: (a) => {
        const text = a.str(0);
        if (text === "") throw a.fail(0, "expects a UUID string");
        const id = parseUuid(text);
        if (id === null) throw a.fail(0, "not a valid UUID string");
        return [Uint8Array.from(Buffer.from(id.replace(/-/g, ""), "hex"))];
      },
    }),
  ];
}

function jsonBindings(): NkBinding[] {
  return [
    define({
      lua: "json_encode",
      luaFn: (a) => {
        if (isAbsent(a.get(0))) throw a.fail(0, "expects a non-nil value to encode");
        try {
          return [jsonEncode(a.get(0))];
        } catch (e) {
          throw wrapError("error encoding to JSON", e);
        }
      },
    }),
    define({
      lua: "json_decode",
      luaRawStrings: true,
      luaFn: (a) => {
        const text = luaInput(a, 0, "expects JSON string");
        try {
          return [jsonDecode(text)];
        } catch (e) {
          throw wrapError("not a valid JSON string", e);
        }
      },
    }),
  ];
}

function binaryBindings(): NkBinding[] {
  const strict = new TextDecoder("utf-8", { fatal: true });
  return [
    define({
      js: "binaryToString",
      jsFn: (a) => {
        const v = a.get(0);
        if (!(v instanceof Uint8Array)) throw a.fail(0, "expects a ArrayBuffer object");
        try {
          return strict.decode(v);
        } catch {
          throw a.fail(0, "expects data to be UTF-8 encoded");
        }
      },
    }),
    define({
      js: "stringToBinary",
      jsFn: (a) => {
        const v = a.get(0);
        if (typeof v !== "string") throw a.fail(0, "expects a string");
        return Uint8Array.from(Buffer.from(v, "utf8"));
      },
    }),
    define({
      lua: "secure_random_bytes",
      js: "secureRandomBytes",
      luaFn: (a) => [randomCount(a)],
      jsFn: (a) => randomCount(a),
    }),
  ];
}

/** Most bytes one secure_random_bytes call returns. */
const MAX_RANDOM_BYTES = 1 << 20;

function randomCount(a: Args): Uint8Array {
  const n = a.int(0);
  if (n < 0 || n > MAX_RANDOM_BYTES) throw a.fail(0, `count must be 0-${MAX_RANDOM_BYTES}`);
  return Uint8Array.from(randomBytes(n));
}

export function encodingBindings(): NkBinding[] {
  return immediate([...base64Bindings(), ...base16Bindings(), ...uuidBindings(), ...jsonBindings(), ...binaryBindings()]);
}
