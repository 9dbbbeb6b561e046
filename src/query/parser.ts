// Owns the grammar of the query-string syntax (Bleve's query_string.y, rule for rule) and the clause AST
// it produces: a top-level boolean query of must (`+`), should (no prefix) and must-not (`-`) clauses.
// Field terms are exact keyword matches (Nakama indexes with the keyword analyzer); `field:10` matches
// the string "10" or the number 10; `>`, `>=`, `<`, `<=` take a number (numeric range) or a quoted
// RFC 3339 time (date range); `/re/` is a whole-value regular expression; `*` and `?` make a wildcard;
// `~n` is a fuzzy term; `^b` boosts a clause. Without a field a term matches nothing (Nakama indexes no
// catch-all field), except a lone `*`, which matches every document.
import { intern } from "./intern.js";
import { queryError, tokenize, Tok, type Token } from "./lexer.js";
import { parseRfc3339, safeRegExp, wildcardRegExp } from "./patterns.js";

export type Clause = (
  | { kind: "all" }
  | { kind: "none" }
  | { kind: "term"; field: string; value: string }
  | { kind: "number"; field: string; text: string; value: number }
  | { kind: "exists"; field: string }
  | { kind: "wildcard"; field: string; re: RegExp }
  | { kind: "regexp"; field: string; re: RegExp }
  | { kind: "fuzzy"; field: string; value: string; distance: number }
  | { kind: "range"; field: string; min: number; max: number; minInclusive: boolean; maxInclusive: boolean }
  | { kind: "dateRange"; field: string; min: number; max: number; minInclusive: boolean; maxInclusive: boolean }
) & { boost: number };

export interface QueryAst {
  must: Clause[];
  should: Clause[];
  mustNot: Clause[];
}

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseNumber(text: string, pos: number, what = "number"): number {
  const v = NUMBER_RE.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(v)) throw queryError(`invalid ${what} "${text}"`, pos);
  return v;
}

function stringClause(field: string, s: string, pos: number): Clause {
  if (field === "") return s === "*" ? { kind: "all", boost: 1 } : { kind: "none", boost: 1 };
  if (s.length >= 2 && s.startsWith("/") && s.endsWith("/")) return { kind: "regexp", field, re: safeRegExp(s.slice(1, -1), pos), boost: 1 };
  if (s === "*") return { kind: "exists", field, boost: 1 };
  if (s.includes("*") || s.includes("?")) return { kind: "wildcard", field, re: wildcardRegExp(s), boost: 1 };
  return { kind: "term", field, value: intern(s), boost: 1 };
}

/** `> v` / `>= v` (greater) or `< v` / `<= v` as bounds. */
function halfOpen(greater: boolean, v: number, inclusive: boolean) {
  return greater
    ? { min: v, max: Infinity, minInclusive: inclusive, maxInclusive: true }
    : { min: -Infinity, max: v, minInclusive: true, maxInclusive: inclusive };
}

/** Recursive descent over the token list; each `part` is one clause with its prefix and boost. */
class Parser {
  private k = 0;
  readonly ast: QueryAst = { must: [], should: [], mustNot: [] };
  constructor(private readonly toks: Token[], private readonly len: number) {}

  parse(): QueryAst {
    if (this.toks.length === 0) throw queryError("syntax error: empty query");
    while (this.k < this.toks.length) this.part();
    return this.ast;
  }

  private peek(offset = 0): Token | undefined {
    return this.toks[this.k + offset];
  }

  private unexpected(): never {
    const t = this.peek();
    if (t === undefined) throw queryError("syntax error: unexpected end of query", this.len);
    const shown = t.type === Tok.STRING || t.type === Tok.NUMBER ? t.text : t.type === Tok.PHRASE ? `"${t.text}"` : t.type;
    throw queryError(`syntax error: unexpected '${shown}'`, t.pos);
  }

  private take(type: Tok): Token {
    const t = this.peek();
    if (t === undefined || t.type !== type) this.unexpected();
    this.k++;
    return t;
  }

  private part(): void {
    let bucket = this.ast.should;
    const prefix = this.peek();
    if (prefix?.type === Tok.PLUS || prefix?.type === Tok.MINUS) {
      bucket = prefix.type === Tok.PLUS ? this.ast.must : this.ast.mustNot;
      this.k++;
    }
    const clause = this.base();
    const suffix = this.peek();
    if (suffix?.type === Tok.BOOST) {
      this.k++;
      clause.boost = parseNumber(suffix.text, suffix.pos, "boost value");
    }
    bucket.push(clause);
  }

  private base(): Clause {
    const t = this.peek();
    if (t === undefined) this.unexpected();
    this.k++;
    switch (t.type) {
      case Tok.NUMBER:
        return { kind: "none", boost: 1 };
      case Tok.PHRASE:
        return { kind: "none", boost: 1 };
      case Tok.STRING:
        if (this.peek()?.type === Tok.TILDE) return this.fuzzy("", t.text);
        if (this.peek()?.type !== Tok.COLON) return stringClause("", t.text, t.pos);
        this.k++;
        return this.fieldValue(intern(t.text));
      default:
        this.k--;
        return this.unexpected();
    }
  }

  private fuzzy(field: string, value: string): Clause {
    const tilde = this.take(Tok.TILDE);
    const distance = Math.trunc(parseNumber(tilde.text, tilde.pos, "fuzziness value"));
    return field === "" ? { kind: "none", boost: 1 } : { kind: "fuzzy", field, value, distance, boost: 1 };
  }

  /** What follows `field:`. */
  private fieldValue(field: string): Clause {
    const t = this.peek();
    if (t === undefined) this.unexpected();
    switch (t.type) {
      case Tok.STRING:
        this.k++;
        if (this.peek()?.type === Tok.TILDE) return this.fuzzy(field, t.text);
        return stringClause(field, t.text, t.pos);
      case Tok.PHRASE:
        this.k++;
        return { kind: "term", field, value: intern(t.text), boost: 1 };
      case Tok.NUMBER:
      case Tok.MINUS: {
        const text = this.signedNumber();
        return { kind: "number", field, text: intern(text), value: parseNumber(text, t.pos), boost: 1 };
      }
      case Tok.GREATER:
      case Tok.LESS:
        this.k++;
        return this.range(field, t.type === Tok.GREATER);
      default:
        return this.unexpected();
    }
  }

  private signedNumber(): string {
    if (this.peek()?.type === Tok.MINUS) {
      this.k++;
      return `-${this.take(Tok.NUMBER).text}`;
    }
    return this.take(Tok.NUMBER).text;
  }

  private range(field: string, greater: boolean): Clause {
    let inclusive = false;
    if (this.peek()?.type === Tok.EQUAL) {
      this.k++;
      inclusive = true;
    }
    const t = this.peek();
    if (t?.type === Tok.PHRASE) {
      this.k++;
      const at = parseRfc3339(t.text);
      if (at === undefined) throw queryError(`invalid time "${t.text}", expected RFC 3339`, t.pos);
      return { kind: "dateRange", field, ...halfOpen(greater, at, inclusive), boost: 1 };
    }
    if (t === undefined || (t.type !== Tok.NUMBER && t.type !== Tok.MINUS)) this.unexpected();
    const value = parseNumber(this.signedNumber(), t.pos);
    return { kind: "range", field, ...halfOpen(greater, value, inclusive), boost: 1 };
  }
}

/** Parses a non-empty query string; throws GameError(INVALID_ARGUMENT) with the offending position. */
export function parseQuery(src: string): QueryAst {
  return new Parser(tokenize(src), src.length).parse();
}
