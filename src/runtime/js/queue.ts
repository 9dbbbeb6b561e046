// Owns the serialization of calls into one VM: a guest context runs one call at a time (a suspended
// asyncify call holds the wasm stack), so later calls wait their turn in arrival order.
import type { GameError } from "../../errors.js";

export class CallQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  /** Accepted calls not settled yet (the running one included). */
  private active = 0;
  private closedBy: (() => GameError) | undefined;
  private readonly settled = (): void => {
    this.active--;
  };

  /** Calls waiting for their turn (not counting the one running). */
  get queued(): number {
    return this.waiting;
  }

  /** Runs `task` after every earlier call has settled; at once (no promise hop first) when none is left. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    if (this.closedBy) return Promise.reject(this.closedBy());
    let result: Promise<T>;
    const idle = this.active === 0;
    this.active++; // before the task starts: a call it makes itself must queue behind it
    if (idle) {
      let out: T | Promise<T>;
      try {
        out = task();
      } catch (err) {
        this.active--;
        return Promise.reject(err);
      }
      // Finished synchronously (the common call): nothing to chain behind, no settle hop.
      if (!(out instanceof Promise)) {
        this.active--;
        return Promise.resolve(out);
      }
      result = out;
    } else {
      this.waiting++;
      result = this.tail.then(() => {
        this.waiting--;
        if (this.closedBy) throw this.closedBy();
        return task();
      });
    }
    this.tail = result.then(this.settled, this.settled);
    return result;
  }

  /**
   * As `run`, but when nothing is running and the task finishes synchronously, its value itself (no
   * promise made, no hop); the task's synchronous throw is thrown then. Otherwise what `run` answers.
   */
  runNow<T>(task: () => T | Promise<T>): T | Promise<T> {
    if (this.closedBy || this.active !== 0) return this.run(task);
    this.active++; // before the task starts: a call it makes itself must queue behind it
    let out: T | Promise<T>;
    try {
      out = task();
    } catch (err) {
      this.active--;
      throw err;
    }
    if (!(out instanceof Promise)) {
      this.active--;
      return out;
    }
    this.tail = out.then(this.settled, this.settled);
    return out;
  }

  /** Refuses new calls and fails queued ones with `reason()`; the running one finishes. */
  close(reason: () => GameError): void {
    this.closedBy ??= reason;
  }

  /** Settles once every accepted call has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
