// Owns a FIFO async mutex: PGlite has one connection, so each statement or whole transaction holds it in
// turn. A waiter that is still queued after `slowWaitMs` is reported once through `onSlowWait` (the usual
// cause is awaiting `db.query` inside `db.tx`, which can never be granted: the transaction holds the lock).

export interface MutexOptions {
  slowWaitMs?: number;
  onSlowWait?: (waitedMs: number, queued: number) => void;
}

export class Mutex {
  private held = false;
  private readonly queue: Array<() => void> = [];
  private readonly opts: MutexOptions;

  constructor(opts: MutexOptions = {}) {
    this.opts = opts;
  }

  get locked(): boolean {
    return this.held;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `fn` while holding the lock; the lock is released however `fn` ends. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held) await this.wait();
    else this.held = true;
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      const since = Date.now();
      const { slowWaitMs, onSlowWait } = this.opts;
      const timer =
        slowWaitMs !== undefined && onSlowWait !== undefined
          ? setTimeout(() => onSlowWait(Date.now() - since, this.queue.length), slowWaitMs)
          : undefined;
      timer?.unref();
      this.queue.push(() => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      });
    });
  }

  // Hands the lock straight to the next waiter (held stays true), so nobody can barge in between.
  private release(): void {
    const next = this.queue.shift();
    if (next === undefined) this.held = false;
    else next();
  }
}
