// Owns reading a run of consecutive records by key: the around-owner window the rank index picked, read
// as one primary-key range scan from its lowest key (PostgreSQL positions once and reads the window's rows,
// instead of finding the owner and scanning both sides of it). Rows come back in ascending key order; the
// caller checks them against the index and falls back to neighbours.ts when they differ. The long-lived
// core coalesces concurrent window reads of one board period into ONE statement (the windows as arrays,
// each with its own lateral scan; windows of one size share a text with that LIMIT written in); every read
// gets exactly the rows it would have read alone.
import type { Db } from "../../storage/db.js";
import { Coalescer, groupedBy, type GroupRunner } from "../../lib/coalesce.js";
import { limitTexts, RECORD_COLUMNS, type RecordRow } from "./record-rows.js";

export interface WindowRead {
  boardId: string;
  expiry: number;
  /** Key of the window's lowest record (INT8 values as decimal text). */
  score: string;
  subscore: string;
  ownerId: string;
  /** Records wanted. */
  n: number;
}

const WHERE = "leaderboard_id = $1 AND expiry_time = $2";
const ORDER = "ORDER BY score ASC, subscore ASC, owner_id ASC";

/** Window sizes up to this many get their own text (see limitTexts). */
const LITERAL_LIMIT_MAX = 100;

/** One window; `limit` is its size as text or "$6". */
const one = (limit: string): string => `SELECT ${RECORD_COLUMNS} FROM leaderboard_record WHERE ${WHERE}
      AND (score, subscore, owner_id) >= ($3::BIGINT, $4::BIGINT, $5::UUID)
      ${ORDER} LIMIT ${limit}`;

/** Several windows of one size (`limit` as text), or of sizes each given in $6. `k` numbers them as given
 * ($3..$5 are their keys). */
const many = (limit: string | null): string => `SELECT w.k, r.* FROM unnest($3::BIGINT[], $4::BIGINT[], $5::UUID[]${limit === null ? ", $6::INT4[]" : ""}) WITH ORDINALITY AS w(low_score, low_subscore, low_owner${limit === null ? ", n" : ""}, k)
     CROSS JOIN LATERAL (SELECT ${RECORD_COLUMNS} FROM leaderboard_record WHERE ${WHERE}
       AND (score, subscore, owner_id) >= (w.low_score, w.low_subscore, w.low_owner)
       ${ORDER} LIMIT ${limit ?? "w.n"}) r`;

const ONE_PARAM = one("$6");
const MANY_PARAM = many(null);
/** The texts by size, built once. */
const ONE_BY_SIZE = limitTexts(LITERAL_LIMIT_MAX, one);
const MANY_BY_SIZE = limitTexts(LITERAL_LIMIT_MAX, many);

/** One window as its own statement. */
export async function readWindow(db: Db, r: WindowRead): Promise<RecordRow[]> {
  const keys = [r.boardId, new Date(r.expiry * 1000), r.score, r.subscore, r.ownerId];
  const text = ONE_BY_SIZE.at(r.n);
  const { rows } = await db.query<RecordRow>(text ?? ONE_PARAM, text === undefined ? [...keys, r.n] : keys);
  return rows;
}

/** Windows of one board period (and, when its size is written in, one size) as one statement. */
async function readMany(db: Db, reads: readonly WindowRead[]): Promise<RecordRow[][]> {
  const { boardId, expiry, n } = reads[0];
  const params: unknown[] = [boardId, new Date(expiry * 1000), reads.map((r) => r.score), reads.map((r) => r.subscore), reads.map((r) => r.ownerId)];
  const text = reads.every((r) => r.n === n) ? MANY_BY_SIZE.at(n) : undefined;
  if (text === undefined) params.push(reads.map((r) => r.n));
  const { rows } = await db.query<RecordRow & { k: string }>(text ?? MANY_PARAM, params);
  const per: RecordRow[][] = reads.map(() => []);
  for (const row of rows) {
    const { k, ...record } = row;
    per[Number(k) - 1].push(record);
  }
  return per;
}

/** Reads share a statement when they share a board period and a size written into the text. */
const groupKey = (r: WindowRead): string => `${r.boardId}\u0000${r.expiry}\u0000${ONE_BY_SIZE.at(r.n) === undefined ? "$" : r.n}`;

const readGroup = (db: Db): GroupRunner<WindowRead, RecordRow[]> =>
  groupedBy(groupKey, (r) => readWindow(db, r), (rs) => readMany(db, rs));

/** Window reads running at once before further ones wait and go together. */
const READS_IN_FLIGHT = 4;
/** Most windows in one statement. */
const GROUP_READS = 64;
/** Reads submitted in one event-loop turn share a statement even while slots are free? Measured at 1M
 * records, 32 connections: on a loaded machine gathering looked ≈5–10% cheaper per listing; quiet
 * (server on core 0) it gave 3,109 listings/s, p99 29 ms, PostgreSQL 228 µs per listing, against 3,665/s,
 * p99 24 ms, 166 µs without, so it is off. (8 reads in flight instead of 4: no better.) Both were measured with
 * a parameter LIMIT, priced so high that PostgreSQL's JIT compiled every group of ≈15 windows or more
 * (11–32 ms each); with the constant LIMIT no group comes near jit_above_cost: worth measuring again. */
const GATHER_TURN = false;

export type WindowCoalescer = Coalescer<WindowRead, RecordRow[]>;

/** The window read coalescer a long-lived leaderboard core keeps. */
export function windowCoalescer(db: Db): WindowCoalescer {
  return new Coalescer<WindowRead, RecordRow[]>(readGroup(db), READS_IN_FLIGHT, GROUP_READS, { gatherTurn: GATHER_TURN });
}
