// Owns the embedded adapter: the Db port over one PGlite instance. PGlite is a single connection, so one
// FIFO mutex orders all work: a plain query holds it for one statement, a transaction for its whole life
// (statements of concurrent transactions never interleave, and no plain query runs inside someone else's
// transaction). Also owns the maintenance PGlite's single-user Postgres never does on its own: CHECKPOINT
// when WAL since the last one exceeds a budget (else WAL grows without bound, in memory when in-memory) and
// a periodic VACUUM ANALYZE after writes (no autovacuum: dead rows and missing planner statistics).
import type { PGlite, Results } from "@electric-sql/pglite";
import type { Logger } from "../log.js";
import type { Db, DbStats, Queryable, QueryResult, TxOptions } from "./db.js";
import { toDbError } from "./db-errors.js";
import { Mutex } from "./mutex.js";
import { toParams } from "./params.js";
import { defaultCacheDirs } from "./pglite-template.js";
import { startPglite } from "./pglite-open.js";
import type { StartedHow } from "./pglite-open.js";
import { abortedCommitError, beginStatement, closedError, txScope } from "./tx-scope.js";

export interface PgliteMaintenance {
  /** How often to look at WAL size (default 30 s). 0 disables all timers (tests call `maintain()`). */
  checkEveryMs: number;
  /** CHECKPOINT once this much WAL has accumulated since the last one (default 32 MB). */
  walBudgetBytes: number;
  /** VACUUM ANALYZE at most this often, and only after writes (default 10 min). */
  vacuumEveryMs: number;
}

export interface OpenPgliteOptions {
  dataDir: string;
  inMemory: boolean;
  log: Logger;
  /** Template cache directory; default: defaultCacheDirs() (node_modules/.cache, then the OS temp dir). */
  cacheDir?: string | undefined;
  maintenance?: Partial<PgliteMaintenance>;
}

const defaultMaintenance: PgliteMaintenance = {
  checkEveryMs: 30_000,
  walBudgetBytes: 32 * 1024 * 1024,
  vacuumEveryMs: 10 * 60_000,
};

const dmlCommands = new Set(["INSERT", "UPDATE", "DELETE", "MERGE", "COPY"]);

function toResult<R>(r: Results<R>): QueryResult<R> {
  const affected = r.command !== undefined && dmlCommands.has(r.command.toUpperCase());
  return { rows: r.rows, rowCount: affected ? (r.affectedRows ?? 0) : r.rows.length };
}

export async function openPglite(o: OpenPgliteOptions): Promise<PgliteDb> {
  const started = performance.now();
  const { pg, how } = await startPglite({
    dataDir: o.dataDir,
    inMemory: o.inMemory,
    cacheDirs: o.cacheDir === undefined ? defaultCacheDirs() : [o.cacheDir],
    log: o.log,
  });
  const ms = Math.round(performance.now() - started);
  o.log.info({ how, ms, inMemory: o.inMemory, dataDir: o.inMemory ? undefined : o.dataDir }, "PGlite database ready");
  return new PgliteDb(pg, o.log, { ...defaultMaintenance, ...o.maintenance }, { how, ms });
}

/**
 * Makes sure an initialised template is cached (runs initdb once if not), so that every later fresh start
 * takes ≈0.7 s instead of ≈4 s. Meant for install or image-build steps (`troupe` could expose it as a
 * command); returns how the throwaway instance started ("template" = it was already cached).
 */
export async function ensurePgliteTemplate(o: { log: Logger; cacheDir?: string }): Promise<StartedHow> {
  const db = await openPglite({ dataDir: "", inMemory: true, log: o.log, cacheDir: o.cacheDir, maintenance: { checkEveryMs: 0 } });
  await db.close();
  return db.started.how;
}

export class PgliteDb implements Db {
  readonly kind = "pglite" as const;
  /** How this instance started (resumed a data dir, loaded the cached template, or ran initdb) and how long it took. */
  readonly started: { how: StartedHow; ms: number };
  private readonly pg: PGlite;
  private readonly log: Logger;
  private readonly lock: Mutex;
  private readonly raw: Queryable;
  private readonly maint: PgliteMaintenance;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private maintaining = false;
  private lastVacuumAt = Date.now();
  private lastVacuumLsn = "";

  constructor(pg: PGlite, log: Logger, maint: PgliteMaintenance, started: { how: StartedHow; ms: number }) {
    this.pg = pg;
    this.started = started;
    this.log = log;
    this.maint = maint;
    this.lock = new Mutex({
      slowWaitMs: 5000,
      onSlowWait: (waitedMs, queued) =>
        log.warn({ waitedMs, queued }, "PGlite query waiting for the connection (is db.query awaited inside db.tx?)"),
    });
    // Statements issued while the lock is already held (by us, or by the transaction that owns it).
    this.raw = {
      query: async <R>(sql: string, params?: readonly unknown[]) => {
        try {
          return toResult(await this.pg.query<R>(sql, toParams(params)));
        } catch (err) {
          throw toDbError(err);
        }
      },
      exec: async (sql: string) => {
        try {
          await this.pg.exec(sql);
        } catch (err) {
          throw toDbError(err);
        }
      },
    };
    if (maint.checkEveryMs > 0) {
      this.timer = setInterval(() => void this.maintain().catch((err: unknown) => this.log.warn({ err }, "PGlite maintenance failed")), maint.checkEveryMs);
      this.timer.unref();
    }
  }

  async query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    if (this.closed) throw closedError();
    return this.lock.run(() => this.raw.query<R>(sql, params));
  }

  async exec(sql: string): Promise<void> {
    if (this.closed) throw closedError();
    return this.lock.run(() => this.raw.exec(sql));
  }

  async tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T> {
    if (this.closed) throw closedError();
    const begin = beginStatement(opts);
    return this.lock.run(async () => {
      await this.raw.exec(begin);
      const scope = txScope(this.raw);
      let result: T;
      try {
        result = await fn(scope.q);
      } catch (err) {
        scope.end();
        await this.rollback();
        throw err;
      }
      scope.end();
      await this.commit();
      return result;
    });
  }

  private async commit(): Promise<void> {
    let r: Results;
    try {
      r = await this.pg.query("COMMIT");
    } catch (err) {
      // PGlite reports a COMMIT of an aborted transaction as TransactionAbortedError (no SQLSTATE).
      const mapped = toDbError(err);
      if (mapped === err && err instanceof Error && err.name === "TransactionAbortedError") throw abortedCommitError(err);
      throw mapped;
    }
    if (r.command?.toUpperCase() === "ROLLBACK") throw abortedCommitError();
  }

  private async rollback(): Promise<void> {
    try {
      await this.pg.exec("ROLLBACK");
    } catch (err) {
      this.log.error({ err }, "PGlite ROLLBACK failed");
    }
  }

  stats(): DbStats {
    const open = this.closed ? 0 : 1;
    const inUse = this.lock.locked ? 1 : 0;
    return { maxOpen: 1, open, inUse, idle: open - inUse, waiting: this.lock.waiting };
  }

  /**
   * One maintenance round: CHECKPOINT if WAL since the last checkpoint exceeds the budget; VACUUM ANALYZE
   * (then CHECKPOINT) if the vacuum interval has passed and anything was written since the last one.
   * Runs under the lock like any statement; skipped while a previous round is still running.
   */
  async maintain(opts: { vacuum?: boolean } = {}): Promise<{ checkpoint: boolean; vacuum: boolean }> {
    if (this.closed || this.maintaining) return { checkpoint: false, vacuum: false };
    this.maintaining = true;
    try {
      return await this.lock.run(async () => {
        const { rows } = await this.raw.query<{ lsn: string; wal: string }>(
          "SELECT pg_current_wal_lsn()::text AS lsn, pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::int8 AS wal FROM pg_control_checkpoint()",
        );
        const { lsn, wal } = rows[0];
        const due = Date.now() - this.lastVacuumAt >= this.maint.vacuumEveryMs;
        const vacuum = (opts.vacuum ?? due) && lsn !== this.lastVacuumLsn;
        if (vacuum) {
          await this.raw.exec("VACUUM (ANALYZE)");
          this.lastVacuumAt = Date.now();
        }
        const checkpoint = vacuum || Number(wal) > this.maint.walBudgetBytes;
        if (checkpoint) await this.raw.exec("CHECKPOINT");
        if (vacuum) this.lastVacuumLsn = (await this.raw.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn")).rows[0].lsn;
        if (checkpoint || vacuum) this.log.debug({ walBytes: Number(wal), checkpoint, vacuum }, "PGlite maintenance");
        return { checkpoint, vacuum };
      });
    } finally {
      this.maintaining = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    // Queued work finishes first (FIFO), then Postgres shuts down with a final checkpoint.
    await this.lock.run(() => this.pg.close());
    this.log.info("PGlite database closed");
  }
}
