// Owns nk's storage functions over src/services/storage (authoritative: no permission checks, except
// storage_list with a caller id), with Nakama's argument orders, texts and shapes (shapes-data.ts):
//   Lua: storage_read(ids) → objects; storage_write(objects) → acks; storage_delete(ids);
//        storage_list(user_id?, collection?, limit, cursor?, caller_id?) → objects, cursor|nil
//        storage_write_retry(objects) → acks (storage_write retried on conflicts, services/storage WRITE_RETRIES)
//        storage_index_list(index_name, query, limit, order?, caller_id?, cursor?) → objects, cursor|nil
//   JS:  storageRead(keys) → objects; storageWrite(objects) → acks; storageDelete(keys);
//        storageList(userId?, collection?, limit = 100, cursor?, callerId?) → { objects, cursor|null }
//        storageWriteRetry(objects) → acks; storageIndexList(indexName, query, limit, order?, callerId?, cursor?)
//        → { objects, cursor|null }
// Writes and deletes tell the server's storage indexes (NkDeps.storageIndexes) once committed.
// Element fields are snake_case in Lua (user_id, permission_read…) and camelCase in JS. A missing owner
// is the system user. The element parsers are shared with multi_update (multi.ts), which reads the same
// objects at other argument positions.
import { Code, GameError } from "../../errors.js";
import {
  nkStorageDelete, nkStorageList, nkStorageRead, nkStorageWrite, nkStorageWriteRetry,
  type NkStorageDelete, type NkStorageId, type NkStorageWrite,
} from "../../services/storage/index.js";
import { wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import { ackJs, ackLua, storageObjectJs, storageObjectLua } from "./shapes-data.js";
import { storageDeps } from "./svc-deps.js";
import { entriesArg, optUuidArg, stringsArg, type Entry } from "./svc-args.js";
import type { NkBinding, NkCall } from "./types.js";

/** collection / key / user_id of one element (a missing owner is the system user). */
function idFields(e: Entry): NkStorageId {
  const collection = e.nonEmpty("collection");
  const key = e.nonEmpty("key");
  const userId = e.uuid(e.key("user_id", "userId"));
  if (collection === undefined) throw e.fail("expects collection to be supplied");
  if (key === undefined) throw e.fail("expects key to be supplied");
  return { collection, key, userId: userId ?? null };
}

function versionField(e: Entry): string | undefined {
  return e.nonEmpty("version");
}

export function writeFields(e: Entry): NkStorageWrite {
  const id = idFields(e);
  const value = e.json("value", e.lua ? "expects value to be table" : undefined);
  if (value === undefined) throw e.fail("expects value to be supplied");
  return {
    ...id,
    value,
    version: versionField(e),
    permissionRead: e.int(e.key("permission_read", "permissionRead")),
    permissionWrite: e.int(e.key("permission_write", "permissionWrite")),
  };
}

export function deleteFields(e: Entry): NkStorageDelete {
  return { ...idFields(e), version: versionField(e) };
}

/** The elements of a storage list argument; absent → "expects a valid set of …" / JS texts. */
function elements(a: Args, i: number, lua: string, jsAbsent: string, jsNotArray: string): Entry[] {
  if (a.lang === "lua") a.table(i); // gopher's CheckTable: "table expected, got nil"
  const entries = entriesArg(a, i, a.lang === "lua" ? lua : jsNotArray, a.lang === "lua" ? lua : jsNotArray);
  if (entries === null) throw a.fail(i, a.lang === "lua" ? lua : jsAbsent);
  return entries;
}

async function read(a: Args, call: NkCall): Promise<unknown> {
  const ids = elements(a, 0, "expects a valid set of keys", "expects an array ok keys", "expects an array of keys").map(idFields);
  if (ids.length === 0) return [];
  const objects = await wrapped("failed to read storage objects", () => nkStorageRead(storageDeps(call), ids));
  return objects.map(a.lang === "lua" ? storageObjectLua : storageObjectJs);
}

async function write(a: Args, call: NkCall, retry = false): Promise<unknown> {
  const ops = elements(a, 0, "expects a valid set of data", "expects a valid array of data", "expects an array of storage write objects")
    .map(writeFields);
  if (ops.length === 0) return [];
  const acks = await wrapped("failed to write storage objects", () => (retry ? nkStorageWriteRetry : nkStorageWrite)(storageDeps(call), ops));
  return acks.map(a.lang === "lua" ? ackLua : ackJs);
}

async function remove(a: Args, call: NkCall): Promise<void> {
  const ops = elements(a, 0, "expects a valid set of object IDs", "expects an array ok keys", "expects an array of keys").map(deleteFields);
  if (ops.length === 0) return;
  await wrapped("failed to remove storage", () => nkStorageDelete(storageDeps(call), ops));
}

/** storage_list / storageList: Lua needs the limit; JS defaults it to 100. */
async function list(a: Args, call: NkCall): Promise<{ objects: unknown[]; cursor: string | null }> {
  const lua = a.lang === "lua";
  const owner = optUuidArg(a, 0, lua ? "expects empty or a valid user ID" : "expects empty or valid user id");
  const collection = a.optStr(1, "");
  const limit = lua ? a.int(2) : a.optInt(2, 100);
  if (limit < 0) throw a.fail(2, "limit must not be negative");
  const cursor = a.optStr(3, "");
  const caller = optUuidArg(a, 4, lua ? "expects caller ID to be empty or a valid identifier" : "expects caller id to be valid identifier");
  const result = await wrapped("failed to list storage objects", () => nkStorageList(storageDeps(call), caller, owner, collection, limit, cursor));
  return {
    objects: result.objects.map(lua ? storageObjectLua : storageObjectJs),
    cursor: result.cursor === "" ? null : result.cursor,
  };
}

/** storage_index_list / storageIndexList: limit 1..10,000; order entries "field" / "-field". */
async function indexList(a: Args, call: NkCall): Promise<{ objects: unknown[]; cursor: string | null }> {
  const lua = a.lang === "lua";
  const name = a.str(0);
  if (name === "") throw a.fail(0, "expects a non-empty index name");
  const query = a.optStr(1, "");
  const limit = a.int(2);
  const order = stringsArg(a, 3, lua ? "expects order to be a table of strings" : "expects order to be an array of strings", "expects order entries to be strings") ?? [];
  const caller = optUuidArg(a, 4, lua ? "expects caller ID to be empty or a valid identifier" : "expects caller id to be valid identifier");
  const cursor = a.optStr(5, "");
  const indexes = call.deps.storageIndexes;
  const result = await wrapped("failed to list storage index", async () => {
    if (indexes === undefined) throw new GameError(Code.INVALID_ARGUMENT, `index "${name}" not found`);
    return indexes.list(name, { query, limit, order, callerId: caller, cursor });
  });
  return {
    objects: result.objects.map(lua ? storageObjectLua : storageObjectJs),
    cursor: result.cursor === "" ? null : result.cursor,
  };
}

export function storageBindings(): NkBinding[] {
  return [
    define({
      lua: "storage_read",
      js: "storageRead",
      luaFn: async (a, call) => [await read(a, call)],
      jsFn: (a, call) => read(a, call),
    }),
    define({
      lua: "storage_write",
      js: "storageWrite",
      luaFn: async (a, call) => [await write(a, call)],
      jsFn: (a, call) => write(a, call),
    }),
    define({
      lua: "storage_write_retry",
      js: "storageWriteRetry",
      luaFn: async (a, call) => [await write(a, call, true)],
      jsFn: (a, call) => write(a, call, true),
    }),
    define({
      lua: "storage_index_list",
      js: "storageIndexList",
      luaFn: async (a, call) => {
        const r = await indexList(a, call);
        return [r.objects, r.cursor];
      },
      jsFn: (a, call) => indexList(a, call),
    }),
    define({
      lua: "storage_delete",
      js: "storageDelete",
      luaFn: async (a, call) => {
        await remove(a, call);
        return [];
      },
      jsFn: (a, call) => remove(a, call),
    }),
    define({
      lua: "storage_list",
      js: "storageList",
      luaFn: async (a, call) => {
        const r = await list(a, call);
        return [r.objects, r.cursor];
      },
      jsFn: (a, call) => list(a, call),
    }),
  ];
}
