// Owns supervisor cells: tree nodes without a mailbox whose children survive a restart. When a
// supervisor is suspended (it gave up, or a sibling's failure takes it down) its permanent and
// transient children are suspended in place (refs stay valid, mailboxes keep filling) and its
// temporary children are stopped; when it is resumed its children start again in spawn order.
import type { GameError } from "../../src/errors.js";
import { Cell, Status } from "./cell.js";
import type { Kernel } from "./kernel.js";
import type { NactNode } from "./nact-host.js";
import type { Supervisor, SupervisorSpec, SupervisionSpec } from "./types.js";

export class SupervisorCell extends Cell implements Supervisor {
  constructor(kernel: Kernel, parent: Cell | null, private readonly spec: SupervisorSpec, node: NactNode) {
    super(kernel, parent, spec.name, node, spec.restart ?? "permanent");
    this.status = Status.RUNNING;
    this.incarnation = 1;
  }

  get kind(): "supervisor" {
    return "supervisor";
  }

  get supervision(): SupervisionSpec {
    return this.spec;
  }

  get open(): boolean {
    return this.status === Status.RUNNING;
  }

  async suspend(): Promise<void> {
    if (this.status !== Status.RUNNING) return;
    this.status = Status.SUSPENDED;
    const list = this.children();
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i];
      if (c.restartType === "temporary") await c.kill();
      else await c.suspend();
    }
  }

  async resume(): Promise<void> {
    if (this.status !== Status.SUSPENDED) return;
    this.status = Status.RUNNING;
    this.incarnation++;
    this.resetIntensity();
    for (const c of this.children()) {
      if (this.status !== Status.RUNNING) return;
      if (c.status !== Status.SUSPENDED) continue;
      this.kernel.restarts++;
      await c.resume();
    }
  }

  async fail(err: GameError): Promise<void> {
    if (this.status !== Status.RUNNING) return;
    const incarnation = this.incarnation;
    await this.suspend();
    this.parent?.childExited(this, { kind: "crash", error: err, incarnation });
  }

  protected async finish(): Promise<void> {
    // Nothing of its own to end: kill() stops the children next.
  }

  protected discard(): void {
    // No mailbox.
  }
}
