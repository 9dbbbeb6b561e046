// Owns the database port: the `Db` interface every other module talks to, and `openDb`, which picks the
// adapter (embedded PGlite when `database.address` is empty, PostgreSQL via a `pg` pool otherwise).
//
// The contract both adapters keep (src/storage/db.conformance.test.ts proves it against both):
// - Result values: INT8/BIGINT and NUMERIC → string, INT2/INT4/FLOAT → number, BOOL → boolean,
//   TIMESTAMPTZ → Date, JSON/JSONB → parsed value, UUID/TEXT/VARCHAR → string, BYTEA → Buffer,
//   arrays → arrays of those. (Avoid DATE/TIMESTAMP without time zone/INTERVAL: drivers differ.)
// - Parameters: see params.ts (arrays are Postgres arrays; objects are JSON; pass JSON arrays as strings).
// - `query` runs exactly one statement; `exec` runs a parameterless script of many.
// - Failed statements throw DbError (db-errors.ts) carrying the SQLSTATE.
// - `tx` commits when `fn` resolves, rolls back when it throws; a COMMIT that the server turned into a
//   ROLLBACK (an earlier statement failed and `fn` swallowed the error) throws DbError 25P02.
// - A transaction's Queryable is dead once `tx` settles. Never await `db.query` inside `db.tx`: on PGlite
//   (one connection) it waits for the transaction it is part of, forever; use the `q` you were given.
import type { Logger } from "../log.js";

export interface QueryResult<R> {
  rows: R[];
  /** Rows returned (SELECT) or affected (INSERT/UPDATE/DELETE); 0 for other statements. */
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of one or more statements without parameters (DDL, migrations). */
  exec(sql: string): Promise<void>;
}

export type Isolation = "read committed" | "repeatable read" | "serializable";

export interface TxOptions {
  /** Default "read committed" (PostgreSQL's default). PGlite runs one transaction at a time, so every level
   * behaves as serializable there and a serialization failure never happens. */
  isolation?: Isolation;
}

export interface DbStats {
  maxOpen: number;
  open: number;
  inUse: number;
  idle: number;
  waiting: number;
}

export interface Db extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Runs `fn` in one transaction on one connection: commit on resolve, rollback on throw. */
  tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T>;
  /** Connection pool figures, for metrics. */
  stats(): DbStats;
  /** Waits for running work, then closes connections (PGlite: checkpoints and shuts down). */
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** `database.address`: empty → embedded PGlite; otherwise the first entry is used (URL or short form). */
  address: readonly string[];
  /** Where PGlite keeps its data: `<dataDir>/troupe-db`. */
  dataDir: string;
  /** PGlite only: keep everything in memory (tests, throwaway servers). */
  inMemory?: boolean;
  /** PostgreSQL pool size (`database.max_open_conns`). */
  maxOpenConns: number;
  /** `database.conn_max_lifetime_ms`; 0 = unlimited. */
  connMaxLifetimeMs: number;
  log: Logger;
  /** PGlite only: where the initialised data-dir template is cached (default: node_modules/.cache/troupe-pglite,
   * falling back to <os tmpdir>/troupe-pglite). */
  pgliteCacheDir?: string;
  /** PostgreSQL only: how long to wait for a connection (default 10000 ms). */
  connectTimeoutMs?: number;
}

/** Opens the database the options describe. Connection failure → GameError(UNAVAILABLE) naming the address. */
export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.address.length === 0) {
    const { openPglite } = await import("./pglite.js");
    return openPglite({
      dataDir: opts.dataDir,
      inMemory: opts.inMemory ?? false,
      log: opts.log,
      cacheDir: opts.pgliteCacheDir,
    });
  }
  if (opts.address.length > 1) {
    opts.log.warn({ addresses: opts.address.length }, "database.address has several entries; using the first");
  }
  const { openPostgres } = await import("./postgres.js");
  return openPostgres({
    address: opts.address[0],
    maxOpenConns: opts.maxOpenConns,
    connMaxLifetimeMs: opts.connMaxLifetimeMs,
    connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
    log: opts.log,
  });
}
