// The game-service nk functions through real VMs, installed as types.ts tells the framework to (Lua:
// luaMulti over callLua; JS: callJs as is): Lua tables in and out with snake_case keys and multiple
// returns, JS objects with camelCase keys and nulls, errors catchable in the guest and uncaught ones
// keeping their code. Also checks the binding table carries Nakama's names for these domains.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import type { HostFn as LuaHostFn } from "../lua/index.js";
import { testVm } from "../lua/test-support.js";
import type { HostFn as JsHostFn } from "../js/index.js";
import { engineOnce, makeVm } from "../js/testkit.js";
import { ExecutionMode, systemContext } from "../context.js";
import { nkBindings } from "./index.js";
import { nkFunctions } from "../lua-engine.js";
import { nkObject } from "../js-engine.js";
import { openServicesFixture, type ServicesFixture } from "./testkit-services.js";

let f: ServicesFixture;
let uid = "";
before(async () => {
  f = await openServicesFixture();
  uid = await f.player("engineer");
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

describe("game services in a Lua VM", () => {
  it("tables in and out, multiple returns, nil cursors, catchable errors", async () => {
    const t = await testVm({ host: luaModule() });
    const out = await t.run(`
      local nk = require("nakama")
      local uid = "${uid}"
      local acks = nk.storage_write({ { collection = "c", key = "k", user_id = uid, value = { hp = 10, tags = { "a" } } } })
      local objs = nk.storage_read({ { collection = "c", key = "k", user_id = uid } })
      local updated, previous = nk.wallet_update(uid, { gold = 7 })
      nk.leaderboard_create("engine-lb", false, "desc", "best", nil, nil, true)
      local rec = nk.leaderboard_record_write("engine-lb", uid, "engineer", 42)
      local records, owners, nextc, prevc, count = nk.leaderboard_records_list("engine-lb", { uid }, 10)
      local ok, err = pcall(nk.wallet_update, uid, { gold = -100 })
      local ok2, err2 = pcall(nk.storage_write, { { collection = "c", key = "k" } })
      return acks[1].user_id == uid, objs[1].value.hp, objs[1].value.tags[1], updated.gold, next(previous) == nil,
        rec.score, rec.rank, #records, owners[1].owner_id == uid, nextc == nil, prevc == nil, count,
        ok, err, ok2, err2`);
    t.vm.close();
    assert.deepEqual(out.slice(0, 13), [true, 10, "a", 7, true, 42, 1, 1, true, true, true, 1, false]);
    assert.match(out[13] as string, /failed to update user wallet: wallet update rejected negative value at path 'gold'/);
    assert.equal(out[14], false);
    assert.match(out[15] as string, /bad argument #1 to storage_write \(expects value to be supplied\)/);
  });

  it("an uncaught nk error keeps its code", async () => {
    const t = await testVm({ host: luaModule() });
    try {
      await assert.rejects(t.run(`return require("nakama").tournament_join("missing", "${uid}", "engineer")`),
        (e: unknown) => e instanceof GameError && e.code === Code.NOT_FOUND && /tournament not found/.test(e.message));
    } finally {
      t.vm.close();
    }
  });
});

describe("game services in a JS VM", () => {
  const engine = engineOnce();
  it("objects in and out, camelCase keys, null cursors, catchable errors", async () => {
    const vm = await makeVm(await engine(), `
      function InitModule() {}
      function run(uid) {
        nk.storageWrite([{ collection: "j", key: "k", userId: uid, value: { list: [1, 2] } }]);
        var objs = nk.storageRead([{ collection: "j", key: "k", userId: uid }]);
        var w = nk.walletUpdate(uid, { gems: 3 }, { why: "test" }, true);
        var ledger = nk.walletLedgerList(uid);
        var g = nk.groupCreate(uid, "Engine Guild", null, null, null, null, true);
        var users = nk.groupUsersList(g.id);
        var err = null;
        try { nk.groupCreate(uid, "Engine Guild"); } catch (e) { err = e.message; }
        var listed = nk.storageList(uid, "j");
        return { value: objs[0].value, permissionRead: objs[0].permissionRead, wallet: w, ledger: ledger.items.length,
          cursor: ledger.cursor, group: g.name, open: g.open, members: users.groupUsers.length, state: users.groupUsers[0].state,
          err: err, listCursor: listed.cursor };
      }`, { globals: { nk: jsNk() }, callTimeoutMs: 5000 });
    const out = (await vm.callGlobal("run", [uid])) as Record<string, unknown>;
    await vm.dispose();
    assert.deepEqual(out.value, { list: [1, 2] });
    assert.equal(out.permissionRead, 1);
    assert.deepEqual(out.wallet, { updated: { gems: 3, gold: 7 }, previous: { gold: 7 }, userId: uid });
    assert.equal(out.ledger, 1);
    assert.equal(out.cursor, null);
    assert.deepEqual([out.group, out.open, out.members, out.state], ["Engine Guild", true, 1, 0]);
    assert.equal(out.err, "error while trying to create group: group name in use");
    assert.equal(out.listCursor, null);
  });
});

describe("binding table", () => {
  const table = nkBindings();
  const lua = new Set(table.map((b) => b.lua));
  const js = new Set(table.map((b) => b.js));

  it("has Nakama's Lua and JS names for the game services", () => {
    const luaNames = [
      "storage_read", "storage_write", "storage_delete", "storage_list", "multi_update", "wallet_update", "wallets_update",
      "wallet_ledger_update", "wallet_ledger_list", "notification_send", "notifications_send", "notification_send_all",
      "notifications_list", "notifications_delete", "notifications_get_id", "notifications_delete_id", "notifications_update",
      "leaderboard_create", "leaderboard_delete", "leaderboard_list", "leaderboard_ranks_disable", "leaderboard_records_list",
      "leaderboard_records_list_cursor_from_rank", "leaderboard_record_write", "leaderboard_records_haystack",
      "leaderboard_record_delete", "leaderboards_get_id", "tournament_create", "tournament_delete", "tournament_add_attempt",
      "tournament_join", "tournament_list", "tournament_ranks_disable", "tournaments_get_id", "tournament_records_list",
      "tournament_record_write", "tournament_record_delete", "tournament_records_haystack", "groups_get_id", "group_create",
      "group_update", "group_delete", "group_user_join", "group_user_leave", "group_users_add", "group_users_ban",
      "group_users_promote", "group_users_demote", "group_users_list", "group_users_kick", "groups_list", "groups_get_random",
      "user_groups_list", "friend_metadata_update", "friends_list", "friends_of_friends_list", "friends_add", "friends_delete",
      "friends_block", "users_get_friend_status",
    ];
    assert.deepEqual(luaNames.filter((n) => !lua.has(n)), []);
    const camel = (s: string): string => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    const jsNames = luaNames.map((n) => (n === "tournament_ranks_disable" ? "tournamentsRanksDisable" : camel(n)));
    assert.deepEqual([...jsNames, "tournamentRanksDisable"].filter((n) => !js.has(n)), []);
  });
});
