// Owns the waiting tickets and the indexes over them: tickets in creation order, the active ones (still
// searching), tickets per session and per party (for `max_tickets` and bulk removal), and an inverted
// index of every ticket document's values, independent of any query: keyword postings per field and
// value, number postings per field and value, per-field arrays sorted by number for range lookups
// (rebuilt at the start of a pass for fields that changed), and composite arrays — the tickets holding
// one keyword, sorted by a numeric field ("region eu by skill") — built on demand during a pass for
// the common "+category +numeric window" query and dropped at the next pass. It also counts the
// tickets using each compiled query (tickets with the same query text share one) and keeps, for a
// pass, each shared query's ordered candidate list (see candidates.ts).
import type { Clause, CompiledQuery, QueryDoc } from "../query/index.js";
import type { MatchmakerPresence } from "./types.js";

export interface Ticket {
  readonly id: string;
  /** Creation order; ties in every ordering break on it. */
  readonly seq: number;
  /** Unix ms. */
  readonly createdAt: number;
  readonly sessionId: string;
  readonly partyId: string;
  readonly presences: readonly MatchmakerPresence[];
  readonly sessionIds: readonly string[];
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly multiple: number;
  readonly query: CompiledQuery;
  readonly doc: QueryDoc;
  readonly stringProperties: Record<string, string>;
  readonly numericProperties: Record<string, number>;
  /** Passes this ticket has searched in. */
  intervals: number;
  /** False once removed or matched. */
  live: boolean;
  /** Scratch stamp for de-duplicating unions during a search (see TicketStore.stamp). */
  mark: number;
  /** Scratch score accumulated with `mark` during a search. */
  acc: number;
}

interface SortedNumbers {
  values: Float64Array;
  tickets: Ticket[];
}

export interface Bounds {
  min: number;
  max: number;
  minInclusive: boolean;
  maxInclusive: boolean;
}

/** A stretch of a sorted array: tickets[from..to). May hold tickets removed since it was built (check `live`). */
export interface Slice {
  tickets: Ticket[];
  from: number;
  to: number;
}

const NO_SLICE: Slice = { tickets: [], from: 0, to: 0 };

function sortedOf(pairs: [number, Ticket][]): SortedNumbers {
  pairs.sort((a, b) => a[0] - b[0] || a[1].seq - b[1].seq);
  return { values: Float64Array.from(pairs, (p) => p[0]), tickets: pairs.map((p) => p[1]) };
}

function slice(s: SortedNumbers | undefined, b: Bounds): Slice {
  if (s === undefined) return NO_SLICE;
  const from = lowerBound(s.values, b.min, !b.minInclusive);
  const to = lowerBound(s.values, b.max, b.maxInclusive);
  return { tickets: s.tickets, from, to: Math.max(from, to) };
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

const EMPTY: ReadonlySet<Ticket> = new Set();

/** A query's candidates for one pass, best first; `head` skips the prefix already matched away. */
export interface Memo {
  list: Ticket[];
  head: number;
}

export class TicketStore {
  readonly tickets = new Map<string, Ticket>();
  readonly active = new Map<string, Ticket>();
  readonly bySession = new Map<string, Set<string>>();
  readonly byParty = new Map<string, Set<string>>();
  private readonly strings = new Map<string, Map<string, Set<Ticket>>>();
  private readonly numeric = new Map<string, Set<Ticket>>();
  private readonly sorted = new Map<string, SortedNumbers>();
  private readonly dirty = new Set<string>();
  private readonly composites = new Map<string, SortedNumbers>();
  private readonly patterns = new Map<Clause, ReadonlySet<Ticket>[]>();
  private readonly queryUse = new Map<CompiledQuery, number>();
  private readonly memos = new Map<CompiledQuery, Memo>();
  private stamps = 0;

  get size(): number {
    return this.tickets.size;
  }

  /** A fresh stamp: a ticket whose `mark` equals it was already visited in this union. */
  stamp(): number {
    return ++this.stamps;
  }

  insert(t: Ticket): void {
    this.tickets.set(t.id, t);
    this.active.set(t.id, t);
    for (const sid of t.sessionIds) addTo(this.bySession, sid, t.id);
    if (t.partyId !== "") addTo(this.byParty, t.partyId, t.id);
    this.queryUse.set(t.query, (this.queryUse.get(t.query) ?? 0) + 1);
    this.index(t, true);
  }

  delete(t: Ticket): void {
    if (!t.live) return;
    t.live = false;
    this.tickets.delete(t.id);
    this.active.delete(t.id);
    for (const sid of t.sessionIds) removeFrom(this.bySession, sid, t.id);
    if (t.partyId !== "") removeFrom(this.byParty, t.partyId, t.id);
    const uses = (this.queryUse.get(t.query) ?? 1) - 1;
    if (uses <= 0) this.queryUse.delete(t.query);
    else this.queryUse.set(t.query, uses);
    this.index(t, false);
  }

  /** True when more than one waiting ticket uses `q`. */
  shared(q: CompiledQuery): boolean {
    return (this.queryUse.get(q) ?? 0) > 1;
  }

  /** The pass's memo for `q`, built by `build` on first use. */
  memo(q: CompiledQuery, build: () => Ticket[]): Memo {
    let m = this.memos.get(q);
    if (m === undefined) this.memos.set(q, (m = { list: build(), head: 0 }));
    return m;
  }

  private index(t: Ticket, add: boolean): void {
    for (const [field, v] of t.doc) {
      if (v.strings !== undefined) {
        let m = this.strings.get(field);
        if (m === undefined) this.strings.set(field, (m = new Map()));
        for (const s of v.strings) (add ? addTo : removeFrom)(m, s, t);
      }
      if (v.numbers !== undefined) {
        (add ? addTo : removeFrom)(this.numeric, field, t);
        this.dirty.add(field);
      }
    }
  }

  /** Tickets holding the keyword `value` in `field`, in creation order. */
  withString(field: string, value: string): ReadonlySet<Ticket> {
    return this.strings.get(field)?.get(value) ?? EMPTY;
  }


  /** Start of a pass: rebuilds the sorted number arrays of changed fields, drops composite arrays. */
  prepareRanges(): void {
    for (const field of this.dirty) {
      const holders = this.numeric.get(field);
      if (holders === undefined) {
        this.sorted.delete(field);
        continue;
      }
      const pairs: [number, Ticket][] = [];
      for (const t of holders) for (const n of t.doc.get(field)?.numbers ?? []) pairs.push([n, t]);
      this.sorted.set(field, sortedOf(pairs));
    }
    this.dirty.clear();
    this.composites.clear();
    this.patterns.clear();
    this.memos.clear();
  }

  /**
   * The keyword postings of `field` whose value passes `test`: the dictionary of values is read once
   * per pass per clause (tickets sharing a query text share its clauses).
   */
  matchingPostings(clause: Clause, field: string, test: (value: string) => boolean): ReadonlySet<Ticket>[] {
    let out = this.patterns.get(clause);
    if (out === undefined) {
      out = [];
      for (const [value, set] of this.strings.get(field) ?? []) if (test(value)) out.push(set);
      this.patterns.set(clause, out);
    }
    return out;
  }

  /** Tickets whose `field` holds a number within the bounds (sorted arrays as of the pass start). */
  rangeSlice(field: string, b: Bounds): Slice {
    return slice(this.sorted.get(field), b);
  }

  /** Tickets holding keyword `value` in `field` whose `numField` is within the bounds. */
  compositeSlice(field: string, value: string, numField: string, b: Bounds): Slice {
    const key = `${field}\u0000${value}\u0000${numField}`;
    let s = this.composites.get(key);
    if (s === undefined) {
      const pairs: [number, Ticket][] = [];
      for (const t of this.withString(field, value)) for (const n of t.doc.get(numField)?.numbers ?? []) pairs.push([n, t]);
      this.composites.set(key, (s = sortedOf(pairs)));
    }
    return slice(s, b);
  }
}

/** First index whose value is > x (after = true) or >= x (after = false). */
function lowerBound(a: Float64Array, x: number, after: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x || (after && a[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
