// Owns the per-module gate of a wasm module shared by several VMs. An asyncify module can hold only one
// suspended call (its unwound wasm stack lives in one buffer), so while a task of one VM is pending (it
// returned a promise: suspended in an async host call, or awaiting guest promise jobs) every other task
// on the module waits; a task that completes synchronously (the common match tick) runs at once and
// holds nothing.

export class ModuleGate {
  private held = false;
  private readonly waiting: Array<() => void> = [];
  private readonly release = (): void => {
    this.held = false;
    this.next();
  };

  /** True while a task holds the module or tasks wait for it (a new VM should go elsewhere). */
  get busy(): boolean {
    return this.held || this.waiting.length > 0;
  }

  /** Runs `task` now if the module is free (synchronously, no promise hop), else after the holder settles. */
  run<T>(task: () => T | Promise<T>): T | Promise<T> {
    if (!this.busy) return this.start(task);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        try {
          const out = this.start(task);
          if (out instanceof Promise) out.then(resolve, reject);
          else resolve(out);
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  private start<T>(task: () => T | Promise<T>): T | Promise<T> {
    const out = task();
    if (!(out instanceof Promise)) return out;
    this.held = true;
    return out.finally(this.release);
  }

  /** Starts waiting tasks in order until one of them holds the module again. */
  private next(): void {
    while (!this.held && this.waiting.length > 0) this.waiting.shift()!();
  }
}
