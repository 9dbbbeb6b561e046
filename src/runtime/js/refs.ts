// Owns opaque references to guest values held by the host (JsRef) and the per-VM table that keeps their
// QuickJS handles alive until released. Every handle a ref holds is disposed exactly once: on release()
// or when the VM is disposed (QuickJS aborts the runtime if one is left behind).
import type { QuickJSHandle } from "quickjs-emscripten";
import { Code, GameError } from "../../errors.js";

export type JsRefKind = "function" | "value";

/**
 * An opaque reference to a value living inside one JS VM: a function to call later, match state, a
 * handler object. Pass it back as an argument (or as the function of `vm.call`) and release it when done.
 *
 * Ownership: refs in a call's result are owned by the caller. Refs received as host-function arguments
 * are borrowed for the duration of that host call and released after it; call `keep()` to own one.
 * Anything still held is released by `vm.dispose()`.
 */
export class JsRef {
  #table: RefTable | undefined;
  #kept: boolean;

  /** @internal Created by the VM only. */
  constructor(
    table: RefTable,
    readonly kind: JsRefKind,
    kept: boolean,
  ) {
    this.#table = table;
    this.#kept = kept;
  }

  /** False once released (or once its VM is disposed). */
  get alive(): boolean {
    return this.#table?.has(this) ?? false;
  }

  /** Takes ownership of a borrowed ref so it outlives the host call that received it. */
  keep(): this {
    this.#kept = true;
    return this;
  }

  /** @internal */
  get kept(): boolean {
    return this.#kept;
  }

  /** Releases the guest value; later use fails with FAILED_PRECONDITION. Idempotent. */
  release(): void {
    this.#table?.release(this);
    this.#table = undefined;
  }

  /** @internal */
  ownedBy(table: RefTable): boolean {
    return this.#table === table;
  }
}

/** A reference to a guest function. */
export type JsFnRef = JsRef & { readonly kind: "function" };

export function isJsRef(v: unknown): v is JsRef {
  return v instanceof JsRef;
}

interface Entry {
  handle: QuickJSHandle;
  thisArg: QuickJSHandle | undefined;
}

/** The handles behind one VM's refs. */
export class RefTable {
  private readonly entries = new Map<JsRef, Entry>();

  get size(): number {
    return this.entries.size;
  }

  /** Adopts `handle` (and `thisArg`): the table disposes them. */
  create(handle: QuickJSHandle, kind: JsRefKind, kept: boolean, thisArg?: QuickJSHandle): JsRef {
    const ref = new JsRef(this, kind, kept);
    this.entries.set(ref, { handle, thisArg });
    return ref;
  }

  has(ref: JsRef): boolean {
    return this.entries.has(ref);
  }

  /** The live entry for `ref`, or a GameError if it was released or belongs to another VM. */
  entry(ref: JsRef): Entry {
    const e = ref.ownedBy(this) ? this.entries.get(ref) : undefined;
    if (!e) {
      const why = ref.ownedBy(this) || !ref.alive ? "was released" : "belongs to another VM";
      throw new GameError(Code.FAILED_PRECONDITION, `javascript value reference ${why}`);
    }
    return e;
  }

  release(ref: JsRef): void {
    const e = this.entries.get(ref);
    if (!e) return;
    this.entries.delete(ref);
    e.thisArg?.dispose();
    e.handle.dispose();
  }

  /** Releases borrowed refs the host did not keep. */
  releaseBorrowed(refs: readonly JsRef[]): void {
    for (const r of refs) if (!r.kept) r.release();
  }

  releaseAll(): void {
    for (const ref of [...this.entries.keys()]) ref.release();
  }
}
