// Owns the leaderboard core object every leaderboard and tournament function takes: its dependencies
// (database, logger, wall clock), the board registry and the rank cache, and the "boards changed" signal
// the scheduler listens to.
//
// The registry is a read-through cache of the `leaderboard` table: a board this process created or read is
// served from memory; an id it does not know is looked up in the database (so boards created by another
// process on the same database, e.g. a test or a second node, are found), and listings always read the
// table. Deletions by another process are noticed when a write hits the missing row.
import type { Logger } from "../../log.js";
import { parseCron } from "../../lib/cron.js";
import type { Db, Queryable } from "../../storage/db.js";
import { currentExpiry } from "./deadlines.js";
import { neighbourCoalescer, type NeighbourCoalescer } from "./neighbours.js";
import { RankCache } from "./rank-cache.js";
import { recordWriteCoalescer, type RecordWriteCoalescer } from "./record-upsert.js";
import { windowCoalescer, type WindowCoalescer } from "./window-read.js";
import type { Board, Operator, SortOrder } from "./types.js";

export interface LeaderboardCoreDeps {
  db: Db;
  log: Logger;
  /** Wall clock in unix ms (default Date.now); tests move it by hand. */
  now?: () => number;
  /** leaderboard.blacklist_rank_cache. */
  rankCacheBlacklist?: readonly string[];
}

export interface LeaderboardCore {
  readonly db: Db;
  readonly log: Logger;
  /** Unix ms. */
  readonly now: () => number;
  readonly boards: BoardRegistry;
  readonly ranks: RankCache;
  /** Concurrent record writes grouped into shared statements (record-upsert.ts); absent = one statement each. */
  readonly writes?: RecordWriteCoalescer;
  /** Concurrent around-owner reads grouped into shared statements (neighbours.ts); absent = one each. */
  readonly haystacks?: NeighbourCoalescer;
  /** Concurrent around-owner window reads (picked by the rank index) grouped likewise (window-read.ts). */
  readonly windows?: WindowCoalescer;
  /** Registers a listener for board creation/deletion; returns its removal. */
  onBoardsChanged(fn: () => void): () => void;
  /** Tells the listeners (called by create/delete). */
  boardsChanged(): void;
}

export function createLeaderboardCore(deps: LeaderboardCoreDeps): LeaderboardCore {
  const log = deps.log.child({ module: "leaderboard" });
  const now = deps.now ?? Date.now;
  const listeners = new Set<() => void>();
  return {
    db: deps.db,
    log,
    now,
    boards: new BoardRegistry(deps.db, log),
    ranks: new RankCache({ db: deps.db, log, blacklist: deps.rankCacheBlacklist ?? [], now }),
    writes: recordWriteCoalescer(deps.db),
    haystacks: neighbourCoalescer(deps.db),
    windows: windowCoalescer(deps.db),
    onBoardsChanged(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    boardsChanged() {
      for (const fn of listeners) {
        try {
          fn();
        } catch (err) {
          log.error({ err }, "boards-changed listener failed");
        }
      }
    },
  };
}

/** Unix seconds of the core's clock. */
export function nowSec(core: LeaderboardCore): number {
  return Math.floor(core.now() / 1000);
}

/** The columns of a board, `metadata` as the database prints it (Nakama returns that text). */
export const BOARD_COLUMNS = `id, authoritative, sort_order, operator, reset_schedule, metadata::text AS metadata, create_time,
  category, description, duration, end_time, join_required, max_size, max_num_score, title, start_time, enable_ranks, size`;

export interface BoardRow {
  id: string;
  authoritative: boolean;
  sort_order: number;
  operator: number;
  reset_schedule: string | null;
  metadata: string;
  create_time: Date;
  category: number;
  description: string;
  duration: number;
  end_time: Date;
  join_required: boolean;
  max_size: number;
  max_num_score: number;
  title: string;
  start_time: Date;
  enable_ranks: boolean;
  size: number;
}

export function unixOf(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/** A row as a Board; null (logged) when its reset schedule no longer parses. */
export function boardFromRow(r: BoardRow, log: Logger): Board | null {
  const schedule = r.reset_schedule ?? "";
  let cron = null;
  if (schedule !== "") {
    try {
      cron = parseCron(schedule);
    } catch (err) {
      log.error({ err, leaderboard_id: r.id, schedule }, "Error parsing leaderboard reset schedule from database");
      return null;
    }
  }
  return {
    id: r.id,
    authoritative: r.authoritative,
    sortOrder: r.sort_order as SortOrder,
    operator: r.operator as Operator,
    resetSchedule: schedule,
    cron,
    metadata: r.metadata,
    createTime: unixOf(r.create_time),
    category: r.category,
    description: r.description,
    duration: r.duration,
    endTime: unixOf(r.end_time),
    joinRequired: r.join_required,
    maxSize: r.max_size,
    maxNumScore: r.max_num_score,
    title: r.title,
    startTime: unixOf(r.start_time),
    enableRanks: r.enable_ranks,
  };
}

export class BoardRegistry {
  private readonly known = new Map<string, Board>();
  private readonly pending = new Map<string, Promise<Board | null>>();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** The board with this id, from memory or the database; null when there is none. */
  get(id: string): Promise<Board | null> {
    const b = this.known.get(id);
    if (b !== undefined) return Promise.resolve(b);
    let p = this.pending.get(id);
    if (p === undefined) {
      p = this.read(this.db, id).finally(() => this.pending.delete(id));
      this.pending.set(id, p);
    }
    return p;
  }

  /** Reads the board from the database (through `q`) and remembers it. */
  async read(q: Queryable, id: string): Promise<Board | null> {
    const { rows } = await q.query<BoardRow>(`SELECT ${BOARD_COLUMNS} FROM leaderboard WHERE id = $1`, [id]);
    if (rows.length === 0) {
      this.known.delete(id);
      return null;
    }
    const b = boardFromRow(rows[0], this.log);
    if (b !== null) this.known.set(id, b);
    return b;
  }

  put(b: Board): void {
    this.known.set(b.id, b);
  }

  forget(id: string): void {
    this.known.delete(id);
  }
}

/**
 * Loads the rank cache for the current period of every board with ranks enabled (Nakama fills it at start;
 * here periods also load on first use, which then waits for the load). Call once after start, in the
 * background. Returns how many boards and records were loaded.
 */
export async function warmRankCache(core: LeaderboardCore): Promise<{ boards: number; records: number }> {
  const { rows } = await core.db.query<{ id: string }>("SELECT id FROM leaderboard WHERE enable_ranks ORDER BY create_time, id");
  let records = 0;
  let boards = 0;
  for (const { id } of rows) {
    const b = await core.boards.get(id);
    if (b === null || !core.ranks.enabled(b)) continue;
    records += await core.ranks.warm(b, currentExpiry(b, nowSec(core)));
    boards++;
  }
  return { boards, records };
}
