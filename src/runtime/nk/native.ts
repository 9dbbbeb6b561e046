// Owns the native modules' `nk`: every binding that has a JS form, exposed as an async method with the
// same arguments and results (NativeNakama in native-types.ts types it). Native modules get exactly the
// sandboxed JS semantics without marshalling: arguments and results are host values.
import { nkBindings } from "./table.js";
import type { NativeNakama } from "./native-types.js";
import type { NkBinding, NkCall, NkDeps, RuntimeContext } from "./types.js";

type Method = (...args: unknown[]) => Promise<unknown>;

function build(table: readonly NkBinding[], call: NkCall): NativeNakama {
  const out: Record<string, Method> = {};
  for (const b of table) {
    const fn = b.callJs;
    if (b.js === undefined || fn === undefined) continue;
    out[b.js] = async (...args) => fn(call, args);
  }
  return Object.freeze(out) as unknown as NativeNakama;
}

/** A typed nk for one native call context. */
export function createNativeNk(deps: NkDeps, ctx: RuntimeContext): NativeNakama {
  return build(nkBindings(), { deps, ctx });
}

/** Builds the binding table once and returns a cheap per-context constructor (per-request use). */
export function nativeNkFactory(deps: NkDeps): (ctx: RuntimeContext) => NativeNakama {
  const table = nkBindings();
  return (ctx) => build(table, { deps, ctx });
}
