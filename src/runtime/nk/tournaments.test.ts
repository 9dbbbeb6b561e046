// nk tournament functions through their bindings: creation checks, join, attempts, writes (API operator
// names), listings, get/list/delete, both JS names of ranks-disable, shapes per language and texts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "../../errors.js";
import { rejection } from "./testkit.js";
import { openServicesFixture, type ServicesFixture } from "./testkit-services.js";

let f: ServicesFixture;
let p1 = "";
let p2 = "";
before(async () => {
  f = await openServicesFixture();
  p1 = await f.player("champ1");
  p2 = await f.player("champ2");
  // Lua: id, authoritative, sort, operator, duration, reset, metadata, title, description, category, start, end,
  // max_size, max_num_score, join_required, enable_ranks.
  await f.lua("tournament_create", "t-join", false, "desc", "best", 3600, null, { cup: 1 }, "Cup", "desc", 5, null, null, 10, 2, true, true);
  await f.js("tournamentCreate", "t-open", true, "asc", "incr", 3600, null, null, "Open", null, 6);
});
after(async () => {
  await f.dispose();
});

describe("tournaments", () => {
  it("shows tournaments per language", async () => {
    const [list] = (await f.lua("tournaments_get_id", ["t-join", "missing"])) as [Array<Record<string, unknown>>];
    assert.equal(list.length, 1);
    const t = list[0];
    assert.deepEqual([t.id, t.title, t.category, t.sort_order, t.max_size, t.max_num_score, t.duration, t.operator, t.can_enter],
      ["t-join", "Cup", 5, "1", 10, 2, 3600, "best", true]);
    assert.equal(t.end_time, null);
    assert.deepEqual(t.metadata, { cup: 1 });
    const [js] = (await f.js("tournamentsGetId", ["t-open"])) as Array<Record<string, unknown>>;
    assert.deepEqual([js.title, js.sortOrder, js.operator, js.endTime, js.category], ["Open", 0, "increment", null, 6]);
    const [page, cursor] = (await f.lua("tournament_list", 0, 127, null, null, 1)) as [Array<Record<string, unknown>>, string];
    assert.equal(page.length, 1);
    const rest = (await f.js("tournamentList", 0, 127, null, null, 10, cursor)) as { tournaments: unknown[]; cursor: string | null };
    assert.equal(rest.tournaments.length, 1);
    assert.equal(rest.cursor, null);
  });

  it("join required, attempts, writes and listings", async () => {
    const notJoined = await rejection(f.lua("tournament_record_write", "t-join", p1, "champ1", 10));
    assert.equal(notJoined.code, Code.FAILED_PRECONDITION);
    assert.equal(notJoined.message, "error writing tournament record: required to join before writing tournament record");
    await f.lua("tournament_join", "t-join", p1, "champ1");
    await f.js("tournamentJoin", "t-join", p2, "champ2");
    const [r] = (await f.lua("tournament_record_write", "t-join", p1, "champ1", 10, 0, { try: 1 })) as [Record<string, unknown>];
    assert.deepEqual([r.score, r.num_score, r.max_num_score], [10, 1, 2]);
    assert.equal(r.expiry_time, null); // no reset schedule and no end: the period never expires
    const set = (await f.js("tournamentRecordWrite", "t-join", p1, "champ1", 3, 0, null, "SET")) as Record<string, unknown>;
    assert.deepEqual([set.score, set.numScore], [3, 2]);
    const maxed = await rejection(f.js("tournamentRecordWrite", "t-join", p1, "champ1", 4));
    assert.equal(maxed.message, "error writing tournament record: max number score count reached");
    await f.lua("tournament_add_attempt", "t-join", p1, 1);
    await f.js("tournamentRecordWrite", "t-join", p1, "champ1", 40);
    await f.js("tournamentRecordWrite", "t-join", p2, "champ2", 20);
    const out = await f.lua("tournament_records_list", "t-join", [p2], 10);
    assert.equal(out.length, 5);
    const records = out[0] as Array<Record<string, unknown>>;
    assert.deepEqual(records.map((x) => [x.owner_id, x.score]), [[p1, 40], [p2, 20]]);
    const js = (await f.js("tournamentRecordsHaystack", "t-join", p2, 1)) as { records: Array<{ ownerId: string }> };
    assert.deepEqual(js.records.map((x) => x.ownerId), [p2]);
    await f.js("tournamentRecordDelete", "t-join", p2);
    const [after1] = (await f.lua("tournament_records_list", "t-join", null, 10)) as [unknown[]];
    assert.equal(after1.length, 1);
  });

  it("ranks-disable under both JS names; delete", async () => {
    await f.js("tournamentsRanksDisable", "t-open");
    await f.js("tournamentRanksDisable", "t-open");
    await f.lua("tournament_delete", "t-open");
    assert.deepEqual(await f.js("tournamentsGetId", ["t-open"]), []);
    assert.equal((await rejection(f.js("tournamentRanksDisable", "t-open"))).message, "tournament not found");
  });

  it("argument texts", async () => {
    assert.equal((await rejection(f.lua("tournament_create", "t-x"))).message, "bad argument #5 to tournament_create (duration must be > 0)");
    assert.equal((await rejection(f.js("tournamentCreate", "t-x", true, "desc", "max", 10))).message,
      "expects sort order to be 'best', 'set', 'decr' or 'incr'");
    assert.equal((await rejection(f.js("tournamentCreate", "t-x", true, "desc", "best", 10, null, null, null, null, 200))).message,
      "category must be 0-127");
    assert.equal((await rejection(f.lua("tournament_create", "t-x", true, "desc", "best", 10, null, null, null, null, 0, 100, 50))).message,
      "bad argument #12 to tournament_create (endTime must be > startTime. Use 0 to indicate a tournament that never ends.)");
    assert.equal((await rejection(f.lua("tournament_list", 5, 1))).message, "bad argument #2 to tournament_list (categoryEnd must be >= categoryStart)");
    assert.equal((await rejection(f.js("tournamentList", 0, 10, 100))).message, "end time must be >= start time");
    assert.equal((await rejection(f.lua("tournament_add_attempt", "t-join", p1, 0))).message,
      "bad argument #3 to tournament_add_attempt (expects an attempt count number != 0)");
    assert.equal((await rejection(f.js("tournamentJoin", "t-join", "", "x"))).message, "expects a user ID string");
    const e = await rejection(f.js("tournamentJoin", "nope", p1, "x"));
    assert.equal(e.code, Code.NOT_FOUND);
    assert.equal(e.message, "error joining tournament: tournament not found");
  });
});
