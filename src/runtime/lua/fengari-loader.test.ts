// Tests the patched fengari build: every patch applies, a mismatching patch stops the load, and the
// libraries that touch the host (fs) are unreachable.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyPatches, fengari, FENGARI_VERSION, loadPatchedFengari } from "./fengari-loader.js";
import { PATCHES } from "./fengari-patches.js";

describe("patched fengari", () => {
  it("loads with every patch applied", () => {
    const f = loadPatchedFengari();
    assert.equal(typeof f.lua.lua_newthread, "function");
    assert.ok(f.loadMs > 0);
    assert.equal(FENGARI_VERSION, "0.1.5");
  });
  it("refuses a patch that does not match exactly once", () => {
    const p = PATCHES[0];
    assert.throws(() => applyPatches(p.file, "source without the expected text", [p], new Set()), /matched 0 times, expected 1/);
    const text = typeof p.find === "string" ? p.find : "";
    assert.throws(() => applyPatches(p.file, `${text}\n${text}`, [p], new Set()), /matched 2 times/);
  });
  it("keeps the file system out of reach", () => {
    const L = fengari.lauxlib.luaL_newstate();
    const status: number = fengari.lauxlib.luaL_loadfilex(L, fengari.core.to_luastring("/etc/passwd"), null);
    assert.notEqual(status, fengari.lua.LUA_OK);
    assert.match(fengari.lua.lua_tojsstring(L, -1) as string, /not available to Lua/);
  });
});
