// Owns the one error shape both database adapters throw for a failed statement (DbError, carrying the
// SQLSTATE), the predicates domain code uses to turn them into API errors, and the retry helper for
// transactions that lose a serialization race.
import type { Db, Queryable, TxOptions } from "./db.js";

/** SQLSTATE codes domain code cares about. https://www.postgresql.org/docs/current/errcodes-appendix.html */
export const SqlState = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  notNullViolation: "23502",
  checkViolation: "23514",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
  inFailedTransaction: "25P02",
  undefinedTable: "42P01",
  invalidTextRepresentation: "22P02",
  numericValueOutOfRange: "22003",
  stringDataRightTruncation: "22001",
} as const;

export interface DbErrorFields {
  /** SQLSTATE, e.g. "23505". */
  code: string;
  constraint?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  detail?: string | undefined;
}

/** A statement the database refused. `message` is the server's message; `code` its SQLSTATE. */
export class DbError extends Error {
  readonly code: string;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly detail: string | undefined;
  constructor(message: string, fields: DbErrorFields, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DbError";
    this.code = fields.code;
    this.constraint = fields.constraint;
    this.table = fields.table;
    this.column = fields.column;
    this.detail = fields.detail;
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * Turns a driver error into a DbError when it carries a SQLSTATE (both `pg` and PGlite expose the server's
 * ErrorResponse fields under the same names); anything else (network errors, our own errors) is returned as is.
 */
export function toDbError(err: unknown): unknown {
  if (err instanceof DbError || !(err instanceof Error)) return err;
  const e = err as Error & Record<string, unknown>;
  const code = str(e.code);
  // A server ErrorResponse always has a severity; Node's network errors (code "EPIPE"…) do not.
  if (code === undefined || str(e.severity) === undefined || !/^[0-9A-Z]{5}$/.test(code)) return err;
  return new DbError(e.message, {
    code,
    constraint: str(e.constraint),
    table: str(e.table),
    column: str(e.column),
    detail: str(e.detail),
  }, { cause: err });
}

export function isDbError(err: unknown, code?: string): err is DbError {
  return err instanceof DbError && (code === undefined || err.code === code);
}

/** True for a unique violation, optionally only on the named constraint (e.g. "users_username_key"). */
export function isUniqueViolation(err: unknown, constraint?: string): err is DbError {
  return isDbError(err, SqlState.uniqueViolation) && (constraint === undefined || err.constraint === constraint);
}

export function isForeignKeyViolation(err: unknown): err is DbError {
  return isDbError(err, SqlState.foreignKeyViolation);
}

export function isCheckViolation(err: unknown, constraint?: string): err is DbError {
  return isDbError(err, SqlState.checkViolation) && (constraint === undefined || err.constraint === constraint);
}

/** Serialization failure or deadlock: the transaction lost a race and may simply be run again. */
export function isRetryable(err: unknown): err is DbError {
  return isDbError(err, SqlState.serializationFailure) || isDbError(err, SqlState.deadlockDetected);
}

export interface RetryOptions extends TxOptions {
  /** Total attempts including the first (default 5). */
  attempts?: number;
  /** Called before each retry with the attempt number that failed (1-based); for logging/metrics. */
  onRetry?: (attempt: number, err: DbError) => void;
}

/**
 * Runs `fn` in a transaction (serializable by default) and runs it again, from scratch, when it fails with
 * a serialization failure or deadlock; other errors and the last failure are thrown. `fn` must therefore
 * have no side effects outside the transaction. Retries start immediately: the winner has already
 * committed, and a back-off would only add latency here.
 */
export async function txRetry<T>(db: Db, fn: (q: Queryable) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 5);
  const isolation = opts.isolation ?? "serializable";
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.tx(fn, { isolation });
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      opts.onRetry?.(attempt, err);
    }
  }
}
