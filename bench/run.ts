// `npm run bench -- <name> [args]`: runs one of the benchmarks in this folder (compiled to dist/bench/):
// <name>.js, or <name>/cli.js for a tool in its own folder (`npm run bench -- load <workload> …`).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const entries = new Map<string, string>();
for (const e of readdirSync(here, { withFileTypes: true })) {
  if (e.isFile() && e.name.endsWith(".js") && e.name !== "run.js" && !e.name.endsWith(".test.js")) entries.set(e.name.slice(0, -3), path.join(here, e.name));
  else if (e.isDirectory() && existsSync(path.join(here, e.name, "cli.js"))) entries.set(e.name, path.join(here, e.name, "cli.js"));
}
const names = [...entries.keys()].sort();
const [name, ...rest] = process.argv.slice(2);
const file = name === undefined ? undefined : entries.get(name);
if (file === undefined) {
  console.log(`usage: npm run bench -- <name> [args]\nbenchmarks: ${names.join(", ")}`);
  process.exit(name ? 1 : 0);
}
process.argv = [process.argv[0], file, ...rest];
await import(file);
