// Owns the shapes of load the workloads share: a measured phase with an unrecorded warm-up before it,
// closed loops over keep-alive HTTP connections (one request in flight each), pacing at an offered
// rate, and waiting for a condition with a deadline.
import { RawHttp, type HttpReply } from "../lib/raw-http.js";
import { Api, mapLimit } from "./wire.js";
import type { RunContext } from "./types.js";

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True when the run's --phases include `name`. */
export function wants(ctx: RunContext, name: string): boolean {
  return ctx.opts.phases.includes(name);
}

/**
 * Runs `load(seconds)` once unrecorded for the warm-up (when there is one), then as the measured phase
 * `name`. `load` records through ctx.rec; operations outside a phase are ignored by the recorder.
 */
export async function phase(ctx: RunContext, name: string, unit: string, load: (seconds: number) => Promise<void>): Promise<void> {
  if (ctx.opts.warmup > 0) {
    ctx.rec.status(`${name}: warm-up ${ctx.opts.warmup} s`);
    await load(ctx.opts.warmup);
  }
  ctx.rec.begin(name, unit, ctx.opts.duration);
  await load(ctx.opts.duration);
  ctx.rec.end();
}

/** Opens `n` keep-alive connections to the target. */
export function openConnections(ctx: RunContext, n: number): Promise<RawHttp[]> {
  return mapLimit(Array.from({ length: n }), 64, () => RawHttp.open(ctx.target.host, ctx.target.port));
}

/** Runs `body` with a setup API and `n` keep-alive connections, closing both afterwards. */
export async function withHttp<T>(ctx: RunContext, n: number, body: (api: Api, conns: RawHttp[]) => Promise<T>): Promise<T> {
  const api = new Api(ctx.target);
  const conns = await openConnections(ctx, n);
  try {
    return await body(api, conns);
  } finally {
    for (const c of conns) c.close();
    api.close();
  }
}

/** Why a reply does not count as a success (null: it does). Default: anything but HTTP 200. */
export type Check = (r: HttpReply) => string | null;
const status200: Check = (r) => (r.status === 200 ? null : `HTTP ${r.status} ${r.body.toString().slice(0, 160)}`);

/**
 * One closed loop per connection for `seconds`: `next(w, i)` gives connection w's i-th request bytes.
 * Each reply is recorded with its latency (or as an error). A dropped connection is reopened.
 */
export async function httpClosedLoop(
  ctx: RunContext, conns: RawHttp[], seconds: number, next: (w: number, i: number) => Buffer, check: Check = status200,
): Promise<void> {
  const end = performance.now() + seconds * 1000;
  await Promise.all(conns.map(async (_, w) => {
    for (let i = 0; performance.now() < end; i++) {
      const t = performance.now();
      try {
        if (conns[w].closed) conns[w] = await RawHttp.open(ctx.target.host, ctx.target.port);
        const r = await conns[w].send(next(w, i));
        const why = check(r);
        if (why === null) ctx.rec.ok(performance.now() - t);
        else ctx.rec.fail(why);
      } catch (e) {
        ctx.rec.fail(e);
      }
    }
  }));
}

/**
 * Calls `send(k)` so that `perSecond` calls happen per second on average for `ms`, checking every
 * millisecond; resolves with the number of calls made.
 */
export function pace(perSecond: number, ms: number, send: (k: number) => void): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now();
    let sent = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.floor((perSecond * (Math.min(now, start + ms) - start)) / 1000);
      while (sent < due) send(sent++);
      if (now >= start + ms) {
        clearInterval(timer);
        resolve(sent);
      }
    }, 1);
  });
}

/** Polls `done` every 20 ms until it holds or `ms` pass; resolves with whether it held. */
export async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() >= end) return false;
    await sleep(20);
  }
  return true;
}

/**
 * Lets in-flight messages land: waits until `count()` reaches `expected`, or stops changing for
 * `quietMs`, or `maxMs` pass.
 */
export async function drain(count: () => number, expected: number, quietMs = 500, maxMs = 30_000): Promise<void> {
  const end = performance.now() + maxMs;
  let last = count();
  let since = performance.now();
  while (count() < expected && performance.now() < end) {
    await sleep(20);
    if (count() !== last) {
      last = count();
      since = performance.now();
    } else if (performance.now() - since >= quietMs) return;
  }
}
