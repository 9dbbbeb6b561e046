// Owns the rank cache: one RankIndex per (board, period) for boards with ranks enabled (and not listed in
// leaderboard.blacklist_rank_cache, "*" = none), filled from the database the first time a period is used
// and kept current by the writes of this process. Expired periods are never cached and are dropped when
// the scheduler trims or a newer period of the same board appears.
//
// Races handled here: a period is loaded in pages while writes keep arriving. Writes go into the index at
// once (an owner's newer generation wins); the loader adds only owners the index does not have yet and
// skips owners deleted meanwhile; readers wait for the load to finish before computing a rank.
import type { api } from "../../../proto/index.js";
import type { Logger } from "../../log.js";
import type { Db } from "../../storage/db.js";
import { RankIndex, toScore, type RankEntry } from "./rank-index.js";
import type { Board } from "./types.js";
import { SortOrder } from "./types.js";

interface Slot {
  readonly index: RankIndex;
  /** Resolves true once loaded, false when loading failed (the slot is then dropped). */
  ready: Promise<boolean>;
  /** Owners deleted while loading (the loader must not bring them back); null once loaded. */
  deleted: Set<string> | null;
}

export interface RankCacheOptions {
  db: Db;
  log: Logger;
  /** leaderboard.blacklist_rank_cache: ids without a rank cache; ["*"] disables it entirely. */
  blacklist: readonly string[];
  /** Unix ms. */
  now: () => number;
  /** Rows per loading query (default 10,000). */
  pageSize?: number;
}

/** Records around an owner, as the rank index orders them. */
export interface Neighbourhood {
  /** The owner's rank. */
  rank: number;
  /** Rank of entries[0]. */
  first: number;
  /** Ranked records in the period. */
  size: number;
  /** Consecutive ranks from `first`, best first. */
  entries: RankEntry[];
}

interface RankRow {
  owner_id: string;
  score: string;
  subscore: string;
  num_score: number;
}

export class RankCache {
  private readonly boards = new Map<string, Map<number, Slot>>();
  private readonly disabledAll: boolean;
  private readonly disabledIds: ReadonlySet<string>;
  private readonly pageSize: number;

  constructor(private readonly opts: RankCacheOptions) {
    this.disabledAll = opts.blacklist.length === 1 && opts.blacklist[0] === "*";
    this.disabledIds = new Set(opts.blacklist);
    this.pageSize = opts.pageSize ?? 10_000;
  }

  /** True when ranks are computed for this board. */
  enabled(b: Board): boolean {
    return b.enableRanks && !this.disabledAll && !this.disabledIds.has(b.id);
  }

  /** The owner's 1-based rank in the period, 0 when unknown or ranks are off. */
  async rankOf(b: Board, expiry: number, owner: string): Promise<number> {
    const slot = this.slot(b, expiry);
    if (slot === null || !(await slot.ready)) return 0;
    return slot.index.rankOf(owner);
  }

  /** Records a write (generation = num_score) and returns the owner's rank. */
  async insert(b: Board, expiry: number, owner: string, score: string, subscore: string, gen: number): Promise<number> {
    const slot = this.slot(b, expiry);
    if (slot === null) return 0;
    slot.index.upsert(owner, toScore(score), toScore(subscore), gen);
    if (!(await slot.ready)) return 0;
    return slot.index.rankOf(owner);
  }

  /** Sets `rank` on each record found and returns the number of ranked records in the period. */
  async fill(b: Board, expiry: number, records: api.LeaderboardRecord[]): Promise<number> {
    const slot = this.slot(b, expiry);
    if (slot === null || !(await slot.ready)) return 0;
    for (const r of records) {
      const rank = slot.index.rankOf(r.owner_id);
      if (rank > 0) r.rank = String(rank);
    }
    return slot.index.size;
  }

  /**
   * The owner's rank and the records ranked up to `span` places before and after it (best first, the
   * owner's own entry included), with the period's record count; null when ranks are off for the period or
   * the owner has no entry.
   */
  async neighbourhood(b: Board, expiry: number, owner: string, span: number): Promise<Neighbourhood | null> {
    const slot = this.slot(b, expiry);
    if (slot === null || !(await slot.ready)) return null;
    const rank = slot.index.rankOf(owner);
    if (rank === 0) return null;
    const first = Math.max(1, rank - span);
    return { rank, first, size: slot.index.size, entries: slot.index.slice(first, rank + span) };
  }

  /** The record at a rank (for cursors built from a rank). */
  async atRank(b: Board, expiry: number, rank: number): Promise<RankEntry | undefined> {
    const slot = this.slot(b, expiry);
    if (slot === null || !(await slot.ready)) return undefined;
    return slot.index.at(rank);
  }

  /** Forgets an owner's record in one period (after a delete). */
  remove(boardId: string, expiry: number, owner: string): void {
    const slot = this.boards.get(boardId)?.get(expiry);
    if (slot === undefined) return;
    slot.index.delete(owner);
    slot.deleted?.add(owner);
  }

  /** Forgets every period of a board (deleted, or ranks disabled). */
  dropBoard(boardId: string): void {
    this.boards.delete(boardId);
  }

  /** Drops every cached period that has expired by `nowSec`. */
  trimExpired(nowSec: number): void {
    for (const [id, periods] of this.boards) {
      for (const expiry of periods.keys()) if (expiry !== 0 && expiry <= nowSec) periods.delete(expiry);
      if (periods.size === 0) this.boards.delete(id);
    }
  }

  /** Loads a period now (start-up warm-up, benchmarks); resolves when it is ready. */
  async warm(b: Board, expiry: number): Promise<number> {
    const slot = this.slot(b, expiry);
    if (slot === null || !(await slot.ready)) return 0;
    return slot.index.size;
  }

  /** Number of cached periods (metrics, tests). */
  get periods(): number {
    let n = 0;
    for (const p of this.boards.values()) n += p.size;
    return n;
  }

  private slot(b: Board, expiry: number): Slot | null {
    if (!this.enabled(b)) return null;
    const nowSec = Math.floor(this.opts.now() / 1000);
    if (expiry !== 0 && expiry <= nowSec) return null;
    let periods = this.boards.get(b.id);
    const found = periods?.get(expiry);
    if (found !== undefined) return found;
    if (periods === undefined) this.boards.set(b.id, (periods = new Map()));
    for (const e of periods.keys()) if (e !== 0 && e <= nowSec) periods.delete(e);
    const slot: Slot = { index: new RankIndex(b.sortOrder === SortOrder.DESCENDING), ready: Promise.resolve(false), deleted: new Set() };
    periods.set(expiry, slot);
    slot.ready = this.load(b, expiry, slot);
    return slot;
  }

  private async load(b: Board, expiry: number, slot: Slot): Promise<boolean> {
    const began = performance.now();
    try {
      const rows = await this.readPeriod(b.id, expiry);
      if (b.sortOrder === SortOrder.DESCENDING) rows.reverse();
      slot.index.bulkLoad(rows, slot.deleted ?? undefined);
      slot.deleted = null;
      this.opts.log.debug({ leaderboard_id: b.id, expiry, count: slot.index.size, ms: Math.round(performance.now() - began) }, "rank cache loaded");
      return true;
    } catch (err) {
      this.opts.log.error({ err, leaderboard_id: b.id, expiry }, "Failed to cache leaderboard ranks");
      const periods = this.boards.get(b.id);
      if (periods?.get(expiry) === slot) periods.delete(expiry);
      return false;
    }
  }

  /** Every record of the period in ascending (score, subscore, owner) order, read in pages. */
  private async readPeriod(boardId: string, expiry: number): Promise<RankEntry[]> {
    const out: RankEntry[] = [];
    const expiryTime = new Date(expiry * 1000);
    let last: RankRow | undefined;
    for (;;) {
      const params: unknown[] = [boardId, expiryTime, this.pageSize];
      let sql = "SELECT owner_id, score, subscore, num_score FROM leaderboard_record WHERE leaderboard_id = $1 AND expiry_time = $2";
      if (last !== undefined) {
        sql += " AND (score, subscore, owner_id) > ($4::BIGINT, $5::BIGINT, $6::UUID)";
        params.push(last.score, last.subscore, last.owner_id);
      }
      sql += " ORDER BY score ASC, subscore ASC, owner_id ASC LIMIT $3";
      const { rows } = await this.opts.db.query<RankRow>(sql, params);
      for (const r of rows) out.push({ owner: r.owner_id, score: toScore(r.score), subscore: toScore(r.subscore), gen: r.num_score });
      if (rows.length < this.pageSize) return out;
      last = rows[rows.length - 1];
    }
  }
}
