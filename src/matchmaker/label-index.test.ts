// Tests of the match listing index: Nakama's ListMatches rules for authoritative/relayed, exact label,
// label queries over the JSON label, size filters, limit, newest-first order, updates and removal.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../errors.js";
import { MatchLabelIndex } from "./label-index.js";

function fixture(): MatchLabelIndex {
  let t = 1000;
  const idx = new MatchLabelIndex(() => t++);
  idx.put({ matchId: "m1.n", authoritative: true, label: JSON.stringify({ mode: "ctf", players: 2, open: true }), size: 2, tickRate: 10, handlerName: "ctf" });
  idx.put({ matchId: "r1.", authoritative: false, size: 3 });
  idx.put({ matchId: "m2.n", authoritative: true, label: JSON.stringify({ mode: "dm", players: 6, open: false }), size: 6, tickRate: 20, handlerName: "dm" });
  idx.put({ matchId: "m3.n", authoritative: true, label: "plain text", size: 0, tickRate: 5, handlerName: "lobby" });
  idx.put({ matchId: "r2.", authoritative: false, size: 0 });
  return idx;
}

const ids = (ms: { match_id: string }[]) => ms.map((m) => m.match_id);

describe("match label index", () => {
  test("no filter: authoritative newest first, then relayed matches with players", () => {
    const idx = fixture();
    const all = idx.list({ limit: 10 });
    assert.deepEqual(ids(all), ["m3.n", "m2.n", "m1.n", "r1."]);
    assert.deepEqual(all[2], { match_id: "m1.n", authoritative: true, label: '{"mode":"ctf","players":2,"open":true}', size: 2, tick_rate: 10, handler_name: "ctf" });
    assert.deepEqual(all[3], { match_id: "r1.", authoritative: false, label: undefined, size: 3, tick_rate: 0, handler_name: "" });
    assert.deepEqual(ids(idx.list({ limit: 10, authoritative: true })), ["m3.n", "m2.n", "m1.n"]);
    assert.deepEqual(ids(idx.list({ limit: 10, authoritative: false })), ["r1."]);
    assert.deepEqual(ids(idx.list({ limit: 2 })), ["m3.n", "m2.n"]);
    assert.deepEqual(idx.list({ limit: 0 }), []);
  });

  test("size filters apply to both kinds", () => {
    const idx = fixture();
    assert.deepEqual(ids(idx.list({ limit: 10, minSize: 2, maxSize: 3 })), ["m1.n", "r1."]);
    assert.deepEqual(ids(idx.list({ limit: 10, minSize: 4 })), ["m2.n"]);
  });

  test("label is an exact match on authoritative matches only", () => {
    const idx = fixture();
    assert.deepEqual(ids(idx.list({ limit: 10, label: "plain text" })), ["m3.n"]);
    assert.deepEqual(ids(idx.list({ limit: 10, label: "plain" })), []);
    assert.deepEqual(idx.list({ limit: 10, label: "plain text", authoritative: false }), []);
  });

  test("queries search the JSON label as label.<field>, plus the indexed match fields", () => {
    const idx = fixture();
    assert.deepEqual(ids(idx.list({ limit: 10, query: "+label.mode:ctf" })), ["m1.n"]);
    assert.deepEqual(ids(idx.list({ limit: 10, query: "+label.players:>=2 -label.open:F" })), ["m1.n"]);
    assert.deepEqual(ids(idx.list({ limit: 10, query: "label.mode:ctf label.mode:dm" })), ["m2.n", "m1.n"]);
    assert.deepEqual(ids(idx.list({ limit: 10, query: "+tick_rate:>=10 +handler_name:d*" })), ["m2.n"]);
    assert.deepEqual(ids(idx.list({ limit: 10, query: '+label_string:"plain text"' })), ["m3.n"]);
    assert.deepEqual(ids(idx.list({ limit: 10, query: "" })), ["m3.n", "m2.n", "m1.n"]);
    assert.deepEqual(idx.list({ limit: 10, query: "*", authoritative: false }), []);
    assert.deepEqual(ids(idx.list({ limit: 10, query: "*", minSize: 1 })), ["m2.n", "m1.n"]);
  });

  test("updates change what queries find but not the order; removal and get", () => {
    const idx = fixture();
    idx.put({ matchId: "m1.n", authoritative: true, label: JSON.stringify({ mode: "dm" }) });
    idx.setSize("m2.n", 1);
    assert.deepEqual(ids(idx.list({ limit: 10, query: "+label.mode:dm" })), ["m2.n", "m1.n"]);
    assert.deepEqual(idx.get("m1.n"), { match_id: "m1.n", authoritative: true, label: '{"mode":"dm"}', size: 2, tick_rate: 10, handler_name: "ctf" });
    assert.equal(idx.get("m2.n")?.size, 1);
    idx.remove("m2.n");
    assert.equal(idx.get("m2.n"), undefined);
    assert.deepEqual(ids(idx.list({ limit: 10, authoritative: true })), ["m3.n", "m1.n"]);
    assert.equal(idx.count, 4);
  });

  test("bad queries and oversized labels are INVALID_ARGUMENT", () => {
    const idx = fixture();
    assert.throws(() => idx.list({ limit: 10, query: "label.mode:" }), (e: unknown) => e instanceof GameError && e.code === Code.INVALID_ARGUMENT);
    assert.throws(
      () => idx.put({ matchId: "big.n", authoritative: true, label: "x".repeat(2049) }),
      (e: unknown) => e instanceof GameError && e.message === "match label too long, must be 0-2048 bytes",
    );
    idx.put({ matchId: "edge.n", authoritative: true, label: "é".repeat(1024) });
    assert.equal(idx.count, 6);
  });
});
