// Owns value conversion between the host (Node) and one guest (QuickJS) context, and the table of host
// functions the guest can call.
//
// Host → guest builds handles directly (strings, numbers, arrays, objects one property at a time): it
// keeps undefined/NaN/-0 exact and needs no guest-side parse. Guest → host asks the prelude's encode()
// for one JSON text (plus a side list for functions, binary data, bigints and ref-kept keys) and parses
// it with V8: one guest call instead of several FFI calls per property. README.md has the measurements.
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten";
import { Code, GameError } from "../../errors.js";
import { Tag } from "./internals.js";
import type { LowLevel, Settled } from "./internals.js";
import { MARK, Special } from "./prelude.js";
import { JsRef } from "./refs.js";
import type { RefTable } from "./refs.js";

/** A host function the guest can call. Arguments arrive converted; a returned promise is awaited. */
export type HostFn = (args: unknown[]) => unknown;

/** Handles of the prelude helpers. */
export interface Helpers {
  makeHostFn: QuickJSHandle;
  encode: QuickJSHandle;
  decode: QuickJSHandle;
  errorInfo: QuickJSHandle;
  makeError: QuickJSHandle;
  freezeGlobals: QuickJSHandle;
  defineGlobal: QuickJSHandle;
  freezeData: QuickJSHandle;
}

const MAX_DEPTH = 64;
/** Plain-data values with at least this many nodes go through JSON (measured faster, see README.md). */
const JSON_MIN_NODES = 8;

/** Host functions reachable from the guest, by slot number. Call-scoped slots die with their call. */
export class HostFnTable {
  private next = 1;
  private readonly fns = new Map<number, { fn: HostFn; name: string }>();

  get size(): number {
    return this.fns.size;
  }

  add(fn: HostFn, name: string, scope: number[] | undefined): number {
    const slot = this.next++;
    this.fns.set(slot, { fn, name });
    scope?.push(slot);
    return slot;
  }

  get(slot: number): { fn: HostFn; name: string } | undefined {
    return this.fns.get(slot);
  }

  drop(slots: readonly number[]): void {
    for (const s of slots) this.fns.delete(s);
  }

  clear(): void {
    this.fns.clear();
  }
}

/** How to convert a guest value for the host. */
export interface ToHostOptions {
  /** Refs created for functions are borrowed (released by the caller) and recorded here. */
  borrowed?: JsRef[];
  /** Top-level keys of an object to return as refs instead of copies. */
  refKeys?: readonly string[];
}

/** Synchronous call into a prelude helper (no suspension allowed). */
export type HelperCall = (fn: QuickJSHandle, args: readonly QuickJSHandle[]) => Settled;

export class Marshal {
  constructor(
    private readonly ctx: QuickJSContext,
    private readonly helpers: Helpers,
    private readonly refs: RefTable,
    private readonly hostFns: HostFnTable,
    private readonly callHelper: HelperCall,
    private readonly describe: (error: QuickJSHandle) => GameError,
    private readonly low: LowLevel,
  ) {}

  /** Host value → new guest handle (caller disposes). Host functions get slots in `scope` (or forever). */
  toGuest(v: unknown, scope: number[] | undefined, name = "hostFunction", depth = 0): QuickJSHandle {
    const ctx = this.ctx;
    switch (typeof v) {
      case "undefined":
      case "symbol":
        return ctx.undefined;
      case "string":
        return this.low.newString(v);
      case "number":
        return ctx.newNumber(v);
      case "boolean":
        return v ? ctx.true : ctx.false;
      case "bigint":
        return ctx.newBigInt(v);
      case "function":
        return this.hostFnToGuest(v as HostFn, name, scope);
      default:
        break;
    }
    if (v === null) return ctx.null;
    if (depth > MAX_DEPTH) throw new GameError(Code.INVALID_ARGUMENT, "value too deeply nested (or cyclic) for javascript");
    if (v instanceof JsRef) return this.refs.entry(v).handle.dup();
    if (ArrayBuffer.isView(v)) return ctx.newArrayBuffer(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
    if (v instanceof ArrayBuffer) return ctx.newArrayBuffer(v);
    if (v instanceof Date) return ctx.newString(v.toISOString());
    if (depth === 0) {
      const nodes = jsonNodes(v, 0, { n: 0 });
      if (nodes >= JSON_MIN_NODES) return this.viaJson(v);
    }
    if (Array.isArray(v)) return this.arrayToGuest(v, scope, depth);
    return this.objectToGuest(v as Record<string, unknown>, scope, depth);
  }

  /** One JSON.stringify on the host and one JSON.parse in the guest. */
  private viaJson(v: unknown): QuickJSHandle {
    const json = this.low.newString(JSON.stringify(v));
    try {
      return this.unwrap(this.callHelper(this.helpers.decode, [json]));
    } finally {
      json.dispose();
    }
  }

  private arrayToGuest(v: readonly unknown[], scope: number[] | undefined, depth: number): QuickJSHandle {
    const arr = this.ctx.newArray();
    try {
      for (let i = 0; i < v.length; i++) {
        const h = this.toGuest(v[i], scope, String(i), depth + 1);
        this.ctx.setProp(arr, i, h);
        h.dispose();
      }
      return arr;
    } catch (err) {
      arr.dispose();
      throw err;
    }
  }

  private objectToGuest(v: Record<string, unknown>, scope: number[] | undefined, depth: number): QuickJSHandle {
    const obj = this.ctx.newObject();
    try {
      for (const key of Object.keys(v)) {
        const x = v[key];
        if (x === undefined) continue;
        const h = this.toGuest(x, scope, key, depth + 1);
        this.ctx.setProp(obj, key, h);
        h.dispose();
      }
      return obj;
    } catch (err) {
      obj.dispose();
      throw err;
    }
  }

  private hostFnToGuest(fn: HostFn, name: string, scope: number[] | undefined): QuickJSHandle {
    const slot = this.hostFns.add(fn, name, scope);
    const slotH = this.ctx.newNumber(slot);
    const nameH = this.ctx.newString(name);
    try {
      return this.unwrap(this.callHelper(this.helpers.makeHostFn, [slotH, nameH]));
    } finally {
      slotH.dispose();
      nameH.dispose();
    }
  }

  /** Guest value → host value. Does not dispose `h`. */
  toHost(h: QuickJSHandle, opts: ToHostOptions = {}): unknown {
    const ctx = this.ctx;
    // Common primitives read straight from memory (see internals.ts): no typeof crossing.
    const ptr = h.value as unknown as number;
    switch (this.low.tagOf(ptr)) {
      case Tag.string: {
        const s = this.low.readLatin1(ptr);
        if (s !== undefined) return s;
        return ctx.getString(h);
      }
      case Tag.int:
        return this.low.intOf(ptr);
      case Tag.bool:
        return this.low.intOf(ptr) !== 0;
      case Tag.null:
        return null;
      case Tag.undefined:
        return undefined;
      default:
        break;
    }
    switch (ctx.typeof(h)) {
      case "string":
        return ctx.getString(h);
      case "number":
        return ctx.getNumber(h);
      case "boolean":
        return ctx.getNumber(h) === 1;
      case "undefined":
      case "symbol":
        return undefined;
      case "bigint":
        return ctx.getBigInt(h);
      case "function":
        return this.newRef(h.dup(), "function", opts.borrowed);
      default:
        return this.objectToHost(h, opts);
    }
  }

  private newRef(handle: QuickJSHandle, kind: "function" | "value", borrowed?: JsRef[], thisArg?: QuickJSHandle): JsRef {
    const ref = this.refs.create(handle, kind, borrowed === undefined, thisArg);
    borrowed?.push(ref);
    return ref;
  }

  private objectToHost(h: QuickJSHandle, opts: ToHostOptions): unknown {
    const keysH = opts.refKeys && opts.refKeys.length > 0 ? this.toGuest(opts.refKeys, undefined) : this.ctx.undefined;
    let encoded: QuickJSHandle;
    try {
      encoded = this.unwrap(this.callHelper(this.helpers.encode, [h, keysH]));
    } finally {
      keysH.dispose();
    }
    try {
      const t = this.ctx.typeof(encoded);
      if (t === "undefined") return undefined;
      if (t === "string") return JSON.parse(this.ctx.getString(encoded));
      return this.decodeWithSpecials(encoded, opts.borrowed);
    } finally {
      encoded.dispose();
    }
  }

  /** Decodes encode()'s [json, kind, value, holder, kind, value, holder, ...] form. */
  private decodeWithSpecials(arr: QuickJSHandle, borrowed: JsRef[] | undefined): unknown {
    const ctx = this.ctx;
    const lenH = ctx.getProp(arr, "length");
    const len = ctx.getNumber(lenH);
    lenH.dispose();
    const specials: unknown[] = [];
    try {
      for (let i = 1; i + 2 < len; i += 3) {
        const kindH = ctx.getProp(arr, i);
        const kind = ctx.getNumber(kindH);
        kindH.dispose();
        specials.push(this.decodeSpecial(kind, ctx.getProp(arr, i + 1), ctx.getProp(arr, i + 2), borrowed));
      }
      const jsonH = ctx.getProp(arr, 0);
      const json = ctx.getString(jsonH);
      jsonH.dispose();
      return revive(JSON.parse(json), specials);
    } catch (err) {
      for (const s of specials) if (s instanceof JsRef) s.release();
      throw err;
    }
  }

  /** Adopts `value` and `holder` (disposes them or hands them to a ref). */
  private decodeSpecial(kind: number, value: QuickJSHandle, holder: QuickJSHandle, borrowed: JsRef[] | undefined): unknown {
    const ctx = this.ctx;
    if (kind === Special.fn) {
      const hasHolder = ctx.typeof(holder) !== "undefined";
      if (!hasHolder) holder.dispose();
      return this.newRef(value, "function", borrowed, hasHolder ? holder : undefined);
    }
    holder.dispose();
    if (kind === Special.ref) return this.newRef(value, ctx.typeof(value) === "function" ? "function" : "value", borrowed);
    try {
      if (kind === Special.bytes) {
        const view = ctx.getArrayBuffer(value);
        const copy = new Uint8Array(view.value);
        view.dispose();
        return copy;
      }
      return BigInt(ctx.getString(value));
    } finally {
      value.dispose();
    }
  }

  /** Value of a helper call, or the guest exception as a GameError. */
  unwrap(r: Settled): QuickJSHandle {
    if (r.error) throw this.describe(r.error);
    return r.value;
  }
}

/**
 * Counts the nodes of a value that JSON carries exactly (plain objects and arrays of strings, finite
 * non-negative-zero numbers, booleans and null; no undefined inside arrays), or -1 if it has anything
 * else (functions, refs, binary data, dates, class instances, bigints, NaN, -0, cycles via depth).
 */
function jsonNodes(v: unknown, depth: number, count: { n: number }): number {
  count.n++;
  switch (typeof v) {
    case "string":
    case "boolean":
      return count.n;
    case "number":
      return Number.isFinite(v) && !Object.is(v, -0) ? count.n : -1;
    case "object":
      break;
    default:
      return -1;
  }
  if (v === null) return count.n;
  if (depth > MAX_DEPTH) return -1;
  if (Array.isArray(v)) {
    for (const x of v) if (x === undefined || jsonNodes(x, depth + 1, count) < 0) return -1;
    return count.n;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return -1;
  for (const key of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[key];
    if (x !== undefined && jsonNodes(x, depth + 1, count) < 0) return -1;
  }
  return count.n;
}

/** Replaces {"\u0000": i} markers with decoded specials, in place. */
function revive(v: unknown, specials: readonly unknown[]): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i], specials);
    return v;
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === MARK && typeof obj[MARK] === "number") return specials[obj[MARK]];
  for (const k of keys) {
    const before = obj[k];
    const after = revive(before, specials);
    if (after !== before) Object.defineProperty(obj, k, { value: after, writable: true, enumerable: true, configurable: true });
  }
  return obj;
}
