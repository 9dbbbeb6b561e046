import { DEFAULT_SETTINGS, Matchmaker } from "../src/matchmaker/index.js";
for (const q of ["+properties.name:/.*zz.*/", "+properties.name:zz*", "-properties.name:x*", "properties.name:zz* properties.lvl:>=5"]) {
  const mm = new Matchmaker({ settings: DEFAULT_SETTINGS });
  for (let i = 0; i < 10000; i++) mm.add({ sessionId: `s${i}`, partyId: "", presences: [{ userId: `u${i}`, sessionId: `s${i}`, username: `n${i}`, node: "n" }], query: q, minCount: 2, maxCount: 2, stringProperties: { name: `player${i}` }, numericProperties: { lvl: 1 } });
  const c0 = process.cpuUsage();
  const g = mm.process();
  const c = process.cpuUsage(c0);
  console.log(q, g.length, ((c.user + c.system) / 1000).toFixed(0), "ms cpu");
}
