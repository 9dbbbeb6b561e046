// Owns the leaderboard workload on a board that already exists (--board; a local server loads
// bench/load/modules, whose bench.lua creates "bench"): `size` users each write a first record, then
// phase "write" (POST /v2/leaderboard/<board>, random scores, the users in turn) and phase "around"
// (GET /v2/leaderboard/<board>/owner/<owner>?limit=--limit for scattered owners).
import { buildRequest } from "../../lib/raw-http.js";
import { httpClosedLoop, phase, wants, withHttp } from "../loops.js";
import { benchModules, signUp } from "../setup.js";
import type { RunContext, Workload } from "../types.js";
import type { Api} from "../wire.js";
import { bearer, mapLimit, type Session } from "../wire.js";

const score = (): string => JSON.stringify({ score: String(Math.floor(Math.random() * 1e9)) });

function writeRequest(ctx: RunContext, s: Session): Buffer {
  return buildRequest("POST", `/v2/leaderboard/${encodeURIComponent(ctx.opts.board)}`, ctx.target.host,
    { Authorization: bearer(s.token), "Content-Type": "application/json" }, score());
}

async function seed(ctx: RunContext, api: Api): Promise<Session[]> {
  const users = await signUp(ctx, api, ctx.opts.size, "lb");
  let done = 0;
  await mapLimit(users, Math.min(ctx.opts.concurrency, 64), async (s) => {
    const r = await api.request("POST", `/v2/leaderboard/${encodeURIComponent(ctx.opts.board)}`, s.token, score());
    if (r.status !== 200) throw new Error(`first record on board ${ctx.opts.board}: HTTP ${r.status} ${r.body.toString().slice(0, 160)}`);
    if (++done % 100 === 0) ctx.rec.status(`first records: ${done}/${users.length}`);
  });
  return users;
}

export const leaderboard: Workload = {
  name: "leaderboard",
  summary: "leaderboard record writes, then around-owner listings",
  phases: ["write", "around"],
  defaults: {
    size: 1000, duration: 10, concurrency: 32, warmup: 1,
    sizeMeans: "users with a record on the board", concurrencyMeans: "keep-alive connections",
  },
  local: benchModules,
  run: (ctx) => withHttp(ctx, ctx.opts.concurrency, async (api, conns) => {
    const users = await seed(ctx, api);
    const n = users.length;
    if (wants(ctx, "write")) {
      await phase(ctx, "write", "req", (s) => httpClosedLoop(ctx, conns, s, (w, i) => writeRequest(ctx, users[(w * 7 + i * 31) % n])));
    }
    if (!wants(ctx, "around")) return;
    const owners = ctx.opts.lib?.owners ?? users.map((u) => u.userId);
    const board = encodeURIComponent(ctx.opts.board);
    const listed = (r: { status: number; body: Buffer }): string | null =>
      r.status !== 200 ? `HTTP ${r.status} ${r.body.toString().slice(0, 160)}` : r.body.includes('"records"') ? null : "no records around the owner";
    await phase(ctx, "around", "req", (s) => httpClosedLoop(ctx, conns, s, (w, i) => {
      const owner = owners[(w * 131 + i * 17) % owners.length];
      return buildRequest("GET", `/v2/leaderboard/${board}/owner/${owner}?limit=${ctx.opts.limit}`, ctx.target.host,
        { Authorization: bearer(users[(w + i) % n].token) });
    }, listed));
  }),
};
