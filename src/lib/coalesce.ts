// Owns request coalescing for database hot paths (device auth, storage, leaderboards): at most
// `maxInFlight` statements of one kind run at a time; requests arriving while all of them are busy wait and then go to the database TOGETHER, as one
// statement, when a slot frees up. An idle server therefore sends every request at once (no added delay);
// a busy one sends fewer, larger statements (one round trip, one parse/bind, one socket write for many
// requests), which is where both the server's and PostgreSQL's CPU per request went.
//
// The group runner decides what a group means (storage reads: one SELECT over every id; storage writes: one
// batch statement, each request again on its own when the group as a whole is refused; device auth: one
// lookup or one creation statement for every login of the group). Each request's promise
// settles with its own outcome; a runner that throws fails every request of its group.

/** A request's own outcome inside a group. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export type GroupRunner<I, O> = (items: readonly I[]) => Promise<Array<Outcome<O>>>;

interface Waiting<I, O> {
  item: I;
  weight: number;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export interface CoalescerOptions {
  /** Start groups on the next event-loop turn instead of at once, so everything submitted within one turn
   * (e.g. a burst of requests read from many sockets) shares a group even while slots are free. Costs one
   * turn of latency; pays where a group of one is not cheaper than a group of many (device auth). */
  gatherTurn?: boolean;
  /** Statements allowed at once while at least one full group (`maxWeight`) waits, above `maxInFlight`:
   * a low `maxInFlight` makes groups large (fewer round trips), and this keeps it from capping throughput
   * when even full groups queue up. Defaults to `maxInFlight`. */
  fullInFlight?: number;
}

export class Coalescer<I, O> {
  private inFlight = 0;
  private readonly queue: Array<Waiting<I, O>> = [];
  private head = 0;
  private scheduled = false;
  /** Total weight of the waiting requests. */
  private waiting = 0;

  /**
   * @param run         runs one group; outcomes in the order of `items`
   * @param maxInFlight statements of this kind running at once
   * @param maxWeight   most total weight (objects) per group; a heavier single request still runs alone
   */
  constructor(
    private readonly run: GroupRunner<I, O>,
    private readonly maxInFlight: number,
    private readonly maxWeight: number,
    private readonly opts: CoalescerOptions = {},
  ) {}

  submit(item: I, weight: number): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, weight, resolve, reject });
      this.waiting += weight;
      this.kick();
    });
  }

  /** Starts a group now, or on the next turn with `gatherTurn`, when a slot is free and requests wait. */
  private kick(): void {
    if (!this.slotFree() || this.head >= this.queue.length) return;
    if (this.opts.gatherTurn !== true) {
      this.pump();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    while (this.slotFree() && this.head < this.queue.length) this.pump();
  };

  /** A statement may start: below `maxInFlight`, or below `fullInFlight` while a full group waits. */
  private slotFree(): boolean {
    if (this.inFlight < this.maxInFlight) return true;
    return this.waiting >= this.maxWeight && this.inFlight < (this.opts.fullInFlight ?? this.maxInFlight);
  }

  private take(): Array<Waiting<I, O>> {
    const group: Array<Waiting<I, O>> = [];
    let weight = 0;
    while (this.head < this.queue.length) {
      const next = this.queue[this.head];
      if (group.length > 0 && weight + next.weight > this.maxWeight) break;
      group.push(next);
      weight += next.weight;
      this.head++;
    }
    this.waiting -= weight;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return group;
  }

  private pump(): void {
    const group = this.take();
    if (group.length === 0) return;
    this.inFlight++;
    let settled: Promise<Array<Outcome<O>>>;
    try {
      settled = this.run(group.map((w) => w.item));
    } catch (err) {
      settled = Promise.reject(err);
    }
    // The next group starts in the same step that settles this one, so a caller resuming after its
    // answer already finds the waiting requests on their way.
    const done = (): void => {
      this.inFlight--;
      this.kick();
    };
    void settled.then(
      (outcomes) => {
        done();
        group.forEach((w, i) => {
          const o = outcomes[i];
          if (o === undefined) w.reject(new Error("group runner returned too few outcomes"));
          else if (o.ok) w.resolve(o.value);
          else w.reject(o.error);
        });
      },
      (err: unknown) => {
        done();
        for (const w of group) w.reject(err);
      },
    );
  }
}

/** Runs `fn` for one item and captures its outcome. */
export async function outcomeOf<O>(fn: () => Promise<O>): Promise<Outcome<O>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * A GroupRunner for reads that share one statement only when they share a key (e.g. a board period):
 * each key's items run as `one(item)` when alone, else as `many(items)` (results in item order); a
 * failure of a shared statement is every one of its items' outcome.
 */
export function groupedBy<I, O>(
  keyOf: (item: I) => string,
  one: (item: I) => Promise<O>,
  many: (items: readonly I[]) => Promise<O[]>,
): GroupRunner<I, O> {
  return async (items) => {
    const out = new Array<Outcome<O>>(items.length);
    const parts = new Map<string, number[]>();
    items.forEach((item, i) => {
      const key = keyOf(item);
      const list = parts.get(key);
      if (list === undefined) parts.set(key, [i]);
      else list.push(i);
    });
    await Promise.all([...parts.values()].map(async (idx) => {
      if (idx.length === 1) {
        out[idx[0]] = await outcomeOf(() => one(items[idx[0]]));
        return;
      }
      const result = await outcomeOf(() => many(idx.map((i) => items[i])));
      idx.forEach((i, k) => {
        out[i] = result.ok ? { ok: true, value: result.value[k] } : result;
      });
    }));
    return out;
  };
}
