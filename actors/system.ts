// Owns the root supervisor tree: services are started in dependency order, each owned by an actor under
// the root supervisor, and stopped in reverse order (last started, first stopped) on shutdown.
//
// A service's resource (database, transport, …) is created before its owning actor is spawned, so that a
// failure at start surfaces as one clear error instead of a restart loop; from then on the actor owns the
// resource's lifecycle (its onStop releases it). Services whose work has a mailbox (sessions, matches,
// matchmaker…) spawn their own actors and supervisors under the supervisor they are handed.
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
  /** Stops every service, last started first. Idempotent. */
  stop(): Promise<void>;
}

/** Root policy from ARCHITECTURE.md: one-for-one, restart intensity 10 in 10 s. */
const rootPolicy: SupervisionSpec = { strategy: "one-for-one", maxRestarts: 10, withinMs: 10_000 };

export function startSystem(opts: { log: Logger; onFatal: (err: GameError) => void }): System {
  const log = opts.log.child({ module: "system" });
  const kernel = createKernel({ log: opts.log, root: rootPolicy, onFatal: opts.onFatal });
  const root = kernel.root;
  let stopping: Promise<void> | null = null;

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
    stop(): Promise<void> {
      stopping ??= stopChildren(root).then(() => kernel.shutdown());
      return stopping;
    },
  };
}
