import { DEFAULT_SETTINGS, Matchmaker } from "../src/matchmaker/index.js";
for (const q of ["-properties.mode:ranked", "+properties.name:* -properties.mode:ranked", "+properties.day:>\"2030-01-01T00:00:00Z\""]) {
  const mm = new Matchmaker({ settings: DEFAULT_SETTINGS });
  for (let i = 0; i < 10000; i++) mm.add({ sessionId: `s${i}`, partyId: "", presences: [{ userId: `u${i}`, sessionId: `s${i}`, username: `n${i}`, node: "n" }], query: q, minCount: 2, maxCount: 2, stringProperties: { name: `player${i}`, mode: "ranked", day: "2024-01-01" } });
  const c0 = process.cpuUsage();
  const g = mm.process();
  const c = process.cpuUsage(c0);
  console.log(q, g.length, ((c.user + c.system) / 1000).toFixed(0), "ms cpu");
}
