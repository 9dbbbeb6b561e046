// Owns the shape records take between the database and the API: the selected columns, the row → 
// api.LeaderboardRecord mapping (Nakama's: seconds-resolution times, username only when set, expiry only
// when the period expires), the empty list, the opaque list cursor (board, period, position, rank), and
// statement texts with their size written in as a constant LIMIT.
import type { api } from "../../../proto/index.js";
import { lbError, Reason } from "./types.js";

/** Times come as whole unix seconds (INT8 text): the API wants seconds, and parsing timestamp text for
 * every row was a tenth of an around-owner listing's CPU. date_part (float8) rather than extract (numeric
 * since PostgreSQL 14) costs PostgreSQL less per row; its floor is exact for microsecond timestamps (one
 * rounding of micros / 1e6 stays within 1e-6 of the true value until year 2242; checked equal to
 * extract's on 2,000,000 random times up to 2223, .999999 fractions included). */
export const RECORD_COLUMNS =
  "owner_id, username, score, subscore, num_score, max_num_score, metadata::text AS metadata, " +
  "floor(date_part('epoch', create_time))::INT8 AS create_time, floor(date_part('epoch', update_time))::INT8 AS update_time";

/** The names RECORD_COLUMNS selects, in order. */
export const RECORD_NAMES = [
  "owner_id", "username", "score", "subscore", "num_score", "max_num_score", "metadata", "create_time", "update_time",
] as const;

export interface RecordRow {
  owner_id: string;
  username: string | null;
  score: string;
  subscore: string;
  num_score: number;
  max_num_score: number;
  metadata: string;
  /** Unix seconds. */
  create_time: string;
  /** Unix seconds. */
  update_time: string;
}

function seconds(unix: string): Date {
  return new Date(Number(unix) * 1000);
}

export function recordFromRow(boardId: string, expiry: number, r: RecordRow, rank = 0): api.LeaderboardRecord {
  const rec: api.LeaderboardRecord = {
    leaderboard_id: boardId,
    owner_id: r.owner_id,
    score: r.score,
    subscore: r.subscore,
    num_score: r.num_score,
    metadata: r.metadata,
    create_time: seconds(r.create_time),
    update_time: seconds(r.update_time),
    rank: String(rank),
    max_num_score: r.max_num_score,
  };
  if (r.username !== null) rec.username = r.username;
  if (expiry !== 0) rec.expiry_time = new Date(expiry * 1000);
  return rec;
}

export function emptyRecordList(): api.LeaderboardRecordList {
  return { records: [], owner_records: [], next_cursor: "", prev_cursor: "", rank_count: "0" };
}

/** A position in a ranked listing: the record it was taken at, and that record's rank. */
export interface RecordCursor {
  /** True: the page after this record; false: the page before it. */
  isNext: boolean;
  boardId: string;
  expiry: number;
  score: string;
  subscore: string;
  owner: string;
  rank: number;
}

export function encodeRecordCursor(c: RecordCursor): string {
  const wire = { n: c.isNext, l: c.boardId, e: c.expiry, s: c.score, ss: c.subscore, o: c.owner, r: c.rank };
  return Buffer.from(JSON.stringify(wire), "utf8").toString("base64url");
}

const INT = /^-?\d{1,19}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Decodes a cursor given for `boardId` at period `expiry`; "" → null. A malformed cursor, or one from
 * another board or an earlier period, is Nakama's "leaderboard cursor invalid".
 */
export function decodeRecordCursor(text: string, boardId: string, expiry: number): RecordCursor | null {
  if (text === "") return null;
  let w: Record<string, unknown>;
  try {
    w = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    throw lbError(Reason.INVALID_CURSOR);
  }
  const ok = w !== null && typeof w === "object" && typeof w.n === "boolean" && typeof w.l === "string" &&
    typeof w.e === "number" && typeof w.s === "string" && INT.test(w.s) && typeof w.ss === "string" && INT.test(w.ss) &&
    typeof w.o === "string" && UUID.test(w.o) && typeof w.r === "number" && Number.isInteger(w.r);
  if (!ok || w.l !== boardId || w.e !== expiry) throw lbError(Reason.INVALID_CURSOR);
  return { isNext: w.n as boolean, boardId, expiry, score: w.s as string, subscore: w.ss as string, owner: w.o as string, rank: w.r as number };
}

/**
 * A statement's texts with its size written in as a constant LIMIT, one per size 1..max, built once; `at(n)`
 * is undefined beyond them (the caller keeps its parameter form). Why: PostgreSQL prices a parameter LIMIT
 * as a tenth of the board, so at a million records the plan cache never found its generic plan cheaper
 * than a fresh custom plan and planned every read again (0.05–0.24 ms planning for 0.03–0.13 ms
 * executing), and grouped reads priced that high passed jit_above_cost (11–32 ms of JIT each). With the
 * size written in, they switch to their generic plan after five executions (the same index range scan).
 */
export function limitTexts(max: number, build: (limit: string) => string): { at(n: number): string | undefined } {
  const texts = Array.from({ length: max + 1 }, (_, n) => build(String(n)));
  return { at: (n) => (Number.isInteger(n) && n >= 1 && n <= max ? texts[n] : undefined) };
}

