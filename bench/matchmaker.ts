// Benchmark of the matchmaker (run: npx tsx bench/matchmaker.ts). Measures
//  (a) the pure core: adds/s, and one interval (Matchmaker.process) over 10,000 waiting tickets in
//      several shapes (all `*`, groups of 4, region + skill windows with and without rev_precision,
//      should-only queries, and the steady state: 10,000 idle tickets plus 200 new ones searching);
//  (b) the actor on the system clock: 1,000 tickets (min = max = 2, query `*`) added at once at a 1 s
//      interval, timed from the first add until every group reached onMatched.
// Pure timings are CPU time of this process (user + system), the median of 3 runs, after collecting
// the garbage of earlier runs: on a shared machine that is closer to "one core" than wall time.
// Run compiled (`npm run bench -- matchmaker`): tsx's keepNames wrappers slow closure-heavy code. Prints a Markdown table. Bounded (about a minute).
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { silentLogger } from "../src/log.js";
import { DEFAULT_SETTINGS, Matchmaker, type MatchmakerSettings, type TicketRequest } from "../src/matchmaker/index.js";
import { createKernel } from "../actors/kernel/index.js";
import { startMatchmaker, type MatchedResult } from "../actors/matchmaker/index.js";

setFlagsFromString("--expose_gc");
const gc = runInNewContext("gc") as () => void;

type Row = [what: string, result: string, target: string];
const rows: Row[] = [];
const ms = (x: number): string => `${x.toFixed(1)} ms`;

/** A deterministic pseudo-random sequence (LCG) so every run sees the same tickets. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const REGIONS = ["eu", "us-east", "us-west", "asia", "sa", "oce", "me", "af", "cn", "jp"];

function ticket(i: number, query: string, min: number, max: number, strings: Record<string, string> = {}, numbers: Record<string, number> = {}): TicketRequest {
  const sid = `s${i}`;
  return { sessionId: sid, partyId: "", presences: [{ userId: `u${i}`, sessionId: sid, username: `n${i}`, node: "n" }], query, minCount: min, maxCount: max, stringProperties: strings, numericProperties: numbers };
}

type Shape = (i: number, r: () => number) => TicketRequest;

/** `+region +skill window` tickets, skill uniform over [0, spread). */
function regionSkill(spread: number, window: number, min = 2, max = 2): Shape {
  return (i, r) => {
    const region = REGIONS[Math.floor(r() * REGIONS.length)];
    const skill = Math.floor(r() * spread);
    return ticket(i, `+properties.region:${region} +properties.skill:>=${skill - window} +properties.skill:<=${skill + window}`, min, max, { region }, { skill });
  };
}

const shapes: [string, Shape, Partial<MatchmakerSettings>?][] = [
  ["`*`, 2..2 (all pair up)", (i) => ticket(i, "*", 2, 2)],
  ["`*`, 2..4 (groups of 4)", (i) => ticket(i, "*", 2, 4)],
  ["region + skill ±100 of 100k, 2..2 (some match)", regionSkill(100_000, 100)],
  ["same, rev_precision on", regionSkill(100_000, 100), { revPrecision: true }],
  ["region + skill ±100 of 10M, 2..2 (almost none match: all keep waiting)", regionSkill(10_000_000, 100)],
  ["region + skill ±500 of 10k, 2..4, boosted mode", (i, r) => {
    const region = REGIONS[Math.floor(r() * REGIONS.length)];
    const skill = Math.floor(r() * 10_000);
    const mode = r() < 0.5 ? "ranked" : "casual";
    return ticket(i, `+properties.region:${region} +properties.skill:>=${skill - 500} +properties.skill:<=${skill + 500} properties.mode:${mode}^3`, 2, 4, { region, mode }, { skill });
  }],
  ["should-only: 2 regions of 10 (postings path), 2..2", (i, r) => {
    const a = REGIONS[Math.floor(r() * REGIONS.length)];
    const b = REGIONS[Math.floor(r() * REGIONS.length)];
    return ticket(i, `properties.region:${a}^2 properties.region:${b}`, 2, 2, { region: REGIONS[(i * 7) % REGIONS.length] });
  }],
  ["wildcard must (scan path), 2..2", (i, r) => {
    const region = REGIONS[Math.floor(r() * REGIONS.length)];
    return ticket(i, `+properties.region:${region.slice(0, 2)}* -properties.banned:T`, 2, 2, { region, banned: "F" });
  }],
];

function fill(mm: Matchmaker, n: number, shape: Shape, r: () => number, from = 0): number {
  const t0 = performance.now();
  for (let i = from; i < from + n; i++) mm.add(shape(i, r));
  return performance.now() - t0;
}

/** CPU milliseconds (user + system) spent in `fn`, and its result (garbage of earlier runs collected first). */
function cpu<T>(fn: () => T): [number, T] {
  gc();
  const c0 = process.cpuUsage();
  const out = fn();
  const c = process.cpuUsage(c0);
  return [(c.user + c.system) / 1000, out];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function pureIntervals(): void {
  const N = 10_000;
  for (const [name, shape, settings] of shapes) {
    const times: number[] = [];
    let groups = 0;
    let addMs = 0;
    for (let run = 0; run < 3; run++) {
      const mm = new Matchmaker({ settings: { ...DEFAULT_SETTINGS, ...settings } });
      [addMs] = cpu(() => fill(mm, N, shape, rng(42)));
      const [t, g] = cpu(() => mm.process());
      times.push(t);
      groups = g.length;
    }
    rows.push([`one interval, 10,000 new tickets: ${name}`, `${ms(median(times))} CPU (max ${ms(Math.max(...times))}), ${groups} groups; adds ${Math.round(N / (addMs / 1000)).toLocaleString("en")}/s`, "≤ 500 ms"]);
  }
}

/** 10,000 tickets that found nobody (past their last interval) and 200 new ones searching. */
function steadyState(): void {
  const shape = regionSkill(10_000_000, 100);
  const times: number[] = [];
  let groups = 0;
  let waiting = 0;
  for (let run = 0; run < 3; run++) {
    const mm = new Matchmaker({ settings: DEFAULT_SETTINGS });
    const r = rng(7);
    fill(mm, 10_000, shape, r);
    mm.process();
    mm.process();
    fill(mm, 200, shape, r, 10_000);
    waiting = mm.size;
    const [t, g] = cpu(() => mm.process());
    times.push(t);
    groups = g.length;
  }
  rows.push([`one interval, ${waiting.toLocaleString("en")} waiting (10,000 idle + 200 new, region + skill)`, `${ms(median(times))} CPU, ${groups} groups`, "≤ 500 ms"]);
}

async function actorThousand(): Promise<void> {
  const kernel = createKernel({ log: silentLogger() });
  let groups = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const mm = startMatchmaker(kernel.root, {
    log: silentLogger(),
    settings: { ...DEFAULT_SETTINGS, intervalSec: 1 },
    encryptionKey: "bench-key",
    onMatched: (results: MatchedResult[]) => {
      groups += results.length;
      if (groups === 500) done();
    },
  });
  const t0 = performance.now();
  const adds = Array.from({ length: 1000 }, (_, i) => mm.add(ticket(i, "*", 2, 2)));
  await Promise.all(adds);
  const added = performance.now() - t0;
  await finished;
  const total = performance.now() - t0;
  rows.push(["actor: 1,000 adds acknowledged (one batch)", ms(added), ""]);
  rows.push(["actor: 1,000 tickets (2..2, `*`) all matched at a 1 s interval", `${(total / 1000).toFixed(2)} s (${groups} groups)`, "≤ 1.5 s (Nakama ≈3.2 s)"]);
  await mm.stop();
  await kernel.shutdown();
}

async function actorAddThroughput(): Promise<void> {
  const kernel = createKernel({ log: silentLogger() });
  const mm = startMatchmaker(kernel.root, {
    log: silentLogger(),
    settings: { ...DEFAULT_SETTINGS, intervalSec: 3600 },
    encryptionKey: "bench-key",
    onMatched: () => undefined,
  });
  const N = 20_000;
  const t0 = performance.now();
  // 100 turns of 200 adds each, as sessions would send them.
  for (let turn = 0; turn < 100; turn++) {
    const batch = Array.from({ length: 200 }, (_, k) => mm.add(ticket(turn * 200 + k, "+properties.mode:x", 2, 2, { mode: "x" })));
    await Promise.all(batch);
  }
  const elapsed = performance.now() - t0;
  rows.push(["actor: adds acknowledged per second (200 per turn)", `${Math.round(N / (elapsed / 1000)).toLocaleString("en")}/s`, "Nakama ≈300/s"]);
  await mm.stop();
  await kernel.shutdown();
}

pureIntervals();
steadyState();
await actorThousand();
await actorAddThroughput();

console.log("| measurement | result | target |\n|---|---|---|");
for (const [what, result, target] of rows) console.log(`| ${what} | ${result} | ${target} |`);
