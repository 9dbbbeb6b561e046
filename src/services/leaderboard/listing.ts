// Owns reading records in rank order, for leaderboards and tournaments alike: a page of the ranking with
// next/prev cursors (ranks counted from the cursor), the records of given owners (ranks from the rank
// cache), records around an owner (Nakama's "haystack": the window picked by the rank index when the period
// has ranks, else read around the owner in SQL), and a cursor that starts at a given rank.
// Every query walks the primary key (leaderboard_id, expiry_time, score, subscore, owner_id), so a page
// costs the same at rank 10 as at rank 900,000. Measured: the keyset condition must be written on
// (score, subscore, owner_id) after the two equalities; spelled over all five key columns (as Nakama does)
// PostgreSQL positions the scan by the equalities alone and walks the period up to the cursor (21 ms instead
// of 0.2 ms at 100,000 records).
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import { nowSec, type LeaderboardCore } from "./core.js";
import { listingExpiry } from "./deadlines.js";
import {
  decodeRecordCursor, emptyRecordList, encodeRecordCursor, RECORD_COLUMNS, recordFromRow,
  type RecordCursor, type RecordRow,
} from "./record-rows.js";
import { readNeighbours } from "./neighbours.js";
import { toScore } from "./rank-index.js";
import { readWindow, type WindowRead } from "./window-read.js";
import { lbError, Reason, SortOrder, type Board } from "./types.js";

export interface RecordsListInput {
  /** Owners whose own records are wanted as `owner_records` (canonical UUIDs). */
  ownerIds: readonly string[];
  /** Page size; null = no ranked page (only owner records). */
  limit: number | null;
  cursor: string;
  /** A period's expiry (unix s) to read instead of the current one; 0 = current. */
  overrideExpiry: number;
}

const BETTER_FIRST = { [SortOrder.ASCENDING]: "ASC", [SortOrder.DESCENDING]: "DESC" } as const;

function cursorOf(b: Board, expiry: number, r: { score: string; subscore: string; owner_id: string }, isNext: boolean, rank: number): RecordCursor {
  return { isNext, boardId: b.id, expiry, score: r.score, subscore: r.subscore, owner: r.owner_id, rank };
}

/** One ranked page starting after (or, for a prev cursor, before) the cursor's record. */
async function page(core: LeaderboardCore, b: Board, expiry: number, limit: number, cursorText: string) {
  const c = decodeRecordCursor(cursorText, b.id, expiry);
  const params: unknown[] = [b.id, new Date(expiry * 1000), limit + 1];
  let sql = `SELECT ${RECORD_COLUMNS} FROM leaderboard_record WHERE leaderboard_id = $1 AND expiry_time = $2`;
  if (c === null) {
    const dir = BETTER_FIRST[b.sortOrder];
    sql += ` ORDER BY score ${dir}, subscore ${dir}, owner_id ${dir}`;
  } else {
    const ascending = (b.sortOrder === SortOrder.ASCENDING) === c.isNext;
    sql += ascending
      ? " AND (score, subscore, owner_id) > ($4::BIGINT, $5::BIGINT, $6::UUID) ORDER BY score ASC, subscore ASC, owner_id ASC"
      : " AND (score, subscore, owner_id) < ($4::BIGINT, $5::BIGINT, $6::UUID) ORDER BY score DESC, subscore DESC, owner_id DESC";
    params.push(c.score, c.subscore, c.owner);
  }
  const { rows } = await core.db.query<RecordRow>(`${sql} LIMIT $3`, params);
  const backwards = c !== null && !c.isNext;
  let rank = c?.rank ?? 0;
  const records: api.LeaderboardRecord[] = [];
  let next: RecordCursor | null = null;
  let prev: RecordCursor | null = null;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (records.length >= limit) {
      // More rows exist: the cursor sits on the last record of this page (with its rank).
      next = cursorOf(b, expiry, rows[i - 1], true, rank);
      break;
    }
    rank += backwards ? -1 : 1;
    records.push(recordFromRow(b.id, expiry, r, rank));
    // Only a page reached through a cursor has a page before it.
    if (c !== null && prev === null) prev = cursorOf(b, expiry, r, false, rank);
  }
  if (backwards) {
    // Read backwards: put the records in ranking order and swap the roles of the two cursors.
    records.reverse();
    [next, prev] = [prev, next];
    if (next !== null) next.isNext = true;
    if (prev !== null) prev.isNext = false;
  }
  return {
    records,
    next: next === null ? "" : encodeRecordCursor(next),
    prev: prev === null ? "" : encodeRecordCursor(prev),
  };
}

/** Orders owner records as the ranking does (best first). */
function sortRecords(b: Board, records: api.LeaderboardRecord[]): void {
  const sign = b.sortOrder === SortOrder.ASCENDING ? 1 : -1;
  const cmp = (x: string, y: string): number => {
    const a = BigInt(x);
    const c = BigInt(y);
    return a < c ? -1 : a > c ? 1 : 0;
  };
  records.sort((p, q) => sign * (cmp(p.score, q.score) || cmp(p.subscore, q.subscore) || (p.owner_id < q.owner_id ? -1 : p.owner_id > q.owner_id ? 1 : 0)));
}

/** Lists a board's records (the board is resolved by the caller: leaderboard or tournament rules). */
export async function recordsList(core: LeaderboardCore, b: Board, input: RecordsListInput): Promise<api.LeaderboardRecordList> {
  const { expiry, possible } = listingExpiry(b, input.overrideExpiry, nowSec(core));
  if (!possible) return emptyRecordList();
  const out = emptyRecordList();
  if (input.limit !== null) {
    const p = await page(core, b, expiry, input.limit, input.cursor);
    out.records = p.records;
    out.next_cursor = p.next;
    out.prev_cursor = p.prev;
  }
  if (input.ownerIds.length > 0) {
    const { rows } = await core.db.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM leaderboard_record WHERE leaderboard_id = $1 AND expiry_time = $2 AND owner_id = ANY($3::UUID[])`,
      [b.id, new Date(expiry * 1000), input.ownerIds],
    );
    out.owner_records = rows.map((r) => recordFromRow(b.id, expiry, r));
    sortRecords(b, out.owner_records);
  }
  out.rank_count = String(await core.ranks.fill(b, expiry, out.owner_records));
  return out;
}

/** The part of an around-owner listing shown: a run of consecutive records and whether more lie beyond it. */
interface HaystackWindow<T> {
  window: T[];
  morePrev: boolean;
  moreNext: boolean;
}

/**
 * Nakama's around-owner window from the records ranked before the owner (`above`, nearest first, up to
 * limit + 1) and after it (`below`, nearest first, up to limit + 1): about half of `limit` above the owner,
 * fewer near the top, where the rest come from below.
 */
function haystackWindow<T>(above: T[], me: T, below: readonly T[], limit: number): HaystackWindow<T> {
  const first = above;
  let morePrev = false;
  if (first.length > limit) {
    morePrev = true;
    first.pop();
  }
  first.reverse();
  const secondLimit = first.length < Math.floor(limit / 2) ? limit - first.length : Math.floor(limit / 2);
  const second = below.slice(0, secondLimit + 1);
  let moreNext = false;
  if (second.length > secondLimit) {
    moreNext = true;
    second.pop();
  }
  const all = [...first, me, ...second];
  let start = all.length - limit;
  if (start < 0 || first.length < secondLimit) start = 0;
  if (start > 0) morePrev = true;
  return { window: all.slice(start, start + limit), morePrev, moreNext };
}

/** The listing of a window whose records carry their ranks (`ranks` null: from the rank cache). */
async function haystackList(
  core: LeaderboardCore, b: Board, expiry: number, w: HaystackWindow<RecordRow>, ranks: { first: number; count: number } | null,
): Promise<api.LeaderboardRecordList> {
  const { window } = w;
  const records = window.map((r, i) => recordFromRow(b.id, expiry, r, ranks === null ? 0 : ranks.first + i));
  const rankCount = ranks === null ? await core.ranks.fill(b, expiry, records) : ranks.count;
  const out = emptyRecordList();
  out.records = records;
  out.rank_count = String(rankCount);
  if (w.morePrev) out.prev_cursor = encodeRecordCursor(cursorOf(b, expiry, window[0], false, Number(records[0].rank)));
  if (w.moreNext) {
    const last = window.length - 1;
    out.next_cursor = encodeRecordCursor(cursorOf(b, expiry, window[last], true, Number(records[last].rank)));
  }
  return out;
}

/**
 * The around-owner listing with the rank index picking the window: only the window's records are read,
 * by one range scan from its lowest key. Null (the caller reads around the owner in SQL instead) when the
 * period has no ranks, the owner is not ranked, or the database's rows in that range are not exactly the
 * index's (a write landing meanwhile, or records another process wrote).
 */
async function haystackFromRanks(core: LeaderboardCore, b: Board, expiry: number, ownerId: string, limit: number): Promise<api.LeaderboardRecordList | null> {
  const hood = await core.ranks.neighbourhood(b, expiry, ownerId, limit + 1);
  if (hood === null) return null;
  const { entries } = hood;
  const at = hood.rank - hood.first;
  const w = haystackWindow(entries.slice(0, at).reverse(), entries[at], entries.slice(at + 1), limit);
  const firstRank = hood.first + entries.indexOf(w.window[0]);
  // Rank order is descending key order on a descending board; the scan reads ascending keys.
  const descending = b.sortOrder === SortOrder.DESCENDING;
  const low = descending ? w.window[w.window.length - 1] : w.window[0];
  const read: WindowRead = {
    boardId: b.id, expiry, score: String(low.score), subscore: String(low.subscore), ownerId: low.owner, n: w.window.length,
  };
  const rows = core.windows === undefined ? await readWindow(core.db, read) : await core.windows.submit(read, 1);
  if (rows.length !== w.window.length) return null;
  if (descending) rows.reverse();
  for (let i = 0; i < rows.length; i++) {
    const [r, e] = [rows[i], w.window[i]];
    if (r.owner_id !== e.owner || toScore(r.score) !== e.score || toScore(r.subscore) !== e.subscore) return null;
  }
  return haystackList(core, b, expiry, { ...w, window: rows }, { first: firstRank, count: hood.size });
}

/**
 * Records around `ownerId`: the owner's record with up to `limit` records in total, about half of them
 * above it (fewer near the top, where the rest come from below). No record → an empty list. With a cursor
 * this is an ordinary ranked page.
 */
export async function recordsHaystack(
  core: LeaderboardCore, b: Board, ownerId: string, limit: number, cursor: string, overrideExpiry: number,
): Promise<api.LeaderboardRecordList> {
  const { expiry, possible } = listingExpiry(b, overrideExpiry, nowSec(core));
  if (!possible) return emptyRecordList();
  if (cursor !== "") return recordsList(core, b, { ownerIds: [], limit, cursor, overrideExpiry: expiry });
  const ranked = await haystackFromRanks(core, b, expiry, ownerId, limit);
  if (ranked !== null) return ranked;
  const read = { boardId: b.id, expiry, ownerId, n: limit + 1 };
  const { me, greater, smaller } = core.haystacks === undefined ? await readNeighbours(core.db, read) : await core.haystacks.submit(read, 1);
  if (me === undefined) return emptyRecordList();
  // Nearest first: "above" ranks better than the owner, "below" worse.
  const asc = b.sortOrder === SortOrder.ASCENDING;
  return haystackList(core, b, expiry, haystackWindow(asc ? smaller : greater, me, asc ? greater : smaller, limit), null);
}

/** nk leaderboardRecordsListCursorFromRank: a cursor whose next page starts at `rank` (needs ranks). */
export async function cursorFromRank(core: LeaderboardCore, b: Board, rank: number, overrideExpiry: number): Promise<string> {
  const { expiry, possible } = listingExpiry(b, overrideExpiry, nowSec(core));
  if (!possible) throw new GameError(Code.INVALID_ARGUMENT, "invalid expiry");
  if (rank <= 1) return "";
  const e = await core.ranks.atRank(b, expiry, rank - 1);
  if (e === undefined) throw new GameError(Code.INVALID_ARGUMENT, `failed to get cursor from rank: rank entry ${rank - 1} not found`);
  return encodeRecordCursor({
    isNext: true, boardId: b.id, expiry, score: String(e.score), subscore: String(e.subscore), owner: e.owner, rank: rank - 1,
  });
}

async function anyBoard(core: LeaderboardCore, id: string): Promise<Board> {
  const b = await core.boards.get(id);
  if (b === null) throw lbError(Reason.LEADERBOARD_NOT_FOUND);
  return b;
}

/** nk leaderboardRecordsList / REST ListLeaderboardRecords (tournaments may be read this way too, as in Nakama). */
export async function leaderboardRecordsList(core: LeaderboardCore, leaderboardId: string, input: RecordsListInput): Promise<api.LeaderboardRecordList> {
  return recordsList(core, await anyBoard(core, leaderboardId), input);
}

/** nk leaderboardRecordsHaystack / REST ListLeaderboardRecordsAroundOwner. */
export async function leaderboardRecordsHaystack(
  core: LeaderboardCore, leaderboardId: string, ownerId: string, limit: number, cursor: string, overrideExpiry: number,
): Promise<api.LeaderboardRecordList> {
  return recordsHaystack(core, await anyBoard(core, leaderboardId), ownerId, limit, cursor, overrideExpiry);
}

/** nk leaderboardRecordsListCursorFromRank. */
export async function leaderboardRecordsListCursorFromRank(core: LeaderboardCore, leaderboardId: string, rank: number, overrideExpiry: number): Promise<string> {
  return cursorFromRank(core, await anyBoard(core, leaderboardId), rank, overrideExpiry);
}
