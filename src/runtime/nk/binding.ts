// Owns the one way nk functions are declared: `define` turns a per-language implementation over `Args`
// into an NkBinding (types.ts), so each domain file only states names, argument rules and shapes.
import { Args } from "./args.js";
import type { NkBinding, NkCall } from "./types.js";

export type LuaImpl = (a: Args, call: NkCall) => unknown[] | Promise<unknown[]>;
export type JsImpl = (a: Args, call: NkCall) => unknown;

export interface DefineSpec {
  /** Name in the JS nk object. */
  js?: string;
  /** Name in Lua's nakama module. */
  lua?: string;
  /** Lua string arguments arrive as bytes (binary-safe functions). */
  luaRawStrings?: boolean;
  luaFn?: LuaImpl;
  jsFn?: JsImpl;
  /** jsFn never returns a Promise (NkBinding.jsImmediate). */
  immediate?: boolean;
}

export function define(spec: DefineSpec): NkBinding {
  const b: NkBinding = {};
  if (spec.lua !== undefined && spec.luaFn !== undefined) {
    const name = spec.lua;
    const fn = spec.luaFn;
    b.lua = name;
    b.callLua = (call, args) => fn(new Args("lua", name, args), call);
    if (spec.luaRawStrings === true) b.luaRawStrings = true;
  }
  if (spec.js !== undefined && spec.jsFn !== undefined) {
    const name = spec.js;
    const fn = spec.jsFn;
    b.js = name;
    b.callJs = (call, args) => fn(new Args("js", name, args), call);
    if (spec.immediate === true) b.jsImmediate = true;
  }
  return b;
}

/** Marks every JS function of `bindings` as answering at once (NkBinding.jsImmediate); returns them. */
export function immediate(bindings: NkBinding[]): NkBinding[] {
  for (const b of bindings) if (b.callJs !== undefined) b.jsImmediate = true;
  return bindings;
}
