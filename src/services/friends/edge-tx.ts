// Owns what the social graph's writes and listings share (friends' user_edge and groups' group_edge):
// the transaction wrapper they run in, the `position` a new edge gets, and the opaque cursors of edge
// listings.
//
// Races handled here:
// - Every social write runs at READ COMMITTED and is retried from scratch on a deadlock (two requests
//   inserting the two rows of one relationship in opposite order) or serialization failure. Counters
//   are kept right by guarded single-statement updates (`edge_count + 1 <= max_count`), which
//   PostgreSQL re-evaluates against the committed row after waiting for its lock.
// - `position` (part of the primary key with source and state) is wall-clock nanoseconds; Node only has
//   microseconds, so the last three digits are random. Two edges of one source and state created in the
//   same microsecond can still collide: that primary-key violation reruns the transaction with new
//   positions instead of failing the request.
import { randomInt } from "node:crypto";
import { GameError, type Code } from "../../errors.js";
import type { Db, Queryable } from "../../storage/db.js";
import { isUniqueViolation, txRetry } from "../../storage/db-errors.js";
import { epochMicros } from "../storage/clock.js";

const POSITION_KEYS = new Set(["user_edge_pkey", "group_edge_pkey"]);

/** Runs `fn` in a READ COMMITTED transaction; reruns it on deadlocks and on edge-position collisions. */
export async function socialTx<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await txRetry(db, fn, { isolation: "read committed" });
    } catch (err) {
      const collision = isUniqueViolation(err) && err.constraint !== undefined && POSITION_KEYS.has(err.constraint);
      if (!collision || attempt >= 3) throw err;
    }
  }
}

/** A new edge position: nanoseconds since the epoch (microsecond clock, random sub-microsecond digits). */
export function edgePosition(): bigint {
  return epochMicros() * 1000n + BigInt(randomInt(1000));
}

/** Encodes a listing cursor (opaque to clients: base64url of a small JSON object). */
export function encodeCursor(value: Record<string, string | number | boolean>): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/** Decodes a cursor made by encodeCursor; null when it is not one. */
export function decodeCursor(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The cursor of an edge listing: where the next page starts (state and position of its first row). */
export interface EdgeCursor {
  state: number;
  position: string;
}

export function encodeEdgeCursor(c: EdgeCursor): string {
  return encodeCursor({ s: c.state, p: c.position });
}

/** Decodes an edge cursor; null when malformed. */
export function decodeEdgeCursor(text: string): EdgeCursor | null {
  const v = decodeCursor(text);
  if (v === null || typeof v.s !== "number" || !Number.isInteger(v.s) || typeof v.p !== "string" || !/^-?\d{1,19}$/.test(v.p)) {
    return null;
  }
  return { state: v.s, position: v.p };
}

/** Whole seconds, as Nakama fills Timestamps (`Time.Unix()`). */
export function wholeSecondsOf(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** An error of the social services: `reason` is Nakama's runtime error text (nk callers see it). */
export class SocialError<R extends string = string> extends GameError {
  readonly reason: R;
  constructor(code: Code, reason: R) {
    super(code, reason);
    this.name = "SocialError";
    this.reason = reason;
  }
}

export function isSocialError(err: unknown, reason?: string): err is SocialError {
  return err instanceof SocialError && (reason === undefined || err.reason === reason);
}
