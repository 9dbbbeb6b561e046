// Writes data/config.reference.yml from the schema (npm run gen:config).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../lib/paths.js";
import { renderReferenceYaml } from "./reference.js";

const file = path.join(packageRoot(), "data", "config.reference.yml");
writeFileSync(file, renderReferenceYaml());
process.stdout.write(`wrote ${file}\n`);
