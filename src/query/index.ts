// Owns the public surface of Troupe's query language: Nakama's (Bleve/Bluge) query-string syntax over
// flattened JSON documents, used by the matchmaker (`properties.<name>`) and match listing
// (`label.<field>`). Compile once, evaluate many times:
//
//   const q = compileQuery("+properties.region:europe -properties.mode:ranked properties.rank:>=10^2");
//   const doc = flattenDocument({ region: "europe", rank: 12 }, "properties");
//   q.matches(doc); q.score(doc);
//
// Syntax (see parser.ts): `field:term` exact keyword, `field:"a b"` exact phrase, `field:10` string "10"
// or number 10, `field:>=10` / `>` / `<` / `<=` numeric ranges, `field:>="2024-01-01T00:00:00Z"` date
// ranges, `field:fo*` / `fo?` wildcards, `field:/re/` whole-value regex, `field:*` field present,
// `field:term~2` fuzzy, `^2` boost, prefixes `+` must / `-` must not / none should, `*` alone matches
// all. Bad queries throw GameError(INVALID_ARGUMENT) naming the position. An empty query matches
// nothing (as Bluge); callers that want Nakama's "empty means everything" use `MATCH_ALL`.
import { compileAst, type Evaluator } from "./evaluate.js";

export { keywordTest } from "./evaluate.js";
import { parseQuery, type Clause, type QueryAst } from "./parser.js";

export type { FieldValues, QueryDoc } from "./document.js";
export { addNumber, addString, addValue, flattenDocument } from "./document.js";
export type { Clause, QueryAst } from "./parser.js";
export { queryError } from "./lexer.js";

export interface CompiledQuery extends Evaluator {
  readonly source: string;
  readonly ast: QueryAst;
  /** True when every document matches with the same score (`*`). */
  readonly matchAll: boolean;
  /**
   * The same query for documents known to satisfy the given must clauses (of this query's ast), which
   * are then not checked again. Compiled once per distinct set and kept with the query.
   */
  assuming(satisfied: readonly Clause[]): Evaluator;
}

export const MATCH_ALL = "*";

function isMatchAll(ast: QueryAst): boolean {
  const all = (c: Clause): boolean => c.kind === "all";
  return ast.mustNot.length === 0 && ast.must.every(all) && ast.should.every(all) && ast.must.length + ast.should.length > 0;
}

/** Parses and compiles a query; throws GameError(INVALID_ARGUMENT) for a bad one. */
export function compileQuery(source: string): CompiledQuery {
  const ast: QueryAst = source === "" ? { must: [], should: [{ kind: "none", boost: 1 }], mustNot: [] } : parseQuery(source);
  const full = compileAst(ast);
  const residuals = new Map<string, Evaluator>();
  const assuming = (satisfied: readonly Clause[]): Evaluator => {
    if (satisfied.length === 0) return full;
    const key = satisfied.map((c) => ast.must.indexOf(c)).sort((a, b) => a - b).join(",");
    let e = residuals.get(key);
    if (e === undefined) residuals.set(key, (e = compileAst(ast, new Set(satisfied))));
    return e;
  };
  return { source, ast, matchAll: isMatchAll(ast), ...full, assuming };
}

/**
 * Compiled queries by text, so identical queries (most matchmaker tickets share a handful) compile
 * once. Bounded: the oldest entry goes first. One cache per owner (no module-level state).
 */
export class QueryCache {
  private readonly map = new Map<string, CompiledQuery>();
  constructor(private readonly capacity = 1024) {}

  get(source: string): CompiledQuery {
    let q = this.map.get(source);
    if (q !== undefined) return q;
    q = compileQuery(source);
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value as string);
    this.map.set(source, q);
    return q;
  }
}
