// Owns the socket-population workloads:
//   idle-ccu:   `size` authenticated sockets (over --users accounts) opened --concurrency at a time
//               (phase "connect": connects/s and upgrade latency), then held --duration seconds while a
//               few of them ping each second (phase "hold": pong latency, sockets closed by the server);
//               memory per socket from the server's VmRSS (/proc/<pid>/status) when its pid is known,
//               measured after a first wave of sockets has been opened and closed (warm-up); a local
//               server is also asked (inspector) for a full GC before each reading, giving the JS heap
//               per socket and the RSS per socket against the cold server as well as the warmed one.
//   matchmaker: `size` sockets each adding a ticket (min = max = 2, query "*"); time until all matched.
import { procRssBytes } from "../../lib/server.js";
import { sleep, until, wants } from "../loops.js";
import { BENCH_MODULES, benchModules, closeAll, gcMemory, signUp } from "../setup.js";
import type { RunContext, Workload } from "../types.js";
import { Api, mapLimit, NakamaSocket, type Session } from "../wire.js";

const rss = (ctx: RunContext): number | null => {
  if (ctx.target.pid === undefined) return null;
  try {
    return procRssBytes(ctx.target.pid);
  } catch {
    return null;
  }
};

const kb = (bytes: number, n: number): number => Number((bytes / n / 1024).toFixed(1));

/** Opens `n` sockets over `sessions` in turn, --concurrency at a time, recording each connect. */
async function wave(ctx: RunContext, sessions: readonly Session[], n: number): Promise<NakamaSocket[]> {
  let done = 0;
  return mapLimit(Array.from({ length: n }), ctx.opts.concurrency, async (_, i) => {
    const t = performance.now();
    const s = await NakamaSocket.open(ctx.target, sessions[i % sessions.length].token, ctx.opts.format);
    ctx.rec.ok(performance.now() - t);
    if (++done % 500 === 0 && !ctx.rec.measuring) ctx.rec.status(`warm-up wave: ${done}/${n}`);
    return s;
  });
}

async function closeWave(socks: readonly NakamaSocket[]): Promise<void> {
  await Promise.all(socks.map((s) => new Promise<void>((resolve) => {
    if (s.closed) return resolve();
    s.onClose = () => resolve();
    s.close();
  })));
}

/** Each second, a few sockets (1%, 1 to 100) ping; pongs are recorded until `seconds` pass. */
async function hold(ctx: RunContext, socks: readonly NakamaSocket[], seconds: number): Promise<number> {
  let closed = 0;
  for (const s of socks) s.onClose = () => void closed++;
  const per = Math.max(1, Math.min(100, Math.floor(socks.length / 100)));
  const end = performance.now() + seconds * 1000;
  for (let tick = 0; performance.now() < end; tick++) {
    const started = performance.now();
    await Promise.all(Array.from({ length: per }, async (_, k) => {
      const s = socks[(tick * per + k) % socks.length];
      if (s.closed) return;
      try {
        await s.request({ ping: {} }, 10_000);
        ctx.rec.ok(performance.now() - started);
      } catch (e) {
        ctx.rec.fail(e);
      }
    }));
    await sleep(Math.max(0, Math.min(end, started + 1000) - performance.now()));
  }
  return closed;
}

export const idleCcu: Workload = {
  name: "idle-ccu",
  summary: "idle authenticated sockets: connects/s and server memory per socket",
  phases: ["connect", "hold"],
  defaults: { size: 5000, duration: 20, concurrency: 256, warmup: 1, sizeMeans: "sockets", concurrencyMeans: "connects in flight" },
  local: () => ({ ...benchModules(), inspect: true }),
  async run(ctx) {
    const n = ctx.opts.size;
    const api = new Api(ctx.target);
    const sessions = await signUp(ctx, api, Math.min(n, ctx.opts.users), "idle");
    api.close();
    const cold = await gcMemory(ctx);
    if (ctx.opts.warmup > 0) {
      // A first wave grows the server's heap and socket structures to working size before measuring.
      await closeWave(await wave(ctx, sessions, n));
      await sleep(Math.min(1, ctx.opts.warmup) * 1000);
    }
    const warm = await gcMemory(ctx);
    const rss0 = rss(ctx);
    ctx.rec.begin("connect", "connect", ctx.opts.duration);
    const socks = await wave(ctx, sessions, n);
    ctx.rec.end();
    try {
      if (!wants(ctx, "hold")) return;
      ctx.rec.begin("hold", "pong", ctx.opts.duration);
      const closed = await hold(ctx, socks, ctx.opts.duration);
      const held = await gcMemory(ctx);
      const rss1 = rss(ctx);
      ctx.rec.extra("open sockets", socks.filter((s) => !s.closed).length);
      ctx.rec.extra("closed by server", closed);
      if (rss0 !== null && rss1 !== null) {
        ctx.rec.extra("server RSS MB", Math.round(rss1 / 1e6));
        ctx.rec.extra("KB per socket", kb(rss1 - rss0, n));
      }
      if (cold !== null && warm !== null && held !== null) {
        // After full GCs: JS heap per socket, and RSS per socket against the cold and the warmed server.
        ctx.rec.extra("heap KB per socket (GC)", kb(held.heapUsed - warm.heapUsed, n));
        ctx.rec.extra("external KB per socket (GC)", kb(held.external - warm.external, n));
        ctx.rec.extra("RSS KB per socket vs cold (GC)", kb(held.rss - cold.rss, n));
        ctx.rec.extra("RSS KB per socket vs warm (GC)", kb(held.rss - warm.rss, n));
      }
      ctx.rec.end();
    } finally {
      await closeWave(socks);
    }
  },
};

export const matchmaker: Workload = {
  name: "matchmaker",
  summary: "every socket adds a ticket (min = max = 2, query *): time until all are matched",
  phases: ["matchmaker"],
  defaults: {
    size: 1000, duration: 30, concurrency: 256, warmup: 0,
    sizeMeans: "tickets (one socket and account each; even)", concurrencyMeans: "adds and connects in flight",
  },
  // Nakama's reference figure was taken with a 1 s matchmaker interval.
  local: () => ({ runtimePath: BENCH_MODULES, flags: ["--matchmaker.interval_sec", "1"] }),
  async run(ctx) {
    const n = ctx.opts.size;
    const api = new Api(ctx.target);
    const sessions = await signUp(ctx, api, n, "mm");
    api.close();
    const socks = await mapLimit(sessions, ctx.opts.concurrency, (s) => NakamaSocket.open(ctx.target, s.token, ctx.opts.format));
    const addedAt = new Array<number>(n).fill(NaN);
    let matched = 0;
    let lastMatch = 0;
    socks.forEach((s, i) => {
      s.onPush = (e) => {
        if (e.matchmaker_matched === undefined || Number.isNaN(addedAt[i])) return;
        matched++;
        lastMatch = performance.now();
        ctx.rec.ok(lastMatch - addedAt[i], lastMatch);
        addedAt[i] = NaN;
      };
    });
    try {
      ctx.rec.begin("matchmaker", "ticket", ctx.opts.duration);
      const t0 = performance.now();
      await mapLimit(socks, ctx.opts.concurrency, async (s, i) => {
        addedAt[i] = performance.now();
        await s.request({ matchmaker_add: { min_count: 2, max_count: 2, query: "*" } });
      });
      const acked = performance.now() - t0;
      const all = await until(() => matched >= n, ctx.opts.duration * 1000);
      ctx.rec.extra("adds acked/s", Math.round(n / (acked / 1000)));
      ctx.rec.extra("all matched after s", all ? Number(((lastMatch - t0) / 1000).toFixed(2)) : "no");
      ctx.rec.extra("unmatched", n - matched);
      if (!all) ctx.rec.fail(`${n - matched} tickets unmatched after ${ctx.opts.duration} s`);
      ctx.rec.end();
    } finally {
      closeAll(socks);
    }
  },
};
