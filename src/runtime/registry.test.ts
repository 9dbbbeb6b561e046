// Tests registrations: case-insensitive keys where the last registration wins, one function under several
// ids, the JS and Lua initializers' argument checks, and native > Lua > JS ownership with its log line.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, GameError } from "../errors.js";
import { createLogger } from "../log.js";
import { jsInitializer, luaRegisterFunctions, type InitializerTarget } from "./initializer.js";
import { RegKind, Registrations, regKey, resolveOwnership } from "./registry.js";

type Fn = { fn: string };
const isFn = (v: unknown): v is Fn => typeof v === "object" && v !== null && "fn" in v;

function target(lines: Array<Record<string, unknown>> = []): InitializerTarget<Fn> {
  const log = createLogger({ level: "debug", destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
  return { regs: new Registrations<Fn | Record<string, Fn>>(), fns: { isFunction: isFn, keep: (f) => f }, log };
}

describe("registrations", () => {
  it("lower-cases ids, keeps the last registration of a key and lets one function serve several ids", () => {
    const t = target();
    const js = jsInitializer(t, {});
    js.registerRpc(["Echo", { fn: "a" }]);
    js.registerRpc(["ECHO", { fn: "b" }]);
    js.registerRpc(["other", { fn: "b" }]);
    js.registerBeforeGetAccount([{ fn: "hook" }]);
    assert.deepEqual(t.regs.get(regKey(RegKind.RPC, "echo")), { fn: "b" });
    assert.deepEqual(t.regs.get("rpc:other"), { fn: "b" });
    assert.deepEqual(t.regs.get("before:getaccount"), { fn: "hook" });
    assert.deepEqual(t.regs.keys(), ["rpc:echo", "rpc:other", "before:getaccount"]);
  });

  it("checks arguments with INVALID_ARGUMENT and warns about unknown message names", () => {
    const lines: Array<Record<string, unknown>> = [];
    const t = target(lines);
    const lua = luaRegisterFunctions(t);
    assert.throws(() => lua.register_rpc([{ fn: "x" }, ""]), (e: unknown) => e instanceof GameError && e.code === Code.INVALID_ARGUMENT);
    assert.throws(() => lua.register_rpc(["not a function", "id"]), /expects a function/);
    lua.register_req_before([{ fn: "x" }, "NoSuchRequest"]);
    lua.register_rt_after([{ fn: "y" }, "channeljoin"]);
    assert.ok(t.regs.get("before:nosuchrequest"));
    assert.ok(t.regs.get("rt_after:channeljoin"));
    assert.equal(lines.filter((l) => l.level === "warn").length, 1, "only the unknown name warns");
    const js = jsInitializer(t, {});
    assert.throws(() => js.registerMatch(["m", { matchInit: { fn: "i" } }]), /matchJoinAttempt/);
  });

  it("gives each key to the first runtime in native > lua > js order and logs the winner", () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: "info", destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
    const own = resolveOwnership({ js: ["rpc:a", "rpc:b", "rpc:c"], lua: ["rpc:b", "rpc:c"], native: ["rpc:c"] }, log);
    assert.equal(own.owner("rpc:a"), "js");
    assert.equal(own.owner("rpc:b"), "lua");
    assert.equal(own.owner("rpc:c"), "native");
    assert.equal(own.owner("rpc:d"), undefined);
    assert.deepEqual(lines.map((l) => [l.registration, l.winner]), [['RPC "c"', "native"], ['RPC "b"', "lua"]]);
  });

  it("records storage indexes from JS and Lua; bad definitions and repeated names fail with a clear error", () => {
    const t = target();
    const js = jsInitializer(t, {});
    js.registerStorageIndex(["players", "players", "profile", ["name", "level"], ["level"], 100, true]);
    assert.deepEqual(t.regs.storageIndexes.get("players"), {
      name: "players", collection: "players", key: "profile", fields: ["name", "level"], sortableFields: ["level"], maxEntries: 100, indexOnly: true,
    });
    const lua = luaRegisterFunctions(t);
    lua.register_storage_index(["all_keys", "players", undefined, ["name"], {}, 5]); // {} = an empty Lua table
    assert.deepEqual(t.regs.storageIndexes.get("all_keys")?.sortableFields, []);
    assert.equal(t.regs.storageIndexes.get("all_keys")?.key, "");
    const fails = (fn: () => unknown, re: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof GameError && e.code === Code.INVALID_ARGUMENT && re.test(e.message));
    fails(() => js.registerStorageIndex(["players", "players", "", ["name"], [], 10]), /registerStorageIndex: index "players" is already registered/);
    fails(() => js.registerStorageIndex(["", "players", "", ["name"], [], 10]), /expects an index name/);
    fails(() => lua.register_storage_index(["x", "", "", ["name"], [], 10]), /register_storage_index: expects a collection/);
    fails(() => js.registerStorageIndex(["x", "c", "", ["name"], [], 0]), /max entries must be an integer between 1/);
    fails(() => js.registerStorageIndex(["x", "c", "", ["name"], []]), /max entries/);
    fails(() => js.registerStorageIndex(["x", "c", "", [], [], 10]), /fields must be a non-empty list/);
    fails(() => js.registerStorageIndex(["x", "c", "", ["name", 3], [], 10]), /fields to be an array of strings/);
  });
});
