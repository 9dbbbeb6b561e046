// Owns one VM's crossing points between host and guest: the single host trampoline every guest-visible
// host function goes through, the per-call deadline (interrupt handler + a timer while a host promise is
// pending), and the rule for when the guest may suspend.
//
// Suspension rule (asyncify build): a host function may return a promise only while the guest was entered
// through a maybe-async entry point (a call, a pending-jobs run, the bundle eval). Helper calls the host
// makes itself (value encoding, error description) are synchronous entries; a promise returned there
// (e.g. from a getter or toJSON calling an async host function) becomes a guest error instead of
// corrupting the suspended wasm stack.
import type { QuickJSContext, QuickJSHandle, VmCallResult, VmFunctionImplementation } from "quickjs-emscripten";
import { Code } from "../../errors.js";
import type { GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import type { EngineContext, JsBuild } from "./engine.js";
import { Tag } from "./internals.js";
import type { JobsOutcome, LowLevel, Settled } from "./internals.js";
import { guestErrorFrom, hostFailure, isOutOfMemory, memoryLimitError, timeLimitError } from "./js-errors.js";
import type { ErrorInfo } from "./js-errors.js";
import type { Helpers, HostFnTable, Marshal } from "./marshal.js";
import type { JsRef, RefTable } from "./refs.js";

type HostResult = QuickJSHandle | VmCallResult<QuickJSHandle>;
type Awaited = { ok: true; value: unknown } | { ok: false; error: unknown };

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Mutable per-call state; reset by begin()/end(). */
export interface CallState {
  deadline: number;
  timeoutMs: number;
  timedOut: boolean;
  /** Host-function slots created for this call (released at its end). */
  scope: number[];
}

export class Bridge {
  readonly state: CallState = { deadline: Infinity, timeoutMs: 0, timedOut: false, scope: [] };
  /** Set while a host function runs synchronously (re-entrant vm calls are refused). */
  inHostFn = false;
  /** An out-of-memory error reached the host: the VM should be replaced. */
  memoryExhausted = false;
  private suspendable = false;
  marshal!: Marshal;
  helpers!: Helpers;

  private readonly low: LowLevel;
  private readonly build: JsBuild;

  constructor(
    private readonly ctx: QuickJSContext,
    private readonly ec: EngineContext,
    private readonly refs: RefTable,
    private readonly hostFns: HostFnTable,
    private readonly log: Logger,
  ) {
    this.low = ec.low;
    this.build = ec.build;
    ctx.runtime.setInterruptHandler(() => {
      if (performance.now() <= this.state.deadline) return false;
      this.state.timedOut = true;
      return true;
    });
  }

  begin(timeoutMs: number): void {
    this.state.timeoutMs = timeoutMs;
    this.state.deadline = performance.now() + timeoutMs;
    this.state.timedOut = false;
    this.state.scope = [];
  }

  end(): number[] {
    const scope = this.state.scope;
    this.state.deadline = Infinity;
    this.state.scope = [];
    return scope;
  }

  /** The guest function behind every host function: `hostCall(slot, ...args)`. */
  newTrampoline(): QuickJSHandle {
    const impl = (slotH: QuickJSHandle, ...argHs: QuickJSHandle[]) => this.trampoline(slotH, argHs);
    // The asyncify build accepts a promise here (newAsyncifiedFunction is the same call).
    return this.ctx.newFunction("hostCall", impl as unknown as VmFunctionImplementation<QuickJSHandle>);
  }

  /**
   * Maybe-async guest entry: the guest may suspend in async host calls. Synchronous when the guest did
   * not suspend (no promise hop on the hot path), a promise otherwise.
   */
  enter<T>(run: () => T | Promise<T>): T | Promise<T> {
    const prev = this.suspendable;
    this.suspendable = this.build === "asyncify";
    let out: T | Promise<T>;
    try {
      out = run();
    } catch (err) {
      this.suspendable = prev;
      throw err;
    }
    if (!(out instanceof Promise)) {
      this.suspendable = prev;
      return out;
    }
    return out.finally(() => {
      this.suspendable = prev;
    });
  }

  /** Calls into the guest; a promise only when the guest suspended. */
  call(fn: QuickJSHandle, thisArg: QuickJSHandle, args: readonly QuickJSHandle[]): Settled | Promise<Settled> {
    return this.enter(() => this.low.call(fn, thisArg, args));
  }

  /** The same, answering the raw result pointer (see LowLevel.callRaw). */
  callRaw(fn: QuickJSHandle, thisArg: QuickJSHandle, args: readonly QuickJSHandle[]): number | Promise<number> {
    return this.enter(() => this.low.callRaw(fn, thisArg, args));
  }

  runJobs(): JobsOutcome | Promise<JobsOutcome> {
    return this.enter(() => this.low.runJobs());
  }

  /** Synchronous helper call (no suspension). */
  callHelper = (fn: QuickJSHandle, args: readonly QuickJSHandle[]): Settled => {
    const prev = this.suspendable;
    this.suspendable = false;
    try {
      return this.low.callSync(fn, this.ctx.undefined, args);
    } finally {
      this.suspendable = prev;
    }
  };

  /** Turns a guest exception handle into a GameError (and disposes it). */
  describe = (error: QuickJSHandle): GameError => {
    const info = this.errorInfo(error);
    if (this.state.timedOut) return timeLimitError(this.state.timeoutMs);
    if (isOutOfMemory(info)) {
      this.memoryExhausted = true;
      return memoryLimitError(this.ec.wasmLimitBytes, info.stack);
    }
    return guestErrorFrom(info);
  };

  /**
   * Reads a thrown value's description (disposes the handle). When the heap is too full for the
   * prelude's errorInfo() to run, falls back to reading `message` directly.
   */
  errorInfo(error: QuickJSHandle): ErrorInfo {
    try {
      const r = this.callHelper(this.helpers.errorInfo, [error]);
      if (!r.error) {
        const text = this.ctx.getString(r.value);
        r.value.dispose();
        return JSON.parse(text) as ErrorInfo;
      }
      r.error.dispose();
      return this.bareInfo(error);
    } finally {
      error.dispose();
    }
  }

  private bareInfo(error: QuickJSHandle): ErrorInfo {
    if (this.ctx.typeof(error) !== "object") return { object: false, text: "(exception could not be described)" };
    const m = this.ctx.getProp(error, "message");
    const message = this.ctx.typeof(m) === "string" ? this.ctx.getString(m) : undefined;
    m.dispose();
    const full = this.ec.wasmBytes() + (1 << 20) >= this.ec.wasmLimitBytes;
    const name = message === "out of memory" || full ? "InternalError" : "Error";
    return { object: true, isError: true, name, message: full ? "out of memory" : message, text: `${name}: ${message ?? ""}` };
  }

  private trampoline(slotH: QuickJSHandle, argHs: readonly QuickJSHandle[]): HostResult | Promise<HostResult> {
    const slotPtr = slotH.value as unknown as number;
    const slot = this.low.tagOf(slotPtr) === Tag.int ? this.low.intOf(slotPtr) : this.ctx.getNumber(slotH);
    const entry = this.hostFns.get(slot);
    if (!entry) return this.fail(Code.FAILED_PRECONDITION, "host function is no longer available (it belonged to an earlier call)");
    const mayAwait = this.suspendable;
    this.suspendable = false;
    const borrowed: JsRef[] = [];
    let out: unknown;
    try {
      const args = argHs.map((h) => this.marshal.toHost(h, { borrowed }));
      this.inHostFn = true;
      out = entry.fn(args);
    } catch (err) {
      this.refs.releaseBorrowed(borrowed);
      return this.failWith(err, entry.name);
    } finally {
      this.inHostFn = false;
      this.suspendable = mayAwait;
    }
    if (!isPromiseLike(out)) return this.finish({ ok: true, value: out }, borrowed, entry.name);
    if (!mayAwait) {
      out.then(undefined, () => undefined);
      this.refs.releaseBorrowed(borrowed);
      const why = this.build === "sync" ? "this VM uses the sync build" : "it was called during a value conversion";
      return this.fail(Code.INTERNAL, `host function ${entry.name} is asynchronous but ${why}`);
    }
    return this.awaitHost(out).then((res) => this.finish(res, borrowed, entry.name));
  }

  /** Converts the host result (a borrowed ref may be returned as is), then releases the borrowed refs. */
  private finish(res: Awaited, borrowed: readonly JsRef[], name: string): HostResult {
    const prev = this.suspendable;
    this.suspendable = false;
    try {
      if (!res.ok) return this.failWith(res.error, name);
      return this.marshal.toGuest(res.value, this.state.scope, name);
    } catch (err) {
      return this.failWith(err, name);
    } finally {
      this.suspendable = prev;
      this.refs.releaseBorrowed(borrowed);
    }
  }

  /** Waits for a host promise, but never past the call's deadline. */
  private awaitHost(p: PromiseLike<unknown>): Promise<Awaited> {
    const remaining = this.state.deadline - performance.now();
    return new Promise<Awaited>((resolve) => {
      const timer =
        remaining < MAX_TIMER_MS
          ? setTimeout(() => {
              this.state.timedOut = true;
              resolve({ ok: false, error: timeLimitError(this.state.timeoutMs) });
            }, Math.max(0, remaining))
          : undefined;
      p.then(
        (value) => {
          clearTimeout(timer);
          resolve({ ok: true, value });
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve({ ok: false, error });
        },
      );
    });
  }

  private failWith(err: unknown, name: string): HostResult {
    const f = hostFailure(err);
    if (f.bug) this.log.error({ err, hostFunction: name }, "host function failed");
    return this.fail(f.code, f.message);
  }

  /** Throws an Error with `.code` into the guest. */
  private fail(code: Code, message: string): HostResult {
    const msgH = this.ctx.newString(message);
    const codeH = this.ctx.newNumber(code);
    try {
      const r = this.callHelper(this.helpers.makeError, [msgH, codeH]);
      if (r.error) return { error: r.error };
      return { error: r.value };
    } catch {
      return { error: this.ctx.newError(message) };
    } finally {
      msgH.dispose();
      codeH.dispose();
    }
  }
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}
