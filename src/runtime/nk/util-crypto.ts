// Owns nk's hashing and crypto utilities with Nakama's exact modes and texts:
//   md5_hash / sha256_hash → lower-case hex; hmac_sha256_hash → raw bytes (Lua string, JS ArrayBuffer);
//   aes128/aes256 encrypt/decrypt: AES-CFB (128-bit feedback, Go's cipher.NewCFBEncrypter) with a random
//     16-byte IV prepended; the input is first padded with spaces to a multiple of 4 bytes and the padding
//     is NOT removed on decrypt (Nakama's behaviour). Lua works on raw bytes; JS returns / takes the
//     IV+ciphertext base64 (std, padded). Keys must be exactly 16 / 32 bytes.
//   rsa_sha256_hash: RSASSA-PKCS1-v1_5 over SHA-256 with a PEM PKCS#1 private key ("RSA PRIVATE KEY").
//   bcrypt_hash: cost 10, "$2a$"; bcrypt_compare: false on mismatch or a too-short hash.
//   jwt_generate("HS256" | "RS256", key, claims): header {"alg","typ":"JWT"}, claims as Go's json.Marshal
//     writes them (sorted keys), base64url without padding; RS256 keys are PEM PKCS#8.
// JS string results built from raw bytes (rsaSha256Hash, aes*Decrypt) are UTF-8 decoded as goja does.
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, randomBytes, sign, type KeyObject } from "node:crypto";
import { Code, GameError } from "../../errors.js";
import { checkPassword, hashPassword } from "../../identity/password.js";
import { jsonEncode } from "../lua/index.js";
import { isPlainObject, type Args } from "./args.js";
import { define, immediate } from "./binding.js";
import { GoCodecError, goBase64Decode } from "./go-codecs.js";
import type { NkBinding } from "./types.js";

const utf8 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");

/** Lua inputs must be non-empty byte strings. */
function luaInput(a: Args, i: number, message: string): Uint8Array {
  const b = a.bytes(i);
  if (b.length === 0) throw a.fail(i, message);
  return b;
}

const hex = (alg: "md5" | "sha256", data: Uint8Array): string => createHash(alg).update(data).digest("hex");

function hashBindings(): NkBinding[] {
  const digest = (lua: string, js: string, alg: "md5" | "sha256"): NkBinding =>
    define({
      lua,
      js,
      luaRawStrings: true,
      luaFn: (a) => [hex(alg, luaInput(a, 0, "expects input string"))],
      jsFn: (a) => hex(alg, a.bytes(0)),
    });
  const hmac = (input: Uint8Array, key: Uint8Array): Uint8Array => Uint8Array.from(createHmac("sha256", key).update(input).digest());
  return [
    digest("md5_hash", "md5Hash", "md5"),
    digest("sha256_hash", "sha256Hash", "sha256"),
    define({
      lua: "hmac_sha256_hash",
      js: "hmacSha256Hash",
      luaRawStrings: true,
      luaFn: (a) => [hmac(luaInput(a, 0, "expects input string"), luaInput(a, 1, "expects key string"))],
      jsFn: (a) => {
        const input = a.bytes(0);
        const key = a.bytes(1);
        if (key.length === 0) throw a.fail(1, "key cannot be empty");
        return hmac(input, key);
      },
    }),
  ];
}

function aesEncryptBytes(input: Uint8Array, key: Uint8Array): Uint8Array {
  const padded = Buffer.alloc(Math.ceil(input.length / 4) * 4, 0x20);
  padded.set(input);
  const iv = randomBytes(16);
  const c = createCipheriv(`aes-${key.length * 8}-cfb`, key, iv);
  return Uint8Array.from(Buffer.concat([iv, c.update(padded), c.final()]));
}

function aesDecryptBytes(input: Uint8Array, key: Uint8Array): Uint8Array {
  if (input.length < 16) throw new GameError(Code.INVALID_ARGUMENT, "input too short");
  const d = createDecipheriv(`aes-${key.length * 8}-cfb`, key, input.subarray(0, 16));
  return Uint8Array.from(Buffer.concat([d.update(input.subarray(16)), d.final()]));
}

function aesBindings(size: 16 | 32): NkBinding[] {
  const bits = size * 8;
  const luaKey = (a: Args): Uint8Array => {
    const key = a.bytes(1);
    if (key.length !== size) throw a.fail(1, `expects key ${size} bytes long`);
    return key;
  };
  const jsKey = (a: Args): Uint8Array => {
    const key = a.bytes(1);
    if (key.length !== size) throw a.error(`expects key ${size} bytes long`);
    return key;
  };
  return [
    define({
      lua: `aes${bits}_encrypt`,
      js: `aes${bits}Encrypt`,
      luaRawStrings: true,
      luaFn: (a) => [aesEncryptBytes(luaInput(a, 0, "expects string"), luaKey(a))],
      jsFn: (a) => {
        const input = a.bytes(0);
        return Buffer.from(aesEncryptBytes(input, jsKey(a))).toString("base64");
      },
    }),
    define({
      lua: `aes${bits}_decrypt`,
      js: `aes${bits}Decrypt`,
      luaRawStrings: true,
      luaFn: (a) => [aesDecryptBytes(luaInput(a, 0, "expects string"), luaKey(a))],
      jsFn: (a) => {
        const input = a.str(0);
        const key = jsKey(a);
        let raw: Uint8Array;
        try {
          raw = goBase64Decode(input, false);
        } catch (e) {
          if (e instanceof GoCodecError) throw a.error(`error decoding cipher text: ${e.message}`);
          throw e;
        }
        return utf8(aesDecryptBytes(raw, key));
      },
    }),
  ];
}

/** The DER bytes of the first PEM block (Go's pem.Decode), or null. */
export function firstPemBlock(pem: string): Buffer | null {
  const m = /-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (m === null) return null;
  const body = m[2].split(/\r?\n/).filter((line) => !line.includes(":")).join("").replace(/\s+/g, "");
  return Buffer.from(body, "base64");
}

/** Length of the DER element header at `at` (tag + length bytes), and the content length. */
function derHeader(der: Buffer, at: number): { header: number; length: number } | null {
  if (at + 2 > der.length) return null;
  const first = der[at + 1];
  if (first < 0x80) return { header: 2, length: first };
  const n = first & 0x7f;
  if (n === 0 || n > 4 || at + 2 + n > der.length) return null;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + der[at + 2 + i];
  return { header: 2 + n, length };
}

/**
 * Which private-key syntax a DER blob uses, by its shape: PKCS#1 RSAPrivateKey is SEQUENCE { INTEGER
 * version, INTEGER modulus, … }; PKCS#8 is SEQUENCE { INTEGER version, SEQUENCE algorithm, OCTET STRING }.
 * (OpenSSL would import either under either name; Go's parsers do not.)
 */
function derKeySyntax(der: Buffer): "pkcs1" | "pkcs8" | null {
  if (der[0] !== 0x30) return null;
  const outer = derHeader(der, 0);
  if (outer === null) return null;
  const versionAt = outer.header;
  if (der[versionAt] !== 0x02) return null;
  const version = derHeader(der, versionAt);
  if (version === null) return null;
  const next = der[versionAt + version.header + version.length];
  return next === 0x02 ? "pkcs1" : next === 0x30 ? "pkcs8" : null;
}

function importDer(der: Buffer, type: "pkcs1" | "pkcs8"): KeyObject | null {
  if (derKeySyntax(der) !== type) return null;
  try {
    return createPrivateKey({ key: der, format: "der", type });
  } catch {
    return null;
  }
}

function rsaPkcs1Key(a: Args, pem: string): KeyObject {
  const der = firstPemBlock(pem);
  if (der === null) throw a.error("could not parse private key: no valid blocks found");
  const key = importDer(der, "pkcs1");
  if (key !== null) return key;
  const hint = importDer(der, "pkcs8") !== null ? " (use ParsePKCS8PrivateKey instead for this key format)" : "";
  throw a.error(`error parsing key: x509: failed to parse private key${hint}`);
}

function rsaBinding(): NkBinding {
  const signature = (input: Uint8Array, key: KeyObject): Uint8Array => Uint8Array.from(sign("sha256", input, key));
  return define({
    lua: "rsa_sha256_hash",
    js: "rsaSha256Hash",
    luaRawStrings: true,
    luaFn: (a) => {
      const input = luaInput(a, 0, "expects input string");
      const pem = utf8(luaInput(a, 1, "expects key string"));
      return [signature(input, rsaPkcs1Key(a, pem))];
    },
    jsFn: (a) => {
      const input = a.bytes(0);
      const pem = a.str(1);
      if (pem === "") throw a.fail(1, "key cannot be empty");
      return utf8(signature(input, rsaPkcs1Key(a, pem)));
    },
  });
}

/** Go's bcrypt minHashSize. */
const MIN_HASH_SIZE = 59;

async function bcryptCompare(a: Args, hash: string, plaintext: string): Promise<boolean> {
  if (Buffer.byteLength(hash) < MIN_HASH_SIZE) return false;
  if (hash[0] !== "$") {
    throw a.error(`error comparing hash and plaintext: crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '${hash[0]}'`);
  }
  return checkPassword(Buffer.from(hash, "utf8"), plaintext);
}

async function bcryptHash(a: Args, input: string): Promise<string> {
  if (Buffer.byteLength(input) > 72) throw a.error("error hashing input: bcrypt: password length exceeds 72 bytes", Code.INTERNAL);
  return (await hashPassword(input)).toString("utf8");
}

function bcryptBindings(): NkBinding[] {
  return [
    define({
      lua: "bcrypt_hash",
      js: "bcryptHash",
      luaFn: async (a) => {
        const input = a.str(0);
        if (input === "") throw a.fail(0, "expects string");
        return [await bcryptHash(a, input)];
      },
      jsFn: (a) => bcryptHash(a, a.str(0)),
    }),
    define({
      lua: "bcrypt_compare",
      js: "bcryptCompare",
      luaFn: async (a) => {
        const hash = a.str(0);
        if (hash === "") throw a.fail(0, "expects string");
        const plaintext = a.str(1);
        if (plaintext === "") throw a.fail(1, "expects string");
        return [await bcryptCompare(a, hash, plaintext)];
      },
      jsFn: async (a) => {
        const hash = a.str(0);
        if (hash === "") throw a.fail(0, "hash cannot be empty");
        const plaintext = a.str(1);
        if (plaintext === "") throw a.fail(1, "plaintext cannot be empty");
        return bcryptCompare(a, hash, plaintext);
      },
    }),
  ];
}

const b64url = (b: Uint8Array | string): string => Buffer.from(b).toString("base64url");

/** Signs a JWT as golang-jwt does. `claims` is a plain object. */
function jwtSign(a: Args, alg: "HS256" | "RS256", key: string, claims: Record<string, unknown>): string {
  const unsigned = `${b64url(`{"alg":"${alg}","typ":"JWT"}`)}.${b64url(jsonEncode(claims))}`;
  if (alg === "HS256") return `${unsigned}.${createHmac("sha256", Buffer.from(key, "utf8")).update(unsigned).digest("base64url")}`;
  const der = firstPemBlock(key);
  if (der === null) throw a.error("could not parse private key: no valid blocks found");
  const pk = importDer(der, "pkcs8");
  if (pk === null) {
    const hint = importDer(der, "pkcs1") !== null ? " (use ParsePKCS1PrivateKey instead for this key format)" : "";
    throw a.error(`could not parse private key: x509: failed to parse private key${hint}`);
  }
  if (pk.asymmetricKeyType !== "rsa") throw a.error("failed to sign token: key is of invalid type");
  return `${unsigned}.${b64url(sign("sha256", Buffer.from(unsigned), pk))}`;
}

function jwtBinding(): NkBinding {
  const algOf = (a: Args, alg: string): "HS256" | "RS256" => {
    if (alg === "HS256" || alg === "RS256") return alg;
    throw a.fail(0, "unsupported algo type - only allowed 'HS256', 'RS256'.");
  };
  return define({
    lua: "jwt_generate",
    js: "jwtGenerate",
    luaFn: (a) => {
      const algText = a.str(0);
      if (algText === "") throw a.fail(0, "expects string");
      const alg = algOf(a, algText);
      const key = a.str(1);
      if (key === "") throw a.fail(1, "expects string");
      const t = a.table(2);
      const claims = Array.isArray(t) ? Object.fromEntries(t.map((v, i) => [String(i + 1), v])) : t;
      return [jwtSign(a, alg, key, claims)];
    },
    jsFn: (a) => {
      const alg = algOf(a, a.str(0));
      const key = a.str(1);
      if (key === "") throw a.fail(1, "signing key cannot be empty");
      const claims = a.get(2);
      if (!isPlainObject(claims)) throw a.fail(2, "claims must be an object");
      return jwtSign(a, alg, key, claims);
    },
  });
}

export function cryptoBindings(): NkBinding[] {
  // bcrypt runs on libuv's thread pool: its functions wait.
  return [...immediate([...hashBindings(), ...aesBindings(16), ...aesBindings(32), rsaBinding()]), ...bcryptBindings(), ...immediate([jwtBinding()])];
}
