// nk utility functions through their bindings: encodings, crypto, cron, localcache, events, time,
// get_config and the database handler.
import assert from "node:assert/strict";
import { createVerify, generateKeyPairSync, createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Code } from "../../errors.js";
import { GO_ZERO_TIME_UNIX } from "./util-misc.js";
import { openNkFixture, rejection, type NkFixture } from "./testkit.js";

let f: NkFixture;
before(async () => {
  f = await openNkFixture();
});
after(async () => {
  await f.dispose();
});

const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "latin1"));
const text = (v: unknown): string => Buffer.from(v as Uint8Array).toString("latin1");

describe("encodings", () => {
  it("base64: Lua pads by default, JS decodes to bytes; Go's errors", async () => {
    assert.deepEqual(await f.lua("base64_encode", bytes("hi!?")), ["aGkhPw=="]);
    assert.deepEqual(await f.lua("base64_encode", bytes("hi!?"), false), ["aGkhPw"]);
    assert.equal(text((await f.lua("base64_decode", bytes("aGkhPw")))[0]), "hi!?");
    const strict = await rejection(f.lua("base64_decode", bytes("aGkhPw"), true));
    assert.equal(strict.message, "not a valid base64 string: illegal base64 data at input byte 4");
    assert.equal((await rejection(f.lua("base64_decode", bytes("a$==")))).message, "not a valid base64 string: illegal base64 data at input byte 1");
    assert.equal((await rejection(f.lua("base64_encode", bytes("")))).message, "bad argument #1 to base64_encode (expects string)");
    assert.equal(await f.js("base64Encode", "héllo"), Buffer.from("héllo").toString("base64"));
    assert.equal(await f.js("base64Encode", Uint8Array.of(255, 0)), "/wA=");
    assert.deepEqual(await f.js("base64Decode", "/wA"), Uint8Array.of(255, 0));
    assert.equal((await rejection(f.js("base64Decode", "!!"))).message, "Failed to decode string: !!==");
  });

  it("base64url: JS pads only when padding is false (Nakama's quirk)", async () => {
    assert.equal(await f.js("base64UrlEncode", Uint8Array.of(251, 255)), "-_8=");
    assert.equal(await f.js("base64UrlEncode", Uint8Array.of(251, 255), false), "-_8");
    assert.deepEqual(await f.js("base64UrlDecode", "-_8", false), Uint8Array.of(251, 255));
    assert.equal((await rejection(f.js("base64UrlDecode", "-_8"))).message, "Failed to decode string: -_8");
    assert.equal(text((await f.lua("base64url_decode", bytes("-_8")))[0]), "\xfb\xff");
  });

  it("base16 and Go's hex errors", async () => {
    assert.deepEqual(await f.lua("base16_encode", Uint8Array.of(0, 171)), ["00ab"]);
    assert.deepEqual(await f.js("base16Decode", "00AB"), Uint8Array.of(0, 171));
    assert.equal((await rejection(f.lua("base16_decode", bytes("0g")))).message, "not a valid base16 string: encoding/hex: invalid byte: U+0067 'g'");
    assert.equal((await rejection(f.lua("base16_decode", bytes("abc")))).message, "not a valid base16 string: encoding/hex: odd length hex string");
  });

  it("uuid helpers", async () => {
    const [id] = (await f.lua("uuid_v4")) as [string];
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [raw] = await f.lua("uuid_string_to_bytes", id);
    assert.equal((raw as Uint8Array).length, 16);
    assert.deepEqual(await f.lua("uuid_bytes_to_string", raw), [id]);
    assert.equal((await rejection(f.lua("uuid_bytes_to_string", bytes("short")))).message, "bad argument #1 to uuid_bytes_to_string (not a valid UUID byte string)");
    assert.equal((await rejection(f.lua("uuid_string_to_bytes", "nope"))).message, "bad argument #1 to uuid_string_to_bytes (not a valid UUID string)");
    assert.match((await f.js("uuidv4")) as string, /^[0-9a-f-]{36}$/);
  });

  it("json_encode / json_decode with Go's rules (Lua only)", async () => {
    assert.deepEqual(await f.lua("json_encode", { b: 1, a: "<x>", c: [1.5, true] }), ['{"a":"\\u003cx\\u003e","b":1,"c":[1.5,true]}']);
    assert.deepEqual(await f.lua("json_encode", {}), ["{}"]);
    assert.deepEqual(await f.lua("json_decode", bytes('{"a":[1,null,2]}')), [{ a: [1, null, 2] }]);
    assert.equal((await rejection(f.lua("json_encode", null))).message, "bad argument #1 to json_encode (expects a non-nil value to encode)");
    assert.match((await rejection(f.lua("json_decode", bytes("{")))).message, /^not a valid JSON string: /);
  });

  it("binaryToString / stringToBinary (JS only)", async () => {
    assert.deepEqual(await f.js("stringToBinary", "é"), Uint8Array.of(0xc3, 0xa9));
    assert.equal(await f.js("binaryToString", Uint8Array.of(0xc3, 0xa9)), "é");
    assert.equal((await rejection(f.js("binaryToString", Uint8Array.of(0xff)))).message, "expects data to be UTF-8 encoded");
    assert.equal(((await f.js("secureRandomBytes", 8)) as Uint8Array).length, 8);
  });
});

describe("crypto", () => {
  it("md5 / sha256 hex digests and hmac bytes", async () => {
    assert.deepEqual(await f.lua("md5_hash", bytes("abc")), ["900150983cd24fb0d6963f7d28e17f72"]);
    assert.equal(await f.js("sha256Hash", "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const expected = createHmac("sha256", "key").update("data").digest();
    assert.deepEqual(await f.lua("hmac_sha256_hash", bytes("data"), bytes("key")), [Uint8Array.from(expected)]);
    assert.deepEqual(await f.js("hmacSha256Hash", "data", "key"), Uint8Array.from(expected));
    assert.equal((await rejection(f.js("hmacSha256Hash", "data", ""))).message, "key cannot be empty");
  });

  it("aes128/aes256: CFB with IV prefix, space padding kept, base64 in JS", async () => {
    const key16 = bytes("0123456789abcdef");
    const [ct] = await f.lua("aes128_encrypt", bytes("hello"), key16);
    assert.equal((ct as Uint8Array).length, 16 + 8);
    assert.equal(text((await f.lua("aes128_decrypt", ct, key16))[0]), "hello   ");
    const key32 = "0123456789abcdef0123456789abcdef";
    const b64 = (await f.js("aes256Encrypt", "secret!!", key32)) as string;
    assert.equal(await f.js("aes256Decrypt", b64, key32), "secret!!");
    assert.equal((await rejection(f.lua("aes256_encrypt", bytes("x"), key16))).message, "bad argument #2 to aes256_encrypt (expects key 32 bytes long)");
    assert.equal((await rejection(f.js("aes128Encrypt", "x", "short"))).message, "expects key 16 bytes long");
    assert.equal((await rejection(f.lua("aes128_decrypt", bytes("tiny"), key16))).message, "input too short");
  });

  it("rsa_sha256_hash signs with a PKCS#1 key; PKCS#8 is refused like Go", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const pkcs1 = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const [sig] = await f.lua("rsa_sha256_hash", bytes("payload"), bytes(pkcs1));
    assert.ok(createVerify("sha256").update("payload").verify(publicKey, Buffer.from(sig as Uint8Array)));
    const pkcs8 = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const e = await rejection(f.js("rsaSha256Hash", "payload", pkcs8));
    assert.equal(e.message, "error parsing key: x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)");
    assert.equal((await rejection(f.js("rsaSha256Hash", "payload", "junk"))).message, "could not parse private key: no valid blocks found");
  });

  it("jwt_generate HS256 and RS256", async () => {
    const [token] = (await f.lua("jwt_generate", "HS256", "k", { sub: "u1", exp: 100 })) as [string];
    const [h, c, s] = token.split(".");
    assert.equal(Buffer.from(h, "base64url").toString(), '{"alg":"HS256","typ":"JWT"}');
    assert.equal(Buffer.from(c, "base64url").toString(), '{"exp":100,"sub":"u1"}');
    assert.equal(s, createHmac("sha256", "k").update(`${h}.${c}`).digest("base64url"));
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const rs = ((await f.js("jwtGenerate", "RS256", pem, { a: 1 })) as string).split(".");
    const ok = createVerify("sha256").update(`${rs[0]}.${rs[1]}`).verify(publicKey, Buffer.from(rs[2], "base64url"));
    assert.ok(ok);
    assert.equal((await rejection(f.js("jwtGenerate", "HS512", "k", {}))).message, "unsupported algo type - only allowed 'HS256', 'RS256'.");
    assert.equal((await rejection(f.js("jwtGenerate", "HS256", "k", "x"))).message, "claims must be an object");
  });

  it("bcrypt_hash / bcrypt_compare", async () => {
    const [hash] = (await f.lua("bcrypt_hash", "hunter22")) as [string];
    assert.match(hash, /^\$2a\$10\$/);
    assert.deepEqual(await f.lua("bcrypt_compare", hash, "hunter22"), [true]);
    assert.equal(await f.js("bcryptCompare", hash, "wrong"), false);
    assert.equal(await f.js("bcryptCompare", "tooshort", "x"), false);
    assert.equal((await rejection(f.js("bcryptCompare", "", "x"))).message, "hash cannot be empty");
  });
});

describe("cron, localcache, events, time, config", () => {
  it("cron next / prev in unix seconds; no match gives Go's zero time", async () => {
    const t = Date.UTC(2024, 0, 1, 10, 30) / 1000;
    assert.deepEqual(await f.lua("cron_next", "0 * * * *", t), [Date.UTC(2024, 0, 1, 11) / 1000]);
    assert.equal(await f.js("cronPrev", "0 * * * *", t), Date.UTC(2024, 0, 1, 10) / 1000);
    assert.equal(await f.js("cronNext", "0 0 1 1 * 2000", t), GO_ZERO_TIME_UNIX);
    assert.equal((await rejection(f.lua("cron_next", "bad", t))).message, "bad argument #1 to cron_next (expects a valid cron string)");
    assert.equal((await rejection(f.js("cronNext", "* * * * *", 1.5))).message, "expects number");
  });

  it("localcache: per language, defaults, TTL on the fixture clock", async () => {
    await f.lua("localcache_put", "k", { a: [1, 2] }, 10);
    assert.deepEqual(await f.lua("localcache_get", "k"), [{ a: [1, 2] }]);
    assert.equal(await f.js("localcacheGet", "k", "dflt"), "dflt");
    f.clock.now += 11_000;
    assert.deepEqual(await f.lua("localcache_get", "k", "gone"), ["gone"]);
    await f.js("localcachePut", "n", 5);
    assert.equal(await f.js("localcacheGet", "n"), 5);
    await f.js("localcacheDelete", "n");
    assert.equal(await f.js("localcacheGet", "n"), undefined);
    assert.equal((await rejection(f.js("localcachePut", "o", { x: 1 }))).message, "unsupported value type: must be string, numeric or boolean");
    assert.equal((await rejection(f.lua("localcache_put", "k", 1, -1))).message, "bad argument #3 to localcache_put (ttl must be 0 or more)");
    await f.lua("localcache_put", "z", 1);
    await f.lua("localcache_clear");
    assert.deepEqual(await f.lua("localcache_get", "z"), [null]);
  });

  it("event: queued for the framework; a full queue drops", async () => {
    const events = f.deps.shared.events;
    let woken = 0;
    const off = events.onEvent(() => woken++);
    await f.lua("event", "lua_evt", { k: "v" }, 123, true);
    await f.js("event", "js_evt", { a: "b" });
    off();
    assert.equal(woken, 2);
    assert.deepEqual(events.drain(), [
      { name: "lua_evt", properties: { k: "v" }, timestamp: 123, external: true },
      { name: "js_evt", properties: { a: "b" }, timestamp: Math.floor(f.clock.now / 1000), external: false },
    ]);
    for (let i = 0; i < 5; i++) await f.js("event", `e${i}`, {});
    assert.equal(events.size, 4);
    assert.equal(events.dropped, 1);
    assert.deepEqual(events.drain(2).map((e) => e.name), ["e0", "e1"]);
    events.drain();
    assert.equal((await rejection(f.lua("event", "x", { k: 1 }))).message, "bad argument #2 to event (properties values must be strings)");
    assert.equal((await rejection(f.js("event", "x"))).message, "expects object with string keys and values");
  });

  it("time(): now in ms, or a date table with Nakama's defaults", async () => {
    assert.deepEqual(await f.lua("time"), [f.clock.now]);
    assert.deepEqual(await f.lua("time", { year: 2020, month: 2, day: 3 }), [Date.UTC(2020, 1, 3, 12)]);
    assert.deepEqual(await f.lua("time", { year: 2020, month: 2, day: 3, hour: 0, min: 1, sec: 2, msec: 3 }), [Date.UTC(2020, 1, 3, 0, 1, 2, 3)]);
  });

  it("get_config: a read-only subset with env as a map", async () => {
    const [cfg] = (await f.lua("get_config")) as [Record<string, Record<string, unknown>>];
    assert.equal(cfg.name, "troupe");
    assert.deepEqual(cfg.runtime.env, { GREETING: "hello", EMPTY: "" });
    assert.equal(cfg.session.token_expiry_sec, 60);
    assert.equal(cfg.database, undefined);
    assert.equal(cfg.console, undefined);
  });
});

describe("sql", () => {
  it("exec and query with $1 params in both languages", async () => {
    await f.lua("sql_exec", "CREATE TABLE nk_sql_test (id INT PRIMARY KEY, name TEXT, doc JSONB, at TIMESTAMPTZ, n INT8)");
    assert.deepEqual(await f.lua("sql_exec", "INSERT INTO nk_sql_test VALUES ($1, $2, $3, to_timestamp($4), $5)", [1, "one", '{"a":1}', 100, "9007199254740993"]), [1]);
    assert.deepEqual(await f.js("sqlExec", "INSERT INTO nk_sql_test (id, name) VALUES ($1, $2), ($3, $4)", [2, "two", 3, "three"]), { rowsAffected: 2 });
    const [rows] = (await f.lua("sql_query", "SELECT * FROM nk_sql_test WHERE id = $1", [1])) as [Array<Record<string, unknown>>];
    assert.deepEqual(rows, [{ id: 1, name: "one", doc: '{"a":1}', at: 100, n: "9007199254740993" }]);
    const js = (await f.js("sqlQuery", "SELECT id FROM nk_sql_test ORDER BY id")) as unknown[];
    assert.deepEqual(js, [{ id: 1 }, { id: 2 }, { id: 3 }]);
    assert.deepEqual(await f.lua("sql_query", "SELECT 1 AS x", {}), [[{ x: 1 }]]);
    const bad = await rejection(f.lua("sql_query", "SELECT * FROM nowhere"));
    assert.match(bad.message, /^sql query error: /);
    assert.equal(bad.code, Code.INTERNAL);
    assert.equal((await rejection(f.js("sqlExec", "SELECT 1", "x"))).message, "expects array of query params");
    assert.equal((await rejection(f.lua("sql_exec", "SELECT 1", { a: 1 }))).message, "bad argument #2 to sql_exec (expects a list of params as a table)");
  });
});
