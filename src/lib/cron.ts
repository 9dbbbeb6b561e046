// Owns cron schedules as Nakama reads them (its fork of gorhill/cronexpr): parsing 5–7 field expressions
// and the @yearly/@monthly/@weekly/@daily/@hourly aliases, and the two questions every caller asks:
// `next(t)`, the first matching instant strictly after t, and `prev(t)`, the last one strictly before t.
// Times are unix seconds, UTC, at one-second resolution (a fractional t is floored first).
//
// Fields: 5 = minute hour day-of-month month day-of-week (second 0, any year); 6 = the same plus a year;
// 7 = second first, year last; more than 7 are ignored. Each field takes `*` / `?`, values, `a-b`, `*/n`,
// `a/n`, `a-b/n` and comma lists; months and weekdays also by (full or 3-letter) name, weekday 7 = Sunday.
// Day of month also takes `L`, `LW` and `15W`; day of week `5L` (last Friday) and `5#3` (third Friday).
// When both day fields are restricted a day matching either one matches (crontab's rule).
// Years run 1970–2099: past the last match `next` returns null (Nakama's zero time), likewise `prev`.
import { Code, GameError } from "../errors.js";

export interface CronSchedule {
  /** The expression as given. */
  readonly source: string;
  /** The first matching instant strictly after `unixSec` (unix seconds), or null when there is none. */
  next(unixSec: number): number | null;
  /** The last matching instant strictly before `unixSec`, or null when there is none. */
  prev(unixSec: number): number | null;
}

interface Field {
  name: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
  digits: number;
}

const SECOND: Field = { name: "second", min: 0, max: 59, digits: 2 };
const MINUTE: Field = { name: "minute", min: 0, max: 59, digits: 2 };
const HOUR: Field = { name: "hour", min: 0, max: 23, digits: 2 };
const DOM: Field = { name: "day-of-month", min: 1, max: 31, digits: 2 };
const MONTH: Field = {
  name: "month", min: 1, max: 12, digits: 2,
  names: {
    jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
    jul: 7, july: 7, aug: 8, august: 8, sep: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11,
    dec: 12, december: 12,
  },
};
// Weekday 7 is Sunday; the range check allows it and `weekday()` folds it to 0.
const DOW: Field = {
  name: "day-of-week", min: 0, max: 7, digits: 1,
  names: {
    sun: 0, sunday: 0, mon: 1, monday: 1, tue: 2, tuesday: 2, wed: 3, wednesday: 3, thu: 4, thursday: 4,
    fri: 5, friday: 5, sat: 6, saturday: 6,
  },
};
const YEAR: Field = { name: "year", min: 1970, max: 2099, digits: 4 };

const ALIASES: ReadonlyArray<readonly [string, string]> = [
  ["@yearly", "0 0 0 1 1 * *"],
  ["@annually", "0 0 0 1 1 * *"],
  ["@monthly", "0 0 0 1 * * *"],
  ["@weekly", "0 0 0 * * 0 *"],
  ["@daily", "0 0 0 * * * *"],
  ["@midnight", "0 0 0 * * * *"],
  ["@hourly", "0 0 * * * * *"],
];

function bad(message: string): GameError {
  return new GameError(Code.INVALID_ARGUMENT, message);
}

function range(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** One value of a field: a number in range (at most `digits` digits, leading zero allowed) or a name. */
function value(token: string, f: Field): number | null {
  const named = f.names?.[token];
  if (named !== undefined) return named;
  const maxLen = f.digits === 4 ? 4 : 2;
  if (!/^\d+$/.test(token) || token.length > maxLen || (f.digits === 4 && token.length !== 4)) return null;
  const n = Number(token);
  return n >= f.min && n <= f.max ? n : null;
}

function step(token: string, f: Field): number {
  const n = /^\d+$/.test(token) ? Number(token) : NaN;
  if (!(n >= 1 && n <= f.max)) throw bad(`invalid interval ${token}`);
  return n;
}

/**
 * Parses one comma-separated entry: `*`/`?` (returns "all"), `v`, `a-b`, `* /n`, `v/n`, `a-b/n`;
 * null when the entry has another shape (special day syntax, handled by the caller).
 */
function entry(e: string, f: Field): number[] | "all" | null {
  if (e === "*" || e === "?") return "all";
  const slash = e.indexOf("/");
  const body = slash < 0 ? e : e.slice(0, slash);
  const every = slash < 0 ? 1 : step(e.slice(slash + 1), f);
  if (body === "*") return slash < 0 ? "all" : range(f.min, f.max, every);
  const dash = body.indexOf("-");
  if (dash < 0) {
    const v = value(body, f);
    if (v === null) return null;
    return slash < 0 ? [v] : range(v, f.max, every);
  }
  const a = value(body.slice(0, dash), f);
  const b = value(body.slice(dash + 1), f);
  if (a === null || b === null) return null;
  return range(a, b, every);
}

function sorted(set: Set<number>): number[] {
  return [...set].sort((x, y) => x - y);
}

/** A plain field (second, minute, hour, month, year) as its sorted list of values. */
function plainField(text: string, f: Field): number[] {
  const out = new Set<number>();
  for (const e of text.toLowerCase().split(",")) {
    if (e === "") throw bad(`${f.name} field: missing directive`);
    const r = entry(e, f);
    if (r === null) throw bad(`syntax error in ${f.name} field: '${e}'`);
    if (r === "all") return range(f.min, f.max);
    for (const v of r) out.add(v);
  }
  if (out.size === 0) throw bad(`syntax error in ${f.name} field: '${text}'`);
  return sorted(out);
}

interface DaySpec {
  domRestricted: boolean;
  dom: Set<number>;
  domWork: Set<number>;
  lastDom: boolean;
  lastWorkDom: boolean;
  dowRestricted: boolean;
  dow: Set<number>;
  /** 5#3 → weekday 5 in week 3. */
  dowNth: Array<[number, number]>;
  /** 5L → last Friday. */
  dowLast: Set<number>;
}

function domField(text: string, d: DaySpec): void {
  for (const e of text.toLowerCase().split(",")) {
    if (e === "") throw bad("day-of-month field: missing directive");
    const r = entry(e, DOM);
    if (r === "all") {
      d.domRestricted = false;
      continue;
    }
    if (r !== null) {
      for (const v of r) d.dom.add(v);
      continue;
    }
    const w = /^(\d+)w$/.exec(e);
    if (e === "l") d.lastDom = true;
    else if (e === "lw") d.lastWorkDom = true;
    else if (w !== null && value(w[1], DOM) !== null) d.domWork.add(Number(w[1]));
    else throw bad(`syntax error in day-of-month field: '${e}'`);
  }
}

function dowField(text: string, d: DaySpec): void {
  for (const e of text.toLowerCase().split(",")) {
    if (e === "") throw bad("day-of-week field: missing directive");
    const r = entry(e, DOW);
    if (r === "all") {
      d.dowRestricted = false;
      continue;
    }
    if (r !== null) {
      for (const v of r) d.dow.add(v % 7);
      continue;
    }
    const last = /^([a-z0-9]+)l$/.exec(e);
    const nth = /^([a-z0-9]+)#([1-5])$/.exec(e);
    const lastDay = last === null ? null : value(last[1], DOW);
    const nthDay = nth === null ? null : value(nth[1], DOW);
    if (lastDay !== null) d.dowLast.add(lastDay % 7);
    else if (nth !== null && nthDay !== null) d.dowNth.push([nthDay % 7, Number(nth[2])]);
    else throw bad(`syntax error in day-of-week field: '${e}'`);
  }
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function weekday(y: number, m: number, d: number): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Saturday → the Friday before (or Monday after the 1st); Sunday → the Monday after (or Friday before the last). */
function workday(y: number, m: number, d: number, last: number): number {
  const wd = weekday(y, m, d);
  if (wd === 6) return d > 1 ? d - 1 : d + 2;
  if (wd === 0) return d < last ? d + 1 : d - 2;
  return d;
}

/** The days of month `m` of year `y` the two day fields select, ascending. */
function daysOf(spec: DaySpec, y: number, m: number): number[] {
  const last = daysInMonth(y, m);
  if (!spec.domRestricted && !spec.dowRestricted) return range(1, last);
  const out = new Set<number>();
  if (spec.domRestricted) {
    if (spec.lastDom) out.add(last);
    if (spec.lastWorkDom) out.add(workday(y, m, last, last));
    for (const v of spec.dom) if (v <= last) out.add(v);
    for (const v of spec.domWork) if (v <= last) out.add(workday(y, m, v, last));
  }
  if (spec.dowRestricted) {
    const first = weekday(y, m, 1);
    for (let day = 1; day <= last; day++) {
      const wd = (first + day - 1) % 7;
      if (spec.dow.has(wd)) out.add(day);
      if (spec.dowLast.has(wd) && day + 7 > last) out.add(day);
      for (const [nd, week] of spec.dowNth) if (nd === wd && Math.ceil(day / 7) === week) out.add(day);
    }
  }
  return sorted(out);
}

interface Parts {
  seconds: number[];
  minutes: number[];
  hours: number[];
  months: number[];
  years: number[];
  days: DaySpec;
}

function normalize(expr: string): string {
  let s = expr;
  for (const [alias, full] of ALIASES) s = s.split(alias).join(full);
  return s;
}

function parseParts(expr: string): Parts {
  let fields = normalize(expr).trim().split(/\s+/).filter((f) => f !== "");
  if (fields.length < 5) throw bad("missing field(s)");
  fields = fields.slice(0, 7);
  const withSeconds = fields.length === 7;
  const at = (i: number): string => fields[withSeconds ? i : i - 1];
  const days: DaySpec = {
    domRestricted: true, dom: new Set(), domWork: new Set(), lastDom: false, lastWorkDom: false,
    dowRestricted: true, dow: new Set(), dowNth: [], dowLast: new Set(),
  };
  domField(at(3), days);
  dowField(at(5), days);
  return {
    seconds: withSeconds ? plainField(fields[0], SECOND) : [0],
    minutes: plainField(at(1), MINUTE),
    hours: plainField(at(2), HOUR),
    months: plainField(at(4), MONTH),
    years: fields.length > 5 ? plainField(fields[fields.length - 1], YEAR) : range(YEAR.min, YEAR.max),
    days,
  };
}

type Tuple = [number, number, number, number, number, number];

function toTuple(sec: number): Tuple {
  const d = new Date(sec * 1000);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
}

function fromTuple(t: Tuple): number {
  return Date.UTC(t[0], t[1] - 1, t[2], t[3], t[4], t[5]) / 1000;
}

/**
 * Depth-first search over year, month, day, hour, minute, second for the first (forward) or last
 * (backward) tuple that matches and is on the right side of `bound` (inclusive). `tight` says every
 * level chosen so far equals the bound's, so this level must not pass the bound's value.
 */
function search(p: Parts, bound: Tuple, forward: boolean): Tuple | null {
  const out: number[] = [];
  const levels = (depth: number, chosen: number[]): number[] => {
    switch (depth) {
      case 0: return p.years;
      case 1: return p.months;
      case 2: return daysOf(p.days, chosen[0], chosen[1]);
      case 3: return p.hours;
      case 4: return p.minutes;
      default: return p.seconds;
    }
  };
  const walk = (depth: number, tight: boolean): boolean => {
    if (depth === 6) return true;
    const list = levels(depth, out);
    const b = bound[depth];
    const n = list.length;
    for (let k = 0; k < n; k++) {
      const v = forward ? list[k] : list[n - 1 - k];
      if (tight && (forward ? v < b : v > b)) continue;
      out[depth] = v;
      if (walk(depth + 1, tight && v === b)) return true;
    }
    return false;
  };
  return walk(0, true) ? (out.slice(0, 6) as Tuple) : null;
}

/** Parses an expression; a malformed one throws GameError(INVALID_ARGUMENT) naming the bad field. */
export function parseCron(expr: string): CronSchedule {
  const parts = parseParts(expr);
  return {
    source: expr,
    next(unixSec: number): number | null {
      const t = search(parts, toTuple(Math.floor(unixSec) + 1), true);
      return t === null ? null : fromTuple(t);
    },
    prev(unixSec: number): number | null {
      const t = search(parts, toTuple(Math.floor(unixSec) - 1), false);
      return t === null ? null : fromTuple(t);
    },
  };
}

/** True when `expr` parses. */
export function isValidCron(expr: string): boolean {
  try {
    parseParts(expr);
    return true;
  } catch {
    return false;
  }
}

/** nk.cron_next / cronNext: the next instant after `unixSec`, or null. Throws on a bad expression. */
export function cronNext(expr: string, unixSec: number): number | null {
  return parseCron(expr).next(unixSec);
}

/** nk.cron_prev / cronPrev: the last instant before `unixSec`, or null. Throws on a bad expression. */
export function cronPrev(expr: string, unixSec: number): number | null {
  return parseCron(expr).prev(unixSec);
}
