// Owns the storage workload: one user per keep-alive connection, each cycling over `size` keys of its
// own with ≈1 KB JSON values, --batch objects per request: phase "write" (PUT /v2/storage,
// last-write-wins) then "read" (POST /v2/storage of the user's own objects, every one expected back).
import { buildRequest } from "../../lib/raw-http.js";
import { httpClosedLoop, phase, wants, withHttp } from "../loops.js";
import { benchModules, signUp } from "../setup.js";
import type { RunContext, Workload } from "../types.js";
import { bearer, type Session } from "../wire.js";

const COLLECTION = "troupe_bench";
/** ≈1 KB of JSON (a storage value must be a JSON object). */
const VALUE = JSON.stringify({ data: "x".repeat(990), n: 1 });

function batches(ctx: RunContext, s: Session, make: (keys: string[]) => { method: string; body: unknown }): Buffer[] {
  const out: Buffer[] = [];
  const { size, batch } = ctx.opts;
  for (let k = 0; k < size; k += batch) {
    const keys = Array.from({ length: Math.min(batch, size - k) }, (_, j) => `k${k + j}`);
    const { method, body } = make(keys);
    out.push(buildRequest(method, "/v2/storage", ctx.target.host, { Authorization: bearer(s.token), "Content-Type": "application/json" }, JSON.stringify(body)));
  }
  return out;
}

export const storage: Workload = {
  name: "storage",
  summary: "storage object writes then reads, ≈1 KB values",
  phases: ["write", "read"],
  defaults: {
    size: 256, duration: 5, concurrency: 32, warmup: 1,
    sizeMeans: "keys per user (each connection is its own user)", concurrencyMeans: "keep-alive connections (= users)",
  },
  local: benchModules,
  run: (ctx) => withHttp(ctx, ctx.opts.concurrency, async (api, conns) => {
    const sessions = await signUp(ctx, api, ctx.opts.concurrency, "storage");
    const perObject = (): void => ctx.rec.extra("objects/s", Math.round((ctx.rec.phases.at(-1)?.rate ?? 0) * ctx.opts.batch));
    const writes = sessions.map((s) => batches(ctx, s, (keys) => ({
      method: "PUT", body: { objects: keys.map((key) => ({ collection: COLLECTION, key, value: VALUE })) },
    })));
    // Reads need every key written: whatever the write phase (if any) did not reach is written first.
    const reached = writes.map(() => 0);
    if (wants(ctx, "write")) {
      await phase(ctx, "write", "req", (s) => httpClosedLoop(ctx, conns, s, (w, i) => {
        reached[w] = Math.max(reached[w], i + 1);
        return writes[w][i % writes[w].length];
      }));
      perObject();
    }
    if (!wants(ctx, "read")) return;
    await Promise.all(writes.map(async (reqs, w) => {
      for (let i = reached[w]; i < reqs.length; i++) await conns[w].send(reqs[i]);
    }));
    const reads = sessions.map((s) => batches(ctx, s, (keys) => ({
      method: "POST", body: { object_ids: keys.map((key) => ({ collection: COLLECTION, key, user_id: s.userId })) },
    })));
    const found = (r: { status: number; body: Buffer }): string | null =>
      r.status !== 200 ? `HTTP ${r.status} ${r.body.toString().slice(0, 160)}` : r.body.includes('"value"') ? null : "object not found";
    await phase(ctx, "read", "req", (s) => httpClosedLoop(ctx, conns, s, (w, i) => reads[w][i % reads[w].length], found));
    perObject();
  }),
};
