// Tests the per-VM context cache (context-cache.ts) and that a kept Lua context table never carries one
// call's writes into the next call (lua-engine.ts with the VM's write watch).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { silentLogger } from "../log.js";
import { ExecutionMode, requestContext, systemContext, type ContextBase, type RuntimeContext } from "./context.js";
import { ContextCache, sameContext } from "./context-cache.js";
import { luaEngineFactory } from "./lua-engine.js";
import type { NkDeps } from "./nk/types.js";
import { emptyContext, type CallContext } from "../pipeline/hooks.js";
import { modules } from "./lua/test-support.js";

const base: ContextBase = { env: Object.freeze({ A: "1" }), node: "n1", version: "v" };

function ctx(over: Partial<CallContext> = {}): RuntimeContext {
  return requestContext(base, ExecutionMode.RPC, emptyContext({
    userId: "u1", username: "ann", sessionId: "s1", headers: { Host: ["h"], Accept: ["a", "b"] }, queryParams: { q: ["1"] },
    vars: { k: "v" }, clientIp: "127.0.0.1", ...over,
  }));
}

describe("context cache", () => {
  it("finds equal contexts by value and frozen ones by identity; different ones miss", () => {
    const released: string[] = [];
    const c = new ContextCache<string>({ max: 8, maxChars: 1000, release: (v) => released.push(v) });
    assert.equal(c.set(ctx(), "first"), true);
    assert.equal(c.get(ctx()), "first", "an equal context built anew");
    assert.equal(c.get(ctx({ headers: { Host: ["h"], Accept: ["a"] } })), undefined);
    assert.equal(c.get(ctx({ headers: { Host: ["h"], Accept: ["a", "b"], X: ["1"] } })), undefined);
    assert.equal(c.get(ctx({ vars: {} })), undefined);
    assert.equal(c.get(ctx({ queryParams: {} })), undefined);
    assert.equal(c.get(ctx({ username: "bob" })), undefined);
    assert.equal(c.get({ ...ctx(), executionMode: ExecutionMode.BEFORE }), undefined);
    const frozen = Object.freeze(ctx({ userId: "u2" }));
    c.set(frozen, "second");
    assert.equal(c.get(frozen), "second");
    assert.deepEqual(released, []);
  });

  it("drops the least recently used entry past its bound and never keeps large contexts", () => {
    const released: string[] = [];
    const c = new ContextCache<string>({ max: 2, maxChars: 100, release: (v) => released.push(v) });
    c.set(ctx({ userId: "a" }), "a");
    c.set(ctx({ userId: "b" }), "b");
    assert.equal(c.get(ctx({ userId: "a" })), "a");
    c.set(ctx({ userId: "c" }), "c");
    assert.deepEqual(released, ["b"]);
    assert.equal(c.get(ctx({ userId: "b" })), undefined);
    assert.equal(c.size, 2);
    assert.equal(c.set(ctx({ headers: { Big: ["x".repeat(200)] } }), "big"), false);
    assert.equal(c.size, 2);
  });

  it("drops an entry its engine reports unusable", () => {
    let ok = true;
    const released: string[] = [];
    const c = new ContextCache<string>({ max: 4, maxChars: 1000, release: (v) => released.push(v), usable: () => ok });
    c.set(ctx(), "x");
    ok = false;
    assert.equal(c.get(ctx()), undefined);
    assert.deepEqual(released, ["x"]);
    assert.equal(c.size, 0);
  });

  it("compares every field a guest sees", () => {
    const a = systemContext(base, ExecutionMode.MATCH, { matchId: "m", matchTickRate: 10 });
    assert.equal(sameContext(a, { ...a }), true);
    assert.equal(sameContext(a, { ...a, matchTickRate: 5 }), false);
    assert.equal(sameContext(a, { ...a, env: { A: "2" } }), false);
    assert.equal(sameContext(a, { ...a, clientPort: "1" }), false);
  });
});

describe("Lua context tables kept per VM", () => {
  it("are reused until Lua code writes to one, and no call sees another call's writes", async () => {
    const source = `local nk = require("nakama")
local seen = {}
nk.register_rpc(function(context, payload)
  local out = table.concat({ tostring(context.user_id), tostring(context.headers.Host[1]), tostring(context.vars.k),
    tostring(context.extra), tostring(getmetatable(context.headers)), tostring(#context.headers.Accept) }, ",")
  if payload == "write" then context.user_id = "changed"; context.extra = "x" end
  if payload == "nested" then context.headers.Host[1] = "changed"; table.insert(context.headers.Accept, "c") end
  if payload == "meta" then setmetatable(context.headers, {}) end
  if payload == "keep" then seen.ctx = context end
  if payload == "later" and seen.ctx then seen.ctx.vars.k = "changed" end
  return out
end, "probe")`;
    const factory = luaEngineFactory({
      modules: modules({ probe: source }), bindings: [], nk: {} as NkDeps, base, log: silentLogger(), callTimeoutMs: 2000,
    });
    const vm = await factory.create();
    const frozen = Object.freeze(ctx());
    const call = (c: RuntimeContext, payload: string) => vm.call({ key: "rpc:probe", ctx: c, args: [payload], fields: {} });
    const clean = "u1,h,v,nil,nil,2";
    for (const c of [frozen, ctx()]) {
      for (const payload of ["read", "write", "read", "nested", "read", "meta", "read", "keep", "read"]) {
        assert.equal(await call(c, payload), clean, `${payload} sees a clean context`);
      }
      // A table kept from an earlier call and written to during another call's turn.
      assert.equal(await call(ctx({ userId: "other" }), "later"), "other,h,v,nil,nil,2");
      assert.equal(await call(c, "read"), clean);
    }
    await vm.close();
  });
});
