// `npm run bench -- <name> [args]`: runs one of the benchmarks in this folder (compiled to dist/bench/).
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const names = readdirSync(here)
  .filter((f) => f.endsWith(".js") && f !== "run.js" && !f.endsWith(".test.js"))
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.log(`usage: npm run bench -- <name> [args]\nbenchmarks: ${names.join(", ")}`);
  process.exit(name ? 1 : 0);
}
process.argv = [process.argv[0], path.join(here, `${name}.js`), ...rest];
await import(path.join(here, `${name}.js`));
