// Owns Troupe's one reach into quickjs-emscripten 0.31 internals: the raw C entry points the public API
// lacks or gets wrong, wrapped in a small "low level" object per VM.
//
// Why this exists (measured here against 0.31.0):
// - QuickJSAsyncContext has no async `callFunction`: only `evalCodeAsync`. The FFI's `QTS_Call_MaybeAsync`
//   is a plain cwrap of an all-number signature, so Emscripten hands back the raw export and a suspended
//   call returns 0 instead of a promise. We cwrap `QTS_Call` ourselves with an options object, which routes
//   it through Emscripten's ccall and returns a promise when the guest suspends in an async host call.
// - `runtime.executePendingJobs()` is synchronous (asyncified host calls inside a promise job would
//   break), and like `getLength`/`getOwnPropertyNames` it reads its out-parameter through a typed-array view
//   made before the call: after the wasm memory grows that view is detached and the result is garbage
//   (`getLength` returns undefined, pending jobs run in a phantom context). We read out-parameters through
//   the module's current HEAPU32 after every call, and never use those three library methods.
import type {
  EitherFFI,
  EmscriptenModule,
  JSContextPointer,
  JSRuntimePointer,
  JSValuePointer,
  QuickJSContext,
  QuickJSHandle,
  QuickJSWASMModule,
} from "quickjs-emscripten";
import { Lifetime } from "quickjs-emscripten";

/** A result pointer turned into an owned handle: either the value or the thrown exception. */
export type Settled = { value: QuickJSHandle; error?: undefined } | { error: QuickJSHandle; value?: undefined };

/** Outcome of one pending-jobs run. */
export type JobsOutcome = { executed: number; error?: undefined } | { error: QuickJSHandle; executed?: undefined };

type RawCall = (ctx: number, fn: number, thisVal: number, argc: number, argv: number) => number | Promise<number>;
type RawJobs = (rt: number, maxJobs: number, ctxOut: number) => number | Promise<number>;

interface Reached {
  em: EmscriptenModule;
  ffi: EitherFFI;
  ctxPtr: JSContextPointer;
  rtPtr: JSRuntimePointer;
}

/** Reads the protected fields we depend on; fails loudly if the library's shape changed. */
function reach(mod: QuickJSWASMModule, context: QuickJSContext): Reached {
  const em = (mod as unknown as { module?: EmscriptenModule }).module;
  const ctxPtr = (context as unknown as { ctx?: { value?: unknown } }).ctx?.value;
  const rtPtr = (context.runtime as unknown as { rt?: { value?: unknown } }).rt?.value;
  if (!em || typeof em.cwrap !== "function" || typeof ctxPtr !== "number" || typeof rtPtr !== "number") {
    throw new Error("quickjs-emscripten internals are not as expected (Troupe's JS engine targets 0.31.x)");
  }
  return { em, ffi: mod.getFFI(), ctxPtr: ctxPtr as JSContextPointer, rtPtr: rtPtr as JSRuntimePointer };
}

/** String.prototype.isWellFormed (Node 20), which this project's TypeScript lib does not declare. */
type WellFormedCheck = string & { isWellFormed(): boolean };

/** Bytes of the per-VM string buffer (newString). */
const SCRATCH_BYTES = 4096;

/** Raw calls into one context, sync or maybe-async depending on the build. */
export class LowLevel {
  private readonly r: Reached;
  private readonly rawCall: RawCall;
  private readonly rawSyncCall: RawCall;
  private readonly rawJobs: RawJobs;
  private readonly outPtr: number;
  /** A wasm-heap buffer strings up to SCRATCH_BYTES of UTF-8 are written to for QTS_NewString. */
  private readonly scratchPtr: number;
  private readonly encoder = new TextEncoder();

  constructor(
    mod: QuickJSWASMModule,
    private readonly context: QuickJSContext,
    asyncify: boolean,
  ) {
    this.r = reach(mod, context);
    const { em, ffi } = this.r;
    const num = ["number", "number", "number", "number", "number"] as const;
    // An options object (even empty) makes Emscripten's cwrap go through ccall, which notices a suspension.
    this.rawSyncCall = ffi.QTS_Call.bind(ffi) as unknown as RawCall;
    this.rawCall = asyncify ? em.cwrap("QTS_Call", "number", [...num], {}) : this.rawSyncCall;
    this.rawJobs = asyncify
      ? em.cwrap("QTS_ExecutePendingJob", "number", ["number", "number", "number"], {})
      : (rt, max, out) => ffi.QTS_ExecutePendingJob(rt as JSRuntimePointer, max, out as never);
    this.outPtr = em._malloc(4);
    this.scratchPtr = em._malloc(SCRATCH_BYTES);
  }

  /**
   * `context.newString(s)` without its malloc/free pair and UTF-8 length pass: a short, well-formed string
   * is encoded straight into a buffer kept for the VM's life (QuickJS copies it). Longer strings, and
   * strings with lone surrogates (encoded differently by Emscripten), take the library's path.
   */
  newString(s: string): QuickJSHandle {
    if (s.length * 3 >= SCRATCH_BYTES || !(s as WellFormedCheck).isWellFormed()) return this.context.newString(s);
    const { em, ffi, ctxPtr } = this.r;
    const at = this.scratchPtr;
    const { written } = this.encoder.encodeInto(s, em.HEAPU8.subarray(at, at + SCRATCH_BYTES - 1));
    em.HEAPU8[at + written] = 0;
    return this.own(ffi.QTS_NewString(ctxPtr, at as never));
  }

  /** Wraps an owned JSValue pointer of this context in a disposable handle. */
  own(ptr: number): QuickJSHandle {
    const { ffi, ctxPtr } = this.r;
    return new Lifetime(
      ptr,
      (p: number) => ffi.QTS_DupValuePointer(ctxPtr, p as JSValuePointer),
      (p: number) => ffi.QTS_FreeValuePointer(ctxPtr, p as JSValuePointer),
      this.context.runtime,
    ) as unknown as QuickJSHandle;
  }

  /** `fn.apply(thisVal, args)`; resolves to a value-or-exception (a promise only if the guest suspended). */
  call(fn: QuickJSHandle, thisVal: QuickJSHandle, args: readonly QuickJSHandle[]): Settled | Promise<Settled> {
    return this.invoke(this.rawCall, fn, thisVal, args);
  }

  /**
   * The same through the plain export: only for entries where the bridge guarantees no suspension (a
   * suspension here would throw and leave the module unusable).
   */
  callSync(fn: QuickJSHandle, thisVal: QuickJSHandle, args: readonly QuickJSHandle[]): Settled {
    const r = this.invoke(this.rawSyncCall, fn, thisVal, args);
    if (r instanceof Promise) throw new Error("synchronous QuickJS call suspended");
    return r;
  }

  private invoke(raw: RawCall, fn: QuickJSHandle, thisVal: QuickJSHandle, args: readonly QuickJSHandle[]): Settled | Promise<Settled> {
    const { em, ctxPtr } = this.r;
    const argv = args.length === 0 ? 0 : em._malloc(4 * args.length);
    for (let i = 0; i < args.length; i++) em.HEAPU32[(argv >> 2) + i] = args[i].value;
    let out: number | Promise<number>;
    try {
      out = raw(ctxPtr, fn.value, thisVal.value, args.length, argv);
    } catch (err) {
      if (argv !== 0) em._free(argv);
      throw err;
    }
    if (typeof out === "number") {
      if (argv !== 0) em._free(argv);
      return this.settle(out);
    }
    return out.then(
      (ptr) => {
        if (argv !== 0) em._free(argv);
        return this.settle(ptr);
      },
      (err: unknown) => {
        if (argv !== 0) em._free(argv);
        throw err;
      },
    );
  }

  /** Splits a call result pointer into value or exception (QTS_ResolveException). */
  settle(ptr: number): Settled {
    const { ffi, ctxPtr } = this.r;
    const errPtr = ffi.QTS_ResolveException(ctxPtr, ptr as JSValuePointer);
    if (errPtr) {
      ffi.QTS_FreeValuePointer(ctxPtr, ptr as JSValuePointer);
      return { error: this.own(errPtr) };
    }
    return { value: this.own(ptr) };
  }

  hasPendingJob(): boolean {
    return this.r.ffi.QTS_IsJobPending(this.r.rtPtr) !== 0;
  }

  /** Runs every pending promise job (maybe suspending in async host calls). */
  runJobs(): JobsOutcome | Promise<JobsOutcome> {
    const { rtPtr, em } = this.r;
    em.HEAPU32[this.outPtr >> 2] = 0;
    const out = this.rawJobs(rtPtr, -1, this.outPtr);
    return typeof out === "number" ? this.jobsOutcome(out) : out.then((p) => this.jobsOutcome(p));
  }

  private jobsOutcome(ptr: number): JobsOutcome {
    const { em, ffi, rtPtr, ctxPtr } = this.r;
    // Read the out-parameter through the current view: the call may have grown the memory.
    const jobCtx = em.HEAPU32[this.outPtr >> 2];
    if (jobCtx === 0) {
      ffi.QTS_FreeValuePointerRuntime(rtPtr, ptr as JSValuePointer);
      return { executed: 0 };
    }
    if (jobCtx !== ctxPtr) {
      ffi.QTS_FreeValuePointerRuntime(rtPtr, ptr as JSValuePointer);
      throw new Error("pending job ran in an unknown QuickJS context");
    }
    const handle = this.own(ptr);
    if (this.context.typeof(handle) === "number") {
      const executed = this.context.getNumber(handle);
      handle.dispose();
      return { executed };
    }
    return { error: handle };
  }

  /** Bytes QuickJS has allocated for this runtime (memory_used_size from JS_ComputeMemoryUsage). */
  memoryUsed(): number {
    const h = this.context.runtime.computeMemoryUsage();
    try {
      const used = this.context.getProp(h, "memory_used_size");
      const n = this.context.getNumber(used);
      used.dispose();
      return n;
    } finally {
      h.dispose();
    }
  }

  dispose(): void {
    this.r.em._free(this.scratchPtr);
    this.r.em._free(this.outPtr);
  }
}
