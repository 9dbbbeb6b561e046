// Tests the runtime's side of storage indexes: gathering every engine's registered indexes with native >
// Lua > JS precedence, the names that have a filter function, and the filter call's shapes per engine and its boolean rule.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "../log.js";
import type { EngineVm } from "./engine.js";
import { RegKind, regKey, resolveOwnership, type EngineKind, type StorageIndexSpec } from "./registry.js";
import { filteredIndexes, gatherStorageIndexes, storageIndexFilter } from "./storage-indexes.js";

function spec(name: string, collection: string): StorageIndexSpec {
  return { name, collection, key: "", fields: ["a"], sortableFields: [], maxEntries: 10, indexOnly: false };
}

function vm(kind: EngineKind, specs: StorageIndexSpec[]): EngineVm {
  return { kind, keys: () => [], storageIndexes: () => specs, call: async () => undefined, usable: () => true, close: async () => undefined };
}

describe("runtime storage indexes", () => {
  it("gathers one definition per name, native > lua > js, and logs the ignored one", () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: "info", destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
    const got = gatherStorageIndexes({
      js: vm("js", [spec("shared", "from-js"), spec("js_only", "j")]),
      lua: vm("lua", [spec("shared", "from-lua")]),
      native: vm("native", [spec("native_only", "n")]),
    }, log);
    assert.deepEqual(got.map((s) => [s.name, s.collection]), [["native_only", "n"], ["shared", "from-lua"], ["js_only", "j"]]);
    assert.deepEqual(lines.map((l) => [l.index, l.winner, l.ignored]), [["shared", "lua", "js"]]);
  });

  it("names the indexes with a filter and calls the owning engine's function with its shape", async () => {
    const log = createLogger({ level: "error", destination: { write: () => undefined } });
    const ownership = resolveOwnership({ lua: [regKey(RegKind.STORAGE_INDEX_FILTER, "Players"), regKey(RegKind.RPC, "x")] }, log);
    assert.deepEqual(filteredIndexes(ownership), ["players"]);
    const calls: unknown[] = [];
    let answer: unknown = true;
    const runtime = {
      call: async (key: string, ctx: { executionMode: string }, payloads: (e: EngineKind) => unknown[]) => {
        calls.push([key, ctx.executionMode, payloads("lua")[0], payloads("js")[0]]);
        return answer;
      },
    };
    const filter = storageIndexFilter(runtime, { env: {}, node: "n", version: "v" });
    const created = new Date(0);
    const o = { collection: "c", key: "k", userId: "u", value: '{"a":1}', version: "v1", read: 2, write: 1, createTime: created, updateTime: created };
    assert.equal(await filter("Players", o), true);
    assert.deepEqual(calls, [["storage_index_filter:players", "storage_index_filter",
      { collection: "c", key: "k", user_id: "u", value: { a: 1 }, version: "v1", permission_read: 2, permission_write: 1 },
      { collection: "c", key: "k", userId: "u", value: { a: 1 }, version: "v1", permissionRead: 2, permissionWrite: 1 }]]);
    answer = false;
    assert.equal(await filter("Players", o), false);
    answer = null;
    await assert.rejects(filter("Players", o), /must return a boolean/);
  });
});
