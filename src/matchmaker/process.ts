// Owns one matchmaking pass (Nakama's default processor, made deterministic):
//
// 1. Active tickets search in creation order (oldest first); a ticket already placed in a group during
//    this pass does not search. Each search counts one interval for the searcher.
// 2. A searcher's interval is its last when its interval count reaches `max_intervals`, or when its
//    min_count equals its max_count; after its last interval a ticket stops searching (it stays
//    waiting, and newer tickets' searches can still pick it).
// 3. Candidates come best first (candidates.ts). A candidate sharing a session with the searcher is
//    skipped. With `rev_precision`, while the searcher has searched no more than `rev_threshold`
//    intervals (or always when it is 0), the candidate's query must accept the searcher, and the
//    candidate and each ticket it joins must accept each other: every member accepts every other.
//    Without it, only the searcher's query decides (Nakama's one-way default).
// 4. Candidates fill combinations: each goes into the first combination with room (searcher's
//    max_count) and no session clash (or mutual-acceptance failure), else starts a new one. A
//    combination that reaches max_count becomes the group at once if every member accepts that size
//    (within its own [min, max] and a multiple of its count_multiple).
// 5. On its last interval, once all candidates are placed, the searcher takes the combination that
//    yields the largest group of at least its min_count, leaving out members that cannot accept the
//    size and then the newest tickets until the size suits every member (group.ts). Nakama only tries
//    this on the last candidate; trying every combination after the last one is what makes "three
//    players waiting on 2..4 form one group of 3" hold regardless of arrival order.
// 6. A formed group leaves the pool at once, so later searchers in the same pass cannot take it.
import { candidates } from "./candidates.js";
import { formGroup } from "./group.js";
import type { Ticket, TicketStore } from "./store.js";
import type { MatchmakerSettings } from "./types.js";

interface Combo {
  tickets: Ticket[];
  count: number;
}

function shareSession(a: Ticket, b: Ticket): boolean {
  for (const s of a.sessionIds) if (b.sessionIds.includes(s)) return true;
  return false;
}

function mutuallyAccept(a: Ticket, b: Ticket): boolean {
  return a.query.matches(b.doc) && b.query.matches(a.doc);
}

/** Places `hit` into the first combination that can take it; returns that combination. */
function place(combos: Combo[], searcher: Ticket, hit: Ticket, mutual: boolean): Combo {
  for (const c of combos) {
    if (c.count + hit.count + searcher.count > searcher.max) continue;
    if (c.tickets.some((e) => shareSession(e, hit) || (mutual && !mutuallyAccept(e, hit)))) continue;
    c.tickets.push(hit);
    c.count += hit.count;
    return c;
  }
  const fresh: Combo = { tickets: [hit], count: hit.count };
  combos.push(fresh);
  return fresh;
}

/** The group the searcher forms this interval, or null. */
export function search(store: TicketStore, t: Ticket, last: boolean, mutual: boolean): Ticket[] | null {
  const combos: Combo[] = [];
  for (const hit of candidates(store, t)) {
    if (shareSession(t, hit)) continue;
    if (mutual && !hit.query.matches(t.doc)) continue;
    const combo = place(combos, t, hit, mutual);
    if (combo.count + t.count === t.max) {
      const group = formGroup(t, combo.tickets, t.max);
      if (group !== null) return group;
    }
  }
  if (!last) return null;
  let best: Ticket[] | null = null;
  let bestSize = 0;
  for (const c of combos) {
    const group = formGroup(t, c.tickets, t.min);
    const size = group === null ? 0 : group.reduce((n, g) => n + g.count, 0);
    if (size > bestSize) [best, bestSize] = [group, size];
  }
  return best;
}

/** Runs one pass over the store's active tickets; returns the groups formed (tickets oldest first). */
export function runPass(store: TicketStore, settings: MatchmakerSettings): Ticket[][] {
  store.prepareRanges();
  const groups: Ticket[][] = [];
  for (const t of [...store.active.values()]) {
    if (!t.live) continue;
    t.intervals++;
    const last = t.intervals >= settings.maxIntervals || t.min === t.max;
    if (last) store.active.delete(t.id);
    const mutual = settings.revPrecision && (settings.revThreshold <= 0 || t.intervals <= settings.revThreshold);
    const group = search(store, t, last, mutual);
    if (group === null) continue;
    group.sort((a, b) => a.seq - b.seq);
    for (const g of group) store.delete(g);
    groups.push(group);
  }
  return groups;
}
