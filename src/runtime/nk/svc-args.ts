// Owns the argument readers the game-service bindings share on top of args.ts: UUID arguments, list
// arguments (a Lua list or `{}`, a JS array), module maps turned into JSON object text the way Nakama
// does it (Lua: RuntimeLuaConvertLuaTable — the top level is always a map, so a list {a, b} becomes
// {"1": a, "2": b}; JS: the exported object, Go's json.Marshal key order), and `Entry`, a reader for the
// fields of one element of a list argument (a Lua table or a JS object) with Nakama's per-language texts:
//   Lua: "expects collection to be string", "expects version to be a non-empty string", "… to be number",
//        "… to be table", "… to be boolean" — always as "bad argument #n to fn (…)";
//   JS:  "expects 'collection' value to be a string", "… value to be non-empty", "… value to be a number",
//        "… value to be an object", "… value to be a boolean".
import { parseUuid } from "../../session/uuid.js";
import { goJson } from "../../services/storage/json.js";
import { jsonEncode } from "../lua/index.js";
import { isAbsent, isPlainObject, type Args } from "./args.js";

/** A required UUID argument (canonical form); `message` for anything that is not one. */
export function uuidArg(a: Args, i: number, message: string, emptyMessage?: string): string {
  const raw = a.str(i);
  if (raw === "" && emptyMessage !== undefined) throw a.fail(i, emptyMessage);
  const id = parseUuid(raw);
  if (id === null) throw a.fail(i, message);
  return id;
}

/** An optional UUID argument: absent or "" → null. */
export function optUuidArg(a: Args, i: number, message: string): string | null {
  if (!a.has(i)) return null;
  const raw = a.str(i);
  if (raw === "") return null;
  const id = parseUuid(raw);
  if (id === null) throw a.fail(i, message);
  return id;
}

/** A Lua list argument: an array, or `{}` (Lua's empty table) as []; null when absent. */
export function luaListArg(a: Args, i: number, notListMessage: string): unknown[] | null {
  if (!a.has(i)) return null;
  const v = a.get(i);
  if (Array.isArray(v)) return v;
  if (isPlainObject(v) && Object.keys(v).length === 0) return [];
  throw a.fail(i, notListMessage);
}

/** A JS array argument; null when absent (undefined or null). */
export function jsArrayArg(a: Args, i: number, notArrayMessage: string): unknown[] | null {
  if (!a.has(i)) return null;
  const v = a.get(i);
  if (!Array.isArray(v)) throw a.fail(i, notArrayMessage);
  return v;
}

/** A list of strings of either language (Lua `{}` is empty); `itemMessage` when an item is not a string. */
export function stringsArg(a: Args, i: number, listMessage: string, itemMessage: string): string[] | null {
  const list = a.lang === "lua" ? luaListArg(a, i, listMessage) : jsArrayArg(a, i, listMessage);
  if (list === null) return null;
  return list.map((v) => {
    if (typeof v !== "string") throw a.fail(i, itemMessage);
    return v;
  });
}

/** Lua's top-level table conversion: a list becomes a map keyed "1".."n" (nil holes dropped). */
export function luaMap(v: unknown): Record<string, unknown> {
  if (Array.isArray(v)) {
    const out: Record<string, unknown> = {};
    v.forEach((x, k) => {
      if (!isAbsent(x)) out[String(k + 1)] = x;
    });
    return out;
  }
  return v as Record<string, unknown>;
}

/** JSON object text of a module map: Lua tables through Nakama's Lua encoder, JS objects as Go does. */
export function mapJson(lang: "lua" | "js", v: unknown): string {
  return lang === "lua" ? jsonEncode(luaMap(v)) : goJson(v);
}

/**
 * An optional map argument as JSON object text; undefined when absent. Lua: must be a table (gopher's
 * "table expected"); JS: must be a plain object, else `jsMessage`.
 */
export function optMapJson(a: Args, i: number, jsMessage: string): string | undefined {
  if (!a.has(i)) return undefined;
  if (a.lang === "lua") return mapJson("lua", a.table(i));
  const v = a.get(i);
  if (!isPlainObject(v)) throw a.fail(i, jsMessage);
  return goJson(v);
}

/** A required map argument (Lua table / JS object) as a host object, Lua lists turned into maps. */
export function mapArg(a: Args, i: number, jsMessage: string): Record<string, unknown> {
  if (a.lang === "lua") return luaMap(a.table(i));
  const v = a.get(i);
  if (!isPlainObject(v)) throw a.fail(i, jsMessage);
  return v;
}

/** One element of a list argument at position `pos`, read with the language's texts. */
export class Entry {
  readonly v: Record<string, unknown>;

  constructor(
    readonly a: Args,
    readonly pos: number,
    value: unknown,
    notEntryMessage: string,
  ) {
    if (!isPlainObject(value)) {
      // A Lua entry given as an empty table arrives as {} (an object); a list is not an entry.
      throw a.fail(pos, notEntryMessage);
    }
    this.v = value;
  }

  get lua(): boolean {
    return this.a.lang === "lua";
  }

  /** The field's name in this language. */
  key(lua: string, js: string): string {
    return this.lua ? lua : js;
  }

  has(k: string): boolean {
    return !isAbsent(this.v[k]);
  }

  fail(message: string): Error {
    return this.a.fail(this.pos, message);
  }

  /** "expects x to be string" / "expects 'x' value to be a string". */
  private typeText(k: string, luaType: string, jsType: string): string {
    return this.lua ? `expects ${k} to be ${luaType}` : `expects '${k}' value to be ${jsType}`;
  }

  str(k: string, message?: string): string | undefined {
    if (!this.has(k)) return undefined;
    const v = this.v[k];
    if (typeof v !== "string") throw this.fail(message ?? this.typeText(k, "string", "a string"));
    return v;
  }

  /** A string that must not be empty when present. */
  nonEmpty(k: string): string | undefined {
    const s = this.str(k);
    if (s === "") throw this.fail(this.lua ? `expects ${k} to be a non-empty string` : `expects '${k}' value to be non-empty`);
    return s;
  }

  /** A UUID field (canonical); `message` overrides "expects user_id to be a valid ID" / "… valid id". */
  uuid(k: string, message?: string): string | undefined {
    const s = this.str(k);
    if (s === undefined) return undefined;
    const id = parseUuid(s);
    if (id === null) throw this.fail(message ?? (this.lua ? `expects ${k} to be a valid ID` : `expects '${k}' value to be a valid id`));
    return id;
  }

  /** A number field; JS requires a whole number (goja exports those as int64). */
  int(k: string, message?: string): number | undefined {
    if (!this.has(k)) return undefined;
    const v = this.v[k];
    if (typeof v !== "number" || (!this.lua && !Number.isInteger(v))) throw this.fail(message ?? this.typeText(k, "number", "a number"));
    return Math.trunc(v);
  }

  bool(k: string, message?: string): boolean | undefined {
    if (!this.has(k)) return undefined;
    const v = this.v[k];
    if (typeof v !== "boolean") throw this.fail(message ?? this.typeText(k, "boolean", "a boolean"));
    return v;
  }

  /** A map field (Lua table / JS object) as a host object. */
  map(k: string, message?: string): Record<string, unknown> | undefined {
    if (!this.has(k)) return undefined;
    const v = this.v[k];
    if (this.lua) {
      if (typeof v !== "object" || v === null) throw this.fail(message ?? `expects ${k} to be table`);
      return luaMap(v);
    }
    if (!isPlainObject(v)) throw this.fail(message ?? `expects '${k}' value to be an object`);
    return v;
  }

  /** A map field as JSON object text. */
  json(k: string, message?: string): string | undefined {
    const m = this.map(k, message);
    return m === undefined ? undefined : mapJson(this.a.lang, m);
  }
}

/** The elements of a list argument as Entries (Lua `{}` = no elements); null when absent. */
export function entriesArg(a: Args, i: number, listMessage: string, entryMessage: string): Entry[] | null {
  const list = a.lang === "lua" ? luaListArg(a, i, listMessage) : jsArrayArg(a, i, listMessage);
  return list === null ? null : list.map((v) => new Entry(a, i, v, entryMessage));
}

/** A changeset of whole numbers (wallet deltas), with Nakama's text. */
export function changesetOf(fail: (message: string) => Error, m: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== "number" || !Number.isInteger(v)) throw fail("expects changeset values to be whole numbers");
    out[k] = v;
  }
  return out;
}

/** A Lua binding's result for a function that returns nothing. */
export async function none(p: Promise<unknown>): Promise<unknown[]> {
  await p;
  return [];
}
