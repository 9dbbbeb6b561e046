// Owns the around-owner ("haystack") read: an owner's record with up to `n` records on each side of it in
// key order, in one round trip. The long-lived core coalesces concurrent haystack reads of one board
// period and size into ONE statement (the owners as an array, each with its own lateral scans; the size
// written in as a constant LIMIT), so a busy server sends one statement for many listings; every listing
// gets exactly the rows it would have read alone. Rows come back nearest first on each side: `greater`
// ascending from the owner, `smaller` descending.
import type { Db } from "../../storage/db.js";
import { Coalescer, groupedBy, type GroupRunner } from "../../lib/coalesce.js";
import { RECORD_COLUMNS, RECORD_NAMES, type RecordRow } from "./record-rows.js";

export interface NeighbourRead {
  boardId: string;
  expiry: number;
  ownerId: string;
  /** Records wanted on each side. */
  n: number;
}

export interface Neighbours {
  me: RecordRow | undefined;
  greater: RecordRow[];
  smaller: RecordRow[];
}

/** One side of the owner: `cmp`/`dir` pick the direction; $2 board, $3 expiry; `limit` how many (a
 * number written in, or "$4"). */
const side = (cmp: ">" | "<", dir: "ASC" | "DESC", limit: string): string => `SELECT ${RECORD_COLUMNS} FROM leaderboard_record
      WHERE leaderboard_id = $2 AND expiry_time = $3
        AND (score, subscore, owner_id) ${cmp} (me.score, me.subscore, me.owner_id)
      ORDER BY score ${dir}, subscore ${dir}, owner_id ${dir} LIMIT ${limit}`;

const one = (limit: string): string => `WITH me AS (SELECT ${RECORD_COLUMNS} FROM leaderboard_record WHERE owner_id = $1 AND leaderboard_id = $2 AND expiry_time = $3)
     SELECT 0 AS part, me.* FROM me
     UNION ALL SELECT 1 AS part, g.* FROM me CROSS JOIN LATERAL (${side(">", "ASC", limit)}) g
     UNION ALL SELECT 2 AS part, s.* FROM me CROSS JOIN LATERAL (${side("<", "DESC", limit)}) s`;

/** Several owners: `k` numbers the owners as given ($1 is their array). */
const many = (limit: string): string => `WITH me AS (
       SELECT o.k, ${RECORD_COLUMNS} FROM unnest($1::UUID[]) WITH ORDINALITY AS o(wanted, k)
       JOIN leaderboard_record ON owner_id = o.wanted AND leaderboard_id = $2 AND expiry_time = $3)
     SELECT me.k, 0 AS part, ${RECORD_NAMES.map((c) => `me.${c}`).join(", ")} FROM me
     UNION ALL SELECT me.k, 1 AS part, g.* FROM me CROSS JOIN LATERAL (${side(">", "ASC", limit)}) g
     UNION ALL SELECT me.k, 2 AS part, s.* FROM me CROSS JOIN LATERAL (${side("<", "DESC", limit)}) s`;

/**
 * Sizes written into the statement texts as constant LIMITs (one text per size; REST asks limit + 1 ≤ 101):
 * with "LIMIT $4" PostgreSQL prices each side as a tenth of the board, never prefers the generic plan, and
 * plans every read again (measured at 1,000,000 records: 0.19–0.24 ms planning for 0.09–0.13 ms executing
 * one owner's read); with the size written in it keeps the generic plan after five executions (0.015 ms).
 * Larger sizes keep the parameter.
 */
const LITERAL_LIMIT_MAX = 101;

function literalLimit(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= LITERAL_LIMIT_MAX;
}

const ONE_PARAM = one("$4");
const MANY_PARAM = many("$4");
/** The texts by size (index = LIMIT), built once. */
const ONE_BY_SIZE: readonly string[] = Array.from({ length: LITERAL_LIMIT_MAX + 1 }, (_, n) => one(String(n)));
const MANY_BY_SIZE: readonly string[] = Array.from({ length: LITERAL_LIMIT_MAX + 1 }, (_, n) => many(String(n)));

function compareKeys(a: RecordRow, b: RecordRow): number {
  const big = (x: string, y: string): number => {
    const p = BigInt(x);
    const q = BigInt(y);
    return p < q ? -1 : p > q ? 1 : 0;
  };
  return big(a.score, b.score) || big(a.subscore, b.subscore) || (a.owner_id < b.owner_id ? -1 : a.owner_id > b.owner_id ? 1 : 0);
}

type PartRow = RecordRow & { part: number };

function strip(r: PartRow & { k?: string }): RecordRow {
  const { part: _part, k: _k, ...row } = r;
  return row;
}

function split(rows: ReadonlyArray<PartRow>): Neighbours {
  const me = rows.find((r) => r.part === 0);
  const greater = rows.filter((r) => r.part === 1).map(strip).sort(compareKeys);
  const smaller = rows.filter((r) => r.part === 2).map(strip).sort((a, b) => compareKeys(b, a));
  return { me: me === undefined ? undefined : strip(me), greater, smaller };
}

/** One owner's neighbours as its own statement. */
export async function readNeighbours(db: Db, r: NeighbourRead): Promise<Neighbours> {
  const keys = [r.ownerId, r.boardId, new Date(r.expiry * 1000)];
  const { rows } = literalLimit(r.n)
    ? await db.query<PartRow>(ONE_BY_SIZE[r.n], keys)
    : await db.query<PartRow>(ONE_PARAM, [...keys, r.n]);
  return split(rows);
}

/** Reads of one board period and size as one statement. */
async function readMany(db: Db, reads: readonly NeighbourRead[]): Promise<Neighbours[]> {
  const { boardId, expiry, n } = reads[0];
  const keys = [reads.map((r) => r.ownerId), boardId, new Date(expiry * 1000)];
  const { rows } = literalLimit(n)
    ? await db.query<PartRow & { k: string }>(MANY_BY_SIZE[n], keys)
    : await db.query<PartRow & { k: string }>(MANY_PARAM, [...keys, n]);
  const per: PartRow[][] = reads.map(() => []);
  for (const row of rows) per[Number(row.k) - 1].push(row);
  return per.map(split);
}

const readGroup = (db: Db): GroupRunner<NeighbourRead, Neighbours> =>
  groupedBy((r) => `${r.boardId}\u0000${r.expiry}\u0000${r.n}`, (r) => readNeighbours(db, r), (rs) => readMany(db, rs));

/** Haystack reads running at once before further ones wait and go together. */
const READS_IN_FLIGHT = 4;
/** Most owners in one statement. */
const GROUP_READS = 64;

export type NeighbourCoalescer = Coalescer<NeighbourRead, Neighbours>;

/** The haystack read coalescer a long-lived leaderboard core keeps. */
export function neighbourCoalescer(db: Db): NeighbourCoalescer {
  return new Coalescer<NeighbourRead, Neighbours>(readGroup(db), READS_IN_FLIGHT, GROUP_READS);
}
