// Owns the JS `ctx` objects of one VM: every call gets a deep-frozen ctx (ctx is read-only input in
// Nakama's model; freezing keeps one call's writes from reaching another call — writes are ignored in
// sloppy code and throw in strict code), and calls with exactly the same context (a socket session's
// RPCs, one user's HTTP calls with the same headers) share one kept object. Building ctx in the guest
// costs more than the call itself (a JSON.parse inside QuickJS: measured ≈15–20 µs for a context with
// request headers, against ≈4 µs for the call), so reuse is what makes repeated calls cheap.
import type { JsRef, JsVm } from "./js/index.js";

/** Contexts kept per VM (least recently used dropped first). */
const MAX_ENTRIES = 64;
/** Larger contexts are never cached (each costs VM memory). */
const MAX_KEY_CHARS = 8192;

const noop = (): void => undefined;

const FREEZE_SOURCE = `(function deepFreeze(o) {
  if (o === null || typeof o !== "object" || Object.isFrozen(o)) return o;
  Object.freeze(o);
  var k = Object.keys(o);
  for (var i = 0; i < k.length; i++) deepFreeze(o[k[i]]);
  return o;
})`;

export class JsContextCache {
  readonly #entries = new Map<string, JsRef>();

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

  /** The frozen ctx to pass; call `done` after the call (it releases a ctx too large to keep). */
  async get(ctx: Record<string, unknown>): Promise<{ ref: JsRef; done: () => void }> {
    const key = JSON.stringify(ctx);
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key); // refresh recency
      this.#entries.set(key, hit);
      return { ref: hit, done: noop };
    }
    const ref = await this.vm.makeRef(ctx);
    await this.vm.call(this.freeze, [ref]);
    if (key.length > MAX_KEY_CHARS) return { ref, done: () => ref.release() };
    this.#entries.set(key, ref);
    if (this.#entries.size > MAX_ENTRIES) {
      const [oldKey, oldRef] = this.#entries.entries().next().value as [string, JsRef];
      this.#entries.delete(oldKey);
      oldRef.release();
    }
    return { ref, done: noop };
  }
}
