// Owns running async tasks strictly one after another (the calls into one Lua VM), in arrival order.
// An idle queue starts a task at once and hands back the task's own promise (no wrapping): this is
// the hot path of every VM call.
export class SerialQueue {
  #busy = false;
  readonly #waiting: { start: () => void; fail: (e: unknown) => void }[] = [];
  readonly #done = (): void => {
    const w = this.#waiting.shift();
    if (w) w.start();
    else this.#busy = false;
  };

  /** Runs `task` after every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (!this.#busy) {
      this.#busy = true;
      return this.#start(task);
    }
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ start: () => void this.#start(task).then(resolve, reject), fail: reject });
    });
  }

  /** A task is running. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Takes the idle queue for `started`, a task already started outside it, until it settles. */
  adopt<T>(started: Promise<T>): Promise<T> {
    this.#busy = true;
    void started.then(this.#done, this.#done);
    return started;
  }

  /** Rejects every task that has not started yet. */
  failPending(error: () => unknown): void {
    for (const w of this.#waiting.splice(0)) w.fail(error());
  }

  get pending(): number {
    return this.#waiting.length;
  }

  #start<T>(task: () => Promise<T>): Promise<T> {
    let p: Promise<T>;
    try {
      p = task();
    } catch (e) {
      p = Promise.reject(e);
    }
    void p.then(this.#done, this.#done);
    return p;
  }
}
