// Unit tests of the query language: the lexer's token rules (Bleve's), each grammar construct, the
// boolean combination rules, scoring with boosts, document flattening, and error reporting.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../errors.js";
import { tokenize } from "./lexer.js";
import { compileQuery, flattenDocument, QueryCache } from "./index.js";

const props = (p: Record<string, unknown>) => flattenDocument(p, "properties");
const hit = (q: string, p: Record<string, unknown>): boolean => compileQuery(q).matches(props(p));

function invalid(q: string, pattern: RegExp): void {
  assert.throws(() => compileQuery(q), (err: unknown) => {
    assert.ok(err instanceof GameError);
    assert.equal(err.code, Code.INVALID_ARGUMENT);
    assert.match(err.message, pattern);
    return true;
  });
}

describe("lexer", () => {
  const kinds = (q: string) => tokenize(q).map((t) => (t.text === "" ? t.type : `${t.type}(${t.text})`));

  test("field terms, prefixes, ranges and negative numbers", () => {
    assert.deepEqual(kinds("+a:b -c:d e:f"), ["+", "string(a)", ":", "string(b)", "-", "string(c)", ":", "string(d)", "string(e)", ":", "string(f)"]);
    assert.deepEqual(kinds("f:>=-5"), ["string(f)", ":", ">", "=", "-", "number(5)"]);
    assert.deepEqual(kinds('f:<"2006-01-02T15:04:05Z"'), ["string(f)", ":", "<", "phrase(2006-01-02T15:04:05Z)"]);
  });

  test("numbers end on boost, colon and tilde; other characters make them strings", () => {
    assert.deepEqual(kinds("age:65^10"), ["string(age)", ":", "number(65)", "^(10)"]);
    assert.deepEqual(kinds("age:65~2"), ["string(age)", ":", "number(65)", "~(2)"]);
    assert.deepEqual(kinds("127.0.0.1 555c3bb0 3.5"), ["string(127.0.0.1)", "string(555c3bb0)", "number(3.5)"]);
  });

  test("escapes, operators inside strings, phrases with quotes, empty boost", () => {
    assert.deepEqual(kinds("name\\:marty a\\ b \\+x t-e+s>t"), ["string(name:marty)", "string(a b)", "string(+x)", "string(t-e+s>t)"]);
    assert.deepEqual(kinds('"what \\"quote\\" means"'), ['phrase(what "quote" means)']);
    assert.deepEqual(kinds("can\\e term^"), ["string(can\\e)", "string(term)", "^(1)"]);
  });
});

describe("query constructs", () => {
  test("field term is exact and case-sensitive (keyword analyzer)", () => {
    assert.equal(hit("properties.region:europe", { region: "europe" }), true);
    assert.equal(hit("properties.region:europe", { region: "Europe" }), false);
    assert.equal(hit("properties.region:euro", { region: "europe" }), false);
    assert.equal(hit("properties.region:europe", { mode: "europe" }), false);
  });

  test("must, must-not and should", () => {
    const q = "+properties.region:eu -properties.mode:ranked";
    assert.equal(hit(q, { region: "eu", mode: "casual" }), true);
    assert.equal(hit(q, { region: "eu", mode: "ranked" }), false);
    assert.equal(hit(q, { region: "us", mode: "casual" }), false);
    // Should-only: at least one should clause must match.
    assert.equal(hit("properties.a:x properties.a:y", { a: "y" }), true);
    assert.equal(hit("properties.a:x properties.a:y", { a: "z" }), false);
    // With a must clause, should clauses are optional.
    assert.equal(hit("+properties.b:1x properties.a:x", { a: "z", b: "1x" }), true);
    // Only must-not: everything else matches.
    assert.equal(hit("-properties.mode:ranked", { mode: "casual" }), true);
    assert.equal(hit("-properties.mode:ranked", {}), true);
    assert.equal(hit("-properties.mode:ranked", { mode: "ranked" }), false);
  });

  test("numeric ranges: >, >=, <, <= and negatives", () => {
    assert.equal(hit("+properties.rank:>=10 +properties.rank:<=20", { rank: 15 }), true);
    assert.equal(hit("+properties.rank:>=10 +properties.rank:<=20", { rank: 25 }), false);
    assert.equal(hit("properties.rank:>10", { rank: 10 }), false);
    assert.equal(hit("properties.rank:>=10", { rank: 10 }), true);
    assert.equal(hit("properties.rank:<10", { rank: 10 }), false);
    assert.equal(hit("properties.rank:<=10", { rank: 10 }), true);
    assert.equal(hit("properties.t:>-5", { t: -4 }), true);
    assert.equal(hit("properties.t:<=-5", { t: -4 }), false);
    // A range never matches a string value.
    assert.equal(hit("properties.rank:>=10", { rank: "15" }), false);
  });

  test("a number term matches the number or the same text", () => {
    assert.equal(hit("properties.b1:10", { b1: 10 }), true);
    assert.equal(hit("properties.b1:10", { b1: "10" }), true);
    assert.equal(hit("properties.b1:10", { b1: 10.5 }), false);
    assert.equal(hit("properties.b1:-3.5", { b1: -3.5 }), true);
  });

  test("phrases are exact values with spaces", () => {
    assert.equal(hit('properties.name:"big map"', { name: "big map" }), true);
    assert.equal(hit('properties.name:"big map"', { name: "big" }), false);
  });

  test("wildcards and field presence", () => {
    assert.equal(hit("properties.name:fo*", { name: "foobar" }), true);
    assert.equal(hit("properties.name:fo?", { name: "foo" }), true);
    assert.equal(hit("properties.name:fo?", { name: "fooo" }), false);
    assert.equal(hit("properties.name:*bar", { name: "foobar" }), true);
    assert.equal(hit("properties.name:a.c*", { name: "abc" }), false);
    assert.equal(hit("properties.name:*", { name: "x" }), true);
    assert.equal(hit("properties.level:*", { level: 3 }), true);
    assert.equal(hit("properties.name:*", { other: "x" }), false);
  });

  test("regular expressions match the whole value (Nakama's blocked-list idiom)", () => {
    const blocked = { blocked: "4bd6667a-2659 cc44260e-6b7d", game_mode: "foo" };
    assert.equal(hit("+properties.game_mode:foo -properties.blocked:/.*cc44260e\\-6b7d.*/", blocked), false);
    assert.equal(hit("+properties.game_mode:foo -properties.blocked:/.*3a3b78a0\\-8622.*/", blocked), true);
    assert.equal(hit("+properties.maps:/.*(map2|map3).*/", { maps: "map1 map2 some_map" }), true);
    assert.equal(hit("+properties.maps:/.*(map3|some_map_foo).*/", { maps: "map1 map2 some_map" }), false);
    assert.equal(hit("properties.name:/fo/", { name: "foo" }), false);
  });

  test("fuzzy terms", () => {
    assert.equal(hit("properties.name:watex~", { name: "water" }), true);
    assert.equal(hit("properties.name:watex~1", { name: "wafer" }), false);
    assert.equal(hit("properties.name:watex~2", { name: "wafer" }), true);
  });

  test("date ranges over date-like strings", () => {
    const d = { start: "2024-03-01T10:00:00Z" };
    assert.equal(hit('properties.start:>"2024-01-01T00:00:00Z"', d), true);
    assert.equal(hit('properties.start:<"2024-01-01T00:00:00Z"', d), false);
    assert.equal(hit('properties.start:>="2024-03-01T12:00:00+02:00"', d), true);
    assert.equal(hit('properties.start:>"2024-03-01T12:00:00+02:00"', d), false);
    assert.equal(hit('properties.day:<="2024-03-01T00:00:00Z"', { day: "2024-03-01" }), true);
  });

  test("`*` alone matches everything; fieldless terms match nothing", () => {
    assert.equal(hit("*", {}), true);
    assert.equal(compileQuery("*").matchAll, true);
    assert.equal(hit("europe", { region: "europe" }), false);
    assert.equal(hit('"europe"', { region: "europe" }), false);
    assert.equal(hit("10", { n: 10 }), false);
    assert.equal(compileQuery("").matches(props({ a: "b" })), false);
  });
});

describe("scoring", () => {
  test("score sums the boosts of satisfied clauses", () => {
    const q = compileQuery("properties.n1:<10^10 properties.a6:bar +properties.id:x");
    assert.equal(q.constantScore, false);
    assert.equal(q.score(props({ id: "x", n1: 5, a6: "bar" })), 12);
    assert.equal(q.score(props({ id: "x", n1: 15, a6: "bar" })), 2);
    assert.equal(q.score(props({ id: "x", n1: 15 })), 1);
    assert.equal(compileQuery("+properties.a:b -properties.c:d").constantScore, true);
  });

  test("boosts apply to every clause kind", () => {
    const q = compileQuery('properties.a:"x y"^3 properties.b:>1^0.5 properties.c:z*^2');
    assert.equal(q.score(props({ a: "x y", b: 2, c: "zz" })), 5.5);
  });
});

describe("documents", () => {
  test("nested objects, arrays and booleans flatten as Nakama indexes them", () => {
    const doc = flattenDocument({ mode: "ctf", open: true, tags: ["a", "b"], meta: { level: 3, nul: null } }, "label");
    const m = (q: string) => compileQuery(q).matches(doc);
    assert.equal(m("+label.mode:ctf +label.open:T"), true);
    assert.equal(m("label.open:true"), false);
    assert.equal(m("+label.tags:b +label.meta.level:>=3"), true);
    assert.equal(m("label.meta.nul:*"), false);
  });
});

describe("errors", () => {
  test("bad queries are INVALID_ARGUMENT with a position", () => {
    invalid("properties.a:", /unexpected end of query at position 13/);
    invalid("properties.a:>foo", /unexpected 'foo' at position 14/);
    invalid('properties.a:"open', /unterminated quote at position 13/);
    invalid("properties.a:b^x", /invalid boost value "x"/);
    invalid('properties.a:>"yesterday"', /invalid time "yesterday"/);
    invalid("properties.a:/(x/", /invalid regular expression/);
    invalid("properties.a:/(a+)+/", /nests quantifiers/);
    invalid("properties.a:/(a)\\1/", /backreferences or lookaround/);
    invalid("   ", /empty query/);
    invalid("+", /unexpected end/);
    invalid("65:cat", /unexpected ':'/);
  });

  test("the cache compiles each text once", () => {
    const cache = new QueryCache(2);
    const a = cache.get("properties.a:b");
    assert.equal(cache.get("properties.a:b"), a);
    cache.get("x:1");
    cache.get("x:2");
    assert.notEqual(cache.get("properties.a:b"), a);
  });
});
