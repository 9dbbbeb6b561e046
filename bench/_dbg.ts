import { DEFAULT_SETTINGS, Matchmaker } from "../src/matchmaker/index.js";
import { candidates } from "../src/matchmaker/candidates.js";
const REGIONS = ["eu", "us-east", "us-west", "asia", "sa", "oce", "me", "af", "cn", "jp"];
function rng(seed: number) { let s = seed >>> 0; return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32); }
const mm = new Matchmaker({ settings: DEFAULT_SETTINGS });
const r = rng(42);
for (let i = 0; i < 10000; i++) {
  const region = REGIONS[Math.floor(r() * REGIONS.length)];
  const skill = Math.floor(r() * 100_000);
  mm.add({ sessionId: `s${i}`, partyId: "", presences: [{ userId: `u${i}`, sessionId: `s${i}`, username: `n${i}`, node: "n" }],
    query: `+properties.region:${region} +properties.skill:>=${skill - 100} +properties.skill:<=${skill + 100}`, minCount: 2, maxCount: 2,
    stringProperties: { region }, numericProperties: { skill } });
}
const store = (mm as any).store;
store.prepareRanges();
let evals = 0;
for (const t of [...store.tickets.values()].slice(0, 5)) {
  const q = t.query; const orig = q.matches;
  const n = [...candidates(store, t)].length;
  console.log(t.query.source, 'cands', n);
}
let t0 = performance.now(); let total = 0;
for (const t of store.tickets.values()) for (const c of candidates(store, t)) total++;
console.log('all searches', (performance.now() - t0).toFixed(1), 'ms', total);
{
  let evals = 0; let sizes = 0;
  for (const t of store.tickets.values()) { const q = t.query; const ev = q.evaluate; q.evaluate = (d: any) => { evals++; return ev(d); }; }
  const t1 = performance.now(); let tot = 0;
  for (const t of store.tickets.values()) for (const c of candidates(store, t)) tot++;
  console.log('evals', evals, 'yield', tot, (performance.now() - t1).toFixed(1), 'ms');
}
