// Owns what actors and supervisors share: their place in the tree, their status, the final stop
// (kill: reverse-order children, dead letters, nact node removed) and a parent's handling of a
// child's exit (restart decision, strategy, restart intensity, escalation to its own parent).
import { Code, GameError } from "../../src/errors.js";
import type { Kernel } from "./kernel.js";
import type { NactNode } from "./nact-host.js";
import { affected, recordRestart, shouldRestart } from "./supervision.js";
import type { Exit } from "./supervision.js";
import type { RestartType, SupervisionSpec } from "./types.js";

/**
 * STARTING: init running (messages queue). RUNNING: handling messages. SUSPENDED: no incarnation
 * (crashed, exited, or paused by a restart); messages still queue, bounded, and are handled after the
 * restart. STOPPING/STOPPED: final; messages become dead letters.
 */
export const Status = { STARTING: 0, RUNNING: 1, SUSPENDED: 2, STOPPING: 3, STOPPED: 4 } as const;
export type Status = (typeof Status)[keyof typeof Status];

export abstract class Cell {
  status: Status = Status.STARTING;
  /** Incarnations started so far; an Exit names the one that ended. */
  incarnation = 0;
  private kids: Set<Cell> | null = null;
  private restartTimes: number[] | null = null;
  // Child exits are decided one at a time, in arrival order (a promise chain per parent).
  private exits: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private onStopped: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(
    readonly kernel: Kernel,
    readonly parent: Cell | null,
    readonly name: string,
    readonly node: NactNode,
    readonly restartType: RestartType,
  ) {}

  get path(): string {
    return this.parent === null ? `/${this.name}` : `${this.parent.path}/${this.name}`;
  }

  /** How this cell supervises its children. */
  abstract get supervision(): SupervisionSpec;
  /** True while children may be spawned and child exits are decided. */
  abstract get open(): boolean;
  /** Ends the current incarnation at the parent's request (the parent is not told). */
  abstract suspend(): Promise<void>;
  /** Starts a new incarnation after a suspension. */
  abstract resume(): Promise<void>;
  /** Ends the current incarnation because it failed, then tells the parent. */
  abstract fail(err: GameError): Promise<void>;
  /** Kind-specific part of a final stop: wait for in-flight work and end the incarnation. */
  protected abstract finish(): Promise<void>;
  /** Kind-specific cleanup once stopped for good (queued messages become dead letters). */
  protected abstract discard(): void;

  /** Children in spawn order. */
  children(): Cell[] {
    return this.kids === null ? [] : [...this.kids];
  }

  addChild(child: Cell): void {
    (this.kids ??= new Set()).add(child);
  }

  removeChild(child: Cell): void {
    this.kids?.delete(child);
    if (this.kids?.size === 0) this.kids = null;
  }

  /** Stops this cell for good: its incarnation ends, children stop in reverse spawn order. Idempotent. */
  kill(): Promise<void> {
    if (this.stopping === null) {
      // Set synchronously so messages sent from now on are dead letters.
      this.status = Status.STOPPING;
      this.stopping = this.stopForGood();
    }
    return this.stopping;
  }

  private async stopForGood(): Promise<void> {
    await Promise.resolve(); // let kill() store this promise before any re-entrant kill
    await this.finish();
    await this.killChildren();
    this.discard();
    this.kernel.host.stop(this.node);
    this.parent?.removeChild(this);
    this.status = Status.STOPPED;
    this.kernel.cellStopped(this);
    this.onStopped?.resolve();
  }

  /** Resolves once this cell has stopped for good. */
  whenStopped(): Promise<void> {
    if (this.status === Status.STOPPED) return Promise.resolve();
    if (this.onStopped === null) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.onStopped = { promise, resolve };
    }
    return this.onStopped.promise;
  }

  /** Stops every child for good, last spawned first, each after the previous one has finished. */
  async killChildren(): Promise<void> {
    // Loop: an onStop may spawn siblings while we stop (they are stopped too).
    for (let list = this.children(); list.length > 0; list = this.children()) {
      for (let i = list.length - 1; i >= 0; i--) await list[i].kill();
    }
  }

  /** Called by a child whose incarnation ended by itself. */
  childExited(child: Cell, exit: Exit): void {
    const decide = (): Promise<void> =>
      this.decide(child, exit).catch((err: unknown) => this.kernel.log.error({ err, actor: child.path }, "kernel bug: supervision decision failed"));
    this.exits = (this.exits ?? Promise.resolve()).then(decide, decide);
  }

  private async decide(child: Cell, exit: Exit): Promise<void> {
    // Stale: the child was stopped, or restarted by a group restart, since this exit was reported.
    if (child.status !== Status.SUSPENDED || child.incarnation !== exit.incarnation) return;
    // This cell is itself ending; its own suspension or stop takes care of the child.
    if (!this.open) return;
    const log = this.kernel.log;
    const fields = { actor: child.path, restart: child.restartType, exit: exit.kind, err: exit.error };
    if (!shouldRestart(child.restartType, exit.kind)) {
      if (exit.kind === "crash") log.warn(fields, "supervision: child crashed; not restarted, stopping it");
      else log.debug(fields, "supervision: child exited; not restarted");
      await child.kill();
      return;
    }
    const spec = this.supervision;
    this.restartTimes ??= [];
    if (recordRestart(this.restartTimes, this.kernel.clock.now(), spec)) {
      log.error({ ...fields, supervisor: this.path, maxRestarts: spec.maxRestarts, withinMs: spec.withinMs },
        "supervision: restart intensity exceeded; giving up");
      await this.giveUp(exit);
      return;
    }
    const group = spec.strategy === "one-for-one" ? [child] : affected(spec.strategy, this.children(), child);
    log.warn({ ...fields, strategy: spec.strategy, restarting: group.length }, "supervision: restarting");
    await this.restartGroup(group, child);
  }

  private async restartGroup(group: Cell[], failed: Cell): Promise<void> {
    for (let i = group.length - 1; i >= 0; i--) {
      const c = group[i];
      if (c === failed) continue;
      // Temporary children are never restarted, even when a sibling's failure takes them down.
      if (c.restartType === "temporary") await c.kill();
      else await c.suspend();
    }
    for (const c of group) {
      if (!this.open) return;
      if (c.status !== Status.SUSPENDED) continue;
      this.kernel.restarts++;
      await c.resume();
    }
  }

  private async giveUp(exit: Exit): Promise<void> {
    const spec = this.supervision;
    const err = new GameError(
      Code.INTERNAL,
      `${this.path}: restart intensity exceeded (more than ${spec.maxRestarts} restarts in ${spec.withinMs} ms)`,
      { cause: exit.error },
    );
    if (this.parent === null) {
      await this.kill();
      this.kernel.fatal(err);
      return;
    }
    await this.fail(err);
  }

  /** Forgets past restarts (a new incarnation starts with a clean window, as in OTP). */
  protected resetIntensity(): void {
    this.restartTimes = null;
  }
}
