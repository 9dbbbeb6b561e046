// Owns keeping the older single-purpose commands (`npm run bench -- auth|rpc|storage …`) working as thin
// wrappers over the load tool: their flags are renamed to the tool's options, anything else is passed
// through unchanged (so the tool's own options work there too).
import { main } from "./main.js";

/** `--name value` pairs of an old command line (a flag without a value maps to "true"). */
export function oldFlags(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const eq = a.indexOf("=");
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) out.set(a.slice(2), argv[++i]);
    else out.set(a.slice(2), "true");
  }
  return out;
}

/**
 * Runs `workload` with the old flags renamed (`renames`: old name → option name; null drops the flag),
 * the rest passed through, and `serverFlags` for a local server. Resolves with the exit code.
 */
export function runLegacy(workload: string, flags: ReadonlyMap<string, string>, renames: Record<string, string | null>, serverFlags: readonly string[] = []): Promise<number> {
  const argv = [workload];
  for (const [k, v] of flags) {
    const name = k in renames ? renames[k] : k;
    if (name !== null) argv.push(v === "true" ? `--${name}` : `--${name}=${v}`);
  }
  if (serverFlags.length > 0) argv.push(`--server-flags=${serverFlags.join(" ")}`);
  return main(argv);
}
