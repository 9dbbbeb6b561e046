// Owns running async tasks strictly one after another (the calls into one Lua VM), in arrival order.
export class SerialQueue {
  #busy = false;
  readonly #waiting: { start: () => void; fail: (e: unknown) => void }[] = [];

  /** Runs `task` after every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        void task()
          .then(resolve, reject)
          .finally(() => this.#next());
      };
      if (this.#busy) this.#waiting.push({ start, fail: reject });
      else {
        this.#busy = true;
        start();
      }
    });
  }

  /** Rejects every task that has not started yet. */
  failPending(error: () => unknown): void {
    for (const w of this.#waiting.splice(0)) w.fail(error());
  }

  get pending(): number {
    return this.#waiting.length;
  }

  #next(): void {
    const w = this.#waiting.shift();
    if (w) w.start();
    else this.#busy = false;
  }
}
