// Owns the JS `ctx` objects of one VM: every call gets a deep-frozen ctx (ctx is read-only input in
// Nakama's model; freezing keeps one call's writes from reaching another call — writes are ignored in
// sloppy code and throw in strict code), and calls with exactly the same context (a socket session's
// RPCs, one user's HTTP calls with the same headers) share one kept object. Building ctx in the guest
// costs far more than the call itself (a JSON.parse and a deep freeze inside QuickJS: ≈100 µs CPU for a
// socket session's ctx with upgrade headers, against ≈3 µs for an echo call), so reuse is what makes
// repeated calls cheap.
import { ContextCache, CONTEXTS_PER_VM } from "./context-cache.js";
import { jsContext, type RuntimeContext } from "./context.js";
import type { JsRef, JsVm } from "./js/index.js";

/** The `done` of a kept ctx (nothing to release). */
export const NO_RELEASE = (): void => undefined;

/** A ctx ready to pass; call `done` after the call (it releases a ctx too large to keep). */
export interface ContextHandle {
  readonly ref: JsRef;
  readonly done: () => void;
}

export class JsContextCache {
  readonly #cache = new ContextCache<ContextHandle>({ max: CONTEXTS_PER_VM, maxChars: 8192, release: (h) => h.ref.release() });

  private constructor(private readonly vm: JsVm) {}

  /** A cache for `vm` (kept async and optional for the engine, which builds a ctx per call without one). */
  static create(vm: JsVm): Promise<JsContextCache | undefined> {
    return Promise.resolve(new JsContextCache(vm));
  }

  /** The frozen ctx of `c`: synchronously when it is kept, else once built in the VM. */
  get(c: RuntimeContext): ContextHandle | Promise<ContextHandle> {
    return this.#cache.get(c) ?? this.#build(c);
  }

  async #build(c: RuntimeContext): Promise<ContextHandle> {
    // One guest call: the ctx is built (one JSON.parse for a ctx with headers) and deep-frozen by the
    // prelude's freezeData, which uses the intrinsics captured before any bundle code ran.
    const ref = await this.vm.makeRef(jsContext(c), { frozen: true });
    const kept: ContextHandle = { ref, done: NO_RELEASE };
    return this.#cache.set(c, kept) ? kept : { ref, done: () => ref.release() };
  }
}
