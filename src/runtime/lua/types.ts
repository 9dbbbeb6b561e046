// Owns the public value types of the Lua engine: host functions, multiple returns, raw-string
// markers and LuaRef, the opaque handle to a value that stays inside one VM (match state, handler
// tables, registered functions).
//
// A LuaRef holds a fengari "proxy" (a closure over the Lua value). fengari's Lua objects are plain JS
// objects collected by the JS GC, so a ref keeps its value alive exactly as long as the ref itself is
// reachable: no registry slot can leak, and `release()` only marks the ref dead so later use fails loudly.

/** A value a Lua function received, converted to JS (see marshal.ts for the rules). */
export type LuaArg = unknown;

/**
 * A JS function callable from Lua. It may return a Promise: Lua sees a synchronous call (the calling
 * coroutine is suspended until it settles). Throw a GameError to raise a Lua error that keeps its code.
 * Return `undefined` for no results, `luaMulti(a, b)` for several, anything else for one.
 */
export type HostFn = (args: LuaArg[]) => unknown;

/** Several return values from a host function (`return a, b` in Lua terms). */
export class LuaMulti {
  readonly values: readonly unknown[];
  constructor(values: readonly unknown[]) {
    this.values = values;
  }
}

/** `return a, b, c` from a host function. */
export function luaMulti(...values: unknown[]): LuaMulti {
  return new LuaMulti(values);
}

const rawStrings = Symbol("troupe.lua.rawStrings");

/** Marks a host function whose top-level string arguments arrive as Uint8Array (Lua strings are bytes). */
export function withRawStrings<F extends HostFn>(fn: F): F {
  Object.defineProperty(fn, rawStrings, { value: true });
  return fn;
}

export function wantsRawStrings(fn: HostFn): boolean {
  return (fn as unknown as Record<symbol, unknown>)[rawStrings] === true;
}

export type LuaRefKind = "function" | "table" | "string" | "number" | "boolean" | "userdata" | "thread" | "nil";

/** Opaque handle to a Lua value living in one VM. Pass it back as an argument to that VM's calls. */
export class LuaRef {
  readonly kind: LuaRefKind;
  /** Identity of the owning VM. */
  readonly owner: object;
  /** What tostring() prints for the value without metamethods, e.g. "function: 0x2a". */
  readonly text: string;
  #push: ((L: unknown) => void) | null;

  constructor(kind: LuaRefKind, owner: object, text: string, push: (L: unknown) => void) {
    this.kind = kind;
    this.owner = owner;
    this.text = text;
    this.#push = push;
  }

  get released(): boolean {
    return this.#push === null;
  }

  /** Drops the handle; using it afterwards throws. The value is freed once nothing else holds it. */
  release(): void {
    this.#push = null;
  }

  /** @internal Pushes the value onto a Lua stack of the owning VM. */
  pushOnto(L: unknown): void {
    if (this.#push === null) throw new Error("LuaRef used after release()");
    this.#push(L);
  }
}

export interface LuaModuleSource {
  /** Lua source text. */
  readonly source: string;
  /** Path used in error messages and tracebacks, e.g. "lib/util.lua". */
  readonly file: string;
}

export interface LuaCallOptions {
  /** Overrides the VM's per-call time limit. */
  readonly timeoutMs?: number;
  /** Result positions (0-based) returned as LuaRef instead of converted (nil stays null). */
  readonly refResults?: readonly number[];
  /** Top-level string results come back as Uint8Array instead of decoded UTF-8. */
  readonly rawStrings?: boolean;
}
