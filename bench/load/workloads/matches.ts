// Owns the two match workloads:
//   relay:         `size` relayed matches (match_create / match_join over the socket) × --players, each
//                  player sending --payload-byte match data so that --rate deliveries/s are offered;
//   authoritative: `size` matches created through an RPC calling nk.match_create (--create-rpc with
//                  {"module": --match-module, "params": {"tick_rate": --tick-rate}}), --players each
//                  sending --msg-rate messages/s that the relay handler broadcasts to every member;
//                  on a local server, memory per match after full GCs (inspector), split into the match
//                  alone, its players' sockets and their joins, after a warm-up wave of a few matches.
// Both measure deliveries/s, send→receive latency, loss and closed sockets (match-traffic.ts).
import type { MemoryAfterGc } from "../../lib/inspect.js";
import { procRssBytes } from "../../lib/server.js";
import { MiniWs } from "../../lib/mini-ws.js";
import { runTraffic, senderFor, type Sender } from "../match-traffic.js";
import { benchModules, closeAll, fixtureModules, gcMemory, openSockets, signUp } from "../setup.js";
import type { RunContext, Workload } from "../types.js";
import { Api, mapLimit, NakamaSocket, type Session } from "../wire.js";

/** Players grouped per match, each with its own account and socket. */
async function players(ctx: RunContext, tag: string): Promise<NakamaSocket[][]> {
  const { size, players: p } = ctx.opts;
  const api = new Api(ctx.target);
  const sessions = await signUp(ctx, api, size * p, tag);
  api.close();
  const socks = await openSockets(ctx, sessions, ctx.opts.format);
  return Array.from({ length: size }, (_, m) => socks.slice(m * p, m * p + p));
}

async function joinAll(ctx: RunContext, groups: NakamaSocket[][], ids: readonly string[], from: number): Promise<void> {
  let done = 0;
  await mapLimit(groups, Math.min(ctx.opts.concurrency, 64), async (g, m) => {
    for (const s of g.slice(from)) await s.request({ match_join: { match_id: ids[m] } });
    if (++done % 20 === 0 || done === groups.length) ctx.rec.status(`joining matches: ${done}/${groups.length}`);
  });
}

/** A bare relay (bench/realtime-relay.ts --target bare): rooms by `?room=`, no accounts, no envelopes back. */
async function bareGroups(ctx: RunContext): Promise<NakamaSocket[][]> {
  const { size, players: p } = ctx.opts;
  return mapLimit(Array.from({ length: size }), 16, async (_, m) =>
    Promise.all(Array.from({ length: p }, async () => NakamaSocket.wrap(await MiniWs.open(ctx.target.port, `/ws?room=${m}`, ctx.target.host), ctx.opts.format))));
}

function senders(ctx: RunContext, groups: NakamaSocket[][], ids: readonly string[]): Sender[] {
  return groups.flatMap((g, m) => g.map((s) => senderFor(s, ctx.opts.format, ids[m], ctx.opts.payload)));
}

const MATCH_DEFAULTS = {
  size: 100, duration: 10, concurrency: 64, warmup: 2, sizeMeans: "matches (× --players)", concurrencyMeans: "parallel setup operations",
} as const;

export const relay: Workload = {
  name: "relay",
  summary: "relayed matches: players exchange match data at an offered delivery rate",
  phases: ["relay"],
  defaults: MATCH_DEFAULTS,
  local: benchModules,
  async run(ctx) {
    const bare = ctx.opts.lib?.bareRelay === true;
    const groups = bare ? await bareGroups(ctx) : await players(ctx, "relay");
    try {
      let ids: string[];
      if (bare) ids = groups.map(() => "00000000-0000-4000-8000-000000000000.");
      else {
        ctx.rec.status("creating matches");
        ids = await mapLimit(groups, Math.min(ctx.opts.concurrency, 64), async (g) => (await g[0].request({ match_create: {} })).match?.match_id ?? "");
        await joinAll(ctx, groups, ids, 1);
      }
      const p = ctx.opts.players;
      await runTraffic(ctx, { senders: senders(ctx, groups, ids), sendsPerSec: ctx.opts.rate / (p - 1), fanout: p - 1, unit: "delivery" }, "relay");
    } finally {
      closeAll(groups.flat());
    }
  },
};

/** One match per token, each created by --create-rpc called with that token. */
async function createMatches(ctx: RunContext, tokens: readonly string[]): Promise<string[]> {
  const api = new Api(ctx.target);
  const payload = JSON.stringify({ module: ctx.opts.matchModule, params: { tick_rate: ctx.opts.tickRate } });
  try {
    ctx.rec.status("creating matches");
    return await mapLimit(tokens, Math.min(ctx.opts.concurrency, 32), async (token) => {
      const reply = JSON.parse(await api.rpc(ctx.opts.createRpc, payload, token)) as { match_id?: string };
      if (typeof reply.match_id !== "string" || reply.match_id === "") throw new Error(`${ctx.opts.createRpc} returned no match_id`);
      return reply.match_id;
    });
  } finally {
    api.close();
  }
}

/** The QuickJS build a local server logged for its JS match VMs (match.js_build auto), if it did. */
function loggedJsBuild(lines: readonly string[] | undefined): string | null {
  for (const line of lines ?? []) {
    if (!line.includes("JavaScript match VMs use QuickJS")) continue;
    const build = (JSON.parse(line) as { build?: unknown }).build;
    if (typeof build === "string") return build;
  }
  return null;
}

const rssMb = (pid: number | undefined): number | null => {
  if (pid === undefined) return null;
  try {
    return procRssBytes(pid) / 1e6;
  } catch {
    return null;
  }
};

/** Closes the sockets and waits until each has seen its close. */
async function closeAndWait(socks: readonly NakamaSocket[]): Promise<void> {
  await Promise.all(socks.map((s) => new Promise<void>((resolve) => {
    if (s.closed) return resolve();
    s.onClose = () => resolve();
    s.close();
  })));
}

/**
 * A warm-up wave (local servers with an inspector only): a few matches created, joined by the first
 * groups' players over sockets that are then closed, so that one-time costs (the first match VM and its
 * wasm, code paths, pools) are paid before the baseline reading. The warm-up matches stay up, empty.
 */
async function warmUp(ctx: RunContext, sessions: readonly Session[]): Promise<number> {
  const p = ctx.opts.players;
  const w = Math.min(ctx.opts.size, 16);
  ctx.rec.status(`warm-up: ${w} matches`);
  const socks = await openSockets(ctx, sessions.slice(0, w * p), ctx.opts.format);
  const groups = Array.from({ length: w }, (_, m) => socks.slice(m * p, m * p + p));
  try {
    const ids = await createMatches(ctx, groups.map((_, m) => sessions[m * p].token));
    await joinAll(ctx, groups, ids, 0);
  } finally {
    await closeAndWait(socks);
  }
  return w;
}

const mbPer = (bytes: number, n: number): number => Number((bytes / n / 1e6).toFixed(3));

export const authoritative: Workload = {
  name: "authoritative",
  summary: "authoritative matches at a tick rate, every input broadcast to every member; memory per match after full GCs",
  phases: ["authoritative"],
  defaults: MATCH_DEFAULTS,
  local: () => ({ runtimePath: fixtureModules("matches"), flags: [], inspect: true }),
  async run(ctx) {
    const { size, players: p, msgRate } = ctx.opts;
    const api = new Api(ctx.target);
    const sessions = await signUp(ctx, api, size * p, "auth-match");
    api.close();
    const inspecting = ctx.target.inspectPort !== undefined;
    const warmMatches = inspecting && ctx.opts.warmup > 0 ? await warmUp(ctx, sessions) : 0;
    // Readings after full GCs: before the matches, with the matches but no sockets, with the sockets
    // open, with every player joined, and after the traffic.
    const base = await gcMemory(ctx);
    const rss0 = rssMb(ctx.target.pid);
    const groups: NakamaSocket[][] = [];
    const tokens = Array.from({ length: size }, (_, m) => sessions[m * p].token);
    let socks: NakamaSocket[] = [];
    try {
      const ids = await createMatches(ctx, tokens);
      const empty = await gcMemory(ctx);
      socks = await openSockets(ctx, sessions, ctx.opts.format);
      for (let m = 0; m < size; m++) groups.push(socks.slice(m * p, m * p + p));
      const open = await gcMemory(ctx);
      await joinAll(ctx, groups, ids, 0);
      const joined = await gcMemory(ctx);
      const rss1 = rssMb(ctx.target.pid);
      await runTraffic(ctx, { senders: senders(ctx, groups, ids), sendsPerSec: size * p * msgRate, fanout: p, unit: "delivery" }, "authoritative");
      ctx.rec.extra("tick rate", ctx.opts.tickRate);
      const build = loggedJsBuild(ctx.target.logLines);
      if (build !== null) ctx.rec.extra("JS match build (logged)", build);
      if (rss0 !== null && rss1 !== null) ctx.rec.extra("MB per match (with its sockets)", Number(((rss1 - rss0) / size).toFixed(3)));
      const after = await gcMemory(ctx);
      if (base !== null && empty !== null && open !== null && joined !== null && after !== null) {
        ctx.rec.extra("warm-up matches", warmMatches);
        const per = (label: string, from: MemoryAfterGc, to: MemoryAfterGc, parts: boolean): void => {
          if (parts) {
            ctx.rec.extra(`${label}: heap MB (GC)`, mbPer(to.heapUsed - from.heapUsed, size));
            ctx.rec.extra(`${label}: external MB (GC)`, mbPer(to.external - from.external, size));
          }
          ctx.rec.extra(`${label}: RSS MB (GC)`, mbPer(to.rss - from.rss, size));
        };
        // Per match: the match alone (created by the RPC, no players); with its players' sockets open
        // and joined; the same after the traffic. Sockets alone = "with players" minus "alone".
        per("per match alone", base, empty, true);
        per(`per match + ${p} sockets`, base, open, false);
        per(`per match + ${p} players`, base, joined, true);
        per(`per match + ${p} players after traffic`, base, after, false);
      }
    } finally {
      closeAll(socks);
    }
  },
};
