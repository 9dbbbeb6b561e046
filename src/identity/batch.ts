// Owns request batching for hot identity statements: calls made while the database is busy with earlier
// batches are gathered and answered by one statement, so N concurrent logins cost PostgreSQL one round
// trip, one plan execution and one commit instead of N. A call made when nothing is waiting goes out on
// the next turn of the event loop (no timer, no added latency when idle).

/** Runs one batch: `results[i]` answers `keys[i]`. Throwing rejects every call of the batch. */
export type BatchRun<K, V> = (keys: readonly K[]) => Promise<readonly V[]>;

export interface BatchOptions {
  /** Most calls answered by one run. */
  maxBatch: number;
  /** Most runs in flight at once; further calls wait and join the next batch. */
  maxInFlight: number;
}

interface Waiter<K, V> {
  key: K;
  resolve: (v: V) => void;
  reject: (err: unknown) => void;
}

/** A function that batches its calls through `run`. State lives in the returned closure. */
export function createBatcher<K, V>(run: BatchRun<K, V>, opts: BatchOptions): (key: K) => Promise<V> {
  let pending: Array<Waiter<K, V>> = [];
  let inFlight = 0;
  let scheduled = false;

  const settle = (batch: ReadonlyArray<Waiter<K, V>>, results: readonly V[]): void => {
    for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
  };
  const fail = (batch: ReadonlyArray<Waiter<K, V>>, err: unknown): void => {
    for (const w of batch) w.reject(err);
  };

  const done = (): void => {
    inFlight--;
    schedule();
  };

  const start = (batch: ReadonlyArray<Waiter<K, V>>): void => {
    inFlight++;
    let p: Promise<readonly V[]>;
    try {
      p = run(batch.map((w) => w.key));
    } catch (err) {
      p = Promise.reject(err);
    }
    // The slot is free before the callers resume, so the next batch is already on its way.
    p.then(
      (results) => {
        done();
        settle(batch, results);
      },
      (err: unknown) => {
        done();
        fail(batch, err);
      },
    );
  };

  const flush = (): void => {
    scheduled = false;
    while (pending.length > 0 && inFlight < opts.maxInFlight) {
      if (pending.length <= opts.maxBatch) {
        const batch = pending;
        pending = [];
        start(batch);
      } else {
        start(pending.slice(0, opts.maxBatch));
        pending = pending.slice(opts.maxBatch);
      }
    }
  };

  function schedule(): void {
    if (scheduled || pending.length === 0 || inFlight >= opts.maxInFlight) return;
    scheduled = true;
    setImmediate(flush);
  }

  return (key: K) =>
    new Promise<V>((resolve, reject) => {
      pending.push({ key, resolve, reject });
      schedule();
    });
}
