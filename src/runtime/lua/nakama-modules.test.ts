// Tests the engine end to end with modules shaped like Nakama's sample Lua modules (RPCs, a before
// hook, an authoritative match handler whose state holds a function, run_once, error tables), driven
// through a fake `nakama` host module the way the runtime framework will drive it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import { silentLogger } from "../../log.js";
import { jsonDecode, jsonEncode } from "./json.js";
import { LuaRef } from "./types.js";
import type { HostFn } from "./types.js";
import { createLuaVm } from "./vm.js";
import { modules } from "./test-support.js";

const CLIENTRPC = `
local nk = require("nakama")
local du = require("debug_utils")

local function rpc(context, payload)
  nk.event("client_rpc", { payload = payload })
  return payload
end
nk.register_rpc(rpc, "clientrpc.rpc")

local function rpc_error(context, payload)
  error({ "Some error occured.", 3 })
end
nk.register_rpc(rpc_error, "clientrpc.rpc_error")

local function rpc_get(context, payload)
  return nk.json_encode({ ["message"] = "PONG" })
end
nk.register_rpc(rpc_get, "clientrpc.rpc_get")

local function print_env(context, payload)
  return nk.json_encode(context.env)
end
nk.register_rpc(print_env, "clientrpc.print_env")

local function create_match(context, payload)
  local params = nk.json_decode(payload)
  return nk.match_create("match", { debug = params.debug, label = params.label })
end
nk.register_rpc(create_match, "clientrpc.create_authoritative_match")

local function limit_friends(context, payload)
  local account = nk.account_get_id(context.user_id)
  if account.metadata.level < 10 then
    error({ msg = "Must reach level 10 before you can add friends.", code = 9 })
  end
  return payload
end
nk.register_req_before(limit_friends, "AddFriends")

nk.run_once(function(context)
  nk.logger_info("run once in mode " .. context.execution_mode .. " " .. du.describe({ 1, 2 }))
end)
`;

const DEBUG_UTILS = `
local M = {}
function M.describe(t)
  local parts = {}
  for k, v in pairs(t) do parts[#parts + 1] = tostring(k) .. "=" .. tostring(v) end
  return table.concat(parts, ",")
end
return M
`;

const MATCH = `
local M = {}

function M.match_init(context, params)
  local state = { debug = params and params.debug, ticks = 0, presences = {},
    describe = function(s) return "ticks=" .. s.ticks end }
  local label = (params and params.label) or "skill=100-150"
  return state, 1, label
end

function M.match_join_attempt(context, dispatcher, tick, state, presence, metadata)
  return state, true
end

function M.match_loop(context, dispatcher, tick, state, messages)
  state.ticks = state.ticks + 1
  for _, m in ipairs(messages) do
    dispatcher.broadcast_message(m.op_code, m.data, nil, m.sender)
  end
  if tick >= 10 then return nil end
  return state
end

function M.match_signal(context, dispatcher, tick, state, data)
  return state, "signal received: " .. data .. " " .. state.describe(state)
end

function M.match_terminate(context, dispatcher, tick, state, grace_seconds)
  return state
end

return M
`;

const DAILY = `
local nk = require("nakama")
local function claim(context, payload)
  local now = os.time()
  local t = os.date("*t", now)
  local last = tonumber(payload) or 0
  if os.date("*t", last).yday == t.yday and last > 0 then
    error({ "reward already claimed today", 9 })
  end
  return nk.json_encode({ ts = now * 1000, day = t.yday })
end
nk.register_rpc(claim, "daily.claim")
`;

interface Fake {
  rpcs: Map<string, LuaRef>;
  befores: Map<string, LuaRef>;
  events: unknown[];
  logs: string[];
  runOnce?: LuaRef;
  host: Record<string, HostFn>;
}

function fakeNakama(): Fake {
  const f: Fake = { rpcs: new Map(), befores: new Map(), events: [], logs: [], host: {} };
  let ranOnce = false;
  f.host = {
    register_rpc: ([fn, id]) => void f.rpcs.set(id as string, fn as LuaRef),
    register_req_before: ([fn, name]) => void f.befores.set(name as string, fn as LuaRef),
    run_once: async ([fn]) => {
      if (ranOnce) return;
      ranOnce = true;
      f.runOnce = fn as LuaRef;
    },
    event: async (args) => void f.events.push(args),
    json_encode: ([v]) => jsonEncode(v),
    json_decode: ([s]) => jsonDecode(s as string),
    logger_info: ([m]) => void f.logs.push(m as string),
    match_create: async ([module, params]) => `${String(module)}:${JSON.stringify(params)}`,
    account_get_id: async ([id]) => {
      if (id === "ghost") throw new GameError(Code.NOT_FOUND, "User account not found.");
      return { user: { id }, metadata: { level: id === "veteran" ? 12 : 3 } };
    },
  };
  return f;
}

async function boot(f: Fake): Promise<Awaited<ReturnType<typeof createLuaVm>>> {
  const vm = await createLuaVm({
    modules: modules({ clientrpc: CLIENTRPC, debug_utils: DEBUG_UTILS, match: MATCH, daily: DAILY }),
    hostModules: { nakama: f.host },
    callTimeoutMs: 1000,
    log: silentLogger(),
  });
  await vm.loadAll();
  return vm;
}

describe("Nakama-style modules", () => {
  it("registers RPCs, a before hook and run_once while loading", async () => {
    const f = fakeNakama();
    const vm = await boot(f);
    assert.deepEqual([...f.rpcs.keys()].sort(), [
      "clientrpc.create_authoritative_match", "clientrpc.print_env", "clientrpc.rpc", "clientrpc.rpc_error", "clientrpc.rpc_get", "daily.claim",
    ]);
    assert.deepEqual([...f.befores.keys()], ["AddFriends"]);
    const runOnce = f.runOnce;
    assert.ok(runOnce instanceof LuaRef);
    await vm.call(runOnce, [{ execution_mode: "run_once" }]);
    assert.deepEqual(f.logs, ["run once in mode run_once 1=1,2=2"]);
    vm.close();
  });

  it("runs RPCs with Nakama's results and errors", async () => {
    const f = fakeNakama();
    const vm = await boot(f);
    const ctx = { user_id: "u1", env: { region: "eu", b: "<&>" }, execution_mode: "rpc" };
    const rpc = (id: string, payload: string): Promise<unknown[]> => vm.call(f.rpcs.get(id) as LuaRef, [ctx, payload]);
    assert.deepEqual(await rpc("clientrpc.rpc", '{"x":1}'), ['{"x":1}']);
    assert.deepEqual(f.events, [["client_rpc", { payload: '{"x":1}' }]]);
    assert.deepEqual(await rpc("clientrpc.rpc_get", ""), ['{"message":"PONG"}']);
    assert.deepEqual(await rpc("clientrpc.print_env", ""), ['{"b":"\\u003c\\u0026\\u003e","region":"eu"}']);
    assert.deepEqual(await rpc("clientrpc.create_authoritative_match", '{"debug":true,"label":"skill=1"}'), ['match:{"debug":true,"label":"skill=1"}']);
    await assert.rejects(rpc("clientrpc.rpc_error", ""), (e: GameError) => e.code === Code.INVALID_ARGUMENT && e.message === "Some error occured.");
    vm.close();
  });

  it("runs a before hook that can reject with a named error table", async () => {
    const f = fakeNakama();
    const vm = await boot(f);
    const hook = f.befores.get("AddFriends") as LuaRef;
    const payload = { ids: ["a", "b"] };
    assert.deepEqual(await vm.call(hook, [{ user_id: "veteran" }, payload]), [payload]);
    await assert.rejects(vm.call(hook, [{ user_id: "newbie" }, payload]), (e: GameError) => e.code === Code.FAILED_PRECONDITION);
    await assert.rejects(vm.call(hook, [{ user_id: "ghost" }, payload]), (e: GameError) => e.code === Code.NOT_FOUND && e.message === "User account not found.");
    vm.close();
  });

  it("drives an authoritative match whose state holds a function", async () => {
    const f = fakeNakama();
    const vm = await boot(f);
    const handler = await vm.requireModule("match");
    const fn = (name: string): LuaRef => vm.getField(handler, name) as LuaRef;
    const ctx = { match_id: "m1.node", execution_mode: "match" };
    const [state0, tickRate, label] = await vm.call(fn("match_init"), [ctx, { debug: true }], { refResults: [0] });
    assert.deepEqual([tickRate, label], [1, "skill=100-150"]);
    const sent: unknown[][] = [];
    const dispatcher = { broadcast_message: (args: unknown[]) => void sent.push(args) };
    let state = state0;
    let tick = 1;
    for (; tick <= 12; tick++) {
      const messages = tick === 2 ? [{ op_code: 1, data: "hi", sender: { user_id: "u1" } }] : [];
      const [next] = await vm.call(fn("match_loop"), [ctx, dispatcher, tick, state, messages], { refResults: [0] });
      if (next === null) break;
      state = next;
    }
    assert.equal(tick, 10); // the loop returned nil at tick 10: the match ends
    assert.deepEqual(sent, [[1, "hi", null, { user_id: "u1" }]]);
    const [, reply] = await vm.call(fn("match_signal"), [ctx, dispatcher, 9, state, "ping"], { refResults: [0] });
    assert.equal(reply, "signal received: ping ticks=10"); // the state table was updated in place by tick 10
    vm.close();
  });

  it("handles dates and millisecond times like Nakama", async () => {
    const f = fakeNakama();
    const vm = await boot(f);
    const [json] = await vm.call(f.rpcs.get("daily.claim") as LuaRef, [{}, ""]);
    const body = JSON.parse(json as string) as { ts: number; day: number };
    assert.ok(Number.isInteger(body.ts) && Math.abs(body.ts - Date.now()) < 5000);
    const now = Math.floor(Date.now() / 1000);
    await assert.rejects(vm.call(f.rpcs.get("daily.claim") as LuaRef, [{}, String(now)]), (e: GameError) => e.code === Code.FAILED_PRECONDITION);
    vm.close();
  });
});
