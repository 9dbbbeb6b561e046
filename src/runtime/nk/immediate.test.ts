// The nk functions marked as answering at once (NkBinding.jsImmediate) are the only ones JS match VMs on
// QuickJS's sync build may call: each must give its value without a Promise, for a valid call and for a
// rejected one. Every marked function needs a sample call here, so a new mark comes with its check.
import assert from "node:assert/strict";
import { createCipheriv, generateKeyPairSync, randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import type { api } from "../../../proto/index.js";
import type { MatchesPort } from "../../match/port.js";
import { ExecutionMode, systemContext } from "../context.js";
import { nkBindings } from "./index.js";
import { openNkFixture, type NkFixture } from "./testkit.js";

const KEY16 = "0123456789abcdef";
const KEY32 = `${KEY16}${KEY16}`;
const RSA_PKCS1 = generateKeyPairSync("rsa", {
  modulusLength: 1024,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

/** Nakama's aesXXXDecrypt input: base64 of IV + AES-CFB cipher text. */
function cipherText(key: string): string {
  const iv = randomBytes(16);
  const c = createCipheriv(`aes-${key.length * 8}-cfb`, Buffer.from(key), iv);
  return Buffer.concat([iv, c.update("hi  "), c.final()]).toString("base64");
}

/** One valid call per marked function (JS names and arguments). */
const SAMPLES: Readonly<Record<string, readonly unknown[]>> = {
  base64Encode: ["hi"], base64UrlEncode: ["hi"], base64Decode: ["aGk="], base64UrlDecode: ["aGk", false],
  base16Encode: ["hi"], base16Decode: ["6869"], uuidv4: [], binaryToString: [Uint8Array.of(104, 105)], stringToBinary: ["hi"],
  secureRandomBytes: [8], md5Hash: ["hi"], sha256Hash: ["hi"], hmacSha256Hash: ["hi", "key"],
  aes128Encrypt: ["hi", KEY16], aes128Decrypt: [cipherText(KEY16), KEY16], aes256Encrypt: ["hi", KEY32], aes256Decrypt: [cipherText(KEY32), KEY32],
  rsaSha256Hash: ["hi", RSA_PKCS1], jwtGenerate: ["HS256", "key", { a: "b" }],
  cronNext: ["0 * * * *", 1_700_000_000], cronPrev: ["0 * * * *", 1_700_000_000],
  localcacheGet: ["k", "default"], localcachePut: ["k", "v"], localcacheDelete: ["k"], localcacheClear: [],
  event: ["e", { a: "b" }], matchGet: ["00000000-0000-4000-8000-000000000001.troupe"], matchList: [10],
  authenticateTokenGenerate: ["00000000-0000-4000-8000-000000000001", "ann"],
};

let f: NkFixture;
before(async () => {
  const matches = { get: (): api.Match | null => null, list: (): api.Match[] => [] } as unknown as MatchesPort;
  f = await openNkFixture({ services: { matches } as never });
});
after(async () => {
  await f.dispose();
});

test("every nk function marked immediate answers without a Promise, valid call or not", () => {
  const ctx = systemContext({ env: {}, node: "troupe", version: "test" }, ExecutionMode.RPC);
  const marked = nkBindings().filter((b) => b.jsImmediate === true);
  // Both ways: a new mark needs a sample, and a sample whose mark went away shows up here.
  assert.deepEqual(marked.map((b) => b.js).sort(), Object.keys(SAMPLES).sort());
  for (const b of marked) {
    const call = { deps: f.deps, ctx };
    let out: unknown;
    assert.doesNotThrow(() => (out = b.callJs!(call, [...SAMPLES[b.js!]])), `${b.js} with its sample`);
    assert.ok(!(out instanceof Promise), `${b.js} returned a Promise`);
    // A rejected call (a missing or wrong argument) throws at once too, or answers.
    let bad: unknown;
    try {
      bad = b.callJs!(call, [{ not: "valid" }, -1]);
    } catch {
      bad = undefined;
    }
    assert.ok(!(bad instanceof Promise), `${b.js} returned a Promise for bad arguments`);
  }
});

test("the functions that reach the database, the network or another actor are not marked", () => {
  const waiting = ["storageRead", "storageWrite", "sqlQuery", "httpRequest", "bcryptHash", "bcryptCompare", "matchCreate", "matchSignal",
    "accountGetId", "walletUpdate", "leaderboardRecordWrite", "notificationSend", "authenticateDevice"];
  const byName = new Map(nkBindings().map((b) => [b.js, b]));
  for (const name of waiting) {
    assert.ok(byName.has(name), name);
    assert.notEqual(byName.get(name)!.jsImmediate, true, name);
  }
});
