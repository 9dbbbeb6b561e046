// Owns the match listing index behind GET /v2/match and nk.match_list: what the match layer reports
// about each running match (id, authoritative or relayed, label, size, tick rate, handler, creation
// time) and Nakama's listing rules over it:
// - `query` (query-string syntax over the label JSON as `label.<field>`, plus `label_string`,
//   `tick_rate`, `handler_name`, `create_time`; "" matches all) and `label` (exact label text) select
//   authoritative matches only, newest first; `authoritative: false` with either gives nothing;
// - with neither, authoritative matches come first (unless `authoritative` is false), then relayed
//   matches when `authoritative` is unset or false (relayed entries carry the `label` filter, i.e.
//   none);
// - `min_size` / `max_size` filter on the current size; `limit` caps the result (0 → nothing).
// Updates apply at once (Nakama batches label updates every `match.label_update_interval_ms`).
import type { api } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import { addNumber, addString, addValue, compileQuery, type QueryDoc } from "../query/index.js";

/** Nakama's label limit, in bytes. */
export const MATCH_LABEL_MAX_BYTES = 2048;

export interface MatchIndexInput {
  matchId: string;
  authoritative: boolean;
  /** Authoritative matches only. */
  label?: string;
  size?: number;
  tickRate?: number;
  handlerName?: string;
  /** Unix ms; listing order is newest first. Default: now. */
  createTime?: number;
}

export interface MatchListOptions {
  limit: number;
  authoritative?: boolean;
  label?: string;
  minSize?: number;
  maxSize?: number;
  query?: string;
}

interface Entry {
  matchId: string;
  authoritative: boolean;
  label: string;
  size: number;
  tickRate: number;
  handlerName: string;
  createTime: number;
  seq: number;
  doc: QueryDoc;
}

function labelDoc(e: Entry): QueryDoc {
  const doc: QueryDoc = new Map();
  let json: unknown;
  try {
    json = JSON.parse(e.label) as unknown;
  } catch {
    json = undefined; // Not JSON: only label_string is searchable, as in Nakama.
  }
  if (typeof json === "object" && json !== null && !Array.isArray(json)) addValue(doc, "label", json);
  addString(doc, "label_string", e.label);
  addNumber(doc, "tick_rate", e.tickRate);
  addString(doc, "handler_name", e.handlerName);
  addNumber(doc, "create_time", e.createTime);
  return doc;
}

function toMatch(e: Entry, relayedLabel: string | undefined): api.Match {
  if (!e.authoritative) return { match_id: e.matchId, authoritative: false, label: relayedLabel, size: e.size, tick_rate: 0, handler_name: "" };
  return { match_id: e.matchId, authoritative: true, label: e.label, size: e.size, tick_rate: e.tickRate, handler_name: e.handlerName };
}

export class MatchLabelIndex {
  private readonly entries = new Map<string, Entry>();
  private newestFirst: Entry[] | null = null;
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get count(): number {
    return this.entries.size;
  }

  /**
   * Adds a match or updates its label/size/handler (creation time and kind stay as first given).
   * Throws INVALID_ARGUMENT for a label over 2048 bytes ("match label too long, must be 0-2048 bytes").
   */
  put(input: MatchIndexInput): void {
    const label = input.label ?? "";
    if (Buffer.byteLength(label, "utf8") > MATCH_LABEL_MAX_BYTES) throw new GameError(Code.INVALID_ARGUMENT, "match label too long, must be 0-2048 bytes");
    const old = this.entries.get(input.matchId);
    if (old !== undefined) {
      // An update: the entry keeps its place (kind and creation time never change).
      old.label = label;
      if (input.size !== undefined) old.size = input.size;
      if (input.tickRate !== undefined) old.tickRate = input.tickRate;
      if (input.handlerName !== undefined) old.handlerName = input.handlerName;
      old.doc = labelDoc(old);
      return;
    }
    const e: Entry = {
      matchId: input.matchId,
      authoritative: input.authoritative,
      label,
      size: input.size ?? 0,
      tickRate: input.tickRate ?? 0,
      handlerName: input.handlerName ?? "",
      createTime: input.createTime ?? this.now(),
      seq: this.seq++,
      doc: new Map(),
    };
    e.doc = labelDoc(e);
    this.entries.set(e.matchId, e);
    this.newestFirst = null;
  }

  /** Updates the presence count of a listed match (no-op for unknown ids). */
  setSize(matchId: string, size: number): void {
    const e = this.entries.get(matchId);
    if (e !== undefined) e.size = size;
  }

  remove(matchId: string): void {
    if (this.entries.delete(matchId)) this.newestFirst = null;
  }

  get(matchId: string): api.Match | undefined {
    const e = this.entries.get(matchId);
    return e === undefined ? undefined : toMatch(e, undefined);
  }

  private sorted(): Entry[] {
    this.newestFirst ??= [...this.entries.values()].sort((a, b) => b.createTime - a.createTime || b.seq - a.seq);
    return this.newestFirst;
  }

  /** Nakama's ListMatches (see the module header). Throws INVALID_ARGUMENT for a bad query. */
  list(o: MatchListOptions): api.Match[] {
    if (o.limit <= 0) return [];
    let select: ((e: Entry) => boolean) | null = null;
    let relayed = false;
    if (o.query !== undefined) {
      if (o.authoritative === false) return [];
      const q = o.query === "" ? null : compileQuery(o.query);
      select = q === null ? () => true : (e) => q.matches(e.doc);
    } else if (o.label !== undefined) {
      if (o.authoritative === false) return [];
      const label = o.label;
      select = (e) => e.label === label;
    } else if (o.authoritative !== false) {
      select = () => true;
      relayed = o.authoritative === undefined;
    } else relayed = true;
    const sizeOk = (e: Entry): boolean => (o.minSize === undefined || e.size >= o.minSize) && (o.maxSize === undefined || e.size <= o.maxSize);
    const out: api.Match[] = [];
    if (select !== null) {
      for (const e of this.sorted()) {
        if (!e.authoritative || !sizeOk(e) || !select(e)) continue;
        out.push(toMatch(e, undefined));
        if (out.length === o.limit) return out;
      }
    }
    if (!relayed) return out;
    for (const e of this.entries.values()) {
      if (e.authoritative || e.size <= 0 || !sizeOk(e)) continue;
      out.push(toMatch(e, o.label));
      if (out.length === o.limit) break;
    }
    return out;
  }
}
