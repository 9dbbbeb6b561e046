// Tests the schema-driven conversion of hook payloads: Lua gets protojson with snake_case names and
// unpopulated fields left out; JS gets lowerCamelCase names with every field present (null for unset
// messages and wrappers, "0" for int64, [] and {} for lists and maps, unset oneof members absent); and a
// guest's value in either naming converts back to the wire value.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { api, fromJson, rt } from "../../proto/index.js";
import { fromGuest, toGuest } from "./convert.js";

const auth = fromJson(api.AuthenticateCustomRequest, { account: { id: "abc", vars: { k: "v" } }, create: true });

describe("hook payload conversion", () => {
  it("gives Lua snake_case protojson without unpopulated fields", () => {
    assert.deepEqual(toGuest(api.AuthenticateCustomRequest, auth, "lua"), { account: { id: "abc", vars: { k: "v" } }, create: true });
    const list = fromJson(api.ListStorageObjectsRequest, { collection: "c", limit: 5 });
    assert.deepEqual(toGuest(api.ListStorageObjectsRequest, list, "lua"), { collection: "c", limit: 5 });
  });

  it("gives JS lowerCamelCase with every field present", () => {
    assert.deepEqual(toGuest(api.AuthenticateCustomRequest, auth, "js"), {
      account: { id: "abc", vars: { k: "v" } }, create: true, username: "",
    });
    const write = fromJson(api.WriteStorageObjectsRequest, { objects: [{ collection: "c", key: "k", value: "{}" }] });
    assert.deepEqual(toGuest(api.WriteStorageObjectsRequest, write, "js"), {
      objects: [{ collection: "c", key: "k", value: "{}", version: "", permissionRead: null, permissionWrite: null }],
    });
  });

  it("keeps int64 as strings, timestamps as RFC 3339 text and leaves unset oneof members out", () => {
    const acct = fromJson(api.Account, { user: { id: "u", create_time: "2024-01-02T03:04:05Z", edge_count: 3 }, wallet: "{}" });
    const js = toGuest(api.Account, acct, "js") as { user: Record<string, unknown>; verifyTime: unknown };
    assert.equal(js.user.createTime, "2024-01-02T03:04:05Z");
    assert.equal(js.user.edgeCount, 3);
    assert.equal(js.verifyTime, null);
    const env = fromJson(rt.Envelope, { cid: "7", status_update: { status: "hi" } });
    const jsEnv = toGuest(rt.Envelope, env, "js");
    assert.deepEqual(jsEnv, { cid: "7", statusUpdate: { status: "hi" } });
    assert.deepEqual(toGuest(rt.Envelope, env, "lua"), { cid: "7", status_update: { status: "hi" } });
  });

  it("converts a guest's value back from either naming, ignoring unknown keys", () => {
    const back = fromGuest(api.AuthenticateCustomRequest, { account: { id: "xyz", vars: {} }, username: "bob", extra: 1 });
    assert.equal(back.account?.id, "xyz");
    assert.equal(back.username, "bob");
    const camel = fromGuest(rt.Envelope, { cid: "1", statusUpdate: { status: "HI" } });
    assert.equal(camel.status_update?.status, "HI");
    const nulls = fromGuest(api.AuthenticateCustomRequest, toGuest(api.AuthenticateCustomRequest, auth, "js"));
    assert.deepEqual(nulls, auth);
  });
});
