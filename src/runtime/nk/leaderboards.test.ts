// nk leaderboard functions through their bindings: creation options, writes with operators and
// overrides, listings (Lua's five returns, JS's list object), haystack, cursor from rank, get/list/delete,
// ranks off, the shapes per language and Nakama's argument texts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "../../errors.js";
import { rejection } from "./testkit.js";
import { openServicesFixture, type ServicesFixture } from "./testkit-services.js";

let f: ServicesFixture;
const players: string[] = [];
before(async () => {
  f = await openServicesFixture();
  for (let i = 0; i < 5; i++) players.push(await f.player(`racer${i}`));
});
after(async () => {
  await f.dispose();
});

describe("create, get, list, delete", () => {
  it("creates with Nakama's defaults and shows the board per language", async () => {
    await f.lua("leaderboard_create", "lb-lua", true, "asc", "set", "0 0 * * *", { track: "a" }, true);
    await f.js("leaderboardCreate", "lb-js");
    const [boards] = (await f.lua("leaderboards_get_id", ["lb-lua", "nope"])) as [Array<Record<string, unknown>>];
    assert.equal(boards.length, 1);
    const b = boards[0];
    assert.deepEqual([b.id, b.authoritative, b.operator, b.sort_order], ["lb-lua", true, "set", "0"]);
    assert.deepEqual(b.metadata, { track: "a" });
    assert.equal(typeof b.next_reset, "number");
    const [js] = (await f.js("leaderboardsGetId", ["lb-js"])) as Array<Record<string, unknown>>;
    assert.deepEqual([js.operator, js.sortOrder, js.authoritative, js.nextReset], ["best", 1, false, undefined]);
    assert.deepEqual(js.metadata, {});
    const page = (await f.js("leaderboardList", 1)) as { leaderboards: unknown[]; cursor: string | null };
    assert.equal(page.leaderboards.length, 1);
    assert.equal(typeof page.cursor, "string");
    const [rest, end] = (await f.lua("leaderboard_list", 10, page.cursor)) as [unknown[], unknown];
    assert.equal(rest.length, 1);
    assert.equal(end, null);
  });

  it("argument texts", async () => {
    assert.equal((await rejection(f.lua("leaderboard_create", ""))).message, "bad argument #1 to leaderboard_create (expects a leaderboard ID string)");
    assert.equal((await rejection(f.lua("leaderboard_create", "x", false, "up"))).message,
      "bad argument #3 to leaderboard_create (expects sort order to be 'asc' or 'desc')");
    assert.equal((await rejection(f.js("leaderboardCreate", "x", false, "asc", "max"))).message,
      "expects operator to be 'best', 'set', 'decr' or 'incr'");
    assert.equal((await rejection(f.js("leaderboardCreate", "x", false, "asc", "best", "not cron"))).message,
      "expects reset schedule to be a valid CRON expression");
    assert.equal((await rejection(f.lua("leaderboard_list", 0))).message, "bad argument #1 to leaderboard_list (limit must be 1-100)");
    assert.equal((await rejection(f.js("leaderboardList", 10, "garbage!"))).message, "expects cursor to be valid when provided");
    assert.equal((await rejection(f.js("leaderboardsGetId", [1]))).message, "expects an array of strings");
  });

  it("delete removes the board", async () => {
    await f.js("leaderboardCreate", "lb-gone");
    await f.lua("leaderboard_delete", "lb-gone");
    assert.deepEqual(await f.js("leaderboardsGetId", ["lb-gone"]), []);
  });
});

describe("records", () => {
  it("writes return the record with its rank; operators and overrides apply", async () => {
    await f.js("leaderboardCreate", "lb-rec", false, "desc", "best", null, null, true);
    const [r] = (await f.lua("leaderboard_record_write", "lb-rec", players[0], "racer0", 50, 2, { car: "red" })) as [Record<string, unknown>];
    assert.deepEqual([r.leaderboard_id, r.owner_id, r.username, r.score, r.subscore, r.num_score, r.rank],
      ["lb-rec", players[0], "racer0", 50, 2, 1, 1]);
    assert.deepEqual(r.metadata, { car: "red" });
    assert.equal(r.expiry_time, null);
    const worse = (await f.js("leaderboardRecordWrite", "lb-rec", players[0], "racer0", 10)) as Record<string, unknown>;
    assert.equal(worse.score, 50);
    const incr = (await f.js("leaderboardRecordWrite", "lb-rec", players[0], null, 5, 0, null, "incr")) as Record<string, unknown>;
    assert.deepEqual([incr.score, incr.numScore, incr.expiryTime], [55, 2, null]);
    for (let i = 1; i < 5; i++) await f.js("leaderboardRecordWrite", "lb-rec", players[i], `racer${i}`, i * 20);
  });

  it("lists: Lua returns records, owner_records, next, prev, rank_count; JS an object", async () => {
    const out = await f.lua("leaderboard_records_list", "lb-rec", [players[1]], 2);
    assert.equal(out.length, 5);
    const [records, owners, next, prev, count] = out as [Array<Record<string, unknown>>, Array<Record<string, unknown>>, string, unknown, number];
    assert.deepEqual(records.map((r) => [r.owner_id, r.score, r.rank]), [[players[4], 80, 1], [players[3], 60, 2]]);
    assert.deepEqual(owners.map((r) => [r.owner_id, r.rank]), [[players[1], 5]]);
    assert.equal(typeof next, "string");
    assert.equal(prev, null);
    assert.equal(count, 5);
    const page2 = (await f.js("leaderboardRecordsList", "lb-rec", null, 2, next)) as Record<string, unknown>;
    assert.deepEqual((page2.records as Array<Record<string, unknown>>).map((r) => r.rank), [3, 4]);
    assert.deepEqual(page2.ownerRecords, []);
    assert.equal(typeof page2.prevCursor, "string");
    assert.deepEqual(await f.lua("leaderboard_records_list", "lb-rec", {}), [[]]);
    const cursor = await f.js("leaderboardRecordsListCursorFromRank", "lb-rec", 3);
    const fromRank = (await f.js("leaderboardRecordsList", "lb-rec", null, 1, cursor)) as { records: Array<{ rank: number }> };
    assert.deepEqual(fromRank.records.map((r) => r.rank), [3]);
  });

  it("haystack: Lua four returns, JS the list object", async () => {
    const out = await f.lua("leaderboard_records_haystack", "lb-rec", players[2], 3);
    assert.equal(out.length, 4);
    const records = out[0] as Array<Record<string, unknown>>;
    assert.ok(records.some((r) => r.owner_id === players[2]));
    assert.equal(records.length, 3);
    const js = (await f.js("leaderboardRecordsHaystack", "lb-rec", players[2], 3)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(js).sort(), ["nextCursor", "ownerRecords", "prevCursor", "rankCount", "records"]);
  });

  it("deletes records; errors keep the core's code under Nakama's prefix", async () => {
    await f.js("leaderboardRecordDelete", "lb-rec", players[4]);
    const [records] = (await f.lua("leaderboard_records_list", "lb-rec", null, 1)) as [Array<Record<string, unknown>>];
    assert.equal(records[0].owner_id, players[3]);
    const e = await rejection(f.lua("leaderboard_record_write", "nope", players[0]));
    assert.equal(e.code, Code.NOT_FOUND);
    assert.equal(e.message, "error writing leaderboard record: leaderboard not found");
    assert.equal((await rejection(f.lua("leaderboard_record_write", "lb-rec", players[0], "x", -1))).message,
      "bad argument #4 to leaderboard_record_write (expects score to be >= 0)");
    assert.equal((await rejection(f.js("leaderboardRecordWrite", "lb-rec", "x"))).message, "expects owner ID to be a valid identifier");
    assert.equal((await rejection(f.js("leaderboardRecordWrite", "lb-rec", players[0], null, 1, 0, null, "max"))).message, "invalid operator");
    assert.equal((await rejection(f.lua("leaderboard_records_list", "lb-rec", ["x"]))).message,
      "bad argument #2 to leaderboard_records_list (expects each owner ID to be a valid identifier)");
    assert.equal((await rejection(f.lua("leaderboard_records_haystack", "lb-rec", players[0], 500))).message,
      "bad argument #3 to leaderboard_records_haystack (limit must be 1-100)");
    assert.equal((await rejection(f.js("leaderboardRecordsListCursorFromRank", "lb-rec", 0))).message, "invalid rank - must be > 1");
  });

  it("ranks can be turned off; the service is required", async () => {
    await f.lua("leaderboard_ranks_disable", "lb-rec");
    const [r] = (await f.lua("leaderboard_record_write", "lb-rec", players[1], "racer1", 999)) as [Record<string, unknown>];
    assert.equal(r.rank, 0);
    const core = f.deps.leaderboards;
    f.deps.leaderboards = undefined;
    try {
      assert.equal((await rejection(f.js("leaderboardsGetId", ["lb-rec"]))).code, Code.UNAVAILABLE);
    } finally {
      f.deps.leaderboards = core;
    }
  });
});
