// Owns the JS `ctx` objects of one VM: every call gets a deep-frozen ctx (ctx is read-only input in
// Nakama's model; freezing keeps one call's writes from reaching another call — writes are ignored in
// sloppy code and throw in strict code), and calls with exactly the same context (a socket session's
// RPCs, one user's HTTP calls with the same headers) share one kept object. Building ctx in the guest
// costs more than the call itself (a JSON.parse inside QuickJS: measured ≈15–20 µs for a context with
// request headers, against ≈4 µs for the call), so reuse is what makes repeated calls cheap.
import { contextKey, jsContext, type RuntimeContext } from "./context.js";
import type { JsRef, JsVm } from "./js/index.js";

/** Contexts kept per VM (least recently used dropped first). */
const MAX_ENTRIES = 64;
/** Larger contexts are never cached (each costs VM memory). */
const MAX_KEY_CHARS = 8192;

/** The `done` of a kept ctx (nothing to release). */
export const NO_RELEASE = (): void => undefined;

const FREEZE_SOURCE = `(function deepFreeze(o) {
  if (o === null || typeof o !== "object" || Object.isFrozen(o)) return o;
  Object.freeze(o);
  var k = Object.keys(o);
  for (var i = 0; i < k.length; i++) deepFreeze(o[k[i]]);
  return o;
})`;

interface Entry {
  readonly key: string;
  readonly ref: JsRef;
  /** False once evicted (its ref released). */
  live: boolean;
}

/** A ctx ready to pass; call `done` after the call (it releases a ctx too large to keep). */
export interface ContextHandle {
  readonly ref: JsRef;
  readonly done: () => void;
}

export class JsContextCache {
  readonly #entries = new Map<string, Entry>();
  /** The same RuntimeContext object (a socket session's RPCs) finds its entry without building a key. */
  readonly #byContext = new WeakMap<RuntimeContext, Entry>();

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

  /** The frozen ctx of `c`: synchronously when it is cached, else once built in the VM. */
  get(c: RuntimeContext): ContextHandle | Promise<ContextHandle> {
    const known = this.#byContext.get(c);
    if (known !== undefined && known.live) return this.#use(known);
    const key = contextKey(c);
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      if (Object.isFrozen(c)) this.#byContext.set(c, hit);
      return this.#use(hit);
    }
    return this.#build(c, key);
  }

  #use(e: Entry): ContextHandle {
    this.#entries.delete(e.key); // refresh recency
    this.#entries.set(e.key, e);
    return { ref: e.ref, done: NO_RELEASE };
  }

  async #build(c: RuntimeContext, key: string): Promise<ContextHandle> {
    const ref = await this.vm.makeRef(jsContext(c));
    await this.vm.call(this.freeze, [ref]);
    if (key.length > MAX_KEY_CHARS) return { ref, done: () => ref.release() };
    const e: Entry = { key, ref, live: true };
    this.#entries.set(key, e);
    if (Object.isFrozen(c)) this.#byContext.set(c, e);
    if (this.#entries.size > MAX_ENTRIES) {
      const old = this.#entries.values().next().value as Entry;
      this.#entries.delete(old.key);
      old.live = false;
      old.ref.release();
    }
    return { ref, done: NO_RELEASE };
  }
}
