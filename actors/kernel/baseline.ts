// Owns raw-nact baselines for bench/mailbox.ts: the same workloads run on nact directly, so the
// kernel's overhead can be compared in one run (nact may only be imported under actors/kernel/).
import nact from "nact";

/** Dispatches `n` messages to one nact actor at once; resolves with µs per message until all are handled. */
export async function nactBurstMicros(n: number): Promise<number> {
  const system = nact.start();
  let handled = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const actor = nact.spawn(system, (state: number) => {
      if (++handled === n) resolve();
      return state;
    }, "burst");
    for (let i = 0; i < n; i++) nact.dispatch(actor, i);
  });
  const micros = ((performance.now() - started) * 1000) / n;
  nact.stop(system);
  return micros;
}

/** Two nact actors bounce one message `n` times; resolves with µs per hop. */
export async function nactPingPongMicros(n: number): Promise<number> {
  const system = nact.start();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const hop = (other: () => unknown) => (state: number, left: number): number => {
      if (left === 0) resolve();
      else nact.dispatch(other() as never, left - 1);
      return state;
    };
    const a: unknown = nact.spawn(system, hop((): unknown => b), "a");
    const b: unknown = nact.spawn(system, hop((): unknown => a), "b");
    nact.dispatch(a as never, n);
  });
  const micros = ((performance.now() - started) * 1000) / n;
  nact.stop(system);
  return micros;
}
