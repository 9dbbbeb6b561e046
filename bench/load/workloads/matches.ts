// Owns the two match workloads:
//   relay:         `size` relayed matches (match_create / match_join over the socket) × --players, each
//                  player sending --payload-byte match data so that --rate deliveries/s are offered;
//   authoritative: `size` matches created through an RPC calling nk.match_create (--create-rpc with
//                  {"module": --match-module, "params": {"tick_rate": --tick-rate}}), --players each
//                  sending --msg-rate messages/s that the relay handler broadcasts to every member.
// Both measure deliveries/s, send→receive latency, loss and closed sockets (match-traffic.ts).
import { procRssBytes } from "../../lib/server.js";
import { MiniWs } from "../../lib/mini-ws.js";
import { runTraffic, senderFor, type Sender } from "../match-traffic.js";
import { benchModules, closeAll, fixtureModules, openSockets, signUp } from "../setup.js";
import type { RunContext, Workload } from "../types.js";
import { Api, mapLimit, NakamaSocket } from "../wire.js";

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

async function createMatches(ctx: RunContext, groups: NakamaSocket[][], tokens: readonly string[]): Promise<string[]> {
  const api = new Api(ctx.target);
  const payload = JSON.stringify({ module: ctx.opts.matchModule, params: { tick_rate: ctx.opts.tickRate } });
  try {
    ctx.rec.status("creating matches");
    return await mapLimit(groups, Math.min(ctx.opts.concurrency, 32), async (_, m) => {
      const reply = JSON.parse(await api.rpc(ctx.opts.createRpc, payload, tokens[m])) as { match_id?: string };
      if (typeof reply.match_id !== "string" || reply.match_id === "") throw new Error(`${ctx.opts.createRpc} returned no match_id`);
      return reply.match_id;
    });
  } finally {
    api.close();
  }
}

const rssMb = (pid: number | undefined): number | null => {
  if (pid === undefined) return null;
  try {
    return procRssBytes(pid) / 1e6;
  } catch {
    return null;
  }
};

export const authoritative: Workload = {
  name: "authoritative",
  summary: "authoritative matches at a tick rate, every input broadcast to every member",
  phases: ["authoritative"],
  defaults: MATCH_DEFAULTS,
  local: () => ({ runtimePath: fixtureModules("matches"), flags: [] }),
  async run(ctx) {
    const { size, players: p, msgRate } = ctx.opts;
    const api = new Api(ctx.target);
    const sessions = await signUp(ctx, api, size * p, "auth-match");
    api.close();
    const rss0 = rssMb(ctx.target.pid);
    const groups: NakamaSocket[][] = [];
    const socks = await openSockets(ctx, sessions, ctx.opts.format);
    for (let m = 0; m < size; m++) groups.push(socks.slice(m * p, m * p + p));
    try {
      const ids = await createMatches(ctx, groups, groups.map((_, m) => sessions[m * p].token));
      await joinAll(ctx, groups, ids, 0);
      const rss1 = rssMb(ctx.target.pid);
      await runTraffic(ctx, { senders: senders(ctx, groups, ids), sendsPerSec: size * p * msgRate, fanout: p, unit: "delivery" }, "authoritative");
      ctx.rec.extra("tick rate", ctx.opts.tickRate);
      if (rss0 !== null && rss1 !== null) ctx.rec.extra("MB per match (with its sockets)", Number(((rss1 - rss0) / size).toFixed(3)));
    } finally {
      closeAll(socks);
    }
  },
};
