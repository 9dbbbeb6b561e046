// Owns the wallet ledger as the runtime reads and annotates it: a user's entries newest first, in pages
// with next/previous cursors, and merging new metadata into one entry.
//
// A cursor holds (create_time in µs, id) of the boundary entry and its direction; paging walks the
// (user_id, create_time, id) primary key, so entries sharing a create_time (one transaction) are never
// skipped or repeated.
import { Code, GameError } from "../../errors.js";
import { parseUuid } from "../../session/uuid.js";
import type { WalletDeps } from "./update.js";

export interface WalletLedgerItem {
  id: string;
  userId: string;
  changeset: Record<string, number>;
  metadata: Record<string, unknown>;
  /** Unix seconds. */
  createTime: number;
  updateTime: number;
}

export interface WalletLedgerList {
  items: WalletLedgerItem[];
  /** "" when there is no further page. */
  nextCursor: string;
  prevCursor: string;
}

interface Cursor {
  userId: string;
  us: string;
  id: string;
  next: boolean;
}

export const LEDGER_CURSOR_INVALID = "wallet ledger cursor invalid";

function encode(c: Cursor): string {
  return Buffer.from(JSON.stringify({ u: c.userId, t: c.us, i: c.id, n: c.next }), "utf8").toString("base64url");
}

function parse(text: string): { u?: unknown; t?: unknown; i?: unknown; n?: unknown } | null {
  try {
    return JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as { u?: unknown; t?: unknown; i?: unknown; n?: unknown } | null;
  } catch {
    return null;
  }
}

function decode(text: string, userId: string): Cursor {
  const v = parse(text);
  const id = typeof v?.i === "string" ? parseUuid(v.i) : null;
  // A cursor of another user's listing (e.g. an old cursor with a changed filter) is refused too.
  if (v === null || v.u !== userId || id === null || typeof v.t !== "string" || !/^\d{1,19}$/.test(v.t) || typeof v.n !== "boolean") {
    throw new GameError(Code.INVALID_ARGUMENT, LEDGER_CURSOR_INVALID);
  }
  return { userId, us: v.t, id, next: v.n };
}

interface Row {
  id: string;
  changeset: Record<string, number>;
  metadata: Record<string, unknown>;
  create_time: Date;
  update_time: Date;
  us: string;
}

const MICROS =
  "(floor(extract(epoch FROM create_time))::int8 * 1000000 + extract(microseconds FROM create_time)::int8 % 1000000)::text AS us";
const AT = "'epoch'::timestamptz + $2::int8 * interval '1 microsecond'";

function toItem(userId: string, r: Row): WalletLedgerItem {
  return {
    id: r.id,
    userId,
    changeset: r.changeset,
    metadata: r.metadata,
    createTime: Math.floor(r.create_time.getTime() / 1000),
    updateTime: Math.floor(r.update_time.getTime() / 1000),
  };
}

/**
 * One page of a user's ledger, newest first. `limit` undefined = everything. A next cursor continues
 * towards older entries, a previous cursor back towards newer ones.
 */
export async function listWalletLedger(deps: WalletDeps, userId: string, limit: number | undefined, cursor: string): Promise<WalletLedgerList> {
  const c = cursor === "" ? null : decode(cursor, userId);
  const backwards = c !== null && !c.next;
  const params: unknown[] = [userId];
  let where = "user_id = $1";
  if (c !== null) {
    params.push(c.us, c.id);
    where += ` AND (create_time, id) ${backwards ? ">" : "<"} (${AT}, $3::uuid)`;
  }
  const order = backwards ? "create_time ASC, id ASC" : "create_time DESC, id DESC";
  let sql = `SELECT id, changeset, metadata, create_time, update_time, ${MICROS} FROM wallet_ledger WHERE ${where} ORDER BY ${order}`;
  if (limit !== undefined) {
    params.push(limit + 1);
    sql += ` LIMIT $${params.length}`;
  }
  const { rows } = await deps.db.query<Row>(sql, params);
  const more = limit !== undefined && rows.length > limit;
  if (more) rows.length = limit;
  if (backwards) rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  // Going forwards: "next" exists when more rows were found, "prev" when we came from a cursor.
  // Going backwards the roles swap: older rows exist (we came from them), newer ones when more were found.
  const hasOlder = backwards ? rows.length > 0 : more;
  const hasNewer = backwards ? more : c !== null && rows.length > 0;
  return {
    items: rows.map((r) => toItem(userId, r)),
    nextCursor: hasOlder && last !== undefined ? encode({ userId, us: last.us, id: last.id, next: true }) : "",
    prevCursor: hasNewer && first !== undefined ? encode({ userId, us: first.us, id: first.id, next: false }) : "",
  };
}

/** Merges `metadata` (a JSON object as text) into one ledger entry; NOT_FOUND when there is none. */
export async function updateWalletLedger(deps: WalletDeps, id: string, metadata: string): Promise<WalletLedgerItem> {
  const { rows } = await deps.db.query<Row & { user_id: string }>(
    `UPDATE wallet_ledger SET update_time = now(), metadata = metadata || $2::jsonb WHERE id = $1
     RETURNING id, user_id, changeset, metadata, create_time, update_time, ${MICROS}`,
    [id, metadata],
  );
  const row = rows[0];
  if (row === undefined) throw new GameError(Code.NOT_FOUND, "wallet ledger item not found");
  return toItem(row.user_id, row);
}
