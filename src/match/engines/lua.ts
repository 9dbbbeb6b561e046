// Owns match handlers written as Lua modules (nk.match_create("module") names a module returning the
// handler table): each match gets its own fengari VM with the `nakama` module, as Nakama's
// runtime_lua_match_core.go does: the VM `require`s the match module only (and what it requires; other
// modules are not loaded), takes the seven match_* functions from its table, and calls them with Lua's
// positional returns checked with Nakama's texts. The state stays in the VM (a LuaRef, functions
// included); ctx and dispatcher are tables built once per match. Compiled chunks are shared between
// match VMs (one LuaChunkCache per match host).
import { ExecutionMode, luaContext, systemContext, type RuntimeContext } from "../../runtime/context.js";
import { CallSlot } from "../../runtime/engine.js";
import { luaRegisterFunctions } from "../../runtime/initializer.js";
import { luaLoggerFunctions } from "../../runtime/logger.js";
import {
  createLuaVm, LuaRef, luaMulti, withRawStrings, type HostFn, type LuaChunkCache, type LuaModuleSource, type LuaVm,
} from "../../runtime/lua/index.js";
import { Registrations } from "../../runtime/registry.js";
import { LABEL_MAX_BYTES, MatchErr, matchError, validTickRate, type JoinCaller, type MatchCore, type MatchMessage, type MatchPresence } from "../types.js";
import { logFields, type MatchCoreDeps } from "./deps.js";
import { joinContext, matchContext } from "./results.js";
import { dispatcherFunctions, guestMessages, guestPresence, guestPresences } from "./shapes.js";

const HELPER_MODULE = "__troupe_match";
const HELPER_SOURCE = "local M = {}\nfunction M.keep(...) return ... end\nfunction M.set(t, k, v) t[k] = v end\nreturn M\n";
const CALLBACKS = ["match_init", "match_join_attempt", "match_join", "match_leave", "match_loop", "match_terminate", "match_signal"] as const;
type Callback = (typeof CALLBACKS)[number];

function isThenable(v: unknown): v is PromiseLike<unknown[]> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}

function nakamaModule(d: MatchCoreDeps, slot: CallSlot): Record<string, HostFn> {
  const out: Record<string, HostFn> = {};
  for (const b of d.bindings) {
    const impl = b.callLua;
    if (b.lua === undefined || impl === undefined) continue;
    const fn: HostFn = (args) => {
      const r = impl({ deps: d.nk, ctx: slot.ctx }, args);
      return isThenable(r) ? Promise.resolve(r).then((v) => luaMulti(...v)) : luaMulti(...r);
    };
    out[b.lua] = b.luaRawStrings === true ? withRawStrings(fn) : fn;
  }
  // Registrations in a match VM are checked as usual, then forgotten; run_once never runs here.
  const target = { regs: new Registrations<LuaRef | Record<string, LuaRef>>(), log: d.log, fns: { isFunction: (v: unknown): v is LuaRef => v instanceof LuaRef && v.kind === "function", keep: (f: LuaRef) => f } };
  return { ...out, ...luaRegisterFunctions(target), ...luaLoggerFunctions(slot), get_context: () => luaContext(slot.ctx), run_once: () => undefined };
}

/** Lua's "returned too many values" texts use these callback names. */
const TITLE: Record<string, string> = {
  match_join: "Match join", match_leave: "Match leave", match_loop: "Match loop", match_terminate: "Match terminate", match_signal: "Match signal",
};

class LuaMatchCore implements MatchCore {
  readonly engine = "lua" as const;
  private state: LuaRef | null = null;
  private ctx: RuntimeContext;
  private pendingLabel: string | null = null;

  constructor(
    private readonly vm: LuaVm,
    private readonly d: MatchCoreDeps,
    private readonly slot: CallSlot,
    private readonly fns: Record<Callback, LuaRef>,
    private readonly refs: { env: LuaRef; ctx: LuaRef; dispatcher: LuaRef; set: LuaRef },
  ) {
    this.ctx = matchContext(d, "", 0);
  }

  /** A label changed by the last callback reaches the ctx table before the next one. */
  private async sync(): Promise<void> {
    if (this.pendingLabel === null) return;
    const label = this.pendingLabel;
    this.pendingLabel = null;
    this.ctx = matchContext(this.d, label, this.ctx.matchTickRate);
    await this.vm.call(this.refs.set, [this.refs.ctx, "match_label", label]);
  }

  private run(cb: Callback, ctx: RuntimeContext, args: unknown[]): Promise<unknown[]> {
    this.slot.enter({ key: "match", ctx, args: [], fields: logFields(this.d, "lua") });
    return this.vm.call(this.fns[cb], args, { refResults: [0] });
  }

  /** match_join/leave/loop/terminate: `return state`; nil ends the match. */
  private async step(cb: Callback, tick: number, arg: unknown): Promise<boolean> {
    await this.sync();
    const out = await this.run(cb, this.ctx, [this.refs.ctx, this.refs.dispatcher, tick, this.state, arg]);
    if (out.length > 1) throw matchError(`${TITLE[cb]} returned too many values, stopping match`);
    return this.keep(out[0]);
  }

  private keep(v: unknown): boolean {
    if (!(v instanceof LuaRef) || v.kind === "nil") return false;
    this.state = v;
    return true;
  }

  async init(params: Record<string, unknown>) {
    const out = await this.run("match_init", this.ctx, [this.refs.ctx, params]);
    const [state, rate, label] = out;
    if (out.length < 3 || typeof label !== "string") throw matchError("match_init returned unexpected third value, must be a label string");
    if (Buffer.byteLength(label, "utf8") > LABEL_MAX_BYTES) throw matchError(`match_init returned invalid label, must be ${LABEL_MAX_BYTES} bytes or less`);
    if (typeof rate !== "number") throw matchError("match_init returned unexpected second value, must be a tick rate number");
    const tickRate = validTickRate(rate);
    if (tickRate === null) throw matchError(`match_init returned invalid tick rate, ${MatchErr.tickRate}`);
    if (out.length > 3) throw matchError("match_init returned too many arguments, must be: state, tick rate number, label string");
    if (!this.keep(state)) throw matchError(MatchErr.initStateNil);
    this.ctx = matchContext(this.d, label, tickRate);
    await this.vm.call(this.refs.set, [this.refs.ctx, "match_label", label]);
    await this.vm.call(this.refs.set, [this.refs.ctx, "match_tick_rate", tickRate]);
    return { tickRate, label };
  }

  async joinAttempt(tick: number, caller: JoinCaller, metadata: Readonly<Record<string, string>>) {
    await this.sync();
    const ctx = joinContext(this.ctx, caller);
    const presence = guestPresence("lua", caller.presence, false);
    const out = await this.run("match_join_attempt", ctx, [luaContext(ctx, this.refs.env), this.refs.dispatcher, tick, this.state, presence, { ...metadata }]);
    return this.joinOutcome(out);
  }

  /** `return state, allow[, reason]`, read from the end as Nakama does. */
  private joinOutcome(out: unknown[]) {
    const few = "Match join attempt returned too few values, stopping match - expected: state, join result boolean, optional reject reason string";
    if (out.length < 2) throw matchError(few);
    const last = out[out.length - 1];
    let reason = "";
    let allowAt = out.length - 1;
    if (typeof last === "string") {
      reason = last;
      allowAt--;
      if (allowAt < 1) throw matchError("Match join attempt returned incorrect or too few values, stopping match - expected: state, join result boolean, optional reject reason string");
      if (typeof out[allowAt] !== "boolean") throw matchError("Match join attempt returned non-boolean join result, stopping match");
    } else if (typeof last !== "boolean") {
      throw matchError("Match join attempt returned non-boolean join result or non-string reject reason, stopping match");
    }
    if (allowAt > 1) throw matchError("Match join attempt returned too many values, stopping match");
    const allow = out[allowAt] as boolean;
    if (!this.keep(out[0])) return { alive: false, accept: false, reason: "" };
    return { alive: true, accept: allow, reason };
  }

  join(tick: number, presences: readonly MatchPresence[]) {
    return this.step("match_join", tick, guestPresences("lua", presences));
  }

  leave(tick: number, presences: readonly MatchPresence[]) {
    return this.step("match_leave", tick, guestPresences("lua", presences));
  }

  loop(tick: number, messages: readonly MatchMessage[]) {
    return this.step("match_loop", tick, guestMessages("lua", messages));
  }

  terminate(tick: number, graceSeconds: number) {
    return this.step("match_terminate", tick, graceSeconds);
  }

  async signal(tick: number, data: string) {
    await this.sync();
    const out = await this.run("match_signal", this.ctx, [this.refs.ctx, this.refs.dispatcher, tick, this.state, data]);
    const result = out.length > 1 ? out[1] : null;
    if (result !== null && result !== undefined && typeof result !== "string") throw matchError("Match signal returned non-string result, stopping match");
    if (out.length > 2) throw matchError("Match signal returned too many values, stopping match");
    return { alive: this.keep(out[0]), data: typeof result === "string" ? result : "" };
  }

  labelChanged(label: string): void {
    // Called from inside a dispatcher function (the VM is busy): the ctx table changes before the next call.
    this.pendingLabel = label;
  }

  async close(): Promise<void> {
    this.state = null;
    this.vm.close();
  }
}

export interface LuaMatchSources {
  readonly modules: ReadonlyMap<string, LuaModuleSource>;
  readonly chunks: LuaChunkCache;
}

async function handlerFunctions(vm: LuaVm, name: string): Promise<Record<Callback, LuaRef>> {
  const table = await vm.requireModule(name);
  if (table.kind !== "table") throw matchError("match module must return a table containing the match callback functions");
  const fns = {} as Record<Callback, LuaRef>;
  for (const cb of CALLBACKS) {
    const fn = vm.getField(table, cb);
    if (!(fn instanceof LuaRef) || fn.kind !== "function") throw matchError(`${cb} not found or not a function`);
    fns[cb] = fn;
  }
  return fns;
}

/** Creates the match's VM and loads the match module `d.handlerName`. */
export async function luaMatchCore(src: LuaMatchSources, d: MatchCoreDeps): Promise<MatchCore> {
  const slot = new CallSlot(d.log, d.base, "lua");
  slot.ctx = systemContext(d.base, ExecutionMode.MATCH);
  const modules = new Map(src.modules).set(HELPER_MODULE, { source: HELPER_SOURCE, file: "(troupe)" });
  const vm = await createLuaVm({
    modules, hostModules: { nakama: nakamaModule(d, slot) }, callTimeoutMs: d.settings.callTimeoutMs, log: d.log, chunkCache: src.chunks,
  });
  try {
    const helper = await vm.requireModule(HELPER_MODULE);
    const keepFn = vm.getField(helper, "keep") as LuaRef;
    const set = vm.getField(helper, "set") as LuaRef;
    const keep = async (v: unknown): Promise<LuaRef> => ((await vm.call(keepFn, [v], { refResults: [0] })) as [LuaRef])[0];
    const fns = await handlerFunctions(vm, d.handlerName);
    const env = await keep(d.base.env);
    const ctx = await keep(luaContext(matchContext(d, "", 0), env));
    const dispatcher = await keep(rawData(dispatcherFunctions("lua", d.dispatch)));
    return new LuaMatchCore(vm, d, slot, fns, { env, ctx, dispatcher, set });
  } catch (err) {
    vm.close();
    throw err;
  }
}

/** Broadcast data is a Lua byte string: those functions take their top-level strings as bytes. */
function rawData(fns: Record<string, HostFn>): Record<string, HostFn> {
  const out: Record<string, HostFn> = { ...fns };
  for (const name of ["broadcast_message", "broadcast_message_deferred"]) out[name] = withRawStrings(fns[name]);
  return out;
}
