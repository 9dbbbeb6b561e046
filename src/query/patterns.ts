// Owns the value-level matchers of the query language: whole-value regular expressions (restricted to
// what Go's RE2 accepts, which also keeps JavaScript's backtracking engine away from catastrophic
// patterns), wildcards, RFC 3339 times (queries) and the date layouts Nakama recognises in documents,
// and the bounded edit distance used by fuzzy terms.
import { queryError } from "./lexer.js";

const MAX_PATTERN = 512;

/**
 * Compiles `/src/` as a regular expression that must match the whole value. Refuses (INVALID_ARGUMENT)
 * what RE2 does not support (backreferences, lookaround) and nested quantifiers such as `(a+)+`.
 * A leading `(?i)` becomes the `i` flag; `(?P<name>` becomes `(?<name>`.
 */
export function safeRegExp(src: string, pos?: number): RegExp {
  if (src.length > MAX_PATTERN) throw queryError(`regular expression longer than ${MAX_PATTERN} characters`, pos);
  let flags = "";
  let body = src;
  if (body.startsWith("(?i)")) {
    flags = "i";
    body = body.slice(4);
  }
  body = body.replaceAll("(?P<", "(?<");
  if (/\\[1-9]|\\k<|\(\?<?[=!]/.test(body)) throw queryError("regular expression uses backreferences or lookaround", pos);
  if (/\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{]/.test(body)) throw queryError("regular expression nests quantifiers", pos);
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (err) {
    throw queryError(`invalid regular expression: ${(err as Error).message}`, pos);
  }
}

/** `*` = any run of characters, `?` = one character; everything else literal; whole value. */
export function wildcardRegExp(pattern: string): RegExp {
  let re = "";
  for (const ch of pattern) {
    if (ch === "*") re += ".*";
    else if (ch === "?") re += ".";
    else re += ch.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s");
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:([T ])(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/;

function toMs(m: RegExpExecArray): number | undefined {
  const [, y, mo, d, , h = "0", mi = "0", s = "0", frac = "", tz = "Z"] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s)) + (frac === "" ? 0 : Number(frac) * 1000);
  if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return undefined;
  if (tz !== "Z") {
    const sign = tz[0] === "-" ? -1 : 1;
    ms -= sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000;
  }
  return ms;
}

/** An RFC 3339 time ("2006-01-02T15:04:05Z", fraction and offset allowed) as unix ms, else undefined. */
export function parseRfc3339(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (m === null || m[4] !== "T" || m[9] === undefined) return undefined;
  return toMs(m);
}

/**
 * A document string Nakama indexes as a date (RFC 3339 with or without offset, "2006-01-02 15:04:05",
 * "2006-01-02"; no offset means UTC) as unix ms, else undefined.
 */
export function parseDocumentDate(text: string): number | undefined {
  if (text.length < 10 || text.length > 40 || text.charCodeAt(4) !== 45) return undefined;
  const m = DATE_RE.exec(text);
  if (m === null) return undefined;
  if (m[4] === " " && (m[8] !== undefined || m[9] !== undefined)) return undefined;
  return toMs(m);
}

/** True when the edit distance between a and b is at most `max` (Levenshtein, two rows). */
export function withinDistance(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  if (a === b) return true;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return false;
    prev = cur;
  }
  return prev[b.length] <= max;
}
