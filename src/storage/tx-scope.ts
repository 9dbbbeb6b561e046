// Owns what both adapters share around transactions: the BEGIN statement for an isolation level, the
// transaction-scoped Queryable that dies when its transaction settles, and the errors for a closed database
// and for a COMMIT that the server turned into a ROLLBACK.
import { Code, GameError } from "../errors.js";
import type { Isolation, Queryable, QueryResult, TxOptions } from "./db.js";
import { DbError, SqlState } from "./db-errors.js";

const beginByIsolation: Record<Isolation, string> = {
  "read committed": "BEGIN ISOLATION LEVEL READ COMMITTED",
  "repeatable read": "BEGIN ISOLATION LEVEL REPEATABLE READ",
  serializable: "BEGIN ISOLATION LEVEL SERIALIZABLE",
};

export function beginStatement(opts: TxOptions | undefined): string {
  const isolation = opts?.isolation;
  if (isolation === undefined) return "BEGIN";
  const sql = beginByIsolation[isolation] as string | undefined;
  if (sql === undefined) throw new TypeError(`unknown isolation level "${String(isolation)}"`);
  return sql;
}

export function closedError(): GameError {
  return new GameError(Code.UNAVAILABLE, "database is closed");
}

/** COMMIT answered ROLLBACK: a statement failed inside the transaction and `fn` swallowed the error. */
export function abortedCommitError(cause?: unknown): DbError {
  return new DbError(
    "transaction rolled back at COMMIT: an earlier statement failed inside it",
    { code: SqlState.inFailedTransaction },
    cause === undefined ? undefined : { cause },
  );
}

export interface TxScope {
  q: Queryable;
  /** After this, every call on `q` throws: its connection is no longer this transaction's. */
  end(): void;
}

export function txScope(inner: Queryable): TxScope {
  let ended = false;
  const check = (): void => {
    if (ended) throw new GameError(Code.INTERNAL, "transaction already finished: its Queryable was used after db.tx settled");
  };
  const q: Queryable = {
    async query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      check();
      return inner.query<R>(sql, params);
    },
    async exec(sql: string): Promise<void> {
      check();
      return inner.exec(sql);
    },
  };
  return { q, end: () => void (ended = true) };
}
