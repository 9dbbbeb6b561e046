// Unit tests of the cron schedules: field syntax, aliases, next/prev strictly after/before, day-of-month and
// day-of-week rules (L, W, #, both restricted), the 6- and 7-field forms, and the errors of bad expressions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GameError } from "../errors.js";
import { cronNext, cronPrev, isValidCron, parseCron } from "./cron.js";

const at = (iso: string): number => Date.parse(iso) / 1000;
const iso = (sec: number | null): string | null => (sec === null ? null : new Date(sec * 1000).toISOString().replace(".000", ""));

test("every minute: next is the next whole minute, strictly after", () => {
  const c = parseCron("* * * * *");
  assert.equal(iso(c.next(at("2024-03-10T10:15:00Z"))), "2024-03-10T10:16:00Z");
  assert.equal(iso(c.next(at("2024-03-10T10:15:59Z"))), "2024-03-10T10:16:00Z");
  assert.equal(iso(c.next(at("2024-03-10T10:15:00Z") + 0.5)), "2024-03-10T10:16:00Z");
  assert.equal(iso(c.prev(at("2024-03-10T10:15:00Z"))), "2024-03-10T10:14:00Z");
  assert.equal(iso(c.prev(at("2024-03-10T10:15:30Z"))), "2024-03-10T10:15:00Z");
});

test("daily at noon, rolling over days, months and years", () => {
  const c = parseCron("0 12 * * *");
  assert.equal(iso(c.next(at("2024-03-10T11:59:59Z"))), "2024-03-10T12:00:00Z");
  assert.equal(iso(c.next(at("2024-03-10T12:00:00Z"))), "2024-03-11T12:00:00Z");
  assert.equal(iso(c.next(at("2024-12-31T13:00:00Z"))), "2025-01-01T12:00:00Z");
  assert.equal(iso(c.prev(at("2024-03-10T12:00:00Z"))), "2024-03-09T12:00:00Z");
  assert.equal(iso(c.prev(at("2024-03-01T11:00:00Z"))), "2024-02-29T12:00:00Z");
});

test("lists, ranges and steps", () => {
  assert.equal(iso(cronNext("*/15 * * * *", at("2024-01-01T00:16:00Z"))), "2024-01-01T00:30:00Z");
  assert.equal(iso(cronNext("5/20 * * * *", at("2024-01-01T00:46:00Z"))), "2024-01-01T01:05:00Z");
  assert.equal(iso(cronNext("10-20/5 3 * * *", at("2024-01-01T03:16:00Z"))), "2024-01-01T03:20:00Z");
  assert.equal(iso(cronNext("0 1,13 * * *", at("2024-01-01T02:00:00Z"))), "2024-01-01T13:00:00Z");
  assert.equal(iso(cronNext("0 0 1 jan,jul *", at("2024-02-01T00:00:00Z"))), "2024-07-01T00:00:00Z");
  assert.equal(iso(cronNext("0 0 * * MON-FRI", at("2024-03-08T12:00:00Z"))), "2024-03-11T00:00:00Z");
});

test("day of week: 0 and 7 are Sunday; names are case-insensitive", () => {
  const sat = at("2024-03-09T12:00:00Z"); // a Saturday
  assert.equal(iso(cronNext("0 0 * * 0", sat)), "2024-03-10T00:00:00Z");
  assert.equal(iso(cronNext("0 0 * * 7", sat)), "2024-03-10T00:00:00Z");
  assert.equal(iso(cronNext("0 0 * * Sun", sat)), "2024-03-10T00:00:00Z");
});

test("both day fields restricted: either matches", () => {
  // The 15th, or any Monday.
  const c = parseCron("0 0 15 * 1");
  assert.equal(iso(c.next(at("2024-03-12T00:00:00Z"))), "2024-03-15T00:00:00Z");
  assert.equal(iso(c.next(at("2024-03-15T00:00:00Z"))), "2024-03-18T00:00:00Z");
});

test("L, W, LW, 5L and 5#3", () => {
  assert.equal(iso(cronNext("0 0 L * *", at("2024-02-10T00:00:00Z"))), "2024-02-29T00:00:00Z");
  // 2024-06-15 is a Saturday: the nearest weekday is Friday the 14th.
  assert.equal(iso(cronNext("0 0 15W * *", at("2024-06-01T00:00:00Z"))), "2024-06-14T00:00:00Z");
  // 2024-03-31 is a Sunday: the last weekday is Friday the 29th.
  assert.equal(iso(cronNext("0 0 LW * *", at("2024-03-01T00:00:00Z"))), "2024-03-29T00:00:00Z");
  assert.equal(iso(cronNext("0 0 * * 5L", at("2024-03-01T00:00:00Z"))), "2024-03-29T00:00:00Z");
  assert.equal(iso(cronNext("0 0 * * 5#3", at("2024-03-01T00:00:00Z"))), "2024-03-15T00:00:00Z");
});

test("days that do not exist in a month are skipped", () => {
  assert.equal(iso(cronNext("0 0 31 * *", at("2024-04-01T00:00:00Z"))), "2024-05-31T00:00:00Z");
  assert.equal(iso(cronNext("0 0 29 2 *", at("2024-03-01T00:00:00Z"))), "2028-02-29T00:00:00Z");
});

test("aliases", () => {
  const t = at("2024-03-10T10:15:00Z");
  assert.equal(iso(cronNext("@hourly", t)), "2024-03-10T11:00:00Z");
  assert.equal(iso(cronNext("@daily", t)), "2024-03-11T00:00:00Z");
  assert.equal(iso(cronNext("@midnight", t)), "2024-03-11T00:00:00Z");
  assert.equal(iso(cronNext("@weekly", t)), "2024-03-17T00:00:00Z");
  assert.equal(iso(cronNext("@monthly", t)), "2024-04-01T00:00:00Z");
  assert.equal(iso(cronNext("@yearly", t)), "2025-01-01T00:00:00Z");
  assert.equal(iso(cronNext("@annually", t)), "2025-01-01T00:00:00Z");
  assert.equal(iso(cronPrev("@weekly", t)), "2024-03-10T00:00:00Z");
});

test("7 fields have seconds first; 6 and 7 fields end with a year", () => {
  assert.equal(iso(cronNext("*/10 * * * * * *", at("2024-01-01T00:00:05Z"))), "2024-01-01T00:00:10Z");
  assert.equal(iso(cronPrev("30 0 0 * * * *", at("2024-01-02T00:00:00Z"))), "2024-01-01T00:00:30Z");
  assert.equal(iso(cronNext("0 0 1 1 * 2030", at("2024-01-01T00:00:00Z"))), "2030-01-01T00:00:00Z");
  // Past the last year there is no next instant, and before the first no previous one.
  assert.equal(cronNext("0 0 1 1 * 2020", at("2024-01-01T00:00:00Z")), null);
  assert.equal(cronPrev("0 0 1 1 * 2030", at("2024-01-01T00:00:00Z")), null);
  // Fields past the 7th are ignored.
  assert.equal(iso(cronNext("0 0 0 * * * * extra", at("2024-01-01T10:00:00Z"))), "2024-01-02T00:00:00Z");
});

test("prev walks back across months and years", () => {
  assert.equal(iso(cronPrev("0 0 1 * *", at("2024-01-01T00:00:00Z"))), "2023-12-01T00:00:00Z");
  assert.equal(iso(cronPrev("0 9 * * 1", at("2024-03-13T00:00:00Z"))), "2024-03-11T09:00:00Z");
  assert.equal(iso(cronPrev("0 0 L * *", at("2024-03-15T00:00:00Z"))), "2024-02-29T00:00:00Z");
});

test("next and prev are inverse around a boundary", () => {
  const c = parseCron("*/7 3-5 * * *");
  let t = at("2024-05-01T00:00:00Z");
  for (let i = 0; i < 50; i++) {
    const n = c.next(t)!;
    assert.ok(n > t);
    assert.equal(c.prev(n + 1), n);
    t = n;
  }
});

test("bad expressions are INVALID_ARGUMENT with the field named", () => {
  const cases: Array<[string, RegExp]> = [
    ["* * * *", /missing field\(s\)/],
    ["60 * * * *", /minute field/],
    ["* 24 * * *", /hour field/],
    ["* * 0 * *", /day-of-month field/],
    ["* * * 13 *", /month field/],
    ["* * * * 8", /day-of-week field/],
    ["*/0 * * * *", /invalid interval/],
    ["a * * * *", /minute field/],
    ["1,,2 * * * *", /minute field/],
    ["* * * * * 1969", /year field/],
    ["* * * * 5#6", /day-of-week field/],
  ];
  for (const [expr, re] of cases) {
    assert.throws(() => parseCron(expr), (e: unknown) => e instanceof GameError && e.code === 3 && re.test(e.message), expr);
    assert.equal(isValidCron(expr), false, expr);
  }
  assert.equal(isValidCron("0 12 * * *"), true);
});
