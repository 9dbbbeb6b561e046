// Owns match handlers written as native modules (initializer.registerMatch(name, handlers) in a
// *.ts/*.mjs module): handlers are called in-process with the JS shapes (camelCase presences, binary
// data as Uint8Array), a typed async nk and a dispatcher object; the state is a plain host value kept
// here between calls. Handlers may be async.
import { nativeLogger, type ModuleLogger } from "../../runtime/logger.js";
import type { RuntimeContext } from "../../runtime/context.js";
import type { NativeMatchHandlers } from "../../runtime/types/native.js";
import type { JoinCaller, MatchCore, MatchMessage, MatchPresence } from "../types.js";
import type { MatchCoreDeps } from "./deps.js";
import { logFields } from "./deps.js";
import {
  initResult, joinAttemptResult, joinContext, matchContext, shapeValue, signalResult, stateResult,
} from "./results.js";
import { dispatcherFunctions, guestMessages, guestPresence, guestPresences } from "./shapes.js";

type Dispatcher = Record<string, (...args: unknown[]) => void>;
type Method = (...args: unknown[]) => Promise<unknown>;

/** The typed async nk of native modules for one context, from the bindings' JS side (as src/runtime/nk/native.ts). */
function nativeNk(d: MatchCoreDeps, ctx: RuntimeContext): unknown {
  const call = { deps: d.nk, ctx };
  const out: Record<string, Method> = {};
  for (const b of d.bindings) {
    const fn = b.callJs;
    if (b.js !== undefined && fn !== undefined) out[b.js] = async (...args) => fn(call, args);
  }
  return Object.freeze(out);
}

class NativeMatchCore implements MatchCore {
  readonly engine = "native" as const;
  private state: unknown = null;
  private ctx: RuntimeContext;
  private nk: unknown;
  private readonly logger: ModuleLogger;
  private readonly dispatcher: Dispatcher;

  constructor(
    private readonly h: NativeMatchHandlers,
    private readonly d: MatchCoreDeps,
  ) {
    this.ctx = matchContext(d, "", 0);
    this.nk = nativeNk(d, this.ctx);
    const fields = logFields(d, "native");
    this.logger = nativeLogger({ log: d.log, fields: () => fields });
    const fns = dispatcherFunctions("js", d.dispatch);
    const obj: Dispatcher = {};
    for (const [name, fn] of Object.entries(fns)) obj[name] = (...args) => void fn(args);
    this.dispatcher = Object.freeze(obj);
  }

  private setContext(label: string, tickRate: number): void {
    this.ctx = matchContext(this.d, label, tickRate);
    this.nk = nativeNk(this.d, this.ctx);
  }

  async init(params: Record<string, unknown>) {
    const { shaped, state } = shapeValue(await this.h.matchInit(this.ctx, this.logger, this.nk, params));
    const r = initResult(shaped);
    this.state = state;
    this.setContext(r.label, r.tickRate);
    return r;
  }

  /** Runs callback `name` with (dispatcher, tick, state, arg[, extra]) and keeps the state it returns. */
  private async step(name: Exclude<keyof NativeMatchHandlers, "matchInit">, tick: number, arg: unknown, ctx = this.ctx, nk = this.nk, extra: unknown[] = []) {
    const out = shapeValue(await this.h[name](ctx, this.logger, nk, this.dispatcher, tick, this.state, arg, ...extra));
    if (!out.shaped.nil) this.state = out.state;
    return out.shaped;
  }

  async joinAttempt(tick: number, caller: JoinCaller, metadata: Readonly<Record<string, string>>) {
    const ctx = joinContext(this.ctx, caller);
    const presence = guestPresence("js", caller.presence, false);
    return joinAttemptResult(await this.step("matchJoinAttempt", tick, presence, ctx, nativeNk(this.d, ctx), [{ ...metadata }]));
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
    this.setContext(label, this.ctx.matchTickRate);
  }

  async close(): Promise<void> {
    this.state = null;
  }
}

export function nativeMatchCore(handlers: NativeMatchHandlers, d: MatchCoreDeps): MatchCore {
  return new NativeMatchCore(handlers, d);
}
