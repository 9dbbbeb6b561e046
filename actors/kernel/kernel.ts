// Owns one actor system: the nact host, the root supervisor, spawning, the counters behind the
// metrics (dead letters, drops, rejects, restarts, late replies, skipped ticks), rate-limited
// overflow warnings, and the fatal hook called when the root supervisor gives up.
import { Code, GameError } from "../../src/errors.js";
import type { Logger } from "../../src/log.js";
import { ActorCell } from "./actor-cell.js";
import { Cell } from "./cell.js";
import { systemClock } from "./clock.js";
import type { Clock } from "./clock.js";
import { NactHost } from "./nact-host.js";
import type { ReplyHost } from "./reply.js";
import { checkSupervision, defaultSupervision } from "./supervision.js";
import { SupervisorCell } from "./supervisor-cell.js";
import type { ActorRef, ActorSpec, KernelMetrics, KernelOptions, Overflow, Parent, Supervisor, SupervisorSpec } from "./types.js";

export class Kernel implements ReplyHost {
  /** Kernel's own logger ({ module: "kernel" }): supervision decisions, overflow, dead letters. */
  readonly log: Logger;
  /** The logger actors' `ctx.log` derives from. */
  readonly baseLog: Logger;
  readonly clock: Clock;
  readonly host: NactHost;
  readonly batch: number;
  readonly stopTimeoutMs: number;
  readonly root: Supervisor;
  deadLetters = 0;
  dropped = 0;
  rejected = 0;
  restarts = 0;
  lateReplies = 0;
  skippedTicks = 0;
  private liveActors = 0;
  private liveSupervisors = 0;
  private readonly dropLogIntervalMs: number;
  private shedSinceLog = 0;
  private lastShedLog = Number.NEGATIVE_INFINITY;
  private fatalDone = false;
  private readonly onFatal: ((err: GameError) => void) | undefined;

  constructor(opts: KernelOptions) {
    this.baseLog = opts.log;
    this.log = opts.log.child({ module: "kernel" });
    this.clock = opts.clock ?? systemClock();
    this.batch = Math.max(1, opts.batch ?? 128);
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 5000;
    this.dropLogIntervalMs = opts.dropLogIntervalMs ?? 1000;
    this.onFatal = opts.onFatal;
    this.host = new NactHost(this.log);
    const spec: SupervisorSpec = { ...(opts.root ?? defaultSupervision), name: "root" };
    checkSupervision(spec);
    this.root = new SupervisorCell(this, null, spec, this.host.spawn(null, "root"));
    this.liveSupervisors++;
  }

  /** Spawns an actor under a supervisor or an actor. Throws ALREADY_EXISTS / INVALID_ARGUMENT / FAILED_PRECONDITION. */
  spawn<Msg, State>(parent: Parent, spec: ActorSpec<Msg, State>): ActorRef<Msg> {
    const p = this.parentCell(parent, spec.name);
    if (spec.supervision !== undefined) checkSupervision(spec.supervision);
    const cell = new ActorCell<Msg, State>(this, p, spec, this.host.spawn(p.node, spec.name));
    p.addChild(cell);
    this.liveActors++;
    cell.start();
    return cell;
  }

  /** Creates a supervisor under a supervisor or an actor. */
  supervisor(parent: Parent, spec: SupervisorSpec): Supervisor {
    const p = this.parentCell(parent, spec.name);
    checkSupervision(spec);
    const cell = new SupervisorCell(this, p, spec, this.host.spawn(p.node, spec.name));
    p.addChild(cell);
    this.liveSupervisors++;
    return cell;
  }

  metrics(): KernelMetrics {
    let mailboxTotal = 0;
    let mailboxMax = 0;
    const stack: Cell[] = [this.root as SupervisorCell];
    for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
      if (c instanceof ActorCell) {
        const depth = c.mbox.length;
        mailboxTotal += depth;
        if (depth > mailboxMax) mailboxMax = depth;
      }
      for (const k of c.children()) stack.push(k);
    }
    return {
      actors: this.liveActors,
      supervisors: this.liveSupervisors,
      deadLetters: this.deadLetters,
      dropped: this.dropped,
      rejected: this.rejected,
      restarts: this.restarts,
      lateReplies: this.lateReplies,
      skippedTicks: this.skippedTicks,
      mailboxTotal,
      mailboxMax,
    };
  }

  /** Stops everything (children in reverse spawn order, recursively), then the nact system. */
  async shutdown(): Promise<void> {
    await (this.root as SupervisorCell).kill();
    this.host.shutdown();
  }

  // ---- called by cells -------------------------------------------------------------------------

  deadLetter(target: { readonly path: string }, msg: unknown): void {
    this.deadLetters++;
    if (this.log.isLevelEnabled("debug")) {
      const type = msg !== null && typeof msg === "object" ? (msg as { type?: unknown }).type : undefined;
      this.log.debug({ actor: target.path, type }, "dead letter");
    }
  }

  overflowed(cell: { readonly path: string }, policy: Overflow): void {
    if (policy === "reject") this.rejected++;
    else this.dropped++;
    this.shedSinceLog++;
    const now = this.clock.now();
    if (now - this.lastShedLog < this.dropLogIntervalMs) return;
    this.log.warn({ actor: cell.path, overflow: policy, shed: this.shedSinceLog }, "mailbox full: messages shed since last report");
    this.lastShedLog = now;
    this.shedSinceLog = 0;
  }

  lateReply(target: string): void {
    this.lateReplies++;
    this.log.debug({ actor: target }, "reply after the ask settled; ignored");
  }

  cellStopped(cell: Cell): void {
    if (cell instanceof ActorCell) this.liveActors--;
    else this.liveSupervisors--;
  }

  fatal(err: GameError): void {
    if (this.fatalDone) return;
    this.fatalDone = true;
    this.log.fatal({ err }, "root supervisor gave up");
    this.onFatal?.(err);
  }

  private parentCell(parent: Parent, name: string): Cell {
    if (!(parent instanceof Cell) || parent.kernel !== this) {
      throw new GameError(Code.INVALID_ARGUMENT, `cannot spawn ${name}: parent is not a ref of this kernel`);
    }
    if (!parent.open) throw new GameError(Code.FAILED_PRECONDITION, `cannot spawn ${name}: ${parent.path} is not running`);
    return parent;
  }
}

export function createKernel(opts: KernelOptions): Kernel {
  return new Kernel(opts);
}
