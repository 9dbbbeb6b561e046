// Owns the storage engine's shared vocabulary: its dependencies, the operation types the core functions
// take (already validated), the permission values, Nakama's rejection texts, and the row → api.StorageObject
// conversion every read path uses (whole-second timestamps, value as PostgreSQL's normalized JSON text).
import { createHash } from "node:crypto";
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import type { Db } from "../../storage/db.js";
import type { Coalescer } from "../../lib/coalesce.js";
import type { IndexedObject, ObjectId } from "./index-core.js";

/** The version of a value: hex MD5 of the text as written (before PostgreSQL normalizes it). */
export function storageVersion(value: string): string {
  return createHash("md5").update(value, "utf8").digest("hex");
}

export interface StorageDeps {
  db: Db;
  log: Logger;
  /** When set, concurrent reads go to the database together (read.ts, storageCore). */
  reads?: Coalescer<ReadRequest, api.StorageObject[]>;
  /** When set, concurrent client writes go to the database together (write.ts, storageCore). */
  writes?: Coalescer<StorageWriteOp[], api.StorageObjectAck[]>;
  /** When set, told of every committed write and delete (the server's storage indexes, indexes.ts). */
  index?: StorageIndexSink;
}

/** What the storage indexes need to hear after a write or delete committed; never throws. */
export interface StorageIndexSink {
  /** False while there is no index: writers then skip building the notifications. */
  readonly active: boolean;
  written(objects: readonly IndexedObject[]): Promise<void>;
  deleted(ids: readonly ObjectId[]): Promise<void>;
}

/** One request's read: its caller (null = runtime read, no rule) and ids. */
export interface ReadRequest {
  callerId: string | null;
  ids: readonly StorageReadId[];
}

/** Read permission: 0 no client read (runtime only), 1 owner only (default), 2 anyone. */
export const PermissionRead = { NO_READ: 0, OWNER_READ: 1, PUBLIC_READ: 2 } as const;
/** Write permission: 0 no client write (runtime only), 1 owner (default). */
export const PermissionWrite = { NO_WRITE: 0, OWNER_WRITE: 1 } as const;

/** One object to write. `version`: "" = last write wins, "*" = only if absent, else must match. */
export interface StorageWriteOp {
  /** Owner (canonical UUID); the system user for server-owned objects. */
  ownerId: string;
  collection: string;
  key: string;
  /** A JSON object, as text. Its MD5 becomes the version. */
  value: string;
  version: string;
  permissionRead: number;
  permissionWrite: number;
}

/** One object to delete. `version` "" = unconditional. */
export interface StorageDeleteOp {
  ownerId: string;
  collection: string;
  key: string;
  version: string;
}

/** One object to read; `ownerId` is the system user for server-owned objects. */
export interface StorageReadId {
  collection: string;
  key: string;
  ownerId: string;
}

/** Fixed texts clients and modules see (nakama-common runtime errors and core_storage.go). */
export const StorageText = {
  rejectedVersion: "Storage write rejected - version check failed.",
  rejectedPermission: "Storage write rejected - permission denied.",
  deleteRejected: "Storage delete rejected - not found, version check failed, or permission denied.",
  malformedCursor: "Malformed cursor was used.",
  writeFailed: "Error writing storage objects.",
  readFailed: "Error reading storage objects.",
  listFailed: "Error listing storage objects.",
  deleteFailed: "Error deleting storage objects.",
} as const;

export function rejected(message: string): GameError {
  return new GameError(Code.INVALID_ARGUMENT, message);
}

/** Whole unix seconds (INT8 text) of a row's times, as reads and listings return them: PostgreSQL formats
 * an integer for far less than a timestamptz (no time-zone conversion), and the server skips parsing
 * timestamp text into a Date for every object (see leaderboard/record-rows.ts for why date_part's floor
 * is exact). `prefix` qualifies the columns (e.g. "s."). */
export function timeColumns(prefix = ""): string {
  return `floor(date_part('epoch', ${prefix}create_time))::INT8 AS create_time, floor(date_part('epoch', ${prefix}update_time))::INT8 AS update_time`;
}

/** The columns every object read selects; `value::text` keeps PostgreSQL's own JSON formatting. */
export const OBJECT_COLUMNS = `collection, key, user_id, value::text AS value, version, read, write, ${timeColumns()}`;

function fromSeconds(unix: string): Date {
  return new Date(Number(unix) * 1000);
}

/** A row of a read by id (read.ts): the columns the id does not already give. */
export interface ReadRow {
  value: string;
  version: string;
  read: number;
  write: number;
  /** Unix seconds (INT8 text, see timeColumns). */
  create_time: string;
  /** Unix seconds (INT8 text). */
  update_time: string;
}

/** A row of a listing or a read by owner: the object's id columns too. */
export interface ObjectRow extends ReadRow {
  collection: string;
  key: string;
  user_id: string;
}

/** A row as Nakama returns objects from reads and listings (timestamps cut to whole seconds). */
export function toStorageObject(r: ObjectRow): api.StorageObject {
  return toReadObject({ collection: r.collection, key: r.key, ownerId: r.user_id }, r);
}

/** The object a read by id found: collection, key and owner are the id's (the statement matched them exactly). */
export function toReadObject(id: StorageReadId, r: ReadRow): api.StorageObject {
  return {
    collection: id.collection,
    key: id.key,
    user_id: id.ownerId,
    value: r.value,
    version: r.version,
    permission_read: r.read,
    permission_write: r.write,
    create_time: fromSeconds(r.create_time),
    update_time: fromSeconds(r.update_time),
  };
}

/** Orders operations by (collection, key, owner) so concurrent batches lock rows in one order. */
export function byObjectId<T extends { collection: string; key: string; ownerId: string }>(a: T, b: T): number {
  if (a.collection !== b.collection) return a.collection < b.collection ? -1 : 1;
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  if (a.ownerId !== b.ownerId) return a.ownerId < b.ownerId ? -1 : 1;
  return 0;
}
