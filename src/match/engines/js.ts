// Owns match handlers written in the JavaScript bundle (initializer.registerMatch(name, {matchInit, …})):
// each match gets its own QuickJS VM. The VM evaluates the bundle and runs its InitModule once through a
// small boot helper appended to the bundle, which keeps, inside the VM, one "box" per match: the handler
// object registered under the match name, the state, and the ctx / logger / nk / dispatcher objects
// handlers receive. Each callback is then one VM call through a helper that passes the box's values,
// keeps the returned state in the box and answers with a small code (or a few plain fields), so the
// state never leaves the VM (functions included) and no ref is created per tick.
//
// A tick is one VM call carrying few, cheap values: the messages travel as one ArrayBuffer (numbers in
// typed-array form, payloads end to end) plus, now and then, the JSON of senders the VM has not seen
// (it keeps them by slot); the broadcasts a callback makes wait as records in the VM's io buffer and
// its result announces them (see HELPER in js-helper.ts and shapes.ts jsBroadcasts), so a relay tick
// crosses the VM boundary once.
//
// The VM runs on one of QuickJS's two builds (settings.jsBuild, chosen per bundle by jsBuildOf). On the
// asyncify build nk functions may wait (storage, matchCreate…) and look synchronous to handler code, as
// in Nakama. The sync build runs guest code several times faster but cannot suspend a handler, so there
// only the nk functions that answer at once (NkBinding.jsImmediate) run; the others are refused before
// they start. Match VMs share wasm modules, settings.jsModuleGroupSize per module (src/runtime/js/engine.ts).
import { Code, GameError } from "../../errors.js";
import { CallSlot } from "../../runtime/engine.js";
import { ExecutionMode, jsContext, systemContext, type RuntimeContext } from "../../runtime/context.js";
import { jsInitializer } from "../../runtime/initializer.js";
import { createJsVm, isJsRef, type GuestBytes, type HostFn, type JsBuild, type JsEngine, type JsRef, type JsVm } from "../../runtime/js/index.js";
import { jsLoggerObject } from "../../runtime/logger.js";
import { configViewJs } from "../../runtime/nk/config-view.js";
import type { NkBinding } from "../../runtime/nk/types.js";
import { Registrations } from "../../runtime/registry.js";
import { matchError, type JoinCaller, type MatchCore, type MatchMessage, type MatchPresence } from "../types.js";
import { logFields, type MatchCoreDeps } from "./deps.js";
import { initResult, joinAttemptResult, joinContext, matchContext, signalResult, stateResult, type Shaped } from "./results.js";
import { waitingPattern } from "./js-build.js";
import { HELPER } from "./js-helper.js";
import { batchCode, dispatcherFunctions, guestPresence, guestPresences, isBatch, jsBroadcasts, type JsBroadcasts } from "./shapes.js";

export interface JsMatchSource {
  readonly file: string;
  readonly source: string;
}

interface Refs {
  readonly box: JsRef;
  readonly io: JsRef;
  readonly call: JsRef;
  readonly detail: JsRef;
  readonly set: JsRef;
  readonly loop: JsRef;
  readonly drain: JsRef;
}

function shapedOf(code: number, fields: Readonly<Record<string, unknown>> = {}): Shaped {
  return { none: code === 0, notObject: code === 2, nil: code !== 1, fields };
}

/** Message senders a match VM keeps (slots); past this many the table starts over. */
const SENDERS_MAX = 256;

const NO_ARGS: readonly unknown[] = [];

/** A failure of the host's work on a call's result (returned by `after`, thrown by the caller). */
class Failed {
  constructor(readonly err: unknown) {}
}

class JsMatchCore implements MatchCore {
  readonly engine = "js" as const;
  private ctx: RuntimeContext;
  private pendingLabel: string | null = null;
  /** The ctx the call slot holds (see enter). */
  private entered: RuntimeContext | undefined;
  private closed = false;
  /** Message senders the guest knows, by slot (members' presence objects are stable). */
  private readonly senders = new Map<MatchPresence, number>();

  constructor(
    private readonly vm: JsVm,
    private readonly d: MatchCoreDeps,
    private readonly slot: CallSlot,
    private readonly refs: Refs,
    private readonly broadcasts: JsBroadcasts,
    private readonly io: GuestBytes | undefined,
  ) {
    this.ctx = matchContext(d, "", 0);
  }

  /** A label changed by the last callback reaches the box's ctx before the next call. */
  private async sync(): Promise<void> {
    if (this.pendingLabel === null) return;
    this.ctx = matchContext(this.d, this.pendingLabel, this.ctx.matchTickRate);
    this.pendingLabel = null;
    await this.setCtx();
  }

  private setCtx(): Promise<unknown> {
    return this.vm.call(this.refs.set, [this.refs.box, "c", jsContext(this.ctx)]);
  }

  private enter(ctx: RuntimeContext): void {
    // The slot is this match's own: entering the ctx it already holds changes nothing.
    if (this.entered === ctx) return;
    this.entered = ctx;
    this.slot.enter({ key: "match", ctx, args: [], fields: logFields(this.d, "js") });
  }

  /**
   * One callback call: its result is a code, or the code followed by the broadcasts the guest still
   * holds (sent here, before the caller sees the result). On failure those are sent before rethrowing.
   */
  private async run(fn: JsRef, args: readonly unknown[], prepare?: () => void): Promise<number> {
    let out: unknown;
    try {
      out = await this.vm.call(fn, args, { prepare, after: this.result });
    } catch (err) {
      await this.drain();
      throw err;
    }
    if (out instanceof Failed) throw out.err;
    return out as number;
  }

  /** A callback's result on the VM's turn (the io buffer is still the guest's): the code, broadcasts sent. */
  private readonly result = (out: unknown): unknown => {
    if (!isBatch(out)) return out;
    try {
      this.broadcasts.replay(out);
    } catch (err) {
      return new Failed(err);
    }
    return batchCode(out);
  };

  /** After a failed call: sends the broadcasts the guest still holds. */
  private async drain(): Promise<void> {
    const rest = await this.vm.call(this.refs.drain, [], { after: this.sendRest }).catch(() => null);
    if (rest instanceof Failed) throw rest.err;
  }

  /** Sends the broadcasts a guest batch holds; a failure comes back as a value (this runs on the VM's turn). */
  private replayBatch(batch: string | number): Failed | null {
    try {
      this.broadcasts.replay(batch);
      return null;
    } catch (err) {
      return new Failed(err);
    }
  }

  private readonly sendRest = (rest: unknown): unknown => (isBatch(rest) ? this.replayBatch(rest) : null);

  private readonly detailQueue = (out: unknown): unknown => {
    const q = (out as { q?: unknown }).q;
    return isBatch(q) ? (this.replayBatch(q) ?? out) : out;
  };

  /** matchJoin / matchLeave / matchTerminate: (ctx, logger, nk, dispatcher, tick, state, arg). */
  private async step(name: string, tick: number, arg: unknown): Promise<Shaped> {
    if (this.pendingLabel !== null) await this.sync();
    this.enter(this.ctx);
    return shapedOf(await this.run(this.refs.call, [this.refs.box, name, tick, arg]));
  }

  /** matchInit / matchJoinAttempt / matchSignal, whose results carry more than a state. */
  private async detail(name: string, ctx: RuntimeContext, jsCtx: unknown, args: unknown[]): Promise<Shaped> {
    await this.sync();
    this.enter(ctx);
    let res: unknown;
    try {
      res = await this.vm.call(this.refs.detail, [this.refs.box, name, jsCtx, ...args], { after: this.detailQueue });
    } catch (err) {
      await this.drain();
      throw err;
    }
    if (res instanceof Failed) throw res.err;
    const out = res as { code: number; q: string | number | null } & Record<string, unknown>;
    return shapedOf(out.code, out);
  }

  async init(params: Record<string, unknown>) {
    await this.setCtx();
    const res = initResult(await this.detail("matchInit", this.ctx, null, [params]));
    this.ctx = matchContext(this.d, res.label, res.tickRate);
    await this.setCtx();
    return res;
  }

  async joinAttempt(tick: number, caller: JoinCaller, metadata: Readonly<Record<string, string>>) {
    await this.sync();
    const ctx = joinContext(this.ctx, caller);
    const args = [tick, guestPresence("js", caller.presence, false), { ...metadata }];
    return joinAttemptResult(await this.detail("matchJoinAttempt", ctx, jsContext(ctx), args));
  }

  async join(tick: number, presences: readonly MatchPresence[]) {
    return stateResult("matchJoin", await this.step("matchJoin", tick, guestPresences("js", presences)));
  }

  async leave(tick: number, presences: readonly MatchPresence[]) {
    return stateResult("matchLeave", await this.step("matchLeave", tick, guestPresences("js", presences)));
  }

  async loop(tick: number, messages: readonly MatchMessage[]) {
    if (this.pendingLabel !== null) await this.sync();
    this.enter(this.ctx);
    const io = this.io;
    const n = messages.length;
    if (n === 0) {
      if (io === undefined) return stateResult("matchLoop", shapedOf(await this.run(this.refs.loop, [tick])));
      return stateResult("matchLoop", shapedOf(await this.run(this.refs.loop, NO_ARGS, () => this.header(io, tick, 0))));
    }
    // One buffer: per message five float64 (op code, receive time, sender slot, payload length or -1,
    // reliable), then the payloads end to end (the guest needs one view): written in place into the
    // VM's io buffer when it fits (on the VM's turn; tick and count in its last two float64s), else a
    // buffer of its own passed along. Senders are numbered per match: new ones travel as JSON beside
    // it, the guest keeps them and builds each message's own sender object from its slot (see HELPER).
    let reset = false;
    if (this.senders.size + n > SENDERS_MAX) {
      this.senders.clear();
      reset = true;
    }
    let added: string[] | undefined;
    let size = 40 * n;
    for (const m of messages) {
      if (m.data !== null) size += m.data.byteLength;
      if (!this.senders.has(m.sender)) {
        this.senders.set(m.sender, this.senders.size);
        (added ??= []).push(JSON.stringify([m.sender.userId, m.sender.sessionId, m.sender.username, m.sender.node]));
      }
    }
    const add = added === undefined ? undefined : `[${added.join(",")}]`;
    if (io !== undefined && size <= io.length - 16) {
      const args = add === undefined && !reset ? NO_ARGS : [undefined, undefined, undefined, add, reset];
      const fill = (): void => this.write(messages, this.header(io, tick, n), io.bytes()!);
      return stateResult("matchLoop", shapedOf(await this.run(this.refs.loop, args, fill)));
    }
    const buf = new ArrayBuffer(size);
    this.write(messages, new Float64Array(buf, 0, 5 * n), new Uint8Array(buf));
    return stateResult("matchLoop", shapedOf(await this.run(this.refs.loop, [tick, n, buf, add, reset])));
  }

  /** Puts tick and message count in the io buffer's last two float64s; answers its float64 view. */
  private header(io: GuestBytes, tick: number, n: number): Float64Array {
    if (io.bytes() === undefined) throw matchError("match input buffer out of reach", Code.INTERNAL);
    const f = io.float64();
    f[f.length - 2] = tick;
    f[f.length - 1] = n;
    return f;
  }

  /** Writes a tick's messages (their senders already numbered) in the layout `loop` reads. */
  private write(messages: readonly MatchMessage[], f: Float64Array, u: Uint8Array): void {
    const n = messages.length;
    let off = 40 * n;
    for (let i = 0, j = 0; i < n; i++, j += 5) {
      const m = messages[i];
      f[j] = m.opCode;
      f[j + 1] = m.receiveTimeMs;
      f[j + 2] = this.senders.get(m.sender)!;
      f[j + 3] = m.data === null ? -1 : m.data.byteLength;
      f[j + 4] = m.reliable ? 1 : 0;
      if (m.data !== null) {
        u.set(m.data, off);
        off += m.data.byteLength;
      }
    }
  }

  async terminate(tick: number, graceSeconds: number) {
    return stateResult("matchTerminate", await this.step("matchTerminate", tick, graceSeconds));
  }

  async signal(tick: number, data: string) {
    return signalResult(await this.detail("matchSignal", this.ctx, null, [tick, data]));
  }

  labelChanged(label: string): void {
    // Called from inside a dispatcher host function: the VM is busy, so the ctx changes before the next call.
    this.pendingLabel = label;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.vm.dispose();
  }
}

/**
 * nk for a match VM: ONE host function `call(name, ...args)` plus the names, which the boot helper turns
 * into the guest's nk object (one small guest closure per name). A host function per nk binding per
 * match cost ≈60 KB of wasm heap and ≈90 KB of JS heap per match.
 */
function nkEntry(d: MatchCoreDeps, slot: CallSlot, table: NkTable, build: JsBuild): { call: HostFn; names: string } {
  const sync = build === "sync";
  return {
    call: (args) => {
      const name = args[0] as string;
      const entry = table.fns.get(name);
      if (entry === undefined) throw new GameError(Code.NOT_FOUND, `nk function ${String(name)} not found`);
      // On the sync build a handler cannot wait: a function that may is refused before it starts.
      if (sync && !entry.immediate) throw waits(name);
      const out = entry.call({ deps: d.nk, ctx: slot.ctx }, args.slice(1));
      if (sync && out instanceof Promise) {
        // A function marked immediate that waited after all (a bug in its marking): reported, left to finish.
        out.catch(() => undefined);
        d.log.error({ fn: name }, "nk function marked immediate returned a promise");
        throw waits(name);
      }
      return out;
    },
    names: [...table.fns.keys()].join(","),
  };
}

function waits(name: string): GameError {
  return new GameError(
    Code.FAILED_PRECONDITION,
    `nk.${name} waits for its result, which match VMs on the sync build cannot do (set match.js_build: asyncify)`,
  );
}

/** nk bindings available to JS (built once per bindings list: see jsNkTable). */
export interface NkTable {
  /** By JS name: the host function, and whether it answers at once (NkBinding.jsImmediate). */
  readonly fns: ReadonlyMap<string, { readonly call: NonNullable<NkBinding["callJs"]>; readonly immediate: boolean }>;
  /** Finds, in a bundle's text, the name of an nk function that waits (a whole word), if any. */
  readonly waiting: RegExp | null;
}

/** The JS-visible nk bindings of `bindings`, by name. */
export function jsNkTable(bindings: readonly NkBinding[]): NkTable {
  const fns = new Map<string, { call: NonNullable<NkBinding["callJs"]>; immediate: boolean }>();
  for (const b of bindings) if (b.js !== undefined && b.callJs !== undefined) fns.set(b.js, { call: b.callJs, immediate: b.jsImmediate === true });
  return { fns, waiting: waitingPattern([...fns].filter(([, e]) => !e.immediate).map(([name]) => name)) };
}

/** Runs InitModule in the VM through the boot helper; returns the box of the handlers named `d.handlerName`. */
async function boot(
  vm: JsVm, d: MatchCoreDeps, slot: CallSlot, broadcasts: JsBroadcasts, table: NkTable, build: JsBuild, survey?: (seen: string[]) => void,
): Promise<Refs> {
  // Registrations made by InitModule in a match VM are checked as usual, then forgotten.
  const regs = new Registrations<JsRef | Record<string, JsRef>>();
  const fns = { isFunction: (v: unknown): v is JsRef => isJsRef(v) && v.kind === "function", keep: (f: JsRef) => f };
  const initializer = jsInitializer({ regs, log: d.log, fns }, { getConfig: () => configViewJs(d.nk.config), runOnce: () => undefined });
  const logger = await vm.makeRef(jsLoggerObject(slot));
  const nk = await vm.makeRef(nkEntry(d, slot, table, build));
  const initCtx = systemContext(d.base, ExecutionMode.INIT_MODULE);
  const args = [jsContext(initCtx), logger, nk, initializer, d.handlerName.toLowerCase(), survey !== undefined];
  const out = (await vm.callGlobal("__troupe_match_boot", args, {
    refKeys: ["box", "call", "detail", "set", "dispatcher", "drain", "io"],
  })) as { found: boolean; dispatcher: JsRef; seen: unknown } & Omit<Refs, "loop">;
  if (survey !== undefined && Array.isArray(out.seen)) survey(out.seen.filter((t): t is string => typeof t === "string"));
  logger.release();
  nk.release();
  if (!out.found) throw matchError(`match handler "${d.handlerName}" not found`);
  // The guest wraps the host's dispatcher functions (see HELPER) and keeps the result in the box.
  const host = await vm.makeRef({ ...dispatcherFunctions("js", d.dispatch), fast: broadcasts.fast, batch: broadcasts.batch });
  const loop = (await vm.call(out.dispatcher, [out.box, host], { result: "ref" })) as JsRef;
  host.release();
  out.dispatcher.release();
  return { box: out.box, io: out.io, call: out.call, detail: out.detail, set: out.set, loop, drain: out.drain };
}

/**
 * Creates the match's VM on `build`, runs InitModule in it and finds the handlers registered under the
 * match name. `survey`, when given, receives the texts js-build.ts needs (InitModule's, registered functions').
 */
export async function jsMatchCore(
  src: JsMatchSource, engine: JsEngine, d: MatchCoreDeps, table: NkTable, build: JsBuild, survey?: (seen: string[]) => void,
): Promise<MatchCore> {
  const slot = new CallSlot(d.log, d.base, "js");
  const s = d.settings;
  const vm = await createJsVm({
    source: src.source + HELPER, file: src.file, globals: {}, callTimeoutMs: s.callTimeoutMs, memoryLimitBytes: s.jsMemoryLimitBytes,
    log: d.log, engine, env: { ...d.base.env }, readOnlyGlobals: s.jsReadOnlyGlobals, initFunction: "__troupe_match_boot",
    build, moduleGroupSize: s.jsModuleGroupSize,
  });
  try {
    const broadcasts = jsBroadcasts(d.dispatch);
    const refs = await boot(vm, d, slot, broadcasts, table, build, survey);
    // The io buffer in place: the guest then writes batched bytes there (box.w).
    const io = await vm.guestBytes(refs.io);
    if (io !== undefined) {
      await vm.call(refs.set, [refs.box, "w", true]);
      broadcasts.io = io;
    }
    return new JsMatchCore(vm, d, slot, refs, broadcasts, io);
  } catch (err) {
    await vm.dispose().catch(() => undefined);
    throw err;
  }
}
