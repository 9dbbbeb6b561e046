// Owns the load tool's command-line run: parse and check the options (non-loopback targets refused
// before any traffic), pin this process to core 1 when it starts a local server on core 0, keep a
// one-line live progress on stderr when that is a terminal, add a local PostgreSQL's CPU per operation,
// bound the whole run with a watchdog, and write the report (Markdown to stdout; --json, --markdown and --svg files).
import { writeFileSync } from "node:fs";
import { localPgDatabase, pgBackendCpu, pinSelf } from "../lib/server.js";
import { chartSvg } from "./chart.js";
import { parseCli, UsageError, type CliOptions } from "./options.js";
import type { Progress } from "./recorder.js";
import { jsonReport, markdownReport } from "./report.js";
import { runReport, type RunHooks } from "./runner.js";
import { TargetRefused } from "./target.js";

const fmt = (x: number | null, d = 1): string => (x === null ? "–" : x.toLocaleString("en-US", { maximumFractionDigits: d }));

function progressLine(p: Progress): string {
  if (p.phase === "") return p.status;
  const head = `[${p.phase}] ${p.elapsed.toFixed(0)}/${p.seconds} s`;
  return `${head}  ${fmt(p.lastRate, 0)} ops/s  p50 ${fmt(p.lastP50, 2)} ms  p99 ${fmt(p.lastP99, 2)} ms  ops ${fmt(p.ops, 0)}  errors ${p.errors}${p.status ? `  (${p.status})` : ""}`;
}

/** Seconds the whole run may take before the watchdog ends it. */
export function runBound(cli: CliOptions): number {
  const o = cli.load;
  const perRun = 300 + o.phases.length * (o.warmup + o.duration + 60);
  return 120 * cli.targets.length + cli.rounds * cli.targets.length * perRun;
}

function write(path: string | undefined, text: string): void {
  if (path !== undefined) writeFileSync(path, `${text}\n`);
}

/** Where the CLI writes: stdout (the report), stderr (progress and failures). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal (the progress line is drawn only then). */
  readonly tty: boolean;
}

const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  tty: process.stderr.isTTY === true,
};

/** PostgreSQL CPU per operation as an extra column when a local server is given a PostgreSQL database on
 * this machine (its backends are found by process title). */
function pgCpu(cli: CliOptions): { otherCpu?: RunHooks["otherCpu"] } {
  const dbs = [...new Set(cli.targets.flatMap((t) => (t.where === "local" ? [localPgDatabase(t.serverFlags)] : [])))]
    .filter((d): d is string => d !== undefined);
  if (dbs.length === 0) return {};
  return { otherCpu: dbs.map((d) => ({ label: dbs.length === 1 ? "PostgreSQL" : `PostgreSQL ${d}`, sample: () => pgBackendCpu(d) })) };
}

/** Runs the CLI; resolves with the process exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError || e instanceof TargetRefused) {
      io.err(`troupe-bench: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if ("help" in parsed) {
    io.out(`${parsed.help}\n`);
    return 0;
  }
  const cli = parsed.cli;
  if (cli.targets.some((t) => t.where === "local")) pinSelf(1);
  const tty = cli.progress && io.tty;
  const say = (line: string): void => (tty ? io.err(`\r${line}\x1b[K`) : undefined);
  const watchdog = setTimeout(() => {
    io.err(`\ntroupe-bench: stopped by the watchdog after ${runBound(cli)} s\n`);
    process.exit(3);
  }, runBound(cli) * 1000);
  watchdog.unref();
  try {
    const report = await runReport(cli, {
      ...pgCpu(cli),
      onProgress: (p) => say(progressLine(p)),
      onRun: (label) => (tty ? say(label) : io.err(`${label}\n`)),
    });
    if (tty) io.err("\r\x1b[K");
    const md = markdownReport(report);
    io.out(`${md}\n`);
    write(cli.markdown, md);
    write(cli.json, jsonReport(report));
    write(cli.svg, chartSvg(report.runs, `troupe-bench ${cli.load.workload}`));
    return 0;
  } catch (e) {
    if (tty) io.err("\n");
    io.err(`troupe-bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return 2;
  } finally {
    clearTimeout(watchdog);
  }
}
