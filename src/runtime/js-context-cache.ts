// Owns the JS `ctx` objects of one VM: every call gets a deep-frozen ctx (ctx is read-only input in
// Nakama's model; freezing keeps one call's writes from reaching another call — writes are ignored in
// sloppy code and throw in strict code), and calls with exactly the same context (a socket session's
// RPCs, one user's HTTP calls with the same headers) share one kept object. Building ctx in the guest
// costs more than the call itself (a JSON.parse inside QuickJS: measured ≈15–20 µs for a context with
// request headers, against ≈4 µs for the call), so reuse is what makes repeated calls cheap.
import { ContextCache } from "./context-cache.js";
import { jsContext, type RuntimeContext } from "./context.js";
import type { JsRef, JsVm } from "./js/index.js";

/** The `done` of a kept ctx (nothing to release). */
export const NO_RELEASE = (): void => undefined;

// Answers nothing: the caller keeps its own ref, and a returned object would be converted back to the host
// (a JSON.stringify in the guest and a JSON.parse here) only to be dropped.
const FREEZE_SOURCE = `(function () {
  function deepFreeze(o) {
    if (o === null || typeof o !== "object" || Object.isFrozen(o)) return;
    Object.freeze(o);
    var k = Object.keys(o);
    for (var i = 0; i < k.length; i++) deepFreeze(o[k[i]]);
  }
  return function (o) { deepFreeze(o); };
})()`;

/** A ctx ready to pass; call `done` after the call (it releases a ctx too large to keep). */
export interface ContextHandle {
  readonly ref: JsRef;
  readonly done: () => void;
}

export class JsContextCache {
  readonly #cache = new ContextCache<ContextHandle>({ max: 64, maxChars: 8192, release: (h) => h.ref.release() });

  private constructor(
    private readonly vm: JsVm,
    private readonly freeze: JsRef,
  ) {}

  /** A cache for `vm`, or undefined when the VM cannot evaluate the freeze helper (eval shadowed). */
  static async create(vm: JsVm): Promise<JsContextCache | undefined> {
    try {
      const freeze = await vm.callGlobal("eval", [FREEZE_SOURCE], { result: "ref" });
      return freeze !== null && typeof freeze === "object" && (freeze as JsRef).kind === "function"
        ? new JsContextCache(vm, freeze as JsRef)
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** The frozen ctx of `c`: synchronously when it is kept, else once built in the VM. */
  get(c: RuntimeContext): ContextHandle | Promise<ContextHandle> {
    return this.#cache.get(c) ?? this.#build(c);
  }

  async #build(c: RuntimeContext): Promise<ContextHandle> {
    const ref = await this.vm.makeRef(jsContext(c));
    await this.vm.call(this.freeze, [ref]);
    const kept: ContextHandle = { ref, done: NO_RELEASE };
    return this.#cache.set(c, kept) ? kept : { ref, done: () => ref.release() };
  }
}
