// Owns the process-wide state behind nk that every VM of every engine shares: the localcaches
// (nk.localcache_*, one per language as in Nakama) and the event queue (nk.event). One NkShared is made
// per server by the composition root and travels in NkDeps; nothing here is module-level state.
//
// LocalCache: key → value with an optional TTL in seconds (0 = never expires). Values are host values
// (Lua tables arrive converted to plain objects, so every VM gets its own copy on read, which is how
// Nakama's read-only cached tables behave). Expired entries are dropped when read and swept every
// SWEEP_EVERY writes.
//
// EventQueue: bounded FIFO of events (runtime.event_queue_size). `push` never blocks: when full the
// event is dropped and counted, as Nakama drops with a warning. The framework consumes it with
// `drain()`, woken by `onEvent` listeners (no polling), and calls the registered event handlers.

const SWEEP_EVERY = 1024;

export interface LocalCache {
  /** The value, or `undefined` when missing or expired. */
  get(key: string): unknown;
  /** Stores `value`; `ttlSec` 0 keeps it until deleted. Objects are deep-frozen. */
  put(key: string, value: unknown, ttlSec: number): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

export interface RuntimeEvent {
  name: string;
  properties: Record<string, string>;
  /** Unix seconds; undefined when the caller gave none (Lua's default). */
  timestamp?: number;
  external: boolean;
}

export interface EventQueue {
  /** Queues an event; false (and counted in `dropped`) when the queue is full. */
  push(event: RuntimeEvent): boolean;
  /** Removes and returns up to `max` queued events, oldest first. */
  drain(max?: number): RuntimeEvent[];
  /** Calls `listener` after every successful push; returns the unsubscribe function. */
  onEvent(listener: () => void): () => void;
  readonly size: number;
  readonly dropped: number;
  readonly capacity: number;
}

export interface NkShared {
  /** Lua modules' localcache (Nakama keeps one per runtime: Lua and JS never see each other's keys). */
  luaCache: LocalCache;
  /** JS and native modules' localcache. */
  jsCache: LocalCache;
  events: EventQueue;
}

export interface NkSharedOptions {
  /** runtime.event_queue_size (default 65536). */
  eventQueueSize?: number;
  /** Milliseconds clock for TTLs (default Date.now). */
  now?: () => number;
}

function deepFreeze(v: unknown): unknown {
  if (typeof v === "object" && v !== null && !Object.isFrozen(v) && !ArrayBuffer.isView(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

export function createLocalCache(now: () => number = Date.now): LocalCache {
  const entries = new Map<string, { value: unknown; expiresAt: number }>();
  let writes = 0;
  const sweep = (): void => {
    const t = now();
    for (const [k, e] of entries) if (e.expiresAt !== 0 && e.expiresAt <= t) entries.delete(k);
  };
  return {
    get(key) {
      const e = entries.get(key);
      if (e === undefined) return undefined;
      if (e.expiresAt !== 0 && e.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    put(key, value, ttlSec) {
      entries.set(key, { value: deepFreeze(value), expiresAt: ttlSec > 0 ? now() + ttlSec * 1000 : 0 });
      if (++writes % SWEEP_EVERY === 0) sweep();
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

export function createEventQueue(capacity = 65536): EventQueue {
  // A ring would avoid the O(n) shift of a large drain; an array with a head index does the same job.
  let items: RuntimeEvent[] = [];
  let head = 0;
  let dropped = 0;
  const listeners = new Set<() => void>();
  return {
    push(event) {
      if (items.length - head >= capacity) {
        dropped++;
        return false;
      }
      items.push(event);
      for (const l of listeners) l();
      return true;
    },
    drain(max = Number.POSITIVE_INFINITY) {
      const n = Math.min(max, items.length - head);
      const out = items.slice(head, head + n);
      head += n;
      if (head === items.length) {
        items = [];
        head = 0;
      } else if (head > 4096 && head * 2 > items.length) {
        items = items.slice(head);
        head = 0;
      }
      return out;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return items.length - head;
    },
    get dropped() {
      return dropped;
    },
    capacity,
  };
}

export function createNkShared(opts: NkSharedOptions = {}): NkShared {
  return { luaCache: createLocalCache(opts.now), jsCache: createLocalCache(opts.now), events: createEventQueue(opts.eventQueueSize) };
}
