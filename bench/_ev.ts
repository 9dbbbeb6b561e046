import { compileQuery, flattenDocument } from "../src/query/index.js";
const qs = Array.from({length: 1000}, (_, i) => compileQuery(`+properties.region:eu +properties.skill:>=${i} +properties.skill:<=${i+200}`));
const docs = Array.from({length: 1000}, (_, i) => flattenDocument({ region: i % 2 ? "eu" : "us", skill: i }, "properties"));
for (let rep = 0; rep < 5; rep++) {
  let n = 0; const t0 = performance.now();
  for (let k = 0; k < 1000; k++) { const q = qs[k]; for (let j = 0; j < 1000; j++) if (q.matches(docs[j])) n++; }
  const dt = performance.now() - t0;
  console.log('1M matches', dt.toFixed(1), 'ms', (dt * 1e6 / 1e6).toFixed(0), 'ns/eval', n);
}
