// nk storage functions called through their bindings, per language: element fields, shapes (Lua
// snake_case with nil owners, JS camelCase with null cursors), defaults, permission bypass, and errors.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "../../errors.js";
import { SYSTEM_USER_ID } from "../../session/uuid.js";
import { rejection } from "./testkit.js";
import { openServicesFixture, type ServicesFixture } from "./testkit-services.js";

let f: ServicesFixture;
let uid = "";
before(async () => {
  f = await openServicesFixture();
  uid = await f.player("storer");
});
after(async () => {
  await f.dispose();
});

describe("storage_write / storage_read", () => {
  it("Lua writes tables, returns acks, reads back snake_case objects with decoded values", async () => {
    const [acks] = (await f.lua("storage_write", [
      { collection: "saves", key: "slot1", user_id: uid, value: { level: 3, items: ["a", "b"] }, permission_read: 2 },
      { collection: "config", key: "global", value: { motd: "hi" } },
    ])) as [Array<Record<string, unknown>>];
    assert.equal(acks.length, 2);
    assert.deepEqual(Object.keys(acks[0]).sort(), ["collection", "key", "user_id", "version"]);
    assert.equal(acks[0].user_id, uid);
    assert.equal(acks[1].user_id, SYSTEM_USER_ID);
    assert.match(acks[0].version as string, /^[0-9a-f]{32}$/);
    const [objs] = (await f.lua("storage_read", [
      { collection: "saves", key: "slot1", user_id: uid },
      { collection: "config", key: "global" },
      { collection: "saves", key: "missing", user_id: uid },
    ])) as [Array<Record<string, unknown>>];
    assert.equal(objs.length, 2);
    const save = objs.find((o) => o.key === "slot1") as Record<string, unknown>;
    assert.deepEqual(save.value, { items: ["a", "b"], level: 3 });
    assert.equal(save.permission_read, 2);
    assert.equal(save.permission_write, 1);
    assert.equal(typeof save.create_time, "number");
    assert.deepEqual(await f.lua("storage_read", {}), [[]]);
  });

  it("JS reads camelCase objects; writes honour versions", async () => {
    const [ack] = (await f.js("storageWrite", [{ collection: "js", key: "k", userId: uid, value: { n: 1 } }])) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(ack).sort(), ["collection", "key", "userId", "version"]);
    const [obj] = (await f.js("storageRead", [{ collection: "js", key: "k", userId: uid }])) as Array<Record<string, unknown>>;
    assert.deepEqual(obj.value, { n: 1 });
    assert.equal(obj.userId, uid);
    assert.equal(obj.permissionRead, 1);
    const stale = await rejection(f.js("storageWrite", [{ collection: "js", key: "k", userId: uid, value: { n: 2 }, version: "nope" }]));
    assert.equal(stale.code, Code.INVALID_ARGUMENT);
    assert.equal(stale.message, "failed to write storage objects: Storage write rejected - version check failed.");
    await f.js("storageWrite", [{ collection: "js", key: "k", userId: uid, value: { n: 2 }, version: ack.version }]);
  });

  it("argument errors carry Nakama's texts", async () => {
    assert.equal((await rejection(f.lua("storage_write", [{ collection: "c", key: "k" }]))).message,
      "bad argument #1 to storage_write (expects value to be supplied)");
    assert.equal((await rejection(f.lua("storage_read", [{ collection: 5, key: "k" }]))).message,
      "bad argument #1 to storage_read (expects collection to be string)");
    assert.equal((await rejection(f.lua("storage_read", [{ collection: "c", key: "k", user_id: "x" }]))).message,
      "bad argument #1 to storage_read (expects user_id to be a valid ID)");
    assert.equal((await rejection(f.lua("storage_write", [{ collection: "c", key: "k", value: 3 }]))).message,
      "bad argument #1 to storage_write (expects value to be table)");
    assert.equal((await rejection(f.js("storageWrite", [{ collection: "c", key: "k", value: "x" }]))).message,
      "expects 'value' value to be an object");
    assert.equal((await rejection(f.js("storageRead", undefined))).message, "expects an array ok keys");
    assert.equal((await rejection(f.js("storageWrite", [{ collection: "", key: "k", value: {} }]))).message,
      "expects 'collection' value to be non-empty");
    const perm = await rejection(f.js("storageWrite", [{ collection: "c", key: "k", value: {}, permissionRead: 7 }]));
    assert.equal(perm.code, Code.INVALID_ARGUMENT);
    assert.match(perm.message, /^failed to write storage objects: expects read permission/);
  });
});

describe("storage_list / storage_delete", () => {
  it("lists with Lua multiple returns and JS { objects, cursor }", async () => {
    for (let i = 0; i < 3; i++) await f.js("storageWrite", [{ collection: "list", key: `k${i}`, userId: uid, value: { i } }]);
    const [page, cursor] = (await f.lua("storage_list", uid, "list", 2)) as [unknown[], string | null];
    assert.equal(page.length, 2);
    assert.equal(typeof cursor, "string");
    const [rest, end] = (await f.lua("storage_list", uid, "list", 2, cursor)) as [unknown[], string | null];
    assert.equal(rest.length, 1);
    assert.equal(end, null);
    const all = (await f.js("storageList", uid, "list")) as { objects: unknown[]; cursor: string | null };
    assert.equal(all.objects.length, 3);
    assert.equal(all.cursor, null);
    assert.equal((await rejection(f.lua("storage_list", uid, "list"))).message, "bad argument #3 to storage_list (number expected, got nil)");
    assert.equal((await rejection(f.lua("storage_list", "bad", "list", 1))).message,
      "bad argument #1 to storage_list (expects empty or a valid user ID)");
  });

  it("deletes in both languages; a version mismatch fails", async () => {
    await f.lua("storage_delete", [{ collection: "list", key: "k0", user_id: uid }]);
    await f.js("storageDelete", [{ collection: "list", key: "k1", userId: uid }]);
    const left = (await f.js("storageList", uid, "list")) as { objects: Array<{ key: string }> };
    assert.deepEqual(left.objects.map((o) => o.key), ["k2"]);
    const bad = await rejection(f.js("storageDelete", [{ collection: "list", key: "k2", userId: uid, version: "v" }]));
    assert.match(bad.message, /^failed to remove storage: Storage delete rejected/);
  });
});

describe("multi_update", () => {
  it("applies accounts, storage and wallets together; Lua returns nil for empty parts", async () => {
    const [acks, wallets] = (await f.lua("multi_update",
      [{ user_id: uid, display_name: "Multi", metadata: { vip: true } }],
      [{ collection: "multi", key: "a", user_id: uid, value: { x: 1 } }],
      null,
      [{ user_id: uid, changeset: { coins: 10 } }],
      true,
    )) as [Array<Record<string, unknown>>, Array<Record<string, unknown>>];
    assert.equal(acks.length, 1);
    assert.deepEqual(wallets[0].updated, { coins: 10 });
    assert.equal(wallets[0].user_id, uid);
    const [acc] = (await f.lua("account_get_id", uid)) as [Record<string, unknown>];
    assert.equal(acc.display_name, "Multi");
    assert.deepEqual(acc.metadata, { vip: true });
    assert.deepEqual(await f.lua("multi_update", null, null, [{ collection: "multi", key: "a", user_id: uid }]), [null, null]);
    const js = (await f.js("multiUpdate", null, [{ collection: "multi", key: "b", userId: uid, value: {} }], null, null)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(js).sort(), ["storageWriteAcks", "walletUpdateAcks"]);
    assert.deepEqual(js.walletUpdateAcks, []);
  });

  it("is all or nothing: a negative balance rolls the storage write back", async () => {
    const e = await rejection(f.js("multiUpdate", null, [{ collection: "multi", key: "never", userId: uid, value: {} }], null,
      [{ userId: uid, changeset: { coins: -1000 } }]));
    assert.equal(e.code, Code.FAILED_PRECONDITION);
    assert.equal(e.message, "error running multi update: wallet update rejected negative value at path 'coins'");
    assert.deepEqual(await f.js("storageRead", [{ collection: "multi", key: "never", userId: uid }]), []);
    assert.equal((await rejection(f.lua("multi_update", [{ display_name: "x" }]))).message,
      "bad argument #1 to multi_update (expects a valid user ID)");
    assert.equal((await rejection(f.lua("multi_update", null, null, null, [{ user_id: uid, changeset: { a: 1.5 } }]))).message,
      "bad argument #4 to multi_update (expects changeset values to be whole numbers)");
  });
});
