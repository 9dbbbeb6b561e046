// Owns match handlers written in the JavaScript bundle (initializer.registerMatch(name, {matchInit, …})):
// each match gets its own QuickJS VM. The VM evaluates the bundle and runs its InitModule once through a
// small boot helper appended to the bundle, which keeps, inside the VM, one "box" per match: the handler
// object registered under the match name, the state, and the ctx / logger / nk / dispatcher objects
// handlers receive. Each callback is then one VM call through a helper that passes the box's values,
// keeps the returned state in the box and answers with a small code (or a few plain fields), so the
// state never leaves the VM (functions included) and no ref is created per tick. Binary message data
// travels beside the (JSON-marshalled) message list and is put back in place by the helper.
//
// The VM uses the asyncify build by default (settings.jsBuild): nk functions may be asynchronous
// (storage, matchCreate…) and look synchronous to handler code, as in Nakama.
import { CallSlot } from "../../runtime/engine.js";
import { ExecutionMode, jsContext, systemContext, type RuntimeContext } from "../../runtime/context.js";
import { jsInitializer } from "../../runtime/initializer.js";
import { createJsVm, isJsRef, type HostFn, type JsEngine, type JsRef, type JsVm } from "../../runtime/js/index.js";
import { jsLoggerObject } from "../../runtime/logger.js";
import { configViewJs } from "../../runtime/nk/config-view.js";
import { Registrations } from "../../runtime/registry.js";
import { matchError, type JoinCaller, type MatchCore, type MatchMessage, type MatchPresence } from "../types.js";
import { logFields, type MatchCoreDeps } from "./deps.js";
import { initResult, joinAttemptResult, joinContext, matchContext, signalResult, stateResult, type Shaped } from "./results.js";
import { dispatcherFunctions, guestPresence, guestPresences, jsFastBroadcast } from "./shapes.js";

/**
 * Appended to the bundle of match VMs (plain ES5, strict-mode safe). Codes: 0 no result, 1 a state,
 * 2 not an object, 3 an object without state. `box`: h handlers, s state, c ctx, l logger, n nk, d the
 * dispatcher, built in the guest over the host's functions: broadcasts whose arguments are plain
 * (no presence filter, string or ArrayBuffer data, a presence-shaped sender) go to the host's `fast`
 * function as primitives; anything else to the generic functions, which check and report as usual.
 */
const HELPER = `
;function __troupe_match_boot(ctx, logger, nk, initializer, want) {
  var found = false, handlers = null, shim = {};
  for (var k in initializer) shim[k] = initializer[k];
  shim.registerMatch = function (name, h) {
    initializer.registerMatch(name, h);
    if (typeof name === "string" && name.toLowerCase() === want) { found = true; handlers = h; }
  };
  var done = function () {
    return { found: found, box: { h: handlers, s: null, c: null, l: logger, n: nk, d: null },
      call: __troupe_match_call, detail: __troupe_match_detail, set: __troupe_match_set, dispatcher: __troupe_match_dispatcher };
  };
  var r = InitModule(ctx, logger, nk, shim);
  return r && typeof r.then === "function" ? r.then(done) : done();
}
function __troupe_match_set(box, k, v) { box[k] = v; }
function __troupe_match_dispatcher(box, h) {
  // Bytes travel as a latin1 string (one char per byte, fast to build); the VM boundary copies strings up
  // to a NUL, so NUL bytes travel as U+0100, which latin1 decoding turns back into 0.
  var latin1 = function (buf) {
    var u = new Uint8Array(buf), t = String.fromCharCode.apply(null, u);
    return u.indexOf(0) < 0 ? t : t.split("\\u0000").join("\\u0100");
  };
  var send = function (deferred, op, data, presences, sender, reliable) {
    var generic = deferred ? h.broadcastMessageDeferred : h.broadcastMessage, kind, payload = null, key = null;
    if (typeof op !== "number" || (presences !== null && presences !== undefined) ||
      (reliable !== null && reliable !== undefined && typeof reliable !== "boolean")) return generic(op, data, presences, sender, reliable);
    if (data === null || data === undefined) kind = 0;
    else if (typeof data === "string" && data.indexOf("\\u0000") < 0) { kind = 1; payload = data; }
    else if (data instanceof ArrayBuffer && data.byteLength <= 4096) { kind = 2; payload = latin1(data); }
    else return generic(op, data, presences, sender, reliable);
    if (sender !== null && sender !== undefined) {
      if (typeof sender !== "object" || typeof sender.userId !== "string" || typeof sender.sessionId !== "string" ||
        typeof sender.username !== "string") return generic(op, data, presences, sender, reliable);
      key = sender.userId + "|" + sender.sessionId + "|" + sender.username;
      if (key.indexOf("\\u0000") >= 0) return generic(op, data, presences, sender, reliable);
    }
    h.fast(op, kind, payload, key, reliable !== false, deferred);
  };
  box.d = Object.freeze({
    broadcastMessage: function (op, data, presences, sender, reliable) { send(false, op, data, presences, sender, reliable); },
    broadcastMessageDeferred: function (op, data, presences, sender, reliable) { send(true, op, data, presences, sender, reliable); },
    matchKick: function (presences) { h.matchKick(presences); },
    matchLabelUpdate: function (label) { h.matchLabelUpdate(label); },
  });
}
function __troupe_match_keep(box, r) {
  if (r === null || r === undefined) return 0;
  if (typeof r !== "object") return 2;
  if (r.state === null || r.state === undefined) return 3;
  box.s = r.state;
  return 1;
}
function __troupe_match_call(box, name, tick, arg, datas) {
  if (datas) for (var i = 0; i < datas.length; i++) arg[i].data = datas[i];
  var r = box.h[name](box.c, box.l, box.n, box.d, tick, box.s, arg);
  return r && typeof r.then === "function" ? r.then(function (v) { return __troupe_match_keep(box, v); }) : __troupe_match_keep(box, r);
}
function __troupe_match_detail(box, name, ctx, a, b, c) {
  var r = name === "matchInit" ? box.h.matchInit(box.c, box.l, box.n, a) : box.h[name](ctx || box.c, box.l, box.n, box.d, a, box.s, b, c);
  var done = function (v) {
    var code = __troupe_match_keep(box, v);
    if (code === 0 || code === 2) return { code: code };
    return { code: code, accept: v.accept, rejectMessage: v.rejectMessage, data: v.data, tickRate: v.tickRate, label: v.label };
  };
  return r && typeof r.then === "function" ? r.then(done) : done(r);
}
`;

export interface JsMatchSource {
  readonly file: string;
  readonly source: string;
}

interface Refs {
  readonly box: JsRef;
  readonly call: JsRef;
  readonly detail: JsRef;
  readonly set: JsRef;
}

function shapedOf(code: number, fields: Readonly<Record<string, unknown>> = {}): Shaped {
  return { none: code === 0, notObject: code === 2, nil: code !== 1, fields };
}

class JsMatchCore implements MatchCore {
  readonly engine = "js" as const;
  private ctx: RuntimeContext;
  private pendingLabel: string | null = null;
  private closed = false;

  constructor(
    private readonly vm: JsVm,
    private readonly d: MatchCoreDeps,
    private readonly slot: CallSlot,
    private readonly refs: Refs,
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
    this.slot.enter({ key: "match", ctx, args: [], fields: logFields(this.d, "js") });
  }

  /** matchJoin / matchLeave / matchLoop / matchTerminate: (ctx, logger, nk, dispatcher, tick, state, arg). */
  private async step(name: string, tick: number, arg: unknown, datas: unknown = null): Promise<Shaped> {
    await this.sync();
    this.enter(this.ctx);
    return shapedOf((await this.vm.call(this.refs.call, [this.refs.box, name, tick, arg, datas])) as number);
  }

  /** matchInit / matchJoinAttempt / matchSignal, whose results carry more than a state. */
  private async detail(name: string, ctx: RuntimeContext, jsCtx: unknown, args: unknown[]): Promise<Shaped> {
    await this.sync();
    this.enter(ctx);
    const out = (await this.vm.call(this.refs.detail, [this.refs.box, name, jsCtx, ...args])) as { code: number } & Record<string, unknown>;
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
    if (messages.length === 0) return stateResult("matchLoop", await this.step("matchLoop", tick, []));
    // Plain data goes as one JSON text; the binary payloads beside it, put back in place by the helper.
    const meta = messages.map((m) => ({
      sender: { userId: m.sender.userId, sessionId: m.sender.sessionId, username: m.sender.username, node: m.sender.node },
      opCode: m.opCode, data: null, reliable: m.reliable, receiveTimeMs: m.receiveTimeMs,
    }));
    return stateResult("matchLoop", await this.step("matchLoop", tick, meta, messages.map((m) => m.data)));
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

function nkObject(d: MatchCoreDeps, slot: CallSlot): Record<string, HostFn> {
  const out: Record<string, HostFn> = {};
  for (const b of d.bindings) {
    const impl = b.callJs;
    if (b.js !== undefined && impl !== undefined) out[b.js] = (args) => impl({ deps: d.nk, ctx: slot.ctx }, args);
  }
  return out;
}

/** Runs InitModule in the VM through the boot helper; returns the box of the handlers named `d.handlerName`. */
async function boot(vm: JsVm, d: MatchCoreDeps, slot: CallSlot): Promise<Refs> {
  // Registrations made by InitModule in a match VM are checked as usual, then forgotten.
  const regs = new Registrations<JsRef | Record<string, JsRef>>();
  const fns = { isFunction: (v: unknown): v is JsRef => isJsRef(v) && v.kind === "function", keep: (f: JsRef) => f };
  const initializer = jsInitializer({ regs, log: d.log, fns }, { getConfig: () => configViewJs(d.nk.config), runOnce: () => undefined });
  const logger = await vm.makeRef(jsLoggerObject(slot));
  const nk = await vm.makeRef(nkObject(d, slot));
  const initCtx = systemContext(d.base, ExecutionMode.INIT_MODULE);
  const out = (await vm.callGlobal("__troupe_match_boot", [jsContext(initCtx), logger, nk, initializer, d.handlerName.toLowerCase()], {
    refKeys: ["box", "call", "detail", "set", "dispatcher"],
  })) as { found: boolean; dispatcher: JsRef } & Refs;
  logger.release();
  nk.release();
  if (!out.found) throw matchError(`match handler "${d.handlerName}" not found`);
  // The guest wraps the host's dispatcher functions (see HELPER) and keeps the result in the box.
  const host = await vm.makeRef({ ...dispatcherFunctions("js", d.dispatch), fast: jsFastBroadcast(d.dispatch) });
  await vm.call(out.dispatcher, [out.box, host]);
  host.release();
  out.dispatcher.release();
  return { box: out.box, call: out.call, detail: out.detail, set: out.set };
}

/** Creates the match's VM, runs InitModule in it and finds the handlers registered under the match name. */
export async function jsMatchCore(src: JsMatchSource, engine: JsEngine, d: MatchCoreDeps): Promise<MatchCore> {
  const slot = new CallSlot(d.log, d.base, "js");
  const s = d.settings;
  const vm = await createJsVm({
    source: src.source + HELPER, file: src.file, globals: {}, callTimeoutMs: s.callTimeoutMs, memoryLimitBytes: s.jsMemoryLimitBytes,
    log: d.log, engine, env: { ...d.base.env }, readOnlyGlobals: s.jsReadOnlyGlobals, initFunction: "__troupe_match_boot",
    build: s.jsBuild,
  });
  try {
    return new JsMatchCore(vm, d, slot, await boot(vm, d, slot));
  } catch (err) {
    await vm.dispose().catch(() => undefined);
    throw err;
  }
}
