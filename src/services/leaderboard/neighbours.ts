// Owns the around-owner ("haystack") read: an owner's record with up to `n` records on each side of it in
// key order, in one round trip. The long-lived core coalesces concurrent haystack reads of one board
// period and size into ONE statement (the owners as an array, each with its own lateral scans; the size
// written in as a constant LIMIT), so a busy server sends one statement for many listings; every listing
// gets exactly the rows it would have read alone. Rows come back nearest first on each side: `greater`
// ascending from the owner, `smaller` descending.
import type { Db } from "../../storage/db.js";
import { Coalescer, groupedBy, type GroupRunner } from "../../lib/coalesce.js";
import { limitTexts, RECORD_COLUMNS, RECORD_NAMES, type RecordRow } from "./record-rows.js";

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

/** Sizes up to this many get their own texts (see limitTexts; REST asks limit + 1 ≤ 101). */
const LITERAL_LIMIT_MAX = 101;

const ONE_PARAM = one("$4");
const MANY_PARAM = many("$4");
const ONE_BY_SIZE = limitTexts(LITERAL_LIMIT_MAX, one);
const MANY_BY_SIZE = limitTexts(LITERAL_LIMIT_MAX, many);

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
  const text = ONE_BY_SIZE.at(r.n);
  const { rows } = await db.query<PartRow>(text ?? ONE_PARAM, text === undefined ? [...keys, r.n] : keys);
  return split(rows);
}

/** Reads of one board period and size as one statement. */
async function readMany(db: Db, reads: readonly NeighbourRead[]): Promise<Neighbours[]> {
  const { boardId, expiry, n } = reads[0];
  const keys = [reads.map((r) => r.ownerId), boardId, new Date(expiry * 1000)];
  const text = MANY_BY_SIZE.at(n);
  const { rows } = await db.query<PartRow & { k: string }>(text ?? MANY_PARAM, text === undefined ? [...keys, n] : keys);
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
