// Owns match handlers written in the JavaScript bundle (initializer.registerMatch(name, {matchInit, …})):
// each match gets its own QuickJS VM. The VM evaluates the bundle and runs its InitModule once through a
// small boot helper appended to the bundle, which keeps the handler object registered under the match
// name inside the VM; from then on every callback is one VM call through the helper, which also says
// whether the handler returned a state. The state never leaves the VM (a ref, functions included); ctx,
// logger, nk and the dispatcher are guest objects built once per match (ctx again after a label change).
//
// The VM uses the asyncify build: nk functions may be asynchronous (storage, matchCreate…) and look
// synchronous to handler code, as in Nakama.
import { CallSlot } from "../../runtime/engine.js";
import { ExecutionMode, jsContext, systemContext, type RuntimeContext } from "../../runtime/context.js";
import { jsInitializer } from "../../runtime/initializer.js";
import { createJsVm, type HostFn, type JsEngine, type JsRef, type JsVm } from "../../runtime/js/index.js";
import { jsLoggerObject } from "../../runtime/logger.js";
import { configViewJs } from "../../runtime/nk/config-view.js";
import { Registrations } from "../../runtime/registry.js";
import { matchError, type JoinCaller, type MatchCore, type MatchMessage, type MatchPresence } from "../types.js";
import { logFields, type MatchCoreDeps } from "./deps.js";
import { initResult, joinAttemptResult, joinContext, matchContext, signalResult, stateResult, type Shaped } from "./results.js";
import { dispatcherFunctions, guestMessages, guestPresence, guestPresences } from "./shapes.js";

/** Appended to the bundle of match VMs (plain ES5, strict-mode safe). */
const HELPER = `
;function __troupe_match_boot(ctx, logger, nk, initializer, want) {
  var found = false, handlers = null, shim = {};
  for (var k in initializer) shim[k] = initializer[k];
  shim.registerMatch = function (name, h) {
    initializer.registerMatch(name, h);
    if (typeof name === "string" && name.toLowerCase() === want) { found = true; handlers = h; }
  };
  var done = function () { return { found: found, h: handlers, call: __troupe_match_call }; };
  var r = InitModule(ctx, logger, nk, shim);
  return r && typeof r.then === "function" ? r.then(done) : done();
}
function __troupe_match_out(r) {
  if (r === null || r === undefined) return { none: true, nil: true };
  if (typeof r !== "object") return { notObject: true, nil: true };
  var s = r.state;
  return { s: s, nil: s === null || s === undefined,
    f: { accept: r.accept, rejectMessage: r.rejectMessage, data: r.data, tickRate: r.tickRate, label: r.label } };
}
function __troupe_match_call(h, name, a, b, c, d, e, f, g, i) {
  var r = h[name](a, b, c, d, e, f, g, i);
  return r && typeof r.then === "function" ? r.then(__troupe_match_out) : __troupe_match_out(r);
}
`;

export interface JsMatchSource {
  readonly file: string;
  readonly source: string;
}

interface CallOut {
  s?: JsRef;
  nil?: boolean;
  none?: boolean;
  notObject?: boolean;
  f?: Record<string, unknown>;
}

class JsMatchCore implements MatchCore {
  readonly engine = "js" as const;
  private state: JsRef | null = null;
  private ctx: RuntimeContext;
  private ctxRef: JsRef | null = null;
  private label: string | null = null;
  private closed = false;

  constructor(
    private readonly vm: JsVm,
    private readonly d: MatchCoreDeps,
    private readonly slot: CallSlot,
    private readonly refs: { handlers: JsRef; call: JsRef; logger: JsRef; nk: JsRef; dispatcher: JsRef },
  ) {
    this.ctx = matchContext(d, "", 0);
  }

  /** Calls handler `name` through the helper; keeps the new state, releases the old one. */
  private async run(name: string, ctx: RuntimeContext, args: unknown[]): Promise<Shaped> {
    this.slot.enter({ key: "match", ctx, args: [], fields: logFields(this.d, "js") });
    const r = this.refs;
    const out = (await this.vm.call(r.call, [r.handlers, name, ...args], { refKeys: ["s"] })) as CallOut;
    const nil = out.nil === true;
    if (out.s !== undefined) {
      if (nil) out.s.release();
      else {
        this.state?.release();
        this.state = out.s;
      }
    }
    return { nil, none: out.none === true, notObject: out.notObject === true, fields: out.f ?? {} };
  }

  /** The guest ctx object of this match, rebuilt when the label changed. */
  private async ctxArg(): Promise<JsRef> {
    if (this.label !== null) {
      this.ctx = matchContext(this.d, this.label, this.ctx.matchTickRate);
      this.label = null;
      this.ctxRef?.release();
      this.ctxRef = null;
    }
    return (this.ctxRef ??= await this.vm.makeRef(jsContext(this.ctx)));
  }

  private async step(name: string, tick: number, arg: unknown): Promise<Shaped> {
    const r = this.refs;
    return this.run(name, this.ctx, [await this.ctxArg(), r.logger, r.nk, r.dispatcher, tick, this.state, arg]);
  }

  async init(params: Record<string, unknown>) {
    const r = this.refs;
    const res = initResult(await this.run("matchInit", this.ctx, [await this.ctxArg(), r.logger, r.nk, params]));
    this.ctx = matchContext(this.d, res.label, res.tickRate);
    this.ctxRef?.release();
    this.ctxRef = null;
    return res;
  }

  async joinAttempt(tick: number, caller: JoinCaller, metadata: Readonly<Record<string, string>>) {
    await this.ctxArg();
    const ctx = joinContext(this.ctx, caller);
    const r = this.refs;
    const args = [jsContext(ctx), r.logger, r.nk, r.dispatcher, tick, this.state, guestPresence("js", caller.presence, false), { ...metadata }];
    return joinAttemptResult(await this.run("matchJoinAttempt", ctx, args));
  }

  async join(tick: number, presences: readonly MatchPresence[]) {
    return stateResult("matchJoin", await this.step("matchJoin", tick, guestPresences("js", presences)));
  }

  async leave(tick: number, presences: readonly MatchPresence[]) {
    return stateResult("matchLeave", await this.step("matchLeave", tick, guestPresences("js", presences)));
  }

  async loop(tick: number, messages: readonly MatchMessage[]) {
    return stateResult("matchLoop", await this.step("matchLoop", tick, guestMessages("js", messages)));
  }

  async terminate(tick: number, graceSeconds: number) {
    return stateResult("matchTerminate", await this.step("matchTerminate", tick, graceSeconds));
  }

  async signal(tick: number, data: string) {
    return signalResult(await this.step("matchSignal", tick, data));
  }

  labelChanged(label: string): void {
    // Called from inside a dispatcher host function: the VM is busy, so the ctx is rebuilt before the next call.
    this.label = label;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.vm.dispose();
  }
}

function nkObject(d: MatchCoreDeps, slot: CallSlot): Record<string, HostFn> {
  const out: Record<string, HostFn> = {};
  for (const b of d.bindings) {
    const impl = b.callJs;
    if (b.js !== undefined && impl !== undefined) out[b.js] = (args) => impl({ deps: d.nk, ctx: slot.ctx }, args);
  }
  return out;
}

/** Creates the match's VM, runs InitModule in it and finds the handlers registered under the match name. */
export async function jsMatchCore(src: JsMatchSource, engine: JsEngine, d: MatchCoreDeps): Promise<MatchCore> {
  const slot = new CallSlot(d.log, d.base, "js");
  const s = d.settings;
  const vm = await createJsVm({
    source: src.source + HELPER, file: src.file, globals: {}, callTimeoutMs: s.callTimeoutMs, memoryLimitBytes: s.jsMemoryLimitBytes,
    log: d.log, engine, env: { ...d.base.env }, readOnlyGlobals: s.jsReadOnlyGlobals, initFunction: "__troupe_match_boot",
  });
  try {
    // Registrations made by InitModule in a match VM are checked as usual, then forgotten.
    const regs = new Registrations<JsRef | Record<string, JsRef>>();
    const target = { regs, log: d.log, fns: { isFunction: (v: unknown): v is JsRef => typeof v === "object" && v !== null && (v as JsRef).kind === "function", keep: (f: JsRef) => f } };
    const initializer = jsInitializer(target, { getConfig: () => configViewJs(d.nk.config), runOnce: () => undefined });
    const logger = await vm.makeRef(jsLoggerObject(slot));
    const nk = await vm.makeRef(nkObject(d, slot));
    const initCtx = systemContext(d.base, ExecutionMode.INIT_MODULE);
    const boot = (await vm.callGlobal("__troupe_match_boot", [jsContext(initCtx), logger, nk, initializer, d.handlerName.toLowerCase()], {
      refKeys: ["h", "call"],
    })) as { found: boolean; h: JsRef; call: JsRef };
    if (!boot.found) throw matchError(`match handler "${d.handlerName}" not found`);
    const dispatcher = await vm.makeRef(dispatcherFunctions("js", d.dispatch));
    return new JsMatchCore(vm, d, slot, { handlers: boot.h, call: boot.call, logger, nk, dispatcher });
  } catch (err) {
    await vm.dispose().catch(() => undefined);
    throw err;
  }
}
