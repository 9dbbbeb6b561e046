// Owns candidate search for one searching ticket: the tickets its query accepts, with compatible counts
// (candidate min_count >= the searcher's, candidate max_count <= the searcher's), not the searcher,
// not of the searcher's party, ordered best first: higher score, then older (creation order).
//
// The query is planned against the store's query-independent index. Sources, smallest wins: the
// postings of a must keyword or number term; a must numeric window (all must ranges on one field,
// intersected); a must keyword term crossed with a must window ("region eu, skill 900..1100"); for a
// should-only query whose clauses are all indexable, the union of their postings; otherwise every
// waiting ticket. Every candidate is still checked against the whole query. When the source is in
// creation order and every match scores the same, candidates stream lazily, so a pass stops reading
// as soon as a group fills (a `*` pass over n tickets is O(n)); otherwise a heap yields them in order,
// paying only for the candidates actually read.
import type { Clause, CompiledQuery } from "../query/index.js";
import type { Bounds, Slice, Ticket, TicketStore } from "./store.js";

interface Source {
  size: number;
  /** Visits every ticket of the source (unordered sources; no copy). */
  each(visit: (t: Ticket) => void): void;
  /** Set when the source can stream in creation order. */
  ordered?: Iterable<Ticket>;
}

/** Below this many postings a keyword term is not worth crossing with a window. */
const COMPOSITE_MIN = 32;

function sliceSource(s: Slice): Source {
  return {
    size: s.to - s.from,
    each: (visit) => {
      for (let i = s.from; i < s.to; i++) visit(s.tickets[i]);
    },
  };
}

function setSource(set: ReadonlySet<Ticket>): Source {
  return { size: set.size, each: (visit) => set.forEach((t) => visit(t)), ordered: set };
}

const EMPTY_SOURCE: Source = { size: 0, each: () => undefined, ordered: [] };

/** Visits each ticket of the sources once (stamps instead of a Set: no allocation per search). */
function union(store: TicketStore, parts: readonly Source[], visit: (t: Ticket) => void): void {
  const stamp = store.stamp();
  for (const p of parts) {
    p.each((t) => {
      if (t.mark === stamp) return;
      t.mark = stamp;
      visit(t);
    });
  }
}

function termSource(store: TicketStore, c: Clause): Source | undefined {
  if (c.kind === "term") return setSource(store.withString(c.field, c.value));
  if (c.kind === "none") return EMPTY_SOURCE;
  if (c.kind !== "number") return undefined;
  const a = store.withString(c.field, c.text);
  const b = store.withNumber(c.field, c.value);
  if (a.size === 0 || b.size === 0) return setSource(a.size === 0 ? b : a);
  return { size: a.size + b.size, each: (visit) => union(store, [setSource(a), setSource(b)], visit) };
}

/** Must range clauses merged per field into one window each. */
function windows(must: readonly Clause[]): Map<string, Bounds> {
  const out = new Map<string, Bounds>();
  for (const c of must) {
    if (c.kind !== "range") continue;
    const w = out.get(c.field);
    if (w === undefined) {
      out.set(c.field, { min: c.min, max: c.max, minInclusive: c.minInclusive, maxInclusive: c.maxInclusive });
      continue;
    }
    if (c.min > w.min || (c.min === w.min && !c.minInclusive)) [w.min, w.minInclusive] = [c.min, c.minInclusive];
    if (c.max < w.max || (c.max === w.max && !c.maxInclusive)) [w.max, w.maxInclusive] = [c.max, c.maxInclusive];
  }
  return out;
}

function mustSource(store: TicketStore, must: readonly Clause[]): Source | undefined {
  let best: Source | undefined;
  const consider = (s: Source | undefined): void => {
    if (s !== undefined && s.size < (best?.size ?? store.size)) best = s;
  };
  for (const c of must) consider(termSource(store, c));
  const ws = windows(must);
  for (const [field, w] of ws) consider(sliceSource(store.rangeSlice(field, w)));
  for (const c of must) {
    if (c.kind !== "term" || store.withString(c.field, c.value).size < COMPOSITE_MIN || (best?.size ?? Infinity) < COMPOSITE_MIN) continue;
    for (const [field, w] of ws) consider(sliceSource(store.compositeSlice(c.field, c.value, field, w)));
  }
  return best;
}

function shouldSource(store: TicketStore, should: readonly Clause[]): Source | undefined {
  const parts: Source[] = [];
  for (const c of should) {
    const s = c.kind === "range" ? sliceSource(store.rangeSlice(c.field, c)) : termSource(store, c);
    if (s === undefined) return undefined;
    parts.push(s);
  }
  const size = parts.reduce((n, p) => n + p.size, 0);
  if (size >= store.size) return undefined;
  return { size, each: (visit) => union(store, parts, visit) };
}

function plan(store: TicketStore, q: CompiledQuery): Source | undefined {
  const { must, should } = q.ast;
  if (must.length > 0) return mustSource(store, must);
  return should.length > 0 ? shouldSource(store, should) : undefined;
}

/** Yields indexes 0..n-1 in `before` order, doing only the work of the items read (binary heap). */
function* heapOrder(n: number, before: (a: number, b: number) => boolean): Generator<number, void, undefined> {
  const heap = new Int32Array(n);
  for (let i = 0; i < n; i++) heap[i] = i;
  const sift = (i: number, size: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < size && before(heap[l], heap[top])) top = l;
      if (r < size && before(heap[r], heap[top])) top = r;
      if (top === i) return;
      const tmp = heap[i];
      heap[i] = heap[top];
      heap[top] = tmp;
      i = top;
    }
  };
  for (let i = (n >> 1) - 1; i >= 0; i--) sift(i, n);
  for (let size = n; size > 0; size--) {
    yield heap[0];
    heap[0] = heap[size - 1];
    sift(0, size - 1);
  }
}

/** Candidates for `t`, best first (see the module header). */
export function* candidates(store: TicketStore, t: Ticket): Generator<Ticket, void, undefined> {
  const q = t.query;
  const source = plan(store, q);
  const fits = (c: Ticket): boolean => c !== t && c.live && c.min >= t.min && c.max <= t.max && (t.partyId === "" || c.partyId !== t.partyId);
  if (q.constantScore && (source === undefined || source.ordered !== undefined)) {
    for (const c of source?.ordered ?? store.tickets.values()) if (fits(c) && q.matches(c.doc)) yield c;
    return;
  }
  const found: Ticket[] = [];
  const scores: number[] = [];
  const visit = (c: Ticket): void => {
    if (!fits(c)) return;
    const score = q.evaluate(c.doc);
    if (score === -Infinity) return;
    found.push(c);
    scores.push(score);
  };
  if (source === undefined) store.tickets.forEach(visit);
  else source.each(visit);
  const before = (a: number, b: number): boolean => scores[a] > scores[b] || (scores[a] === scores[b] && found[a].seq < found[b].seq);
  for (const i of heapOrder(found.length, before)) yield found[i];
}
