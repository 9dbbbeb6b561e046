// Owns one in-memory storage index (Nakama's storage indexes, issue 7): the entries of the objects of
// one collection (and key, when the index names one) that carry at least one indexed value field, kept
// as that field subset plus the object's metadata, searchable with the query-string language of
// src/query and listed in a stable order with an opaque cursor.
//
// Entry documents: `value.<field>` for each kept field (nested objects flatten with dots:
// value.stats.level), and collection, key, user_id, version (keywords), read, write (numbers),
// create_time, update_time (RFC 3339 strings, also searchable as dates).
// Order: the requested sortable fields in turn ("score" ascending, "-score" descending; numbers before
// strings, missing values last in either direction), then update_time descending, then
// (collection, key, user_id) ascending. No order = update_time descending, then the id.
// Eviction: once entries exceed maxEntries × 1.1, the oldest by update_time go until maxEntries remain.
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import { addNumber, addString, addValue, type CompiledQuery, type QueryDoc } from "../../query/index.js";
import { PermissionRead } from "./types.js";

/** An index as module code declares it (Lua register_storage_index, JS/native registerStorageIndex). */
export interface StorageIndexDefinition {
  readonly name: string;
  readonly collection: string;
  /** "" = every key of the collection. */
  readonly key: string;
  /** Top-level value fields an entry keeps. */
  readonly fields: readonly string[];
  /** Fields results may be ordered by (kept too, even when not listed in `fields`). */
  readonly sortableFields: readonly string[];
  readonly maxEntries: number;
  /** Listings answer from the index (value = the kept fields) instead of re-reading the storage table. */
  readonly indexOnly: boolean;
}

/** Most entries one index may hold. */
export const MAX_INDEX_ENTRIES = 10_000_000;

/** Why a definition is unusable (registration fails with this text), or null when it is fine. */
export function storageIndexDefinitionError(d: StorageIndexDefinition): string | null {
  if (typeof d.name !== "string" || d.name === "") return "index name must be a non-empty string";
  if (typeof d.collection !== "string" || d.collection === "") return `index "${d.name}": collection must be a non-empty string`;
  if (typeof d.key !== "string") return `index "${d.name}": key must be a string ("" for every key)`;
  const strings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === "string" && s !== "");
  if (!strings(d.fields) || d.fields.length === 0) return `index "${d.name}": fields must be a non-empty list of field names`;
  if (!strings(d.sortableFields)) return `index "${d.name}": sortable fields must be a list of field names`;
  if (!Number.isInteger(d.maxEntries) || d.maxEntries < 1 || d.maxEntries > MAX_INDEX_ENTRIES) {
    return `index "${d.name}": max entries must be an integer between 1 and ${MAX_INDEX_ENTRIES}`;
  }
  return null;
}

/** An object as the index sees it: the stored row's parts (value as JSON text or already parsed). */
export interface IndexedObject {
  collection: string;
  key: string;
  userId: string;
  value: string | Record<string, unknown>;
  version: string;
  read: number;
  write: number;
  createTime: Date;
  updateTime: Date;
}

export interface IndexEntry {
  readonly id: string;
  readonly collection: string;
  readonly key: string;
  readonly userId: string;
  readonly version: string;
  readonly read: number;
  readonly write: number;
  readonly createTime: Date;
  readonly updateTime: Date;
  /** The kept value fields. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly doc: QueryDoc;
}

export interface ObjectId {
  collection: string;
  key: string;
  userId: string;
}

export function objectIdText(o: ObjectId): string {
  return `${o.collection}\u0000${o.key}\u0000${o.userId}`;
}

export interface IndexListInput {
  query: CompiledQuery;
  limit: number;
  /** Sortable field names, "-name" for descending. */
  order: readonly string[];
  /** Only objects this user may read (read = 2, or read = 1 and owned by them); null = every object. */
  callerId: string | null;
  /** "" = from the start. */
  cursor: string;
}

interface Position {
  vals: unknown[];
  /** update_time in ms. */
  u: number;
  id: string;
}

interface SortKey {
  field: string;
  desc: boolean;
}

function parseValue(value: IndexedObject["value"]): Record<string, unknown> | null {
  let v: unknown = value;
  if (typeof value === "string") {
    try {
      v = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Numbers first, then strings, then anything else; undefined/null is handled by the caller. */
function rank(v: unknown): number {
  return typeof v === "number" ? 0 : typeof v === "string" ? 1 : typeof v === "boolean" ? 2 : 3;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) - (b as number);
  if (ra === 1) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (ra === 2) return Number(a) - Number(b);
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function comparePositions(keys: readonly SortKey[], a: Position, b: Position): number {
  for (let i = 0; i < keys.length; i++) {
    const x = a.vals[i];
    const y = b.vals[i];
    const xMissing = x === undefined || x === null;
    const yMissing = y === undefined || y === null;
    if (xMissing || yMissing) {
      if (xMissing && yMissing) continue;
      return xMissing ? 1 : -1; // missing last in either direction
    }
    const c = compareValues(x, y);
    if (c !== 0) return keys[i].desc ? -c : c;
  }
  if (a.u !== b.u) return b.u - a.u;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function invalid(message: string): GameError {
  return new GameError(Code.INVALID_ARGUMENT, message);
}

function decodeCursor(text: string, signature: string): Position {
  try {
    const o = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as { o?: unknown; v?: unknown; u?: unknown; i?: unknown };
    if (o.o === signature && Array.isArray(o.v) && typeof o.u === "number" && typeof o.i === "string") return { vals: o.v, u: o.u, id: o.i };
  } catch {
    // fall through
  }
  throw invalid("invalid cursor");
}

function encodeCursor(p: Position, signature: string): string {
  return Buffer.from(JSON.stringify({ o: signature, v: p.vals, u: p.u, i: p.id }), "utf8").toString("base64url");
}

/** One index's entries. Not thread-aware: every change is a synchronous step. */
export class StorageIndex {
  readonly #entries = new Map<string, IndexEntry>();
  readonly #kept: readonly string[];
  readonly #sortable: ReadonlySet<string>;

  constructor(readonly definition: StorageIndexDefinition) {
    this.#kept = [...new Set([...definition.fields, ...definition.sortableFields])];
    this.#sortable = new Set(definition.sortableFields);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** True when objects of this collection and key belong to the index. */
  covers(collection: string, key: string): boolean {
    return collection === this.definition.collection && (this.definition.key === "" || key === this.definition.key);
  }

  has(id: ObjectId): boolean {
    return this.#entries.has(objectIdText(id));
  }

  /** The entry an object makes, or null when it has none of the indexed fields (or no object value). */
  entryOf(o: IndexedObject): IndexEntry | null {
    const value = parseValue(o.value);
    if (value === null) return null;
    const fields: Record<string, unknown> = {};
    let any = false;
    for (const f of this.#kept) {
      if (Object.hasOwn(value, f) && value[f] !== undefined) {
        fields[f] = value[f];
        any = true;
      }
    }
    if (!any) return null;
    const doc: QueryDoc = new Map();
    addValue(doc, "value", fields);
    addString(doc, "collection", o.collection);
    addString(doc, "key", o.key);
    addString(doc, "user_id", o.userId);
    addString(doc, "version", o.version);
    addNumber(doc, "read", o.read);
    addNumber(doc, "write", o.write);
    addString(doc, "create_time", o.createTime.toISOString());
    addString(doc, "update_time", o.updateTime.toISOString());
    return {
      id: objectIdText(o), collection: o.collection, key: o.key, userId: o.userId, version: o.version, read: o.read, write: o.write,
      createTime: o.createTime, updateTime: o.updateTime, fields, doc,
    };
  }

  /**
   * Applies a committed write: the object's entry replaces the old one, or (no indexed field) the old
   * one goes. A write older than the entry already held (by update_time) changes nothing. `made` is
   * entryOf(o) when the caller already has it.
   */
  put(o: IndexedObject, made?: IndexEntry | null): void {
    const id = objectIdText(o);
    const held = this.#entries.get(id);
    if (held !== undefined && held.updateTime.getTime() > o.updateTime.getTime()) return;
    const entry = made === undefined ? this.entryOf(o) : made;
    if (entry === null) {
      this.#entries.delete(id);
      return;
    }
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    this.#evict();
  }

  remove(id: ObjectId): void {
    this.#entries.delete(objectIdText(id));
  }

  /** Removes every entry owned by `userId` (account deletion). */
  removeOwner(userId: string): void {
    for (const [id, e] of this.#entries) if (e.userId === userId) this.#entries.delete(id);
  }

  #evict(): void {
    const max = this.definition.maxEntries;
    if (this.#entries.size <= Math.floor(max * 1.1)) return;
    const oldest = [...this.#entries.values()].sort((a, b) => a.updateTime.getTime() - b.updateTime.getTime() || (a.id < b.id ? -1 : 1));
    for (let i = 0; i < oldest.length - max; i++) this.#entries.delete(oldest[i].id);
  }

  /** The sort keys of an order list; only sortable fields ("name" or "value.name"). */
  #sortKeys(order: readonly string[]): SortKey[] {
    return order.map((raw) => {
      const desc = raw.startsWith("-");
      let field = desc ? raw.slice(1) : raw;
      if (field.startsWith("value.")) field = field.slice("value.".length);
      if (!this.#sortable.has(field)) {
        throw invalid(`order field "${raw}" is not a sortable field of index "${this.definition.name}"`);
      }
      return { field, desc };
    });
  }

  /** One page of matching entries in order, and the cursor of the next page ("" = none). */
  list(input: IndexListInput): { entries: IndexEntry[]; cursor: string } {
    const keys = this.#sortKeys(input.order);
    const signature = keys.map((k) => (k.desc ? `-${k.field}` : k.field)).join(",");
    const after = input.cursor === "" ? null : decodeCursor(input.cursor, signature);
    const caller = input.callerId;
    const matched: Array<{ e: IndexEntry; p: Position }> = [];
    for (const e of this.#entries.values()) {
      if (caller !== null && !(e.read === PermissionRead.PUBLIC_READ || (e.read === PermissionRead.OWNER_READ && e.userId === caller))) continue;
      if (!input.query.matchAll && !input.query.matches(e.doc)) continue;
      const p: Position = { vals: keys.map((k) => e.fields[k.field]), u: e.updateTime.getTime(), id: e.id };
      if (after !== null && comparePositions(keys, p, after) <= 0) continue;
      matched.push({ e, p });
    }
    matched.sort((a, b) => comparePositions(keys, a.p, b.p));
    const page = matched.slice(0, input.limit);
    const more = matched.length > input.limit && page.length > 0;
    return { entries: page.map((m) => m.e), cursor: more ? encodeCursor(page[page.length - 1].p, signature) : "" };
  }
}

/** The objects a committed write made, as the indexes take them. */
export function writtenObjects(
  ops: ReadonlyArray<{ collection: string; key: string; ownerId: string; value: string; permissionRead: number; permissionWrite: number }>,
  acks: readonly api.StorageObjectAck[],
): IndexedObject[] {
  return ops.map((op, i) => {
    const ack = acks[i];
    return {
      collection: op.collection, key: op.key, userId: op.ownerId, value: op.value, version: ack.version, read: op.permissionRead,
      write: op.permissionWrite, createTime: ack.create_time ?? new Date(), updateTime: ack.update_time ?? new Date(),
    };
  });
}

