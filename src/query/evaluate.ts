// Owns the compiled form of a query: each clause becomes a closure over a flattened document, and the
// boolean query combines them as Bleve's query-string mode does: every must clause matches, no must-not
// clause matches, and, when there is no must clause, at least one should clause matches (a query of
// only must-not clauses matches everything else). Scoring is our own, deterministic and documented:
// the sum of the boosts (default 1) of the must and should clauses a document satisfies. Bluge scores
// with BM25 over the whole index, which cannot be reproduced per document; boosts keep their meaning
// (a higher boost ranks a document satisfying that clause first).
import type { FieldValues, QueryDoc } from "./document.js";
import type { Clause, QueryAst } from "./parser.js";
import { withinDistance } from "./patterns.js";

export type Predicate = (doc: QueryDoc) => boolean;

function onStrings(field: string, test: (s: string) => boolean): Predicate {
  return (doc) => {
    const list = doc.get(field)?.strings;
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i++) if (test(list[i])) return true;
    return false;
  };
}

function inRange(list: number[] | undefined, c: { min: number; max: number; minInclusive: boolean; maxInclusive: boolean }): boolean {
  if (list === undefined) return false;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if ((c.minInclusive ? v >= c.min : v > c.min) && (c.maxInclusive ? v <= c.max : v < c.max)) return true;
  }
  return false;
}

function hasAny(v: FieldValues | undefined): boolean {
  return v !== undefined && (v.strings !== undefined || v.numbers !== undefined);
}

/**
 * For clauses that test keyword values one at a time (term, wildcard, regexp, fuzzy), that test; an
 * index can run it over its dictionary of values instead of over documents. Else undefined.
 */
export function keywordTest(c: Clause): ((value: string) => boolean) | undefined {
  switch (c.kind) {
    case "term":
      return (s) => s === c.value;
    case "wildcard":
    case "regexp":
      return (s) => c.re.test(s);
    case "fuzzy":
      return (s) => withinDistance(s, c.value, c.distance);
    default:
      return undefined;
  }
}

/** One clause as a predicate. */
export function clausePredicate(c: Clause): Predicate {
  switch (c.kind) {
    case "all":
      return () => true;
    case "none":
      return () => false;
    case "term": {
      const { field, value } = c;
      return (doc) => doc.get(field)?.strings?.includes(value) ?? false;
    }
    case "number": {
      const { field, text, value } = c;
      return (doc) => {
        const v = doc.get(field);
        return v !== undefined && ((v.numbers?.includes(value) ?? false) || (v.strings?.includes(text) ?? false));
      };
    }
    case "exists":
      return (doc) => hasAny(doc.get(c.field));
    case "wildcard":
    case "regexp": {
      const re = c.re;
      return onStrings(c.field, (s) => re.test(s));
    }
    case "fuzzy":
      return onStrings(c.field, (s) => withinDistance(s, c.value, c.distance));
    case "range":
      return (doc) => inRange(doc.get(c.field)?.numbers, c);
    case "dateRange":
      return (doc) => inRange(doc.get(c.field)?.dates, c);
  }
}

export interface Evaluator {
  matches: Predicate;
  /** The score when the document matches, else -Infinity (one evaluation of every clause). */
  evaluate: (doc: QueryDoc) => number;
  /** The score of a document that matches (see the module header). */
  score: (doc: QueryDoc) => number;
  /** True when every matching document scores the same (no should clause, or nothing varies). */
  constantScore: boolean;
  /** True when a must-not clause matches the document. */
  excluded: Predicate;
}

/**
 * Compiles the boolean query. Must clauses in `satisfied` are left out of the checks (the caller
 * knows every document it will pass satisfies them, e.g. they came from an index lookup); they still
 * count in the score, and should clauses stay optional as in the full query.
 */
export function compileAst(ast: QueryAst, satisfied?: ReadonlySet<Clause>): Evaluator {
  const must = (satisfied === undefined ? ast.must : ast.must.filter((c) => !satisfied.has(c))).map(clausePredicate);
  const mustNot = ast.mustNot.map(clausePredicate);
  const should = ast.should.map(clausePredicate);
  const shouldBoost = ast.should.map((c) => c.boost);
  const mustScore = ast.must.reduce((sum, c) => sum + c.boost, 0);
  const needShould = ast.must.length === 0 && should.length > 0;
  const matches: Predicate = (doc) => {
    for (let i = 0; i < must.length; i++) if (!must[i](doc)) return false;
    for (let i = 0; i < mustNot.length; i++) if (mustNot[i](doc)) return false;
    if (!needShould) return true;
    for (let i = 0; i < should.length; i++) if (should[i](doc)) return true;
    return false;
  };
  const score = (doc: QueryDoc): number => {
    let s = mustScore;
    for (let i = 0; i < should.length; i++) if (should[i](doc)) s += shouldBoost[i];
    return s;
  };
  const evaluate = (doc: QueryDoc): number => {
    for (let i = 0; i < must.length; i++) if (!must[i](doc)) return -Infinity;
    for (let i = 0; i < mustNot.length; i++) if (mustNot[i](doc)) return -Infinity;
    let s = mustScore;
    let any = false;
    for (let i = 0; i < should.length; i++) {
      if (should[i](doc)) {
        s += shouldBoost[i];
        any = true;
      }
    }
    return needShould && !any ? -Infinity : s;
  };
  const constantScore = should.length === 0 || ast.should.every((c) => c.kind === "all" || c.kind === "none");
  const excluded: Predicate = (doc) => {
    for (let i = 0; i < mustNot.length; i++) if (mustNot[i](doc)) return true;
    return false;
  };
  return { matches, evaluate, score, constantScore, excluded };
}
