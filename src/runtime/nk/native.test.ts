// The native nk (typed, async, JS semantics) and the binding table's coverage of Nakama's names.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import { ExecutionMode, systemContext } from "../context.js";
import { createNativeNk, nativeNkFactory, nkBindings } from "./index.js";
import { createEventQueue, createLocalCache } from "./shared.js";
import { openNkFixture, type NkFixture } from "./testkit.js";

let f: NkFixture;
before(async () => {
  f = await openNkFixture();
});
after(async () => {
  await f.dispose();
});

const ctx = systemContext({ env: {}, node: "troupe", version: "test" }, ExecutionMode.RPC);

describe("native nk", () => {
  it("typed async calls with the JS shapes; binary values are Uint8Array", async () => {
    const nk = createNativeNk(f.deps, ctx);
    const r = await nk.authenticateCustom("native-custom-1", "native");
    assert.equal(r.created, true);
    const acc = await nk.accountGetId(r.userId);
    assert.equal(acc.user.username, "native");
    assert.equal(acc.customId, "native-custom-1");
    assert.deepEqual(await nk.base64Decode("aGk="), Uint8Array.from(Buffer.from("hi")));
    assert.equal(await nk.sha256Hash(Uint8Array.of()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    await assert.rejects(nk.authenticateDevice("short"), (e: unknown) => e instanceof GameError && e.code === Code.INVALID_ARGUMENT);
    const again = nativeNkFactory(f.deps)(ctx);
    assert.equal((await again.authenticateCustom("native-custom-1")).userId, r.userId);
  });
});

describe("binding table", () => {
  const table = nkBindings();
  const lua = new Set(table.map((b) => b.lua).filter((n) => n !== undefined));
  const js = new Set(table.map((b) => b.js).filter((n) => n !== undefined));

  it("has Nakama's Lua names for identity and utilities", () => {
    const expected = [
      "authenticate_apple", "authenticate_custom", "authenticate_device", "authenticate_email", "authenticate_facebook",
      "authenticate_facebook_instant_game", "authenticate_game_center", "authenticate_google", "authenticate_steam",
      "authenticate_token_generate", "account_get_id", "accounts_get_id", "account_update_id", "account_delete_id",
      "users_get_id", "users_get_username", "users_ban_id", "users_unban_id", "link_apple", "link_custom", "link_device",
      "link_email", "link_facebook", "link_facebook_instant_game", "link_gamecenter", "link_google", "link_steam",
      "unlink_apple", "unlink_custom", "unlink_device", "unlink_email", "unlink_facebook", "unlink_facebook_instant_game",
      "unlink_gamecenter", "unlink_google", "unlink_steam", "session_disconnect", "session_logout", "event",
      "localcache_get", "localcache_put", "localcache_delete", "localcache_clear", "time", "cron_prev", "cron_next",
      "sql_exec", "sql_query", "uuid_v4", "uuid_bytes_to_string", "uuid_string_to_bytes", "http_request", "jwt_generate",
      "json_encode", "json_decode", "base64_encode", "base64_decode", "base64url_encode", "base64url_decode",
      "base16_encode", "base16_decode", "aes128_encrypt", "aes128_decrypt", "aes256_encrypt", "aes256_decrypt",
      "md5_hash", "sha256_hash", "hmac_sha256_hash", "rsa_sha256_hash", "bcrypt_hash", "bcrypt_compare",
      "secure_random_bytes", "get_config",
    ];
    assert.deepEqual(expected.filter((n) => !lua.has(n)), []);
  });

  it("has Nakama's JS names, and none of the Lua-only ones", () => {
    for (const n of ["authenticateGameCenter", "linkGameCenter", "unlinkGameCenter", "uuidv4", "base64UrlDecode", "binaryToString",
      "stringToBinary", "localcacheClear", "cronPrev", "sessionDisconnect", "hmacSha256Hash", "rsaSha256Hash"]) {
      assert.ok(js.has(n), n);
    }
    for (const n of ["jsonEncode", "time", "getConfig", "uuidBytesToString"]) assert.ok(!js.has(n), n);
  });
});

describe("shared state", () => {
  it("localcache sweeps expired entries as writes go on", () => {
    let now = 0;
    const c = createLocalCache(() => now);
    for (let i = 0; i < 1000; i++) c.put(`short${i}`, i, 1);
    now = 5000;
    for (let i = 0; i < 24; i++) c.put(`long${i}`, i, 0);
    assert.equal(c.size, 24);
    const frozen = { a: { b: 1 } };
    c.put("obj", frozen, 0);
    assert.ok(Object.isFrozen(frozen.a));
  });

  it("event queue keeps order across partial drains", () => {
    const q = createEventQueue(10_000);
    for (let i = 0; i < 6000; i++) q.push({ name: String(i), properties: {}, external: false });
    assert.equal(q.drain(5000).at(-1)?.name, "4999");
    q.push({ name: "x", properties: {}, external: false });
    assert.deepEqual(q.drain().map((e) => e.name).slice(-2), ["5999", "x"]);
    assert.equal(q.size, 0);
  });
});
