// Owns the root supervisor tree: services are started in dependency order, each owned by an actor under
// the root supervisor, and stopped in reverse order (last started, first stopped) on shutdown.
//
// A service's resource (database, transport, …) is created before its owning actor is spawned, so that a
// failure at start surfaces as one clear error instead of a restart loop; from then on the actor owns the
// resource's lifecycle (its onStop releases it). Services whose work has a mailbox (sessions, matches,
// matchmaker…) spawn their own actors and supervisors under the supervisor they are handed.
//
// Graceful stop: work registered with `beforeStop` (matches: matchTerminate) runs first, all at once, and
// is waited for up to the grace period (shutdown_grace_sec); only then do the services stop.
import { createKernel, spawn, stopChildren, supervisor, type Kernel, type Supervisor, type SupervisionSpec } from "./kernel/index.js";
import type { GameError } from "../src/errors.js";
import type { Logger } from "../src/log.js";

export interface ServiceStarted<T> {
  value: T;
  stop(): Promise<void>;
}

export interface System {
  readonly kernel: Kernel;
  readonly root: Supervisor;
  /**
   * Starts one service (after the ones started before it) and hands it over to an owning actor. When
   * `start` throws, nothing of that service is left running; the caller decides whether to stop the rest.
   */
  service<T>(name: string, start: () => Promise<ServiceStarted<T>>): Promise<T>;
  /** A supervisor under the root for a family of actors (sessions, matches…), stopped in order with the rest. */
  family(name: string, spec?: Partial<SupervisionSpec>): Supervisor;
  /**
   * Registers work that must finish before any service stops (matches: matchTerminate, then wait for
   * them to end). On stop every registered `fn` runs at once and is given `graceMs`; it should end by
   * itself within it (the match host ends what is left just before). The stop waits for all of them up
   * to `graceMs + DRAIN_SLACK_MS`, then goes on regardless: services stop, remaining actors with them.
   */
  beforeStop(name: string, fn: (graceMs: number) => Promise<void>): void;
  /** Runs the beforeStop work (bounded by `graceMs`, default 0), then stops every service, last started first. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** How long past the grace period beforeStop work may take to end what it still runs. */
export const DRAIN_SLACK_MS = 2000;

/** Root policy from ARCHITECTURE.md: one-for-one, restart intensity 10 in 10 s. */
const rootPolicy: SupervisionSpec = { strategy: "one-for-one", maxRestarts: 10, withinMs: 10_000 };

export function startSystem(opts: { log: Logger; onFatal: (err: GameError) => void }): System {
  const log = opts.log.child({ module: "system" });
  const kernel = createKernel({ log: opts.log, root: rootPolicy, onFatal: opts.onFatal });
  const root = kernel.root;
  let stopping: Promise<void> | null = null;
  const drains: Array<{ name: string; fn: (graceMs: number) => Promise<void> }> = [];

  return {
    kernel,
    root,
    async service<T>(name: string, start: () => Promise<ServiceStarted<T>>): Promise<T> {
      const began = performance.now();
      const started = await start();
      spawn(root, {
        name,
        restart: "temporary",
        init: () => started.value,
        handle: (state: T) => state,
        onStop: async () => {
          const t = performance.now();
          await started.stop();
          log.info({ service: name, ms: Math.round(performance.now() - t) }, "service stopped");
        },
      });
      log.debug({ service: name, ms: Math.round(performance.now() - began) }, "service started");
      return started.value;
    },
    family(name: string, spec: Partial<SupervisionSpec> = {}): Supervisor {
      return supervisor(root, { ...rootPolicy, ...spec, name });
    },
    beforeStop(name, fn): void {
      drains.push({ name, fn });
    },
    stop(graceMs = 0): Promise<void> {
      stopping ??= drain(drains, graceMs, log).then(() => stopChildren(root)).then(() => kernel.shutdown());
      return stopping;
    },
  };
}

/** Runs every beforeStop work at once and waits for all of it, or for the grace period to pass. */
async function drain(drains: ReadonlyArray<{ name: string; fn: (graceMs: number) => Promise<void> }>, graceMs: number, log: Logger): Promise<void> {
  if (drains.length === 0) return;
  const began = performance.now();
  const work = Promise.all(drains.map(({ name, fn }) =>
    Promise.resolve()
      .then(() => fn(graceMs))
      .catch((err: unknown) => log.error({ err, work: name }, "shutdown work failed"))));
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => (timer = setTimeout(() => resolve("expired"), graceMs + DRAIN_SLACK_MS)));
  const outcome = await Promise.race([work.then(() => "done" as const), expired]);
  clearTimeout(timer);
  const ms = Math.round(performance.now() - began);
  if (outcome === "done") log.info({ ms }, "shutdown work finished");
  else log.warn({ ms, grace_ms: graceMs }, "Shutdown grace period expired");
}
