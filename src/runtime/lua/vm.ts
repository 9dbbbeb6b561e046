// Owns one Lua VM: a sandboxed fengari state, its modules, and the driver that runs every call
// inside a coroutine. Calls into one VM never interleave: they queue and run one at a time (the VM
// is safe on its own; an actor may wrap it later). A call that awaits an asynchronous host function
// is suspended (lua_yieldk) and resumed by the driver when the promise settles.
//
// Limits: each call has a deadline (opts.timeoutMs, else callTimeoutMs) checked by an instruction
// count hook every HOOK_INTERVAL instructions and by a timer while awaiting host promises. Past it
// the call fails with GameError(DEADLINE_EXCEEDED, "…exceeded…"); the hook then fires on every
// instruction, so even code that catches the error with pcall cannot keep running. The coroutine is
// discarded and the VM stays usable (Lua-level state the code left half-updated stays as it is).
// Pattern matching (no Lua instructions) checks the same deadline. Memory: fengari has no allocator
// limit; strings are capped at LUA_MAX_STRING_BYTES (concatenation, string.rep, buffers), a Lua stack
// at 100k slots, and the time limit bounds how fast a call can grow tables. A host function calling
// back into the VM that runs it is refused at once (it would otherwise wait for itself).
// Calls that never wait for a host promise run synchronously up to their result (no promise hops).
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { lua, LUA_MASKCOUNT, LUA_OK, LUA_YIELD, pushString, T, toLuaString } from "./api.js";
import type { LuaState } from "./api.js";
import { LuaChunkCache } from "./chunk-cache.js";
import { setCallDeadline } from "./fengari-loader.js";
import { hostFunction } from "./hostcall.js";
import type { HostBridge, Settled } from "./hostcall.js";
import { errorFromValue, luaError, tracebackOf } from "./lua-errors.js";
import { describeReference, MarshalError, pushJs, toJs } from "./marshal.js";
import { ModuleSet } from "./modules.js";
import { runPrelude } from "./prelude.js";
import { newSandbox, STD_MODULES } from "./sandbox.js";
import { LuaRef } from "./types.js";
import type { HostFn, LuaCallOptions, LuaModuleSource, LuaRefKind } from "./types.js";
import { SerialQueue } from "./serial-queue.js";

/** Instructions between two deadline checks. */
const HOOK_INTERVAL = 1000;
/** A finished coroutine whose stack stayed within this many slots is reused by the next call. */
const REUSE_STACK_SLOTS = 64;
/** Table keys (≤ 64 chars) whose Lua strings a VM keeps for reuse when converting JS objects. */
const KEY_CACHE_SIZE = 1024;

export interface LuaVmOptions {
  /** Module name ("clientrpc", "lib.util") → source and file path (for error messages). */
  readonly modules: ReadonlyMap<string, LuaModuleSource>;
  /** Modules implemented in JS, e.g. { nakama: { register_rpc, storage_read, … } }. */
  readonly hostModules?: Readonly<Record<string, Readonly<Record<string, HostFn>>>>;
  /** Time limit of each call into the VM, in milliseconds. */
  readonly callTimeoutMs: number;
  readonly log: Logger;
  /**
   * Compiled chunks shared between VMs (parse each module once per process, not once per VM). Pass
   * the same cache to every VM of a pool; without one, the VM uses a private cache.
   */
  readonly chunkCache?: LuaChunkCache;
}

export interface LuaVm {
  /** Requires every module in sorted name order (registrations happen as side effects). */
  loadAll(): Promise<void>;
  /** require(name) inside the VM; the module's value stays in the VM (e.g. a match handler table). */
  requireModule(name: string): Promise<LuaRef>;
  /** Calls a Lua function captured earlier; resolves with its converted results. */
  call(fn: LuaRef, args?: readonly unknown[], opts?: LuaCallOptions): Promise<unknown[]>;
  /**
   * As `call`, but when the VM is idle the call starts at once and, if the Lua code finishes without
   * waiting on a host promise, its results come back directly (no promise); otherwise a promise as `call`
   * gives. May throw what `call` would reject with.
   */
  callNow(fn: LuaRef, args?: readonly unknown[], opts?: LuaCallOptions): unknown[] | Promise<unknown[]>;
  /** Raw field of a table held by ref: functions and tables come back as LuaRef, others as JS values. */
  getField(table: LuaRef, key: string | number): unknown;
  /** Converts the value held by a ref to JS (tables with Nakama's rules). */
  toJs(ref: LuaRef): unknown;
  /**
   * Converts a JS object into a Lua table held by a ref and watches it: pristine(ref) stays true while no
   * Lua code writes to that table or any table nested in it (refs in `shared` are neither watched nor
   * copied), nor sets a metatable on one. Lets a value passed to many calls be built once.
   */
  snapshot(value: object, shared?: readonly LuaRef[]): LuaRef;
  /** See snapshot(); false for refs that snapshot() did not make. */
  pristine(ref: LuaRef): boolean;
  /** Drops a ref (optional: refs are also freed when garbage collected). */
  release(ref: LuaRef): void;
  /** Fails queued calls and frees the state. */
  close(): void;
  readonly closed: boolean;
}

const KIND_BY_TYPE = new Map<number, LuaRefKind>([
  [T.NIL, "nil"],
  [T.NONE, "nil"],
  [T.BOOLEAN, "boolean"],
  [T.NUMBER, "number"],
  [T.STRING, "string"],
  [T.TABLE, "table"],
  [T.FUNCTION, "function"],
  [T.USERDATA, "userdata"],
  [T.LIGHTUSERDATA, "userdata"],
  [T.THREAD, "thread"],
]);

/** How a wait for a host promise ends. */
type Outcome = Settled | "timeout" | "closed";

/** Marked by fengari-patches.ts when Lua code writes to, or sets the metatable of, a table of one snapshot. */
interface Watch {
  written: boolean;
}

/** The fields of a fengari table that snapshot() reads and sets (troupeWatch: fengari-patches.ts). */
interface WatchedTable {
  troupeWatch: Watch | null;
  readonly metatable: object | null;
  readonly strong: Map<unknown, { readonly value: { ttistable(): boolean; readonly value: unknown } }>;
}

function collectTables(t: WatchedTable, skip: ReadonlySet<WatchedTable>, out: WatchedTable[]): void {
  if (skip.has(t) || out.includes(t)) return;
  out.push(t);
  for (const e of t.strong.values()) if (e.value.ttistable()) collectTables(e.value.value as WatchedTable, skip, out);
}

const closedError = (): GameError => luaError(Code.UNAVAILABLE, "Lua VM is closed", { kind: "closed" });

class Vm implements LuaVm, HostBridge {
  readonly log: Logger;
  readonly #L: LuaState;
  readonly #owner = {};
  readonly #modules: ModuleSet;
  readonly #pushRequire: (L: LuaState) => void;
  readonly #queue = new SerialQueue();
  readonly #timeoutMs: number;
  readonly #hostErrors = new Map<string, Code>();
  readonly #keys = new Map<string, (L: LuaState) => void>();
  readonly #watched = new WeakMap<LuaRef, Watch>();
  #idle: LuaState | null = null;
  #deadline = 0;
  #limitMs = 0;
  #timedOut = false;
  #pending: PromiseLike<unknown> | null = null;
  #settled: Settled | null = null;
  #wake: ((s: Outcome) => void) | null = null;
  /** True while Lua code of this VM runs synchronously (to refuse re-entrant calls from host functions). */
  #running = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(opts: LuaVmOptions) {
    this.log = opts.log;
    this.#timeoutMs = opts.callTimeoutMs;
    this.#modules = new ModuleSet(opts.modules, opts.chunkCache ?? new LuaChunkCache());
    this.#L = newSandbox(opts.log, performance.now(), () => this.#timedOut);
    this.#pushRequire = runPrelude(this.#L, {
      findModule: (L, key) => this.#modules.pushChunk(L, key),
      findFile: (L, path) => this.#modules.pushFile(L, path),
      pushBuiltins: (L) => this.#pushBuiltins(L, opts.hostModules ?? {}),
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  // --- HostBridge / MarshalContext ---
  hostFunction(fn: HostFn, name: string): (L: LuaState) => number {
    return hostFunction(this, fn, name);
  }
  ref(L: LuaState, idx: number): LuaRef {
    const kind = KIND_BY_TYPE.get(lua.lua_type(L, idx) as number) ?? "userdata";
    const text = kind === "function" || kind === "table" || kind === "userdata" || kind === "thread" ? describeReference(L, idx) : kind;
    return new LuaRef(kind, this.#owner, text, lua.lua_toproxy(L, idx) as (L: unknown) => void);
  }
  pushRef(L: LuaState, ref: LuaRef): void {
    if (ref.owner !== this.#owner) throw new MarshalError("LuaRef belongs to another Lua VM");
    ref.pushOnto(L);
  }
  pushKey(L: LuaState, key: string): void {
    const cached = this.#keys.get(key);
    if (cached !== undefined) return cached(L);
    pushString(L, key);
    // Reusing the Lua string of a known key skips its copy and hash: a ctx table costs ~half as much.
    if (key.length <= 64 && this.#keys.size < KEY_CACHE_SIZE) this.#keys.set(key, lua.lua_toproxy(L, -1) as (L: LuaState) => void);
  }
  recordHostError(message: string, code: Code): void {
    this.#hostErrors.set(message, code);
  }
  suspend(pending: PromiseLike<unknown>): void {
    this.#pending = pending;
  }
  takeSettled(): Settled {
    const s = this.#settled;
    this.#settled = null;
    return s ?? { ok: false, error: new Error("resumed without a result") };
  }

  // --- public API ---
  async loadAll(): Promise<void> {
    for (const name of this.#modules.names()) await this.#run(this.#pushRequire, [name], {});
  }

  async requireModule(name: string): Promise<LuaRef> {
    const [value] = await this.#run(this.#pushRequire, [name], { refResults: [0] });
    return value as LuaRef;
  }

  call(fn: LuaRef, args: readonly unknown[] = [], opts: LuaCallOptions = {}): Promise<unknown[]> {
    if (fn.owner !== this.#owner) return Promise.reject(new GameError(Code.INTERNAL, "LuaRef belongs to another Lua VM"));
    return this.#run((L) => fn.pushOnto(L), args, opts);
  }

  callNow(fn: LuaRef, args: readonly unknown[] = [], opts: LuaCallOptions = {}): unknown[] | Promise<unknown[]> {
    if (fn.owner !== this.#owner) throw new GameError(Code.INTERNAL, "LuaRef belongs to another Lua VM");
    const push = (L: LuaState): void => fn.pushOnto(L);
    if (this.#closed || this.#running || this.#queue.busy) return this.#run(push, args, opts);
    const r = this.#execute(push, args, opts);
    // Suspended on a host promise: the VM stays taken until the call settles, as `call` keeps it.
    return Array.isArray(r) ? r : this.#queue.adopt(r);
  }

  getField(table: LuaRef, key: string | number): unknown {
    const L = this.#L;
    this.pushRef(L, table);
    try {
      if (lua.lua_type(L, -1) !== T.TABLE) throw new GameError(Code.INTERNAL, `getField on a ${table.kind}, not a table`);
      pushJs(this, L, key);
      lua.lua_rawget(L, -2);
      const t: number = lua.lua_type(L, -1);
      return t === T.TABLE || t === T.FUNCTION ? this.ref(L, -1) : toJs(this, L, -1);
    } finally {
      lua.lua_settop(L, 0);
    }
  }

  toJs(ref: LuaRef): unknown {
    const L = this.#L;
    this.pushRef(L, ref);
    try {
      return toJs(this, L, -1);
    } finally {
      lua.lua_settop(L, 0);
    }
  }

  release(ref: LuaRef): void {
    ref.release();
  }

  snapshot(value: object, shared: readonly LuaRef[] = []): LuaRef {
    const L = this.#L;
    const top: number = lua.lua_gettop(L);
    try {
      const skip = new Set<WatchedTable>();
      for (const r of shared) {
        this.pushRef(L, r);
        if (lua.lua_type(L, -1) === T.TABLE) skip.add(lua.lua_topointer(L, -1) as WatchedTable);
        lua.lua_pop(L, 1);
      }
      pushJs(this, L, value);
      if (lua.lua_type(L, -1) !== T.TABLE) throw new GameError(Code.INTERNAL, "snapshot of a value that is not a table");
      const tables: WatchedTable[] = [];
      collectTables(lua.lua_topointer(L, -1) as WatchedTable, skip, tables);
      // A table already watched by another snapshot (none expected: each snapshot's tables are new) ends
      // that snapshot's reuse rather than being watched twice.
      const watch: Watch = { written: false };
      for (const t of tables) {
        if (t.troupeWatch !== null) t.troupeWatch.written = true;
        if (t.metatable !== null) watch.written = true;
        t.troupeWatch = watch;
      }
      const ref = this.ref(L, -1);
      this.#watched.set(ref, watch);
      return ref;
    } finally {
      lua.lua_settop(L, top);
    }
  }

  pristine(ref: LuaRef): boolean {
    const watch = this.#watched.get(ref);
    return watch !== undefined && !watch.written;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#idle = null;
    this.#queue.failPending(closedError);
    this.#wake?.("closed"); // a call suspended on a host promise ends now
  }

  // --- the driver ---
  #run(push: (L: LuaState) => void, args: readonly unknown[], opts: LuaCallOptions): Promise<unknown[]> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#running) {
      // A host function calling back into the VM that runs it would wait for itself until the deadline.
      return Promise.reject(new GameError(Code.INTERNAL, "a host function called back into the Lua VM that is running it"));
    }
    return this.#queue.run(() => {
      const r = this.#execute(push, args, opts);
      return Array.isArray(r) ? Promise.resolve(r) : r;
    });
  }

  #takeThread(): LuaState {
    const idle = this.#idle;
    if (idle !== null) {
      this.#idle = null;
      return idle;
    }
    const co: LuaState = lua.lua_newthread(this.#L);
    lua.lua_pop(this.#L, 1); // fengari threads are ordinary JS objects: holding `co` keeps it alive
    return co;
  }

  /**
   * Keeps a finished coroutine for the next call, unless its stack grew: measured, a thread reused
   * after a deep call runs compute ~2× slower (fengari's stack array degrades), while a fresh thread
   * costs ~0.35 µs more per call than a reused small one.
   */
  #recycle(co: LuaState): void {
    const stack = (co as { stack?: unknown[] }).stack;
    this.#idle = stack !== undefined && stack.length <= REUSE_STACK_SLOTS ? co : null;
  }

  readonly #hook = (L: LuaState): void => {
    if (!this.#timedOut && performance.now() <= this.#deadline) return;
    if (!this.#timedOut) {
      this.#timedOut = true;
      lua.lua_sethook(L, this.#hook, LUA_MASKCOUNT, 1); // from now on every instruction fails
    }
    lua.lua_pushstring(L, toLuaString(`Lua call exceeded its time limit of ${this.#limitMs} ms`));
    lua.lua_error(L);
  };

  #begin(co: LuaState, opts: LuaCallOptions): void {
    if (this.#hostErrors.size > 0) this.#hostErrors.clear();
    this.#limitMs = opts.timeoutMs ?? this.#timeoutMs;
    this.#deadline = performance.now() + this.#limitMs;
    setCallDeadline(this.#L, this.#deadline);
    this.#timedOut = false;
    this.#pending = null;
    this.#settled = null;
    lua.lua_sethook(co, this.#hook, LUA_MASKCOUNT, HOOK_INTERVAL);
  }

  #pushArgs(co: LuaState, push: (L: LuaState) => void, args: readonly unknown[]): number {
    try {
      if (!lua.lua_checkstack(co, args.length + 1)) throw new MarshalError("too many arguments");
      push(co);
      for (const a of args) pushJs(this, co, a);
      return args.length;
    } catch (e) {
      lua.lua_settop(co, 0);
      this.#recycle(co);
      throw luaError(Code.INTERNAL, `cannot pass arguments to Lua: ${(e as Error).message}`, { kind: "argument", error: e });
    }
  }

  /** Runs a call; stays synchronous (no promise hops) until the coroutine first yields. */
  #execute(push: (L: LuaState) => void, args: readonly unknown[], opts: LuaCallOptions): unknown[] | Promise<unknown[]> {
    if (this.#closed) throw closedError();
    const co = this.#takeThread();
    this.#begin(co, opts);
    const nargs = this.#pushArgs(co, push, args);
    const status = this.#resume(co, nargs);
    if (status === LUA_YIELD) return this.#drive(co, opts);
    if (status !== LUA_OK) throw this.#failure(co);
    return this.#results(co, opts);
  }

  #resume(co: LuaState, nargs: number): number {
    this.#running = true;
    try {
      return lua.lua_resume(co, this.#L, nargs) as number;
    } finally {
      this.#running = false;
    }
  }

  /** Resumes a suspended call each time the host promise it waits for settles. */
  async #drive(co: LuaState, opts: LuaCallOptions): Promise<unknown[]> {
    try {
      let status = LUA_YIELD;
      while (status === LUA_YIELD) {
        const pending = this.#pending;
        this.#pending = null;
        if (pending === null) throw luaError(Code.INTERNAL, "Lua code yielded outside a host call", { kind: "runtime" });
        const outcome = await this.#await(pending);
        if (outcome === "timeout") {
          throw luaError(Code.DEADLINE_EXCEEDED, `Lua call exceeded its time limit of ${this.#limitMs} ms (waiting for a host function)`, { kind: "timeout" });
        }
        if (outcome === "closed" || this.#closed) throw closedError();
        this.#settled = outcome;
        status = this.#resume(co, 0);
      }
      if (status !== LUA_OK) throw this.#failure(co);
      return this.#results(co, opts);
    } finally {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#timer = null;
      this.#wake = null;
    }
  }

  /** Waits for a host promise or the call's deadline; one timer serves every wait of a call. */
  #await(pending: PromiseLike<unknown>): Promise<Outcome> {
    let wake!: (s: Outcome) => void;
    const woken = new Promise<Outcome>((resolve) => (wake = resolve));
    this.#wake = wake;
    this.#timer ??= setTimeout(() => this.#wake?.("timeout"), Math.max(0, this.#deadline - performance.now()));
    void Promise.resolve(pending).then(
      (value) => wake({ ok: true, value }),
      (error: unknown) => wake({ ok: false, error }),
    );
    return woken;
  }

  #failure(co: LuaState): GameError {
    const L = this.#L;
    const traceback = tracebackOf(L, co);
    // Inspect the error value on the main thread: a dead coroutine has no stack space left.
    lua.lua_checkstack(L, 8);
    lua.lua_xmove(co, L, 1);
    let code: Code;
    let message: string;
    try {
      ({ code, message } = errorFromValue(L, -1, this.#hostErrors));
    } finally {
      lua.lua_settop(L, 0);
    }
    // Past the deadline the error is the time limit's, whether the hook or library code raised it.
    if (this.#timedOut || performance.now() > this.#deadline) return luaError(Code.DEADLINE_EXCEEDED, message, { kind: "timeout", traceback });
    return luaError(code, message, { kind: "runtime", traceback });
  }

  #results(co: LuaState, opts: LuaCallOptions): unknown[] {
    try {
      const n: number = lua.lua_gettop(co);
      const out = new Array<unknown>(n);
      const refs = opts.refResults;
      const raw = opts.rawStrings === true;
      for (let i = 0; i < n; i++) {
        if (refs !== undefined && refs.includes(i)) out[i] = lua.lua_isnil(co, i + 1) ? null : this.ref(co, i + 1);
        else out[i] = toJs(this, co, i + 1, raw);
      }
      return out;
    } catch (e) {
      throw luaError(Code.INTERNAL, `cannot convert Lua results: ${(e as Error).message}`, { kind: "argument", error: e });
    } finally {
      lua.lua_settop(co, 0);
      this.#recycle(co);
    }
  }

  #pushBuiltins(L: LuaState, hostModules: Readonly<Record<string, Readonly<Record<string, HostFn>>>>): void {
    lua.lua_createtable(L, 0, STD_MODULES.length + Object.keys(hostModules).length);
    for (const name of STD_MODULES) {
      lua.lua_getglobal(L, toLuaString(name));
      lua.lua_setfield(L, -2, toLuaString(name));
    }
    for (const [modName, fns] of Object.entries(hostModules)) {
      lua.lua_createtable(L, 0, Object.keys(fns).length);
      for (const [fnName, fn] of Object.entries(fns)) {
        lua.lua_pushcfunction(L, this.hostFunction(fn, `${modName}.${fnName}`));
        lua.lua_setfield(L, -2, toLuaString(fnName));
      }
      lua.lua_setfield(L, -2, toLuaString(modName));
    }
  }
}

/** Creates a sandboxed Lua VM. Call loadAll() to run its modules. */
export async function createLuaVm(opts: LuaVmOptions): Promise<LuaVm> {
  return new Vm(opts);
}
