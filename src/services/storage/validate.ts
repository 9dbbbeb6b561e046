// Owns turning requests into storage operations with Nakama's checks and texts, in its two dialects:
// the client API (api_storage.go: INVALID_ARGUMENT with sentence-style messages, the caller owns every
// object) and the runtime nk functions (runtime_go_nakama.go: "expects …" messages, any owner, the
// system user when none is given, permissions defaulting to 1 as the JS and Lua runtimes do).
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import { parseUuid, SYSTEM_USER_ID } from "../../session/uuid.js";
import { goJson, isJsonObjectText } from "./json.js";
import type { StorageDeleteOp, StorageReadId, StorageWriteOp } from "./types.js";

const invalid = (message: string): GameError => new GameError(Code.INVALID_ARGUMENT, message);

export const ClientText = {
  idsRequired: "Invalid collection or key value supplied. They must be set.",
  readPermission: "Invalid Read permission supplied. It must be either 0, 1 or 2.",
  writePermission: "Invalid Write permission supplied. It must be either 0 or 1.",
  notObject: "Value must be a JSON object.",
  userId: "Invalid user ID - make sure user ID is a valid UUID.",
} as const;

/** WriteStorageObjects: every object owned by the caller. */
export function clientWriteOps(callerId: string, objects: readonly api.WriteStorageObject[]): StorageWriteOp[] {
  for (const o of objects) {
    if (o.collection === "" || o.key === "" || o.value === "") throw invalid(ClientText.idsRequired);
    if (o.permission_read !== undefined && (o.permission_read < 0 || o.permission_read > 2)) throw invalid(ClientText.readPermission);
    if (o.permission_write !== undefined && (o.permission_write < 0 || o.permission_write > 1)) throw invalid(ClientText.writePermission);
    if (!isJsonObjectText(o.value)) throw invalid(ClientText.notObject);
  }
  return objects.map((o) => ({
    ownerId: callerId,
    collection: o.collection,
    key: o.key,
    value: o.value,
    version: o.version,
    permissionRead: o.permission_read ?? 1,
    permissionWrite: o.permission_write ?? 1,
  }));
}

/** ReadStorageObjects: an empty user id means the system user; the nil UUID itself is refused. */
export function clientReadIds(ids: readonly api.ReadStorageObjectId[]): StorageReadId[] {
  return ids.map((o) => {
    if (o.collection === "" || o.key === "") throw invalid(ClientText.idsRequired);
    let ownerId = SYSTEM_USER_ID;
    if (o.user_id !== "") {
      const uid = parseUuid(o.user_id);
      if (uid === null || uid === SYSTEM_USER_ID) throw invalid(ClientText.userId);
      ownerId = uid;
    }
    return { collection: o.collection, key: o.key, ownerId };
  });
}

/** DeleteStorageObjects: the caller's own objects. */
export function clientDeleteOps(callerId: string, ids: readonly api.DeleteStorageObjectId[]): StorageDeleteOp[] {
  return ids.map((o) => {
    if (o.collection === "" || o.key === "") throw invalid(ClientText.idsRequired);
    return { ownerId: callerId, collection: o.collection, key: o.key, version: o.version };
  });
}

// ---- runtime (nk) dialect ----

/** The object address every nk storage function takes (camelCase as the JS runtime spells it). */
export interface NkStorageId {
  collection: string;
  key: string;
  /** Owner; "", null or undefined = the system user. */
  userId?: string | null;
}

export interface NkStorageWrite extends NkStorageId {
  /** A JSON object as text, or an object (encoded as Go's json.Marshal would). */
  value: string | Record<string, unknown>;
  version?: string;
  permissionRead?: number;
  permissionWrite?: number;
}

export interface NkStorageDelete extends NkStorageId {
  version?: string;
}

function nkOwner(id: NkStorageId): { collection: string; key: string; ownerId: string } {
  if (typeof id.collection !== "string" || id.collection === "") throw invalid("expects collection to be a non-empty string");
  if (typeof id.key !== "string" || id.key === "") throw invalid("expects key to be a non-empty string");
  let ownerId = SYSTEM_USER_ID;
  if (id.userId !== undefined && id.userId !== null && id.userId !== "") {
    const uid = parseUuid(id.userId);
    if (uid === null) throw invalid("expects an empty or valid user id");
    ownerId = uid;
  }
  return { collection: id.collection, key: id.key, ownerId };
}

function permission(v: number | undefined, max: number, what: string): number {
  if (v === undefined) return 1;
  if (!Number.isInteger(v) || v < 0 || v > max) throw invalid(`expects ${what} permission to be between 0 and ${max}`);
  return v;
}

export function nkReadIds(reads: readonly NkStorageId[]): StorageReadId[] {
  return reads.map(nkOwner);
}

export function nkWriteOps(writes: readonly NkStorageWrite[]): StorageWriteOp[] {
  return writes.map((w) => {
    const id = nkOwner(w);
    const value = typeof w.value === "string" ? w.value : goJson(w.value);
    if (!isJsonObjectText(value)) throw invalid("value must be a JSON-encoded object");
    return {
      ...id,
      value,
      version: w.version ?? "",
      permissionRead: permission(w.permissionRead, 2, "read"),
      permissionWrite: permission(w.permissionWrite, 1, "write"),
    };
  });
}

export function nkDeleteOps(deletes: readonly NkStorageDelete[]): StorageDeleteOp[] {
  return deletes.map((d) => ({ ...nkOwner(d), version: d.version ?? "" }));
}

/** An optional UUID argument of an nk function: "" / null / undefined → null. */
export function nkOptionalUuid(v: string | null | undefined, message: string): string | null {
  if (v === undefined || v === null || v === "") return null;
  const uid = parseUuid(v);
  if (uid === null) throw invalid(message);
  return uid;
}
