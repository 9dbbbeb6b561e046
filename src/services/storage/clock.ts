// Owns the create times the game services give rows that are listed in time order (notifications,
// wallet ledger entries): microseconds from a monotonic clock, so rows keep their insertion order. The
// database clock cannot do this: now() is the transaction's start (equal for every row of a batch) and
// the embedded PGlite's clock only has millisecond resolution, so rows written within one millisecond
// would fall back to their random ids for order and a cacheable cursor could skip a later row.

/** Microseconds since the epoch: wall-clock origin of this process plus a monotonic offset. */
export function epochMicros(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
}

/** A timestamptz literal with all six fractional digits, e.g. "2026-01-02T03:04:05.123456Z". */
export function timestamptzText(us: bigint): string {
  const iso = new Date(Number(us / 1000n)).toISOString();
  return `${iso.slice(0, -1)}${(us % 1000n).toString().padStart(3, "0")}Z`;
}

/**
 * Create times for a batch of rows owned by `owners[i]`: one clock reading, plus one microsecond per
 * earlier row of the same owner, so each owner's rows are strictly ordered as given.
 */
export function batchTimes(owners: readonly string[]): string[] {
  const base = epochMicros();
  const seen = new Map<string, bigint>();
  return owners.map((o) => {
    const k = seen.get(o) ?? 0n;
    seen.set(o, k + 1n);
    return timestamptzText(base + k);
  });
}
