// Owns Troupe's one reach into quickjs-emscripten 0.31 internals: the raw C entry points the public API
// lacks or gets wrong, wrapped in a small "low level" object per VM.
//
// Why this exists (measured here against 0.31.0):
// - QuickJSAsyncContext has no async `callFunction`: only `evalCodeAsync`. The FFI's `QTS_Call_MaybeAsync`
//   is a plain cwrap of an all-number signature, so Emscripten hands back the raw export and a suspended
//   call returns 0 instead of a promise. We cwrap `QTS_Call` ourselves with an options object, which routes
//   it through Emscripten's ccall and returns a promise when the guest suspends in an async host call.
// - Every export call costs a crossing (and, in the asyncify build, its bookkeeping wrapper). QTS handles
//   point at heap-boxed JSValues; these 32-bit builds NaN-box them (tag in the upper word) and keep an
//   8-bit string's Latin-1 characters after a 16-byte header. Reading those straight from the linear memory
//   answers "is it a string / an exception / an int", and reads a Latin-1 string, without a crossing. The
//   layout is checked against the library's own answers when each VM starts; if anything differs the fast
//   paths stay off (every method falls back to the library call).
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

/** JSValue tags of the NaN-boxed 32-bit layout (QuickJS's JS_TAG_*). */
export const Tag = { object: -1, string: -7, int: 0, bool: 1, null: 2, undefined: 3, exception: 6 } as const;
/** What tagOf answers when the layout check failed (no tag is known). */
export const UNKNOWN_TAG = 0x7fffffff;

/** Bytes before the characters of a JSString (ref count, length/wide bit, hash/atom type, hash link). */
const STRING_HEADER = 16;
const WIDE_BIT = 0x80000000;

/**
 * An ArrayBuffer object's bytes in these builds: JSObject.u.array_buffer at OBJ_U, then JSArrayBuffer's
 * byte_length, detached flag and data pointer. Unchecked here: guest-bytes.ts compares with the library.
 */
const OBJ_CLASS = 6;
const OBJ_U = 32;
const AB_LENGTH = 0;
const AB_DETACHED = 4;
const AB_DATA = 8;

/** Argument pointers the kept argv buffer holds (calls with more use a malloc'd one). */
const ARGV_SLOTS = 16;

/** String.prototype.isWellFormed (Node 20), which this project's TypeScript lib does not declare. */
type WellFormedCheck = string & { isWellFormed(): boolean };

/** Bytes of the per-VM string buffer (newString). */
const SCRATCH_BYTES = 4096;

/** Tags in JS_TAG_FIRST..JS_TAG_EXCEPTION: every other upper word is a NaN-boxed float64. */
function isSmallTag(tag: number): boolean {
  return tag >= -11 && tag <= 7;
}

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
  /** A kept buffer for one call's argument pointers (used when not already in use by an enclosing call). */
  private readonly argvPtr: number;
  private argvBusy = false;
  /** The JSValue layout was verified for this module: tagOf/readLatin1 read memory directly. */
  private readonly layoutOk: boolean;
  /** A Buffer over the current wasm memory (re-made after the memory grows). */
  private heapBuf: Buffer | undefined;

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
    this.argvPtr = em._malloc(4 * ARGV_SLOTS);
    this.layoutOk = this.checkLayout();
  }

  /** Compares what direct reads answer with what the library answers, on a few values of each kind. */
  private checkLayout(): boolean {
    const c = this.context;
    const made: QuickJSHandle[] = [];
    const mk = (h: QuickJSHandle): number => {
      made.push(h);
      return h.value;
    };
    const heap32 = (): Int32Array => this.r.em.HEAP32;
    const tag = (p: number): number => heap32()[(p >> 2) + 1];
    try {
      const latin = "h\u00e9llo, w\u00f6rld \u00ff!";
      const ls = mk(c.newString(latin));
      const ws = mk(c.newString("h\u20acllo \ud83d\ude00"));
      const es = mk(c.newString(""));
      const n = mk(c.newNumber(-123456));
      const f = mk(c.newNumber(0.5));
      const o = mk(c.newObject());
      const ok =
        tag(ls) === Tag.string &&
        tag(ws) === Tag.string &&
        tag(es) === Tag.string &&
        this.latin1At(ls, true) === latin &&
        this.latin1At(es, true) === "" &&
        this.latin1At(ws, true) === undefined &&
        tag(n) === Tag.int &&
        heap32()[n >> 2] === -123456 &&
        c.typeof(made[3]) === "number" &&
        tag(f) !== Tag.int &&
        !isSmallTag(tag(f)) &&
        tag(o) === Tag.object &&
        tag(c.undefined.value) === Tag.undefined &&
        tag(c.null.value) === Tag.null &&
        tag(c.true.value) === Tag.bool &&
        heap32()[(c.true.value as unknown as number) >> 2] === 1;
      return ok;
    } catch {
      return false;
    } finally {
      for (const h of made) h.dispose();
    }
  }

  /** The JSValue tag behind a value pointer (Tag.*), or UNKNOWN_TAG when direct reads are off. */
  tagOf(ptr: number): number {
    if (!this.layoutOk) return UNKNOWN_TAG;
    return (this.r.em.HEAP32)[(ptr >> 2) + 1];
  }

  /** The int of a value whose tag is Tag.int or Tag.bool. */
  intOf(ptr: number): number {
    return (this.r.em.HEAP32)[ptr >> 2];
  }

  /**
   * The text of a string value (tag Tag.string) when QuickJS stores it with 8-bit (Latin-1) characters,
   * read without a crossing; undefined for 16-bit strings (the caller uses the library's getString).
   */
  readLatin1(ptr: number): string | undefined {
    return this.layoutOk ? this.latin1At(ptr, false) : undefined;
  }

  private latin1At(ptr: number, checking: boolean): string | undefined {
    const em = this.r.em;
    const u32 = em.HEAPU32;
    const str = u32[ptr >> 2];
    const hdr = u32[(str >> 2) + 1];
    if ((hdr & WIDE_BIT) !== 0) return undefined;
    const len = hdr & ~WIDE_BIT;
    const start = str + STRING_HEADER;
    const heap = em.HEAPU8;
    if (start + len > heap.length) {
      if (checking) return undefined;
      throw new Error("QuickJS string outside the wasm memory");
    }
    let buf = this.heapBuf;
    if (buf === undefined || buf.buffer !== heap.buffer) buf = this.heapBuf = Buffer.from(heap.buffer, 0, heap.buffer.byteLength);
    return buf.toString("latin1", start, start + len);
  }

  /**
   * The data pointer of the ArrayBuffer behind a value pointer, read from the object layout, if the value
   * is an object of class `classId` (0: any) holding `length` bytes, not detached; else 0.
   */
  arrayBufferData(ptr: number, length: number, classId: number): number {
    if (!this.layoutOk) return 0;
    const em = this.r.em;
    const u32 = em.HEAPU32;
    if ((u32[(ptr >> 2) + 1] | 0) !== Tag.object) return 0;
    const obj = u32[ptr >> 2];
    if (classId !== 0 && em.HEAPU16[(obj + OBJ_CLASS) >> 1] !== classId) return 0;
    const ab = u32[(obj + OBJ_U) >> 2];
    if (ab === 0 || ab + AB_DATA + 4 > em.HEAPU8.length) return 0;
    if (u32[(ab + AB_LENGTH) >> 2] !== length || em.HEAPU8[ab + AB_DETACHED] !== 0) return 0;
    const data = u32[(ab + AB_DATA) >> 2];
    return data !== 0 && data + length <= em.HEAPU8.length ? data : 0;
  }

  /** The class id of the object behind a value pointer (layout read; check the answer before use). */
  classOf(ptr: number): number {
    return this.r.em.HEAPU16[(this.r.em.HEAPU32[ptr >> 2] + OBJ_CLASS) >> 1];
  }

  /** The wasm memory's current bytes (a new view after the memory grows). */
  heap(): Uint8Array {
    return this.r.em.HEAPU8;
  }

  /** Frees a value pointer (QTS_FreeValuePointer). */
  free(ptr: number): void {
    this.r.ffi.QTS_FreeValuePointer(this.r.ctxPtr, ptr as JSValuePointer);
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
    const out = this.invoke(this.rawCall, fn, thisVal, args);
    return typeof out === "number" ? this.settle(out) : out.then((p) => this.settle(p));
  }

  /** The same, answering the raw result pointer (the caller settles or frees it). */
  callRaw(fn: QuickJSHandle, thisVal: QuickJSHandle, args: readonly QuickJSHandle[]): number | Promise<number> {
    return this.invoke(this.rawCall, fn, thisVal, args);
  }

  /**
   * The same through the plain export: only for entries where the bridge guarantees no suspension (a
   * suspension here would throw and leave the module unusable).
   */
  callSync(fn: QuickJSHandle, thisVal: QuickJSHandle, args: readonly QuickJSHandle[]): Settled {
    const r = this.invoke(this.rawSyncCall, fn, thisVal, args);
    if (r instanceof Promise) throw new Error("synchronous QuickJS call suspended");
    return this.settle(r);
  }

  private invoke(raw: RawCall, fn: QuickJSHandle, thisVal: QuickJSHandle, args: readonly QuickJSHandle[]): number | Promise<number> {
    const { em, ctxPtr } = this.r;
    const n = args.length;
    // The kept argv buffer serves the outermost call; a call made while it is in use (a helper call from
    // a host function, or during a suspension) takes a malloc'd one. Either lives until the call returns.
    const kept = n > 0 && n <= ARGV_SLOTS && !this.argvBusy;
    const argv = n === 0 ? 0 : kept ? this.argvPtr : em._malloc(4 * n);
    if (kept) this.argvBusy = true;
    const release = (): void => {
      if (kept) this.argvBusy = false;
      else if (argv !== 0) em._free(argv);
    };
    const u32 = em.HEAPU32;
    for (let i = 0; i < n; i++) u32[(argv >> 2) + i] = args[i].value;
    let out: number | Promise<number>;
    try {
      out = raw(ctxPtr, fn.value, thisVal.value, n, argv);
    } catch (err) {
      release();
      throw err;
    }
    if (typeof out === "number") {
      release();
      return out;
    }
    return out.then(
      (ptr) => {
        release();
        return ptr;
      },
      (err: unknown) => {
        release();
        throw err;
      },
    );
  }

  /** Splits a call result pointer into value or exception (QTS_ResolveException). */
  settle(ptr: number): Settled {
    const { ffi, ctxPtr } = this.r;
    const tag = this.tagOf(ptr);
    if (tag !== UNKNOWN_TAG && tag !== Tag.exception) return { value: this.own(ptr) };
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
    this.r.em._free(this.argvPtr);
    this.r.em._free(this.scratchPtr);
    this.r.em._free(this.outPtr);
  }
}
