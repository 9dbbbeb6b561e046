// Differential test of candidate search: on random pools and random queries (keyword, number, ranges,
// wildcards, regular expressions, must / should / must-not, boosts; shared and unique query texts),
// the indexed search (postings, windows, composites, dictionary patterns, per-pass memos) must return
// exactly what a naive scan does: every fitting ticket the query accepts, by score then age — also
// after tickets leave mid-pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { QueryCache } from "../query/index.js";
import { candidates } from "./candidates.js";
import { propertiesDoc } from "./matchmaker.js";
import { TicketStore, type Ticket } from "./store.js";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const REGIONS = ["eu", "us", "asia", "sa", "oce"];
const MODES = ["ranked", "casual", "duo"];
const NAMES = ["alpha", "bravo", "beta", "abe", "zulu", "bob"];

function randomQuery(r: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const clauses = [
    () => `+properties.region:${pick(REGIONS)}`,
    () => `properties.region:${pick(REGIONS)}^${1 + Math.floor(r() * 4)}`,
    () => `-properties.mode:${pick(MODES)}`,
    () => `+properties.mode:${pick(MODES)}`,
    () => `+properties.skill:>=${Math.floor(r() * 60)}`,
    () => `+properties.skill:<${40 + Math.floor(r() * 60)}`,
    () => `properties.skill:>${Math.floor(r() * 100)}`,
    () => `properties.lvl:${Math.floor(r() * 10)}`,
    () => `+properties.lvl:${Math.floor(r() * 10)}`,
    () => `+properties.name:${pick(["a*", "b?ta", "*o*"])}`,
    () => `properties.name:/${pick(["b.*", "a.e", "z.*"])}/^2`,
    () => `-properties.name:${pick(NAMES)}`,
    () => "*",
  ];
  const n = 1 + Math.floor(r() * 4);
  return Array.from({ length: n }, () => pick(clauses)()).join(" ");
}

function pool(seed: number): { store: TicketStore; tickets: Ticket[] } {
  const r = rng(seed);
  const cache = new QueryCache();
  const shared = Array.from({ length: 8 }, () => randomQuery(r));
  const store = new TicketStore();
  const tickets: Ticket[] = [];
  for (let seq = 0; seq < 300; seq++) {
    const strings: Record<string, string> = {};
    const numbers: Record<string, number> = {};
    if (r() < 0.9) strings.region = REGIONS[Math.floor(r() * REGIONS.length)];
    if (r() < 0.8) strings.mode = MODES[Math.floor(r() * MODES.length)];
    if (r() < 0.7) strings.name = NAMES[Math.floor(r() * NAMES.length)];
    if (r() < 0.9) numbers.skill = Math.floor(r() * 100);
    if (r() < 0.5) numbers.lvl = Math.floor(r() * 10);
    else if (r() < 0.3) strings.lvl = String(Math.floor(r() * 10));
    const min = 2 + Math.floor(r() * 2);
    const t: Ticket = {
      id: `t${seq}`, seq, createdAt: seq, sessionId: `s${seq}`, partyId: r() < 0.1 ? `p${seq % 3}` : "",
      presences: [], sessionIds: [`s${seq}`], count: 1, min, max: min + Math.floor(r() * 3), multiple: 1,
      query: cache.get(r() < 0.5 ? shared[Math.floor(r() * shared.length)] : randomQuery(r)),
      doc: propertiesDoc(strings, numbers), stringProperties: strings, numericProperties: numbers,
      intervals: 0, live: true, mark: 0, acc: 0,
    };
    store.insert(t);
    tickets.push(t);
  }
  store.prepareRanges();
  return { store, tickets };
}

function naive(store: TicketStore, t: Ticket): string[] {
  const q = t.query;
  return [...store.tickets.values()]
    .filter((c) => c !== t && c.min >= t.min && c.max <= t.max && (t.partyId === "" || c.partyId !== t.partyId) && q.matches(c.doc))
    .map((c) => ({ c, s: q.score(c.doc) }))
    .sort((a, b) => b.s - a.s || a.c.seq - b.c.seq)
    .map((x) => x.c.id);
}

test("indexed candidate search equals a naive scan, before and after tickets leave", () => {
  let compared = 0;
  let nonEmpty = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const { store, tickets } = pool(seed);
    const r = rng(seed * 7919);
    for (const t of tickets) {
      if (!t.live) continue;
      const got = [...candidates(store, t)].map((c) => c.id);
      assert.deepEqual(got, naive(store, t), `seed ${seed}, ${t.id}: ${t.query.source}`);
      compared++;
      if (got.length > 0) nonEmpty++;
      // Some tickets leave mid-pass, as matched ones do.
      if (r() < 0.15) for (const id of got.slice(0, 2)) store.delete(tickets[Number(id.slice(1))]);
    }
  }
  assert.ok(compared > 2000 && nonEmpty > compared / 3, `${compared} searches, ${nonEmpty} with candidates`);
});
