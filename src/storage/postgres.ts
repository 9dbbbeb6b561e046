// Owns the PostgreSQL adapter: the Db port over a `pg` Pool (size = database.max_open_conns, connections
// recycled after database.conn_max_lifetime_ms; session settings come from the address's `?options=`).
// A transaction holds one pooled client from BEGIN to COMMIT/ROLLBACK. `pg`'s default value types are
// already the port's contract; its parameter quirks are
// neutralised by params.ts, and single statements use the extended protocol like PGlite does.
import { Pool } from "pg";
import type { PoolClient, PoolConfig, QueryConfig, QueryResult as PgResult } from "pg";
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import { describeAddress, parseAddress } from "./address.js";
import type { DbAddress } from "./address.js";
import type { Db, DbStats, Queryable, QueryResult, TxOptions } from "./db.js";
import { toDbError } from "./db-errors.js";
import { toParams } from "./params.js";
import { abortedCommitError, beginStatement, closedError, txScope } from "./tx-scope.js";

export interface OpenPostgresOptions {
  address: string;
  maxOpenConns: number;
  connMaxLifetimeMs: number;
  connectTimeoutMs: number;
  log: Logger;
}

function sslOption(a: DbAddress): PoolConfig["ssl"] {
  switch (a.sslmode) {
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
    case "verify-full":
      return true;
    default:
      return false;
  }
}

function poolConfig(a: DbAddress, o: OpenPostgresOptions): PoolConfig {
  return {
    host: a.host,
    port: a.port,
    user: a.user,
    password: a.password,
    database: a.database,
    ssl: sslOption(a),
    options: a.options,
    application_name: a.applicationName ?? "troupe",
    max: Math.max(1, o.maxOpenConns),
    maxLifetimeSeconds: o.connMaxLifetimeMs > 0 ? Math.max(1, Math.round(o.connMaxLifetimeMs / 1000)) : 0,
    connectionTimeoutMillis: o.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  };
}

function toResult<R>(r: PgResult): QueryResult<R> {
  return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
}

interface PgRunner {
  query(config: QueryConfig | string): Promise<PgResult>;
}

/** How many distinct statement texts get a server-side prepared statement (per pool; each connection prepares
 * a name the first time it runs it). Texts beyond this run unnamed: dynamically built SQL cannot grow it. */
const PREPARED_LIMIT = 2000;

/** Gives each statement text a stable name so every connection parses and plans it once and then only binds:
 * this halves PostgreSQL's CPU for the short statements hot paths run (auth, storage, leaderboards). */
export class StatementNames {
  private readonly names = new Map<string, string>();
  constructor(private readonly limit = PREPARED_LIMIT) {}
  nameFor(sql: string): string | undefined {
    let name = this.names.get(sql);
    if (name === undefined && this.names.size < this.limit) {
      name = `troupe_${this.names.size.toString(36)}`;
      this.names.set(sql, name);
    }
    return name;
  }
}

/** Statements on a pool or on one client, with our parameter rules and error mapping. */
function queryable(runner: PgRunner, names: StatementNames): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      // queryMode "extended": one statement only, exactly like PGlite (pg would otherwise use the simple
      // protocol for parameterless SQL and accept several statements).
      const config = { text: sql, values: toParams(params), queryMode: "extended", name: names.nameFor(sql) } as QueryConfig;
      try {
        return toResult<R>(await runner.query(config));
      } catch (err) {
        throw toDbError(err);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await runner.query(sql);
      } catch (err) {
        throw toDbError(err);
      }
    },
  };
}

/** Opens the pool and proves it with one round trip; failure → GameError(UNAVAILABLE) naming the address. */
export async function openPostgres(o: OpenPostgresOptions): Promise<PostgresDb> {
  const address = parseAddress(o.address);
  const where = describeAddress(address);
  const pool = new Pool(poolConfig(address, o));
  // Without a listener, an idle client's network error would crash the process.
  pool.on("error", (err) => o.log.warn({ err, address: where }, "idle PostgreSQL connection failed"));
  const started = performance.now();
  try {
    await pool.query("SELECT 1");
  } catch (err) {
    await pool.end().catch(() => undefined);
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new GameError(Code.UNAVAILABLE, `cannot connect to database ${where}: ${reason}`, { cause: err });
  }
  o.log.info({ address: where, maxOpenConns: o.maxOpenConns, ms: Math.round(performance.now() - started) }, "PostgreSQL database ready");
  return new PostgresDb(pool, o.log, where);
}

export class PostgresDb implements Db {
  readonly kind = "postgres" as const;
  private readonly pool: Pool;
  private readonly log: Logger;
  private readonly where: string;
  private readonly direct: Queryable;
  private readonly names = new StatementNames();
  private closed = false;

  constructor(pool: Pool, log: Logger, where: string) {
    this.pool = pool;
    this.log = log;
    this.where = where;
    this.direct = queryable(pool, this.names);
  }

  async query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    if (this.closed) throw closedError();
    return this.direct.query<R>(sql, params);
  }

  async exec(sql: string): Promise<void> {
    if (this.closed) throw closedError();
    return this.direct.exec(sql);
  }

  async tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T> {
    if (this.closed) throw closedError();
    const begin = beginStatement(opts);
    const client = await this.connect();
    const onClient = queryable(client, this.names);
    let broken: Error | undefined;
    try {
      await onClient.exec(begin);
      const scope = txScope(onClient);
      let result: T;
      try {
        result = await fn(scope.q);
      } catch (err) {
        scope.end();
        broken = await this.rollback(client);
        throw err;
      }
      scope.end();
      const commit = await client.query("COMMIT").catch((err: unknown) => {
        throw toDbError(err);
      });
      if (commit.command === "ROLLBACK") throw abortedCommitError();
      return result;
    } finally {
      // A client whose ROLLBACK failed may still be inside a transaction: destroy it, never reuse it.
      client.release(broken);
    }
  }

  private async connect(): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
      throw new GameError(Code.UNAVAILABLE, `cannot connect to database ${this.where}: ${reason}`, { cause: err });
    }
  }

  private async rollback(client: PoolClient): Promise<Error | undefined> {
    try {
      await client.query("ROLLBACK");
      return undefined;
    } catch (err) {
      this.log.error({ err, address: this.where }, "PostgreSQL ROLLBACK failed; dropping the connection");
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  stats(): DbStats {
    const open = this.pool.totalCount;
    const idle = this.pool.idleCount;
    return { maxOpen: this.pool.options.max, open, inUse: open - idle, idle, waiting: this.pool.waitingCount };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
    this.log.info({ address: this.where }, "PostgreSQL database closed");
  }
}
