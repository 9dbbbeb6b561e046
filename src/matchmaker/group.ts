// Owns the last step of forming a group: given the searching ticket and a combination of candidate
// tickets, find the largest allowed size and which tickets to leave out to reach it. A size is allowed
// when it is within every remaining member's [min_count, max_count] and a multiple of every remaining
// member's count_multiple. Members that cannot accept a size must leave; beyond that, the newest
// tickets leave first (Nakama's stated intent: keep the longest-waiting players), parties leave whole,
// and at least one ticket besides the searcher stays.
import type { Ticket } from "./store.js";

function accepts(t: Ticket, size: number): boolean {
  return t.min <= size && size <= t.max && size % t.multiple === 0;
}

/**
 * Picks tickets of exactly `count` players to remove from `members` (newest first), or null.
 * Subset sum over ticket sizes with memoised dead ends: O(members × count).
 */
function removalOf(members: readonly Ticket[], count: number): Ticket[] | null {
  if (count === 0) return [];
  const newestFirst = [...members].sort((a, b) => b.seq - a.seq);
  const dead = new Set<number>();
  const picked: Ticket[] = [];
  const search = (i: number, left: number): boolean => {
    if (left === 0) return true;
    if (i >= newestFirst.length || dead.has(i * (count + 1) + left)) return false;
    const t = newestFirst[i];
    if (t.count <= left) {
      picked.push(t);
      if (search(i + 1, left - t.count)) return true;
      picked.pop();
    }
    if (search(i + 1, left)) return true;
    dead.add(i * (count + 1) + left);
    return false;
  };
  return search(0, count) ? picked : null;
}

/** The group of `searcher` + `combo` trimmed to size `size`, or null if impossible. */
function trimTo(searcher: Ticket, combo: readonly Ticket[], total: number, size: number): Ticket[] | null {
  if (!accepts(searcher, size)) return null;
  const leaving = combo.filter((t) => !accepts(t, size));
  const forced = leaving.reduce((n, t) => n + t.count, 0);
  if (forced > total - size) return null;
  const staying = combo.filter((t) => accepts(t, size));
  const extra = removalOf(staying, total - size - forced);
  if (extra === null) return null;
  const out = new Set(extra);
  const kept = staying.filter((t) => !out.has(t));
  // A group is at least two tickets: a party is never "matched" with nobody but itself.
  return kept.length === 0 ? null : [...kept, searcher];
}

/**
 * The largest group the searcher can form from `combo`: sizes from the combo's full size down to
 * `lowest` are tried in turn. Returns the tickets (searcher included) or null.
 */
export function formGroup(searcher: Ticket, combo: readonly Ticket[], lowest: number): Ticket[] | null {
  const total = combo.reduce((n, t) => n + t.count, searcher.count);
  for (let size = Math.min(total, searcher.max); size >= Math.max(lowest, searcher.count); size--) {
    const group = trimTo(searcher, combo, total, size);
    if (group !== null) return group;
  }
  return null;
}
