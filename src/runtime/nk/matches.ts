// Owns nk's authoritative-match functions, over the match host (src/match/port.ts MatchesPort, reached
// through NkDeps.services.matches):
//   Lua: match_create(module, params?) → id; match_get(id) → match table or nil;
//        match_list(limit = 1, authoritative?, label?, min_size?, max_size?, query?) → list of tables
//        {match_id, authoritative, label, size, tick_rate, handler_name}; match_signal(id, data) → string.
//   JS:  matchCreate(module, params?) → id; matchGet(id) → {matchId, authoritative, label, size,
//        tickRate, handlerName} | null; matchList(limit = 1, authoritative?, label?, minSize?, maxSize?,
//        query?) → Match[]; matchSignal(id, data) → string.
// Failures are wrapped as Nakama does: "error creating match: …", "failed to get match: …",
// "failed to list matches: …", "failed to signal match: …" (codes kept).
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import type { MatchListOptions, MatchesPort } from "../../match/port.js";
import { isPlainObject, wrapError, wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import type { NkBinding, NkCall, NkServices } from "./types.js";

/** NkServices with the match host (main.ts wires `matches`; see the report to add it to NkServices). */
export interface NkServicesWithMatches extends NkServices {
  matches?: MatchesPort;
}

function port(call: NkCall): MatchesPort {
  const services: NkServicesWithMatches | undefined = call.deps.services;
  const m = services?.matches;
  if (m === undefined) throw new GameError(Code.UNAVAILABLE, "authoritative matches are not available");
  return m;
}

function params(a: Args, i: number): Record<string, unknown> {
  const v = a.get(i);
  if (v === null || v === undefined) return {};
  if (Array.isArray(v) && v.length === 0) return {};
  if (!isPlainObject(v)) throw a.fail(i, a.lang === "lua" ? "table expected" : "expects params to be an object");
  return v;
}

function create(a: Args, call: NkCall): Promise<string> {
  const name = a.str(0);
  if (name === "") throw a.fail(0, "expects module name");
  const p = params(a, 1);
  const base = { env: call.ctx.env, node: call.ctx.node, version: call.ctx.version };
  return wrapped("error creating match", () => port(call).create(name, p, { nk: call.deps, base }));
}

function shape(lang: "lua" | "js", m: api.Match): Record<string, unknown> {
  const label = m.label ?? null;
  return lang === "lua"
    ? { match_id: m.match_id, authoritative: m.authoritative, label, size: m.size, tick_rate: m.tick_rate, handler_name: m.handler_name }
    : { matchId: m.match_id, authoritative: m.authoritative, label, size: m.size, tickRate: m.tick_rate, handlerName: m.handler_name };
}

function get(a: Args, call: NkCall): Record<string, unknown> | null {
  const id = a.str(0);
  let m: api.Match | null;
  try {
    m = port(call).get(id);
  } catch (err) {
    throw wrapError("failed to get match", err);
  }
  return m === null ? null : shape(a.lang, m);
}

function optional<T>(a: Args, i: number, read: (i: number) => T): T | undefined {
  return a.has(i) ? read(i) : undefined;
}

function list(a: Args, call: NkCall): Array<Record<string, unknown>> {
  const o: MatchListOptions = {
    limit: a.optInt(0, 1),
    authoritative: optional(a, 1, (i) => a.bool(i)),
    label: optional(a, 2, (i) => a.str(i)),
    minSize: optional(a, 3, (i) => a.int(i)),
    maxSize: optional(a, 4, (i) => a.int(i)),
    query: optional(a, 5, (i) => a.str(i)),
  };
  if (o.limit < 0 || o.limit > 100) throw a.fail(0, "expects limit to be 0-100");
  try {
    return port(call).list(o).map((m) => shape(a.lang, m));
  } catch (err) {
    throw wrapError("failed to list matches", err);
  }
}

function signal(a: Args, call: NkCall): Promise<string> {
  const id = a.str(0);
  const data = a.optStr(1);
  return wrapped("failed to signal match", () => port(call).signal(id, data));
}

export function matchBindings(): NkBinding[] {
  return [
    define({ lua: "match_create", js: "matchCreate", luaFn: async (a, c) => [await create(a, c)], jsFn: create }),
    define({ lua: "match_get", js: "matchGet", luaFn: (a, c) => [get(a, c)], jsFn: get, immediate: true }),
    define({ lua: "match_list", js: "matchList", luaFn: (a, c) => [list(a, c)], jsFn: list, immediate: true }),
    define({ lua: "match_signal", js: "matchSignal", luaFn: async (a, c) => [await signal(a, c)], jsFn: signal }),
  ];
}

/** The typed native nk methods of this domain (NativeNakama should extend this). */
export interface NativeMatches {
  matchCreate(module: string, params?: Record<string, unknown>): Promise<string>;
  matchGet(id: string): Promise<{ matchId: string; authoritative: boolean; label: string | null; size: number; tickRate: number; handlerName: string } | null>;
  matchList(
    limit?: number, authoritative?: boolean | null, label?: string | null, minSize?: number | null, maxSize?: number | null, query?: string | null,
  ): Promise<Array<{ matchId: string; authoritative: boolean; label: string | null; size: number; tickRate: number; handlerName: string }>>;
  matchSignal(id: string, data: string): Promise<string>;
}
