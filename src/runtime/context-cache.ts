// Owns the per-VM cache of runtime contexts already converted for one engine (a Lua table, a frozen JS
// object): converting a context with request headers into a guest costs more than the call itself, and
// calls with equal contexts (a socket session's RPCs, one client's HTTP calls) can share one converted
// value. A context is found by identity first (a socket session passes the same frozen RuntimeContext to
// every call), then by value: a bucket (the user, else the client address) and a field-by-field
// comparison, which is cheaper than serialising the context. Bounded: the least recently used entry
// is dropped (and released) past `max`; contexts larger than `maxChars` are never kept.
import type { RuntimeContext } from "./context.js";

/**
 * Contexts kept per VM. A pool whose calls finish synchronously sends nearly every call to the same idle
 * VM, so that VM sees every caller: this covers a few hundred concurrent callers (sockets, HTTP clients).
 */
export const CONTEXTS_PER_VM = 256;

export interface ContextCacheOptions<T> {
  /** Entries kept. */
  readonly max: number;
  /** Contexts whose headers, query and vars hold more characters than this are not kept. */
  readonly maxChars: number;
  /** Frees a dropped value (e.g. a guest ref). */
  release(value: T): void;
  /** False when a kept value can no longer be used (e.g. guest code wrote to it); it is dropped. */
  usable?(value: T): boolean;
}

interface Entry<T> {
  readonly bucket: string;
  readonly ctx: RuntimeContext;
  readonly value: T;
  used: number;
  live: boolean;
}

type Lists = Readonly<Record<string, readonly string[]>>;

function sameLists(a: Lists, b: Lists): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in a) {
    const x = a[k];
    const y = b[k];
    if (y === undefined || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

function sameStrings(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k] || !(k in b)) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** True when a guest could tell the two contexts apart. */
export function sameContext(a: RuntimeContext, b: RuntimeContext): boolean {
  return a === b || (
    a.executionMode === b.executionMode && a.userId === b.userId && a.sessionId === b.sessionId && a.username === b.username &&
    a.userSessionExp === b.userSessionExp && a.lang === b.lang && a.clientIp === b.clientIp && a.clientPort === b.clientPort &&
    a.matchId === b.matchId && a.matchNode === b.matchNode && a.matchLabel === b.matchLabel && a.matchTickRate === b.matchTickRate &&
    a.node === b.node && a.version === b.version && sameStrings(a.env, b.env) && sameStrings(a.vars, b.vars) &&
    sameLists(a.headers, b.headers) && sameLists(a.queryParams, b.queryParams)
  );
}

function listChars(l: Lists): number {
  let n = 0;
  for (const k in l) {
    n += k.length;
    for (const v of l[k]) n += v.length;
  }
  return n;
}

function contextChars(c: RuntimeContext): number {
  let n = listChars(c.headers) + listChars(c.queryParams);
  for (const k in c.vars) n += k.length + c.vars[k].length;
  return n;
}

// An existing string (no concatenation to hash): a user's contexts share a bucket, server-to-server calls
// one per client address; sameContext tells the entries of a bucket apart.
const bucketOf = (c: RuntimeContext): string => (c.userId !== "" ? c.userId : c.clientIp);

export class ContextCache<T> {
  readonly #buckets = new Map<string, Entry<T>[]>();
  readonly #byContext = new WeakMap<RuntimeContext, Entry<T>>();
  #size = 0;
  #clock = 0;

  constructor(private readonly opts: ContextCacheOptions<T>) {}

  get size(): number {
    return this.#size;
  }

  /** The value kept for a context equal to `c`, or undefined. */
  get(c: RuntimeContext): T | undefined {
    const known = this.#byContext.get(c);
    if (known !== undefined && known.live) return this.#use(known, c);
    const list = this.#buckets.get(bucketOf(c));
    if (list === undefined) return undefined;
    for (const e of list) if (sameContext(e.ctx, c)) return this.#use(e, c);
    return undefined;
  }

  /** Keeps `value` for `c`; false (nothing kept: the caller releases it) when `c` is too large. */
  set(c: RuntimeContext, value: T): boolean {
    if (contextChars(c) > this.opts.maxChars) return false;
    const bucket = bucketOf(c);
    const e: Entry<T> = { bucket, ctx: c, value, used: ++this.#clock, live: true };
    const list = this.#buckets.get(bucket);
    if (list === undefined) this.#buckets.set(bucket, [e]);
    else list.push(e);
    this.#size++;
    if (Object.isFrozen(c)) this.#byContext.set(c, e);
    if (this.#size > this.opts.max) this.#evictOldest();
    return true;
  }

  #use(e: Entry<T>, c: RuntimeContext): T | undefined {
    if (this.opts.usable !== undefined && !this.opts.usable(e.value)) {
      this.#remove(e);
      return undefined;
    }
    e.used = ++this.#clock;
    if (e.ctx !== c && Object.isFrozen(c)) this.#byContext.set(c, e);
    return e.value;
  }

  #remove(e: Entry<T>): void {
    if (!e.live) return;
    e.live = false;
    const list = this.#buckets.get(e.bucket) as Entry<T>[];
    list.splice(list.indexOf(e), 1);
    if (list.length === 0) this.#buckets.delete(e.bucket);
    this.#size--;
    this.opts.release(e.value);
  }

  #evictOldest(): void {
    let oldest: Entry<T> | undefined;
    for (const list of this.#buckets.values()) for (const e of list) if (oldest === undefined || e.used < oldest.used) oldest = e;
    if (oldest !== undefined) this.#remove(oldest);
  }
}
