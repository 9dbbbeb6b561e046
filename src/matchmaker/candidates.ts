// Owns candidate search for one searching ticket: the tickets its query accepts, with compatible counts
// (candidate min_count >= the searcher's, candidate max_count <= the searcher's), not the searcher,
// not of the searcher's party, ordered best first: higher score, then older (creation order).
//
// The query is planned against the store's query-independent index:
// - with must clauses, the smallest of: the postings of a must keyword or number term; a must numeric
//   window (all must ranges on one field, intersected); a must keyword term crossed with a must window
//   ("region eu, skill 900..1100"); the postings of the dictionary values a must wildcard, regexp or
//   fuzzy term accepts (tested once per pass per clause); else every waiting ticket. Candidates are
//   then checked against the rest of the query: must clauses the source guarantees are not evaluated
//   again (ticket properties hold one value per name, so a ticket inside a merged window satisfies
//   each of its range clauses, and a ticket sits in one keyword posting per field);
// - a should-only query whose clauses are all indexable is answered from the postings alone: each
//   ticket's score is the sum of the boosts of the postings holding it; only must-not clauses are
//   evaluated;
// - anything else scans every waiting ticket.
// When the source is in creation order and every match scores the same, candidates stream lazily, so a
// pass stops reading as soon as a group fills; otherwise a heap yields them in order, paying only for
// the candidates actually read. Tickets with the same query text share one compiled query, and its
// candidate order does not depend on who searches: for a query used by several tickets the ordered
// list is built once per pass and each searcher reads it from the first still-waiting ticket, so n
// tickets sharing `*` (or a query that matches nobody) cost O(n) per pass, not O(n²).
import { keywordTest, type Clause, type CompiledQuery } from "../query/index.js";
import type { Bounds, Slice, Ticket, TicketStore } from "./store.js";

interface Source {
  size: number;
  /** Must clauses every ticket of the source satisfies. */
  covers: readonly Clause[];
  /** Visits every ticket of the source once (no copy). */
  each(visit: (t: Ticket) => void): void;
  /** Set when the source can stream in creation order. */
  ordered?: Iterable<Ticket>;
}

/** Below this many postings a keyword term is not worth crossing with a window. */
const COMPOSITE_MIN = 32;

const EMPTY_SOURCE: Source = { size: 0, covers: [], each: () => undefined, ordered: [] };

function sliceSource(s: Slice, covers: readonly Clause[]): Source {
  return {
    size: s.to - s.from,
    covers,
    each: (visit) => {
      for (let i = s.from; i < s.to; i++) visit(s.tickets[i]);
    },
  };
}

function setSource(set: ReadonlySet<Ticket>, covers: readonly Clause[]): Source {
  return { size: set.size, covers, each: (visit) => set.forEach((t) => visit(t)), ordered: set };
}

/** The tickets satisfying one indexable clause, or undefined when the index cannot answer it. */
function clauseSource(store: TicketStore, c: Clause): Source | undefined {
  switch (c.kind) {
    case "term":
      return setSource(store.withString(c.field, c.value), [c]);
    case "none":
      return EMPTY_SOURCE;
    case "range":
      return sliceSource(store.rangeSlice(c.field, c), [c]);
    case "number": {
      const text = store.withString(c.field, c.text);
      const nums = sliceSource(store.rangeSlice(c.field, { min: c.value, max: c.value, minInclusive: true, maxInclusive: true }), [c]);
      if (nums.size === 0) return setSource(text, [c]);
      if (text.size === 0) return nums;
      return {
        size: text.size + nums.size,
        covers: [c],
        each: (visit) => {
          text.forEach((t) => visit(t));
          nums.each((t) => (text.has(t) ? undefined : visit(t)));
        },
      };
    }
    case "wildcard":
    case "regexp":
    case "fuzzy": {
      const test = keywordTest(c);
      return test === undefined ? undefined : setsSource(store.matchingPostings(c, c.field, test), [c]);
    }
    default:
      return undefined;
  }
}

/** Several disjoint postings (one keyword per ticket and field) as one source. */
function setsSource(sets: readonly ReadonlySet<Ticket>[], covers: readonly Clause[]): Source {
  if (sets.length === 1) return setSource(sets[0], covers);
  return {
    size: sets.reduce((n, s) => n + s.size, 0),
    covers,
    each: (visit) => {
      for (const set of sets) set.forEach((t) => visit(t));
    },
  };
}

interface Window extends Bounds {
  clauses: Clause[];
}

/** Must range clauses merged per field into one window each. */
function windows(must: readonly Clause[]): Map<string, Window> {
  const out = new Map<string, Window>();
  for (const c of must) {
    if (c.kind !== "range") continue;
    const w = out.get(c.field);
    if (w === undefined) {
      out.set(c.field, { min: c.min, max: c.max, minInclusive: c.minInclusive, maxInclusive: c.maxInclusive, clauses: [c] });
      continue;
    }
    w.clauses.push(c);
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
  for (const c of must) if (c.kind !== "range") consider(clauseSource(store, c));
  const ws = windows(must);
  for (const [field, w] of ws) consider(sliceSource(store.rangeSlice(field, w), w.clauses));
  for (const c of must) {
    if (c.kind !== "term" || store.withString(c.field, c.value).size < COMPOSITE_MIN || (best?.size ?? Infinity) < COMPOSITE_MIN) continue;
    for (const [field, w] of ws) consider(sliceSource(store.compositeSlice(c.field, c.value, field, w), [c, ...w.clauses]));
  }
  return best;
}

/** Per-clause sources of a should-only query, when every clause is indexable and they are selective. */
function shouldSources(store: TicketStore, should: readonly Clause[]): Source[] | undefined {
  const parts: Source[] = [];
  let size = 0;
  for (const c of should) {
    const s = clauseSource(store, c);
    if (s === undefined) return undefined;
    parts.push(s);
    size += s.size;
  }
  return size < store.size ? parts : undefined;
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

function* bestFirst(found: Ticket[], scores: number[]): Generator<Ticket, void, undefined> {
  const before = (a: number, b: number): boolean => scores[a] > scores[b] || (scores[a] === scores[b] && found[a].seq < found[b].seq);
  for (const i of heapOrder(found.length, before)) yield found[i];
}

type Keep = (c: Ticket) => boolean;

/** A query's matches among the tickets `keep` accepts: streamed in order, or scored for ranking. */
type Gathered = { stream: Iterable<Ticket> } | { found: Ticket[]; scores: number[] };

/** Should-only query answered from postings: score = sum of the boosts of the postings holding a ticket. */
function fromPostings(store: TicketStore, q: CompiledQuery, parts: Source[], keep: Keep): Gathered {
  const stamp = store.stamp();
  const all: Ticket[] = [];
  q.ast.should.forEach((clause, i) => {
    parts[i].each((c) => {
      if (c.mark !== stamp) {
        c.mark = stamp;
        c.acc = 0;
        all.push(c);
      }
      c.acc += clause.boost;
    });
  });
  const found = all.filter((c) => keep(c) && !q.excluded(c.doc));
  return { found, scores: found.map((c) => c.acc) };
}

function* streamOf(tickets: Iterable<Ticket>, q: Pick<CompiledQuery, "matches">, keep: Keep): Generator<Ticket, void, undefined> {
  for (const c of tickets) if (keep(c) && q.matches(c.doc)) yield c;
}

function gather(store: TicketStore, full: CompiledQuery, keep: Keep): Gathered {
  const { must, should } = full.ast;
  if (must.length === 0 && should.length > 0) {
    const parts = shouldSources(store, should);
    if (parts !== undefined) return fromPostings(store, full, parts, keep);
  }
  const source = must.length > 0 ? mustSource(store, must) : undefined;
  const q = source === undefined ? full : full.assuming(source.covers);
  if (q.constantScore && (source === undefined || source.ordered !== undefined)) {
    return { stream: streamOf(source?.ordered ?? store.tickets.values(), q, keep) };
  }
  const found: Ticket[] = [];
  const scores: number[] = [];
  const visit = (c: Ticket): void => {
    if (!keep(c)) return;
    const score = q.evaluate(c.doc);
    if (score === -Infinity) return;
    found.push(c);
    scores.push(score);
  };
  if (source === undefined) store.tickets.forEach(visit);
  else source.each(visit);
  return { found, scores };
}

function ranked(g: Gathered): Iterable<Ticket> {
  return "stream" in g ? g.stream : bestFirst(g.found, g.scores);
}

const live: Keep = (c) => c.live;

/** Candidates for `t`, best first (see the module header). */
export function* candidates(store: TicketStore, t: Ticket): Generator<Ticket, void, undefined> {
  const fits: Keep = (c) => c !== t && c.live && c.min >= t.min && c.max <= t.max && (t.partyId === "" || c.partyId !== t.partyId);
  if (!store.shared(t.query)) return yield* ranked(gather(store, t.query, fits));
  const memo = store.memo(t.query, () => [...ranked(gather(store, t.query, live))]);
  while (memo.head < memo.list.length && !memo.list[memo.head].live) memo.head++;
  for (let i = memo.head; i < memo.list.length; i++) if (fits(memo.list[i])) yield memo.list[i];
}
