// Unit tests of board time arithmetic: tournament windows with and without a reset schedule, start and
// end times, durations longer than a period, and the expiry a listing reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCron } from "../../lib/cron.js";
import { listingExpiry, tournamentDeadlines } from "./deadlines.js";
import type { Board } from "./types.js";

const at = (iso: string): number => Date.parse(iso) / 1000;

function board(over: Partial<Board>): Board {
  return {
    id: "t", authoritative: true, sortOrder: 1, operator: 0, resetSchedule: "", cron: null, metadata: "{}", createTime: 0,
    category: 0, description: "", duration: 3600, endTime: 0, joinRequired: false, maxSize: 2147483647, maxNumScore: 1000000,
    title: "", startTime: at("2030-01-01T00:00:00Z"), enableRanks: false, ...over,
  };
}

const daily = (over: Partial<Board> = {}): Board => board({ resetSchedule: "0 12 * * *", cron: parseCron("0 12 * * *"), ...over });

test("no schedule: one window from the start time for the duration, expiring at the end time", () => {
  const b = board({ endTime: at("2030-01-02T00:00:00Z") });
  assert.deepEqual(tournamentDeadlines(b, at("2030-01-01T00:30:00Z")), {
    startActive: at("2030-01-01T00:00:00Z"), endActive: at("2030-01-01T01:00:00Z"), expiry: at("2030-01-02T00:00:00Z"),
  });
  // The window never outlasts the end time.
  const short = board({ duration: 86400 * 3, endTime: at("2030-01-02T00:00:00Z") });
  assert.equal(tournamentDeadlines(short, at("2030-01-01T00:30:00Z")).endActive, at("2030-01-02T00:00:00Z"));
  assert.equal(tournamentDeadlines(board({}), at("2030-01-01T00:30:00Z")).expiry, 0);
});

test("daily at noon, one hour long: the current window, between windows, and on the reset instant", () => {
  const b = daily({ startTime: at("2029-12-01T00:00:00Z") });
  assert.deepEqual(tournamentDeadlines(b, at("2030-01-05T12:30:00Z")), {
    startActive: at("2030-01-05T12:00:00Z"), endActive: at("2030-01-05T13:00:00Z"), expiry: at("2030-01-06T12:00:00Z"),
  });
  // At 3 pm the window of the day has closed; records still expire at the next reset.
  const late = tournamentDeadlines(b, at("2030-01-05T15:00:00Z"));
  assert.equal(late.endActive, at("2030-01-05T13:00:00Z"));
  assert.equal(late.expiry, at("2030-01-06T12:00:00Z"));
  // Exactly on the reset instant the new window starts.
  assert.equal(tournamentDeadlines(b, at("2030-01-06T12:00:00Z")).startActive, at("2030-01-06T12:00:00Z"));
});

test("before the start time: the first window after it", () => {
  const b = daily({ startTime: at("2030-01-10T08:00:00Z") });
  assert.deepEqual(tournamentDeadlines(b, at("2030-01-01T00:00:00Z")), {
    startActive: at("2030-01-10T12:00:00Z"), endActive: at("2030-01-10T13:00:00Z"), expiry: at("2030-01-11T12:00:00Z"),
  });
});

test("a start time inside a period opens the window at the start time", () => {
  const b = daily({ startTime: at("2030-01-05T12:20:00Z") });
  const d = tournamentDeadlines(b, at("2030-01-05T12:30:00Z"));
  assert.equal(d.startActive, at("2030-01-05T12:20:00Z"));
  assert.equal(d.endActive, at("2030-01-05T13:00:00Z"));
});

test("a duration longer than the period is capped at the next reset; the end time caps the expiry", () => {
  const b = daily({ duration: 3 * 86400, startTime: at("2029-12-01T00:00:00Z"), endTime: at("2030-01-06T00:00:00Z") });
  const d = tournamentDeadlines(b, at("2030-01-05T13:00:00Z"));
  assert.equal(d.expiry, at("2030-01-06T00:00:00Z"));
  assert.equal(d.endActive, at("2030-01-06T00:00:00Z"));
});

test("listing expiry: override, current period, and an expired tournament", () => {
  const now = at("2030-01-05T12:30:00Z");
  const b = daily({ startTime: at("2029-12-01T00:00:00Z") });
  assert.deepEqual(listingExpiry(b, 123, now), { expiry: 123, possible: true });
  assert.deepEqual(listingExpiry(b, 0, now), { expiry: at("2030-01-06T12:00:00Z"), possible: true });
  const ended = board({ startTime: at("2029-01-01T00:00:00Z"), endTime: at("2029-06-01T00:00:00Z") });
  assert.deepEqual(listingExpiry(ended, 0, now), { expiry: 0, possible: false });
  const lb = board({ duration: 0, resetSchedule: "@daily", cron: parseCron("@daily") });
  assert.deepEqual(listingExpiry(lb, 0, now), { expiry: at("2030-01-06T00:00:00Z"), possible: true });
});
