// Owns the server's storage indexes (one StorageIndexes per server): the indexes module code registered,
// their filter functions, filling them from the storage table at start, keeping them current after
// every committed storage write and delete (StorageIndexSink, called by write.ts, delete.ts, multi
// updates and account deletion), and listing them (nk storage_index_list / storageIndexList).
//
// Start: each index reads the objects of its collection (and key) ordered by collection, key, user_id
// in pages of LOAD_PAGE rows until it holds maxEntries entries or the rows run out; the filter runs on
// every candidate as it would on a write.
// Filters: `filter(indexName, object)` false → the object leaves (or does not enter) the index; a
// failing filter is logged and that object's change is skipped for that index.
// Listing: the matching entries in index order (index-core.ts); the objects are then re-read from the
// storage table (current values; objects deleted meanwhile are dropped, order kept), except for
// indexOnly indexes, which answer from the entry (value = the kept fields only).
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import { MATCH_ALL, QueryCache } from "../../query/index.js";
import { goJson } from "./json.js";
import { readObjects } from "./read.js";
import {
  objectIdText, StorageIndex, writtenObjects, storageIndexDefinitionError, type IndexedObject, type IndexEntry, type ObjectId, type StorageIndexDefinition,
} from "./index-core.js";
import type { ObjectRow, StorageDeps, StorageIndexSink } from "./types.js";

/** Rows read per statement while an index fills at start. */
const LOAD_PAGE = 1000;
/** Largest listing page (storage_index_list limit). */
export const MAX_INDEX_LIST_LIMIT = 10_000;

/** A module's filter for one index: true keeps the object in the index. */
export type StorageIndexFilter = (indexName: string, object: IndexedObject) => Promise<boolean>;

export interface StorageIndexListInput {
  query: string;
  limit: number;
  order?: readonly string[];
  callerId?: string | null;
  cursor?: string | null;
}

function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

function entryObject(e: IndexEntry): api.StorageObject {
  return {
    collection: e.collection, key: e.key, user_id: e.userId, value: goJson(e.fields), version: e.version,
    permission_read: e.read, permission_write: e.write, create_time: wholeSeconds(e.createTime), update_time: wholeSeconds(e.updateTime),
  };
}

/** A storage row with its times at full precision (the indexes keep them as Dates). */
type TimedRow = Omit<ObjectRow, "create_time" | "update_time"> & { create_time: Date; update_time: Date };

function rowObject(r: TimedRow): IndexedObject {
  return {
    collection: r.collection, key: r.key, userId: r.user_id, value: r.value, version: r.version, read: r.read, write: r.write,
    createTime: r.create_time, updateTime: r.update_time,
  };
}

export class StorageIndexes implements StorageIndexSink {
  readonly #indexes = new Map<string, StorageIndex>();
  readonly #queries = new QueryCache(256);
  #filter: StorageIndexFilter | undefined;
  #filtered: ReadonlySet<string> = new Set();

  constructor(private readonly deps: Pick<StorageDeps, "db" | "log">) {}

  /**
   * Defines the indexes (once, before load). `filtered` names the indexes that have a filter function;
   * a bad definition or a repeated name throws INVALID_ARGUMENT naming it.
   */
  define(definitions: readonly StorageIndexDefinition[], filter?: StorageIndexFilter, filtered: Iterable<string> = []): void {
    for (const d of definitions) {
      const error = storageIndexDefinitionError(d);
      if (error !== null) throw new GameError(Code.INVALID_ARGUMENT, error);
      if (this.#indexes.has(d.name)) throw new GameError(Code.INVALID_ARGUMENT, `index "${d.name}" is already registered`);
      this.#indexes.set(d.name, new StorageIndex(d));
    }
    this.#filter = filter;
    this.#filtered = new Set([...filtered].map((n) => n.toLowerCase()));
  }

  get active(): boolean {
    return this.#indexes.size > 0;
  }

  /** Entries per index (metrics). */
  counts(): Array<{ name: string; entries: number }> {
    return [...this.#indexes.values()].map((i) => ({ name: i.definition.name, entries: i.size }));
  }

  /** Fills every index from the storage table. */
  async load(): Promise<void> {
    for (const index of this.#indexes.values()) {
      const began = performance.now();
      const d = index.definition;
      let after: { key: string; userId: string } | null = null;
      let rows = 0;
      while (index.size < d.maxEntries) {
        const params: unknown[] = [d.collection];
        let sql = "SELECT collection, key, user_id, value::text AS value, version, read, write, create_time, update_time FROM storage WHERE collection = $1";
        if (d.key !== "") sql += ` AND key = $${params.push(d.key)}`;
        if (after !== null) sql += ` AND (key, user_id) > ($${params.push(after.key)}, $${params.push(after.userId)}::uuid)`;
        sql += ` ORDER BY collection, key, user_id LIMIT $${params.push(LOAD_PAGE)}`;
        const page = (await this.deps.db.query<TimedRow>(sql, params)).rows;
        for (const r of page) {
          if (index.size >= d.maxEntries) break;
          await this.#apply(index, rowObject(r));
        }
        rows += page.length;
        if (page.length < LOAD_PAGE) break;
        const last = page[page.length - 1];
        after = { key: last.key, userId: last.user_id };
      }
      this.deps.log.info({ index: d.name, rows, entries: index.size, ms: Math.round(performance.now() - began) }, "storage index loaded");
    }
  }

  /** The filter's verdict; null when it failed (logged; the change is skipped). */
  async #keep(index: StorageIndex, o: IndexedObject): Promise<boolean | null> {
    const name = index.definition.name;
    if (this.#filter === undefined || !this.#filtered.has(name.toLowerCase())) return true;
    try {
      return (await this.#filter(name, o)) === true;
    } catch (err) {
      this.deps.log.error({ err, index: name, collection: o.collection, key: o.key, user_id: o.userId }, "storage index filter failed; the object's change is skipped");
      return null;
    }
  }

  async #apply(index: StorageIndex, o: IndexedObject): Promise<void> {
    const entry = index.entryOf(o);
    if (entry === null) {
      index.put(o, null); // no indexed field (any more): the entry goes, no filter call needed
      return;
    }
    const keep = await this.#keep(index, o);
    if (keep === null) return;
    if (keep) index.put(o, entry);
    else index.put(o, null);
  }

  /** After a committed write of these objects. Never throws. */
  async written(objects: readonly IndexedObject[]): Promise<void> {
    if (this.#indexes.size === 0) return;
    for (const index of this.#indexes.values()) {
      for (const o of objects) {
        if (!index.covers(o.collection, o.key)) continue;
        try {
          await this.#apply(index, o);
        } catch (err) {
          this.deps.log.error({ err, index: index.definition.name }, "storage index update failed");
        }
      }
    }
  }

  /** After a committed delete of these objects. */
  async deleted(ids: readonly ObjectId[]): Promise<void> {
    for (const index of this.#indexes.values()) for (const id of ids) if (index.covers(id.collection, id.key)) index.remove(id);
  }

  /** After an account deletion committed (its objects went with it). */
  ownerDeleted(userId: string): void {
    for (const index of this.#indexes.values()) index.removeOwner(userId);
  }

  /** One page of an index's objects in index order, and the next page's cursor ("" = none). */
  async list(name: string, input: StorageIndexListInput): Promise<{ objects: api.StorageObject[]; cursor: string }> {
    const index = this.#indexes.get(name);
    if (index === undefined) throw new GameError(Code.INVALID_ARGUMENT, `index "${name}" not found`);
    if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_INDEX_LIST_LIMIT) {
      throw new GameError(Code.INVALID_ARGUMENT, `limit must be between 1 and ${MAX_INDEX_LIST_LIMIT}`);
    }
    const query = this.#queries.get(input.query === "" ? MATCH_ALL : input.query);
    const page = index.list({ query, limit: input.limit, order: input.order ?? [], callerId: input.callerId ?? null, cursor: input.cursor ?? "" });
    if (index.definition.indexOnly) return { objects: page.entries.map(entryObject), cursor: page.cursor };
    const stored = await readObjects({ db: this.deps.db, log: this.deps.log }, null, page.entries.map((e) => ({ collection: e.collection, key: e.key, ownerId: e.userId })));
    // readObjects answers in the ids' order and drops missing objects; a caller's rule applies to the current row.
    const caller = input.callerId ?? null;
    const objects = caller === null ? stored : stored.filter((o) => o.permission_read === 2 || (o.permission_read === 1 && o.user_id === caller));
    return { objects, cursor: page.cursor };
  }
}

export { objectIdText, writtenObjects };
