// Owns changing wallets (users.wallet, a JSON map of currency → int64): apply changesets of deltas to
// one or many users in one transaction, refuse the whole update when any balance would go below zero,
// and record each applied changeset (with its metadata) in wallet_ledger when asked.
//
// Races: the wallets are read with SELECT … FOR UPDATE in user-id order, so concurrent updates of one
// wallet queue on its row lock and each one adds its deltas to the balance the previous one committed
// (READ COMMITTED re-reads the locked row); no increment is lost. Locking in id order means two
// multi-user updates cannot deadlock on each other; a deadlock with other work re-runs the transaction.
// Ledger entries take their create time from our monotonic clock (storage/clock.ts) so a user's entries
// list in the order they were made, even within one transaction or one millisecond.
// Balances are computed with BigInt from PostgreSQL's own text of each value, so int64 amounts beyond
// 2^53 stay exact in the database (results are numbers, as the runtimes use them).
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { newUuid } from "../../session/uuid.js";
import type { Db, Queryable } from "../../storage/db.js";
import { txRetry } from "../../storage/db-errors.js";
import { batchTimes } from "../storage/clock.js";

export interface WalletDeps {
  db: Db;
  log: Logger;
}

export interface WalletUpdate {
  userId: string;
  /** Deltas per currency: integers (negative to spend). */
  changeset: Readonly<Record<string, number | bigint>>;
  /** Ledger metadata: a JSON object as text. Default "{}". */
  metadata?: string;
}

export interface WalletUpdateResult {
  userId: string;
  /** The wallet after the update. */
  updated: Record<string, number>;
  /** The wallet before it. */
  previous: Record<string, number>;
}

const INT64_MAX = (1n << 63n) - 1n;

/** Nakama's runtime.WalletNegativeError: the whole update is refused. */
export class WalletNegativeError extends GameError {
  readonly userId: string;
  readonly path: string;
  readonly current: bigint;
  readonly amount: bigint;
  constructor(userId: string, path: string, current: bigint, amount: bigint) {
    super(Code.FAILED_PRECONDITION, `wallet update rejected negative value at path '${path}'`);
    this.name = "WalletNegativeError";
    this.userId = userId;
    this.path = path;
    this.current = current;
    this.amount = amount;
  }
}

function toNumbers(w: ReadonlyMap<string, bigint>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of w) out[k] = Number(v);
  return out;
}

/** JSON text of a wallet or changeset, exact for any int64. */
function walletJson(w: ReadonlyMap<string, bigint>): string {
  return `{${[...w].map(([k, v]) => `${JSON.stringify(k)}:${v.toString()}`).join(",")}}`;
}

function delta(v: number | bigint, userId: string, key: string): bigint {
  if (typeof v === "bigint") return v;
  if (!Number.isSafeInteger(v)) throw new GameError(Code.INVALID_ARGUMENT, `expects changeset values to be integers (user ${userId}, '${key}')`);
  return BigInt(v);
}

interface WalletRow {
  id: string;
  keys: string[];
  vals: string[];
}

/** Locks and reads the wallets of these users; users that do not exist are absent. */
async function lockWallets(q: Queryable, userIds: readonly string[]): Promise<Map<string, Map<string, bigint>>> {
  const { rows } = await q.query<WalletRow>(
    `SELECT id,
       array(SELECT key FROM jsonb_each(wallet) ORDER BY key) AS keys,
       array(SELECT value::text FROM jsonb_each(wallet) ORDER BY key) AS vals
     FROM users WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [[...new Set(userIds)]],
  );
  const out = new Map<string, Map<string, bigint>>();
  for (const r of rows) {
    const w = new Map<string, bigint>();
    r.keys.forEach((k, i) => {
      const text = r.vals[i];
      if (!/^-?\d+$/.test(text)) throw new GameError(Code.INTERNAL, `Error converting user wallet: '${k}' is not an integer.`);
      w.set(k, BigInt(text));
    });
    out.set(r.id, w);
  }
  return out;
}

/**
 * Applies wallet updates inside the caller's transaction (multi-update uses this). Updates for users
 * that do not exist are skipped (no result). Several updates of one user apply in order.
 * Throws WalletNegativeError when a balance would go below zero; the caller's transaction must roll back.
 */
export async function updateWalletsTx(q: Queryable, updates: readonly WalletUpdate[], updateLedger: boolean): Promise<WalletUpdateResult[]> {
  if (updates.length === 0) return [];
  const wallets = await lockWallets(q, updates.map((u) => u.userId));
  const results: WalletUpdateResult[] = [];
  const ledger: Array<{ userId: string; changeset: string; metadata: string }> = [];
  for (const u of updates) {
    const w = wallets.get(u.userId);
    if (w === undefined) continue;
    const previous = toNumbers(w);
    const changes = new Map<string, bigint>();
    for (const [k, v] of Object.entries(u.changeset)) {
      const d = delta(v, u.userId, k);
      const current = w.get(k) ?? 0n;
      const next = current + d;
      if (next < 0n) throw new WalletNegativeError(u.userId, k, current, d);
      if (next > INT64_MAX) throw new GameError(Code.INVALID_ARGUMENT, `wallet update overflows int64 at path '${k}'`);
      w.set(k, next);
      changes.set(k, d);
    }
    results.push({ userId: u.userId, updated: toNumbers(w), previous });
    if (updateLedger) ledger.push({ userId: u.userId, changeset: walletJson(changes), metadata: u.metadata ?? "{}" });
  }
  for (const [userId, w] of [...wallets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    await q.query("UPDATE users SET update_time = now(), wallet = $2::jsonb WHERE id = $1", [userId, walletJson(w)]);
  }
  if (ledger.length > 0) {
    await q.query(
      `INSERT INTO wallet_ledger (id, user_id, changeset, metadata, create_time, update_time)
       SELECT id, user_id, changeset, metadata, t, t
       FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::jsonb[], $5::timestamptz[]) AS x(id, user_id, changeset, metadata, t)`,
      [
        ledger.map(() => newUuid()), ledger.map((l) => l.userId), ledger.map((l) => l.changeset), ledger.map((l) => l.metadata),
        batchTimes(ledger.map((l) => l.userId)),
      ],
    );
  }
  return results;
}

/** Applies wallet updates, all or nothing, in their own transaction. */
export async function updateWallets(deps: WalletDeps, updates: readonly WalletUpdate[], updateLedger: boolean): Promise<WalletUpdateResult[]> {
  if (updates.length === 0) return [];
  try {
    return await txRetry(deps.db, (q) => updateWalletsTx(q, updates, updateLedger), { isolation: "read committed" });
  } catch (err) {
    if (err instanceof GameError) throw err;
    deps.log.error({ err }, "Error updating wallets.");
    throw new GameError(Code.INTERNAL, "Error updating wallets.", { cause: err });
  }
}
