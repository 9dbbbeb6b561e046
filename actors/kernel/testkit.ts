// Owns test helpers for actor code: a Probe that records events and lets a test wait for a
// condition with a deadline (never a sleep), and a Gate to hold an async handler open.

/** Records values; `until` resolves when the predicate holds, or rejects after `ms` (real time). */
export class Probe<T> {
  readonly seen: T[] = [];
  private waiters: { check: () => boolean; done: () => void }[] = [];

  push(value: T): void {
    this.seen.push(value);
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.done();
      return false;
    });
  }

  until(pred: (seen: readonly T[]) => boolean, ms = 2000): Promise<readonly T[]> {
    if (pred(this.seen)) return Promise.resolve(this.seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`probe: condition not met within ${ms} ms; seen ${JSON.stringify(this.seen)}`));
      }, ms);
      const waiter = {
        check: () => pred(this.seen),
        done: () => {
          clearTimeout(timer);
          resolve(this.seen);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits until `n` values have been seen. */
  count(n: number, ms = 2000): Promise<readonly T[]> {
    return this.until((s) => s.length >= n, ms);
  }
}

/** A promise you open by hand: `await gate.wait` inside a handler, `gate.open()` from the test. */
export class Gate {
  open!: () => void;
  readonly wait: Promise<void> = new Promise((resolve) => (this.open = resolve));
}
