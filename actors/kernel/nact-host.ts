// Owns every use of nact (the only nact importer in Troupe). nact supplies the actor tree (system,
// named children unique among siblings, paths, recursive stop) and the scheduling of a cell's turns
// (nact's one-message-at-a-time dispatch, each on its own setImmediate). Messages themselves never
// travel through nact: a cell keeps its own bounded mailbox and sends nact one "wake" per batch,
// which amortises nact's ~1-2 µs dispatch cost (see bench/mailbox.ts).
import nact from "nact";
import { Code, GameError } from "../../src/errors.js";
import type { Logger } from "../../src/log.js";

/** An opaque nact actor reference. */
export type NactNode = { readonly __nact: true };

/** What nact runs: one turn of a cell's mailbox. May return a promise; nact waits for it. */
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

// Shared by every node: a wake carries the cell to run.
const runTurn = (_state: unknown, cell: Wakeable): void | Promise<void> => cell.turn();
const noop = (): void => undefined;

export class NactHost {
  private readonly system: NactNode;
  private readonly props: object;

  constructor(log: Logger) {
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
      return nact.spawn((parent ?? this.system) as never, runTurn as never, name, this.props) as unknown as NactNode;
    } catch (err) {
      const taken = err instanceof Error && err.message.includes("already exists");
      if (taken) throw new GameError(Code.ALREADY_EXISTS, `an actor named ${name} already exists here`, { cause: err });
      throw new GameError(Code.INTERNAL, `could not create actor ${name}`, { cause: err });
    }
  }

  /** Schedules one turn of `cell` on `node` (nact queues it behind a running turn). */
  wake(node: NactNode, cell: Wakeable): void {
    nact.dispatch(node, cell as never);
  }

  stop(node: NactNode): void {
    nact.stop(node as never);
  }

  shutdown(): void {
    nact.stop(this.system as never);
  }
}
