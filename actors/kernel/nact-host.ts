// Owns every use of nact (the only nact importer in Troupe) and the scheduling of cells' turns. nact
// supplies the actor tree (system, named children unique among siblings, paths, recursive stop).
// Messages never travel through nact: a cell keeps its own bounded mailbox and asks for one turn at a
// time (a "wake"; the cell's own `scheduled` flag keeps its turns one after another, async ones
// included). Wakes go to one run queue drained on a single setImmediate per event-loop turn, in wake
// order, like the one-setImmediate-per-dispatch nact did (a cell woken during a drain runs in the next
// one), without nact's per-dispatch context (a copy of the node's children map), sender object and
// promise hops (see bench/mailbox.ts).
import nact from "nact";
import { Code, GameError } from "../../src/errors.js";
import type { Logger } from "../../src/log.js";

/** An opaque nact actor reference. */
export type NactNode = { readonly __nact: true };

/**
 * One turn of a cell's mailbox. May return a promise (an async handler), which never rejects: the cell
 * does not ask for another turn until it has settled, so the run queue does not wait for it.
 */
export interface Wakeable {
  turn(): void | Promise<void>;
}

// nact's own name rule (ActorPath.isValidName), checked up front so callers get a GameError.
const validName = /^[a-z0-9-$_.+!*'(),]+$/i;

export function checkName(name: string): void {
  if (typeof name !== "string" || !validName.test(name)) {
    throw new GameError(Code.INVALID_ARGUMENT, `invalid actor name ${JSON.stringify(name)}: use letters, digits and -$_.+!*'(), only`);
  }
}

// nact nodes only hold the tree: nothing is ever dispatched to them.
const neverDispatched = (state: unknown): unknown => state;
const noop = (): void => undefined;

export class NactHost {
  private readonly system: NactNode;
  private readonly props: object;
  /** Cells woken since the last drain, in wake order. */
  private queue: Wakeable[] = [];
  /** The array swapped in while a drain runs (reused). */
  private spare: Wakeable[] = [];
  private drainScheduled = false;
  private readonly drain = (): void => this.runQueued();

  constructor(private readonly log: Logger) {
    this.system = nact.start() as unknown as NactNode;
    // Cells catch their own failures, so this only fires on a kernel bug; it replaces nact's console
    // default and resumes the node so its queue keeps moving.
    const onCrash = (_msg: unknown, err: unknown, ctx: { resume: symbol; path: { toString(): string } }): symbol => {
      log.error({ err, node: ctx.path.toString() }, "kernel bug: a nact turn threw");
      return ctx.resume;
    };
    this.props = { onCrash, afterStop: noop };
  }

  /** Creates a nact node under `parent` (or under the system). Throws ALREADY_EXISTS for a taken name. */
  spawn(parent: NactNode | null, name: string): NactNode {
    checkName(name);
    try {
      return nact.spawn((parent ?? this.system) as never, neverDispatched as never, name, this.props) as unknown as NactNode;
    } catch (err) {
      const taken = err instanceof Error && err.message.includes("already exists");
      if (taken) throw new GameError(Code.ALREADY_EXISTS, `an actor named ${name} already exists here`, { cause: err });
      throw new GameError(Code.INTERNAL, `could not create actor ${name}`, { cause: err });
    }
  }

  /** Schedules one turn of `cell` (the cell asks again only once that turn has ended). */
  wake(_node: NactNode, cell: Wakeable): void {
    this.queue.push(cell);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drain);
    }
  }

  // Runs the turns woken before this drain began; wakes made meanwhile wait for the next setImmediate.
  private runQueued(): void {
    const batch = this.queue;
    this.queue = this.spare;
    this.drainScheduled = false;
    for (let i = 0; i < batch.length; i++) {
      const cell = batch[i];
      batch[i] = undefined as unknown as Wakeable;
      try {
        void cell.turn(); // an async turn never rejects (actor-cell.ts catches its own failures)
      } catch (err) {
        // Cells catch their own failures, so this only fires on a kernel bug.
        this.log.error({ err }, "kernel bug: an actor turn threw");
      }
    }
    batch.length = 0;
    this.spare = batch;
    if (this.queue.length > 0 && !this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drain);
    }
  }

  stop(node: NactNode): void {
    nact.stop(node as never);
  }

  shutdown(): void {
    nact.stop(this.system as never);
  }
}
