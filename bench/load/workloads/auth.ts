// Owns the auth workload: device authentication over keep-alive connections, in two phases —
// "new" (a fresh device every request: an account is created) and "existing" (`size` devices signed up
// beforehand, asked for again in a scattered order).
import { buildRequest } from "../../lib/raw-http.js";
import { httpClosedLoop, phase, wants, withHttp } from "../loops.js";
import { benchModules, deviceId, signUp } from "../setup.js";
import type { RunContext, Workload } from "../types.js";
import { basic } from "../wire.js";

function request(ctx: RunContext, device: string): Buffer {
  return buildRequest("POST", "/v2/account/authenticate/device?create=true", ctx.target.host,
    { Authorization: basic(ctx.target.serverKey), "Content-Type": "application/json" }, JSON.stringify({ id: device }));
}

const hasToken = (r: { status: number; body: Buffer }): string | null =>
  r.status === 200 && r.body.includes('"token"') ? null : `HTTP ${r.status} ${r.body.toString().slice(0, 160)}`;

export const auth: Workload = {
  name: "auth",
  summary: "device authentication: new accounts, then existing devices",
  phases: ["new", "existing"],
  defaults: {
    size: 1000, duration: 10, concurrency: 32, warmup: 1,
    sizeMeans: "existing devices signed up before the run", concurrencyMeans: "keep-alive connections",
  },
  local: benchModules,
  run: (ctx) => withHttp(ctx, ctx.opts.concurrency, async (api, conns) => {
    if (wants(ctx, "existing")) await signUp(ctx, api, ctx.opts.size, "existing");
    let round = 0;
    if (wants(ctx, "new")) {
      await phase(ctx, "new", "req", (s) => {
        const r = round++;
        return httpClosedLoop(ctx, conns, s, (w, i) => request(ctx, deviceId(ctx, `new${r}`, `${w}-${i}`)), hasToken);
      });
    }
    if (wants(ctx, "existing")) {
      const n = ctx.opts.size;
      await phase(ctx, "existing", "req", (s) =>
        httpClosedLoop(ctx, conns, s, (w, i) => request(ctx, deviceId(ctx, "existing", (w * 7919 + i * 104_729) % n)), hasToken));
    }
  }),
};
