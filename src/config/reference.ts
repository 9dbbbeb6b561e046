// Owns the texts derived from the schema: the reference YAML (data/config.reference.yml) and the flag list
// of `troupe --help`.
import { flattenSchema, isField, type Field, type Section } from "./fields.js";
import { schema } from "./schema.js";
import { ENV_PREFIX } from "./load.js";

function yamlValue(f: Field): string {
  switch (f.kind) {
    case "strings":
      return f.default.length === 0 ? "[]" : `[${f.default.map((s) => JSON.stringify(s)).join(", ")}]`;
    case "string":
      return JSON.stringify(f.default);
    default:
      return String(f.default);
  }
}

function renderSection(s: Section, indent: string, out: string[]): void {
  for (const [k, v] of Object.entries(s)) {
    if (isField(v)) {
      out.push(`${indent}# ${v.usage}`);
      out.push(`${indent}${k}: ${yamlValue(v)}`);
    } else {
      out.push(`${indent}${k}:`);
      renderSection(v, indent + "  ", out);
    }
  }
}

/** The full reference config: every key with its default and usage. */
export function renderReferenceYaml(): string {
  const out = [
    "# Troupe configuration reference, generated from src/config/schema.ts (npm run gen:config).",
    "# Every key with its default. Sources, later overriding earlier: these defaults, YAML files given with",
    `# --config, environment variables ${ENV_PREFIX}<SECTION>_<KEY>, and flags --section.key value.`,
    "",
  ];
  renderSection(schema, "", out);
  return out.join("\n") + "\n";
}

/** One line per flag for --help. */
export function renderFlagHelp(): string {
  const rows = flattenSchema(schema).map(([key, f]) => {
    const def = f.kind === "strings" ? (f.default.length ? f.default.join(",") : "") : String(f.default);
    return `  --${key} <${f.kind}>\n      ${f.usage}${def !== "" ? ` (default ${def})` : ""}`;
  });
  return rows.join("\n");
}
