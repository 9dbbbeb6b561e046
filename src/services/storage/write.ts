// Owns writing storage objects: one plain statement per object (last-write-wins upsert, if-match
// update or create-only insert) returning the written row; when nothing was written, a second look at
// the row tells the refusal's reason (permission vs version). Batches are all or nothing.
//
// Races: every statement is a single atomic row operation. An if-match UPDATE that waits on a concurrent
// writer re-checks `version = $8` against the committed row (READ COMMITTED re-evaluation), so of N
// concurrent writes carrying the same version exactly one matches. A create-only INSERT that collides
// with a concurrent insert waits for it and then does nothing (no row returned = rejected). The look
// that names a refusal's reason may see a later row state; it only picks the message. Batches run in
// one transaction in (collection, key, owner) order so two batches never wait on each other's rows in
// opposite orders; a deadlock or serialization failure anyway re-runs the batch from scratch.
// Batches of distinct objects first try the one-statement path (write-batch.ts); this per-object path
// is the fallback that also names the refused object's reason.
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import type { Queryable } from "../../storage/db.js";
import { isDbError, isRetryable, txRetry } from "../../storage/db-errors.js";
import { byObjectId, rejected, storageVersion, StorageText, type StorageDeps, type StorageWriteOp } from "./types.js";
import { Coalescer, outcomeOf, type Outcome } from "../../lib/coalesce.js";
import { distinctObjects, writeBatchStatement } from "./write-batch.js";
import { writtenObjects } from "./index-core.js";

export { storageVersion } from "./types.js";

const RETURNING = "RETURNING version, create_time, update_time";

const INSERT = `INSERT INTO storage (collection, key, user_id, value, version, read, write, create_time, update_time)
  VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now())`;

const lastWriteWins = (writeCheck: string): string => `${INSERT}
  ON CONFLICT (collection, key, user_id) DO UPDATE
    SET value = EXCLUDED.value, version = EXCLUDED.version, read = EXCLUDED.read, write = EXCLUDED.write, update_time = now()
    WHERE TRUE${writeCheck} ${RETURNING}`;

const ifMatch = (writeCheck: string): string => `UPDATE storage SET value = $4, version = $5, read = $6, write = $7, update_time = now()
  WHERE collection = $1 AND key = $2 AND user_id = $3 AND version = $8${writeCheck} ${RETURNING}`;

const CREATE_ONLY = `${INSERT} ON CONFLICT (collection, key, user_id) DO NOTHING ${RETURNING}`;

/** Statements by [authoritative][mode]; client writes also need the stored row's write = 1. */
const SQL = {
  client: { lww: lastWriteWins(" AND storage.write = 1"), match: ifMatch(" AND write = 1"), create: CREATE_ONLY },
  runtime: { lww: lastWriteWins(""), match: ifMatch(""), create: CREATE_ONLY },
} as const;

interface WriteRow {
  version: string;
  create_time: Date;
  update_time: Date;
}

/** The refusal for an object that was not written: permission when a client met write != 1. */
async function refusal(q: Queryable, op: StorageWriteOp, authoritative: boolean): Promise<GameError> {
  if (authoritative || op.version === "*") return rejected(StorageText.rejectedVersion);
  const { rows } = await q.query<{ write: number }>(
    "SELECT write FROM storage WHERE collection = $1 AND key = $2 AND user_id = $3",
    [op.collection, op.key, op.ownerId],
  );
  const row = rows[0];
  return rejected(row !== undefined && row.write !== 1 ? StorageText.rejectedPermission : StorageText.rejectedVersion);
}

/** Writes one object on `q`; throws the rejection GameError when its condition or permission fails. */
async function writeOne(q: Queryable, op: StorageWriteOp, authoritative: boolean): Promise<api.StorageObjectAck> {
  const set = authoritative ? SQL.runtime : SQL.client;
  const params: unknown[] = [op.collection, op.key, op.ownerId, op.value, storageVersion(op.value), op.permissionRead, op.permissionWrite];
  let sql: string;
  if (op.version === "") sql = set.lww;
  else if (op.version === "*") sql = set.create;
  else {
    sql = set.match;
    params.push(op.version);
  }
  const { rows } = await q.query<WriteRow>(sql, params);
  const row = rows[0];
  if (row === undefined) throw await refusal(q, op, authoritative);
  return {
    collection: op.collection,
    key: op.key,
    version: row.version,
    user_id: op.ownerId,
    create_time: row.create_time,
    update_time: row.update_time,
  };
}

/**
 * Writes a batch inside the caller's transaction (multi-update uses this), in lock order; acks come
 * back in the order of `ops`. Throws on the first refusal, leaving the transaction to be rolled back.
 */
export async function writeObjectsTx(q: Queryable, ops: readonly StorageWriteOp[], authoritative: boolean): Promise<api.StorageObjectAck[]> {
  const order = ops.map((op, i) => ({ ...op, i })).sort(byObjectId);
  const acks: api.StorageObjectAck[] = new Array<api.StorageObjectAck>(ops.length);
  for (const op of order) acks[op.i] = await writeOne(q, op, authoritative);
  return acks;
}

/** Wraps a database failure the way Nakama reports it (INTERNAL with a fixed text), logging it once. */
export function internal(deps: StorageDeps, message: string, err: unknown, what: string): GameError {
  if (err instanceof GameError) return err;
  deps.log.error({ err }, what);
  return new GameError(Code.INTERNAL, message, { cause: err });
}

/** One request's write as its own statement(s), errors mapped as writeObjects reports them. */
async function writeAlone(deps: StorageDeps, ops: readonly StorageWriteOp[], authoritative: boolean): Promise<api.StorageObjectAck[]> {
  try {
    if (ops.length === 1) return [await writeOne(deps.db, ops[0], authoritative)];
    if (distinctObjects(ops)) {
      try {
        const acks = await writeBatchStatement(deps.db, ops, authoritative);
        if (acks !== null) return acks;
      } catch (err) {
        if (!isRetryable(err)) throw err;
      }
    }
    return await txRetry(deps.db, (q) => writeObjectsTx(q, ops, authoritative), { isolation: "read committed" });
  } catch (err) {
    if (err instanceof GameError) {
      deps.log.debug({ err: err.message }, "storage write rejected");
      throw err;
    }
    throw internal(deps, StorageText.writeFailed, err, isDbError(err) ? "could not write storage objects" : "storage write failed");
  }
}

/**
 * Several client requests' writes as one batch statement when their objects are distinct; when that
 * statement writes nothing (some object refused, a lost deadlock, any error), each request runs alone,
 * so every request gets exactly the outcome it would have had by itself.
 */
async function writeGroup(deps: StorageDeps, requests: ReadonlyArray<readonly StorageWriteOp[]>): Promise<Array<Outcome<api.StorageObjectAck[]>>> {
  if (requests.length > 1) {
    const all = requests.flat();
    if (distinctObjects(all)) {
      const acks = await writeBatchStatement(deps.db, all, false).catch(() => null);
      if (acks !== null) {
        let at = 0;
        return requests.map((ops) => {
          const value = acks.slice(at, at + ops.length);
          at += ops.length;
          return { ok: true, value };
        });
      }
    }
  }
  return Promise.all(requests.map((ops) => outcomeOf(() => writeAlone(deps, ops, false))));
}

/** Statements of client writes running at once before further writes wait and go together. */
const WRITES_IN_FLIGHT = 4;
/** Most objects in one grouped write. */
const GROUP_OBJECTS = 512;

/** The client write coalescer a long-lived storage core keeps (see coalesce.ts). */
export function writeCoalescer(deps: StorageDeps): Coalescer<StorageWriteOp[], api.StorageObjectAck[]> {
  return new Coalescer<StorageWriteOp[], api.StorageObjectAck[]>((requests) => writeGroup(deps, requests), WRITES_IN_FLIGHT, GROUP_OBJECTS);
}

/**
 * Writes objects, all or nothing. `authoritative` (runtime / nk calls) skips the stored write
 * permission. A single object is one statement; a batch of distinct objects is one statement too,
 * falling back to one transaction of per-object statements when it is refused or loses a deadlock.
 * Client writes go through the deps' write coalescer when there is one. Once committed, the deps'
 * storage indexes (if any) take the written objects before the acks are returned.
 */
export async function writeObjects(
  deps: StorageDeps,
  ops: readonly StorageWriteOp[],
  opts: { authoritative: boolean },
): Promise<api.StorageObjectAck[]> {
  if (ops.length === 0) return [];
  const index = deps.index;
  if (index?.active !== true) return writeCommitted(deps, ops, opts.authoritative);
  const acks = await writeCommitted(deps, ops, opts.authoritative);
  await index.written(writtenObjects(ops, acks));
  return acks;
}

/** The write itself (writeObjects without telling the indexes). */
async function writeCommitted(deps: StorageDeps, ops: readonly StorageWriteOp[], authoritative: boolean): Promise<api.StorageObjectAck[]> {
  if (authoritative || deps.writes === undefined) return writeAlone(deps, ops, authoritative);
  try {
    return await deps.writes.submit([...ops], ops.length);
  } catch (err) {
    throw internal(deps, StorageText.writeFailed, err, "storage write failed");
  }
}
