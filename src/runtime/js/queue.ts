// Owns the serialization of calls into one VM: a guest context runs one call at a time (a suspended
// asyncify call holds the wasm stack), so later calls wait their turn in arrival order.
import type { GameError } from "../../errors.js";

export class CallQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private closedBy: (() => GameError) | undefined;

  /** Calls waiting for their turn (not counting the one running). */
  get queued(): number {
    return this.waiting;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.closedBy) return Promise.reject(this.closedBy());
    this.waiting++;
    const result = this.tail.then(() => {
      this.waiting--;
      if (this.closedBy) throw this.closedBy();
      return task();
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
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
