// Black-box: listing running matches, over GET /v2/match and nk.match_list / nk.matchList from each
// runtime: label queries in the query-string syntax (must / must-not terms, numeric ranges), exact
// labels, sizes, authoritative and relayed matches, label updates made by handlers, Nakama's
// validation errors; nk.match_get for authoritative and relayed matches.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { BootedServer } from "./helpers/boot.js";
import { closeAll } from "./realtime-kit.js";
import { OP, RUNTIMES, bootMatches, callRpc, createMatch, data, join, listMatches, player, type Player } from "./match-kit.js";

let s: BootedServer;
let host: Player;
const ids: Record<string, string> = {};

before(async () => {
  s = await bootMatches();
  host = await player(s, "list-host");
  ids.lua = await createMatch(s, host, "lua", "lua_ttt", { mode: "ranked", skill: 3 });
  ids.js = await createMatch(s, host, "js", "js_ttt", { mode: "ranked", skill: 8 });
  ids.native = await createMatch(s, host, "native", "native_ttt", { mode: "casual", skill: 5 });
  ids.relay = await createMatch(s, host, "lua", "js_relay");
});
after(async () => {
  closeAll(host);
  await s.stop();
});

async function listed(query: Record<string, string | number | boolean>): Promise<string[]> {
  const r = await listMatches(s, host, query);
  assert.equal(r.status, 200, r.text);
  return ((r.json().matches ?? []) as Array<{ match_id: string }>).map((m) => m.match_id);
}

function named(...which: string[]): string[] {
  return which.map((w) => ids[w]).sort();
}

test("label queries: must terms, must-not terms, numeric ranges, match-all", async () => {
  assert.deepEqual((await listed({ limit: 100, query: "+label.mode:ranked" })).sort(), named("lua", "js"));
  assert.deepEqual((await listed({ limit: 100, query: "+label.skill:>=5" })).sort(), named("js", "native"));
  assert.deepEqual((await listed({ limit: 100, query: "+label.mode:ranked -label.runtime:lua" })).sort(), named("js"));
  assert.deepEqual((await listed({ limit: 100, query: "+label.game:relay" })).sort(), named("relay"));
  assert.deepEqual((await listed({ limit: 100, query: "*" })).sort(), named("lua", "js", "native", "relay"));
});

test("the listing carries label, size, tick rate and handler name; limit caps it", async () => {
  const r = (await listMatches(s, host, { limit: 100, query: "+label.runtime:native" })).json();
  assert.deepEqual(r.matches, [{
    match_id: ids.native, authoritative: true, label: JSON.stringify({ game: "ttt", runtime: "native", mode: "casual", skill: 5, open: 1 }),
    tick_rate: 5, handler_name: "native_ttt",
  }]);
  assert.equal((await listed({ limit: 2, query: "*" })).length, 2);
  assert.equal((await listed({})).length, 4); // default limit 10
});

test("exact label filter", async () => {
  const label = JSON.stringify({ game: "ttt", runtime: "js", mode: "ranked", skill: 8, open: 1 });
  assert.deepEqual(await listed({ label }), [ids.js]);
  assert.deepEqual(await listed({ label: "nothing like it" }), []);
});

test("sizes, relayed matches and label updates made by the handler", async () => {
  const [a, b] = await Promise.all([player(s, "list-a"), player(s, "list-b")]);
  await join(a, ids.lua);
  const relayed = await b.socket.createMatch();
  assert.deepEqual((await listed({ authoritative: true, min_size: 1 })).sort(), named("lua"));
  assert.deepEqual(await listed({ authoritative: false }), [relayed.match_id]);
  assert.ok((await listed({ min_size: 1, max_size: 1 })).includes(relayed.match_id));
  // The second player starts the game: the handler updates the label to open = 0.
  await join(b, ids.lua);
  await data(a, OP.START);
  assert.deepEqual((await listed({ limit: 100, query: "+label.open:0" })), [ids.lua]);
  assert.deepEqual((await listed({ limit: 100, query: "+label.mode:ranked +label.open:1" })), [ids.js]);
  assert.deepEqual((await listed({ authoritative: true, min_size: 2 })), [ids.lua]);
  closeAll(a, b);
});

test("Nakama's validation errors", async () => {
  const bad = async (q: Record<string, string | number | boolean>, message: string) => {
    const r = await listMatches(s, host, q);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json().message, message);
  };
  await bad({ limit: 0 }, "Invalid limit - limit must be between 1 and 100.");
  await bad({ limit: 101 }, "Invalid limit - limit must be between 1 and 100.");
  await bad({ authoritative: false, query: "*" }, "Query filtering is not supported for non-authoritative matches.");
  await bad({ authoritative: false, label: "x" }, "Label filtering is not supported for non-authoritative matches.");
  await bad({ min_size: 3, max_size: 2 }, "Maximum size must be greater than or equal to minimum size when both are specified.");
  assert.equal((await listMatches(s, host, { query: "+label.skill:>=" })).status, 400);
  assert.equal((await listMatches(s, { token: "nope" }, { limit: 1 })).status, 401);
});

for (const rt of RUNTIMES) {
  test(`nk match_list / match_get from ${rt}`, async () => {
    const r = await callRpc(s, host, `${rt}_list`, { limit: 10, authoritative: true, query: "+label.mode:ranked" });
    const got = (r.matches as Array<Record<string, unknown>>).map((m) => (rt === "lua" ? m.match_id : m.matchId)).sort();
    assert.deepEqual(got, named("lua", "js"));
    assert.equal((await callRpc(s, host, `${rt}_list`, {})).matches.length, 1); // default limit 1
    const one = (await callRpc(s, host, `${rt}_get`, { match_id: ids.native })).match;
    const key = (lua: string, js: string) => (rt === "lua" ? lua : js);
    assert.equal(one[key("match_id", "matchId")], ids.native);
    assert.equal(one.authoritative, true);
    assert.equal(one[key("handler_name", "handlerName")], "native_ttt");
    assert.equal(one[key("tick_rate", "tickRate")], 5);
    assert.equal((await callRpc(s, host, `${rt}_get`, { match_id: "00000000-0000-4000-8000-000000000000.troupe" })).match ?? null, null);
  });
}
