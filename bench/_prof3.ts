import { DEFAULT_SETTINGS, Matchmaker } from "../src/matchmaker/index.js";
const REGIONS = ["eu", "us-east", "us-west", "asia", "sa", "oce", "me", "af", "cn", "jp"];
function rng(seed: number) { let s = seed >>> 0; return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32); }
for (let run = 0; run < 6; run++) {
  const mm = new Matchmaker({ settings: DEFAULT_SETTINGS });
  const r = rng(42);
  for (let i = 0; i < 10000; i++) {
    const region = REGIONS[Math.floor(r() * REGIONS.length)];
    const skill = Math.floor(r() * 100_000);
    mm.add({ sessionId: `s${i}`, partyId: "", presences: [{ userId: `u${i}`, sessionId: `s${i}`, username: `n${i}`, node: "n" }],
      query: `+properties.region:${region} +properties.skill:>=${skill - 100} +properties.skill:<=${skill + 100}`, minCount: 2, maxCount: 2,
      stringProperties: { region }, numericProperties: { skill } });
  }
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const g = mm.process();
  const c = process.cpuUsage(c0);
  console.log(g.length, (performance.now() - t0).toFixed(1), 'wall', ((c.user + c.system) / 1000).toFixed(1), 'cpu');
}
