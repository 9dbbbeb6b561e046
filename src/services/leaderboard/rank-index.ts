// Owns the order-statistic index behind leaderboard ranks: the records of one board period kept in rank
// order (best first) so that an owner's rank, the record at a rank and an update are all cheap at a million
// records. Layout: sorted blocks of at most 2·B entries, a Fenwick tree over the block sizes for prefix
// counts, and an owner → entry map. Rank = records before the owner's block + its position in the block + 1.
//
// Order (Nakama's rank cache and its SQL listing agree on it): descending boards put the higher score
// first, then the higher subscore, then the greater owner id; ascending boards the reverse on all three.
// Scores are int64: kept as numbers while safe, as bigints beyond; `<`/`>` compare the two exactly.
//
// Each entry carries a generation (the record's num_score). An update replaces an owner's entry only with
// a newer generation, so two writes of one owner that finish out of order leave the newer score.

export type Score = number | bigint;

export interface RankEntry {
  readonly score: Score;
  readonly subscore: Score;
  readonly owner: string;
  readonly gen: number;
}

/** An INT8 value as the database returns it (decimal text) in the index's representation. */
export function toScore(v: string | number | bigint): Score {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : v;
  if (v.length < 16) return Number(v);
  return toScore(BigInt(v));
}

const BLOCK = 512;

export class RankIndex {
  private blocks: RankEntry[][] = [[]];
  private tree = new Int32Array(2);
  private readonly owners = new Map<string, RankEntry>();
  private readonly sign: number;

  constructor(readonly descending: boolean) {
    this.sign = descending ? 1 : -1;
  }

  get size(): number {
    return this.owners.size;
  }

  get(owner: string): RankEntry | undefined {
    return this.owners.get(owner);
  }

  /** Negative when `a` ranks before `b`. */
  compare(a: RankEntry, b: RankEntry): number {
    let c: number;
    if (a.score !== b.score) c = a.score > b.score ? -1 : a.score < b.score ? 1 : 0;
    else c = 0;
    if (c === 0 && a.subscore !== b.subscore) c = a.subscore > b.subscore ? -1 : a.subscore < b.subscore ? 1 : 0;
    if (c === 0 && a.owner !== b.owner) c = a.owner > b.owner ? -1 : 1;
    return c * this.sign;
  }

  /** 1-based rank of the owner, 0 when absent. */
  rankOf(owner: string): number {
    const e = this.owners.get(owner);
    if (e === undefined) return 0;
    const bi = this.blockOf(e);
    return this.prefix(bi) + this.position(this.blocks[bi], e) + 1;
  }

  /**
   * Puts the owner's record in, replacing an older generation (a newer or equal one already present is
   * kept). Returns the owner's rank afterwards.
   */
  upsert(owner: string, score: Score, subscore: Score, gen: number): number {
    const old = this.owners.get(owner);
    if (old === undefined || gen > old.gen) {
      if (old !== undefined) this.removeEntry(old);
      this.insertEntry({ score, subscore, owner, gen });
    }
    return this.rankOf(owner);
  }

  /** Removes the owner's record; false when it was not there. */
  delete(owner: string): boolean {
    const e = this.owners.get(owner);
    if (e === undefined) return false;
    this.removeEntry(e);
    return true;
  }

  /** The record at a 1-based rank. */
  at(rank: number): RankEntry | undefined {
    if (rank < 1 || rank > this.owners.size) return undefined;
    const [bi, pos] = this.locate(rank);
    return this.blocks[bi][pos];
  }

  /** The records ranked `from`..`to` (1-based, inclusive, clipped to the index), best first. */
  slice(from: number, to: number): RankEntry[] {
    const first = Math.max(1, from);
    const last = Math.min(this.owners.size, to);
    const out: RankEntry[] = [];
    if (first > last) return out;
    let [bi, pos] = this.locate(first);
    for (let left = last - first + 1; left > 0; left--) {
      while (pos >= this.blocks[bi].length) {
        bi++;
        pos = 0;
      }
      out.push(this.blocks[bi][pos++]);
    }
    return out;
  }

  /** Block and position of a 1-based rank within 1..size. */
  private locate(rank: number): [number, number] {
    let bi = 0;
    let rest = rank;
    // Fenwick descent: the first block whose prefix count reaches `rank`.
    let step = 1;
    while (step * 2 <= this.blocks.length) step *= 2;
    for (; step > 0; step >>= 1) {
      const next = bi + step;
      if (next <= this.blocks.length && this.tree[next] < rest) {
        bi = next;
        rest -= this.tree[next];
      }
    }
    return [bi, rest - 1];
  }

  /**
   * Adds records read from the database in rank order (best first), skipping owners already present or
   * listed in `skip`; the whole index is rebuilt once, in linear time.
   */
  bulkLoad(sortedEntries: readonly RankEntry[], skip?: ReadonlySet<string>): void {
    const fresh = sortedEntries.filter((e) => !this.owners.has(e.owner) && !(skip?.has(e.owner) ?? false));
    const existing = this.blocks.flat();
    const merged: RankEntry[] = [];
    let i = 0;
    let j = 0;
    while (i < existing.length || j < fresh.length) {
      if (j >= fresh.length || (i < existing.length && this.compare(existing[i], fresh[j]) <= 0)) merged.push(existing[i++]);
      else merged.push(fresh[j++]);
    }
    for (const e of fresh) this.owners.set(e.owner, e);
    this.blocks = [];
    for (let k = 0; k < merged.length; k += BLOCK) this.blocks.push(merged.slice(k, k + BLOCK));
    if (this.blocks.length === 0) this.blocks.push([]);
    this.rebuild();
  }

  private insertEntry(e: RankEntry): void {
    const bi = this.blockOf(e);
    const block = this.blocks[bi];
    block.splice(this.position(block, e), 0, e);
    this.owners.set(e.owner, e);
    if (block.length > 2 * BLOCK) {
      this.blocks.splice(bi, 1, block.slice(0, BLOCK), block.slice(BLOCK));
      this.rebuild();
    } else {
      this.add(bi, 1);
    }
  }

  private removeEntry(e: RankEntry): void {
    const bi = this.blockOf(e);
    const block = this.blocks[bi];
    const pos = this.position(block, e);
    if (block[pos] !== e) throw new Error(`rank index corrupt: ${e.owner} not at its place`);
    block.splice(pos, 1);
    this.owners.delete(e.owner);
    if (block.length === 0 && this.blocks.length > 1) {
      this.blocks.splice(bi, 1);
      this.rebuild();
    } else {
      this.add(bi, -1);
    }
  }

  /** The block an entry belongs in: the last one whose first entry does not rank after it. */
  private blockOf(e: RankEntry): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const first = this.blocks[mid][0];
      if (first !== undefined && this.compare(first, e) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Index of the first entry in `block` that does not rank before `e`. */
  private position(block: readonly RankEntry[], e: RankEntry): number {
    let lo = 0;
    let hi = block.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(block[mid], e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Entries in blocks before `bi`. */
  private prefix(bi: number): number {
    let sum = 0;
    for (let i = bi; i > 0; i -= i & -i) sum += this.tree[i];
    return sum;
  }

  private add(bi: number, delta: number): void {
    for (let i = bi + 1; i < this.tree.length; i += i & -i) this.tree[i] += delta;
  }

  private rebuild(): void {
    const n = this.blocks.length;
    this.tree = new Int32Array(n + 1);
    for (let i = 1; i <= n; i++) {
      this.tree[i] += this.blocks[i - 1].length;
      const parent = i + (i & -i);
      if (parent <= n) this.tree[parent] += this.tree[i];
    }
  }
}
