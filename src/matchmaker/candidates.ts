// Owns candidate search for one searching ticket: the tickets its query accepts, with compatible counts
// (candidate min_count >= the searcher's, candidate max_count <= the searcher's), not the searcher,
// not of the searcher's party, ordered best first: higher score, then older (creation order).
//
// The query is planned against the store's query-independent index: the most selective must clause
// that the index can answer (keyword term, number term, numeric range) supplies the candidates; a
// should-only query whose clauses are all indexable uses the union of their postings; anything else
// scans every waiting ticket. Every candidate is still checked against the whole query. When every
// match scores the same, candidates are produced lazily in creation order, so a pass stops reading as
// soon as a group fills (a `*` pass over n tickets is O(n)).
import type { Clause, CompiledQuery } from "../query/index.js";
import type { Ticket, TicketStore } from "./store.js";

type Source = { kind: "scan" } | { kind: "set"; tickets: Iterable<Ticket>; ordered: boolean };

const SCAN: Source = { kind: "scan" };

function termSize(store: TicketStore, c: Clause): number {
  switch (c.kind) {
    case "term":
      return store.withString(c.field, c.value).size;
    case "number":
      return store.withString(c.field, c.text).size + store.withNumber(c.field, c.value).size;
    case "range": {
      const r = store.rangeSlice(c.field, c.min, c.max, c.minInclusive, c.maxInclusive);
      return r.to - r.from;
    }
    case "none":
      return 0;
    default:
      return Infinity;
  }
}

function postings(store: TicketStore, c: Clause): { tickets: Iterable<Ticket>; ordered: boolean } {
  switch (c.kind) {
    case "term":
      return { tickets: store.withString(c.field, c.value), ordered: true };
    case "number": {
      const a = store.withString(c.field, c.text);
      const b = store.withNumber(c.field, c.value);
      if (a.size === 0 || b.size === 0) return { tickets: a.size === 0 ? b : a, ordered: true };
      return { tickets: new Set([...a, ...b]), ordered: false };
    }
    case "range": {
      const r = store.rangeSlice(c.field, c.min, c.max, c.minInclusive, c.maxInclusive);
      return { tickets: r.tickets.slice(r.from, r.to), ordered: false };
    }
    default:
      return { tickets: [], ordered: true };
  }
}

function plan(store: TicketStore, q: CompiledQuery): Source {
  const { must, should } = q.ast;
  let best: Clause | undefined;
  let bestSize = store.size;
  for (const c of must) {
    const size = termSize(store, c);
    if (size < bestSize) [best, bestSize] = [c, size];
  }
  if (best !== undefined) return { kind: "set", ...postings(store, best) };
  if (must.length > 0 || should.length === 0) return SCAN;
  let total = 0;
  for (const c of should) total += termSize(store, c);
  if (!Number.isFinite(total) || total >= store.size) return SCAN;
  const union = new Set<Ticket>();
  for (const c of should) for (const t of postings(store, c).tickets) union.add(t);
  return { kind: "set", tickets: union, ordered: false };
}

function bySeq(a: Ticket, b: Ticket): number {
  return a.seq - b.seq;
}

/** Candidates for `t`, best first (see the module header). Lazy when scores are constant. */
export function* candidates(store: TicketStore, t: Ticket): Generator<Ticket, void, undefined> {
  const q = t.query;
  const source = plan(store, q);
  let pool: Iterable<Ticket> = source.kind === "scan" ? store.tickets.values() : source.tickets;
  const accepts = (c: Ticket): boolean =>
    c !== t && c.live && c.min >= t.min && c.max <= t.max && (t.partyId === "" || c.partyId !== t.partyId) && q.matches(c.doc);
  if (q.constantScore) {
    if (source.kind === "set" && !source.ordered) pool = [...pool].sort(bySeq);
    for (const c of pool) if (accepts(c)) yield c;
    return;
  }
  const scored: { c: Ticket; score: number }[] = [];
  for (const c of pool) if (accepts(c)) scored.push({ c, score: q.score(c.doc) });
  scored.sort((a, b) => b.score - a.score || a.c.seq - b.c.seq);
  for (const s of scored) yield s.c;
}
