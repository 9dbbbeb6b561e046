// nk through real VMs: the binding table installed by the framework's own installers (Lua: luaMulti
// over callLua, withRawStrings when asked; JS: callJs as is), proving the shapes survive marshalling —
// Lua multiple returns and byte strings, JS objects, ArrayBuffers and caught errors.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { HostFn as LuaHostFn } from "../lua/index.js";
import { testVm } from "../lua/test-support.js";
import type { HostFn as JsHostFn } from "../js/index.js";
import { engineOnce, makeVm } from "../js/testkit.js";
import { ExecutionMode, systemContext } from "../context.js";
import { nkBindings } from "./index.js";
import { nkFunctions } from "../lua-engine.js";
import { nkObject } from "../js-engine.js";
import { openNkFixture, type NkFixture } from "./testkit.js";

let f: NkFixture;
before(async () => {
  f = await openNkFixture();
});
after(async () => {
  await f.dispose();
});

const ctx = systemContext({ env: {}, node: "troupe", version: "test" }, ExecutionMode.RPC);

function luaModule(): Record<string, LuaHostFn> {
  return nkFunctions(nkBindings(), f.deps, { ctx });
}

function jsNk(): Record<string, JsHostFn> {
  return nkObject(nkBindings(), f.deps, { ctx });
}

describe("nk in a Lua VM", () => {
  it("multiple returns, tables and byte strings", async () => {
    const t = await testVm({ host: luaModule() });
    const out = await t.run(`
      local nk = require("nakama")
      local id, name, created = nk.authenticate_device("engine-device-1", "engineer")
      local acc = nk.account_get_id(id)
      local mac = nk.hmac_sha256_hash("data", "key")
      local ok, err = pcall(nk.authenticate_device, "short")
      local raw = nk.uuid_string_to_bytes(id)
      return id, name, created, acc.user.username, acc.devices[1].id, #mac, nk.base16_encode(mac),
        ok, err, #raw, nk.uuid_bytes_to_string(raw) == id, nk.json_encode({b = 2, a = {1, 2}}),
        nk.json_decode('{"x":[1,2]}').x[2], nk.base64_decode(nk.base64_encode("\\0\\255")) == "\\0\\255"`);
    t.vm.close();
    assert.match(out[0] as string, /^[0-9a-f-]{36}$/);
    assert.deepEqual(out.slice(1, 5), ["engineer", true, "engineer", "engine-device-1"]);
    assert.equal(out[5], 32);
    assert.equal(out[6], "5031fe3d989c6d1537a013fa6e739da23463fdaec3b70137d828e36ace221bd0");
    assert.equal(out[7], false);
    assert.match(out[8] as string, /bad argument #1 to authenticate_device \(expects id to be valid, must be 10-128 bytes\)/);
    assert.deepEqual(out.slice(9), [16, true, '{"a":[1,2],"b":2}', 2, true]);
  });
});

describe("nk in a JS VM", () => {
  const engine = engineOnce();
  it("objects, ArrayBuffers and catchable errors", async () => {
    const vm = await makeVm(await engine(), `
      function InitModule() {}
      function run() {
        var r = nk.authenticateDevice("engine-device-2", "jsengine");
        var acc = nk.accountGetId(r.userId);
        var bytes = nk.base64Decode("aGk=");
        var err = null;
        try { nk.authenticateDevice("short"); } catch (e) { err = e.message; }
        return { r: r, user: acc.user.username, devices: acc.devices, isBuffer: bytes instanceof ArrayBuffer,
          text: nk.binaryToString(bytes), err: err, hex: nk.base16Encode(nk.stringToBinary("hi")) };
      }`, { globals: { nk: jsNk() }, callTimeoutMs: 5000 });
    const out = (await vm.callGlobal("run", [])) as Record<string, unknown>;
    await vm.dispose();
    const r = out.r as Record<string, unknown>;
    assert.equal(r.username, "jsengine");
    assert.equal(r.created, true);
    assert.equal(out.user, "jsengine");
    assert.deepEqual(out.devices, [{ id: "engine-device-2" }]);
    assert.equal(out.isBuffer, true);
    assert.equal(out.text, "hi");
    assert.equal(out.err, "expects id to be valid, must be 10-128 bytes");
    assert.equal(out.hex, "6869");
  });
});
