// Owns what a load run reports: the JSON result (options, machine, phases with their per-second
// timelines), the Markdown table of one or more runs, and compare mode's summary (median of the rounds
// per target, and the ratio B/A for throughput, latency and server CPU).
import os from "node:os";
import { fmt, table } from "../lib/stats.js";
import type { PhaseResult } from "./recorder.js";
import type { LoadOptions } from "./types.js";

export interface Machine {
  readonly cpus: number;
  readonly model: string;
  readonly node: string;
  readonly loadavg: readonly number[];
}

export interface RunResult {
  readonly workload: string;
  readonly target: string;
  readonly url: string;
  /** Compare mode: "A" or "B" and the round (1-based). */
  readonly side?: "A" | "B";
  readonly round?: number;
  readonly startedAt: string;
  readonly options: Omit<LoadOptions, "lib">;
  readonly machine: Machine;
  readonly phases: readonly PhaseResult[];
}

export interface CompareRow {
  readonly phase: string;
  readonly metric: string;
  readonly a: number | null;
  readonly b: number | null;
  /** b / a (null when either is missing or a is 0). */
  readonly ratio: number | null;
}

export interface Report {
  readonly tool: "troupe-bench";
  readonly runs: readonly RunResult[];
  readonly compare?: readonly CompareRow[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return { cpus: cpus.length, model: cpus[0]?.model ?? "?", node: process.version, loadavg: os.loadavg().map((x) => Number(x.toFixed(2))) };
}

const n = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? "–" : fmt(x, digits));

/** The Markdown table of runs: one row per phase of each run, workload extras as extra columns. */
export function markdownRuns(runs: readonly RunResult[]): string {
  const extras = [...new Set(runs.flatMap((r) => r.phases.flatMap((p) => Object.keys(p.extra))))];
  const sided = runs.some((r) => r.side !== undefined);
  const head = [...(sided ? ["target", "round"] : ["target"]), "phase", "ops/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "ops", "errors",
    "server CPU µs/op", "server CPU %", "load gen CPU %", ...extras];
  const rows = runs.flatMap((r) => r.phases.map((p) => [
    ...(sided ? [`${r.side}: ${r.target}`, String(r.round)] : [r.target]),
    p.name, `${n(p.rate, 0)} ${p.unit}/s`, n(p.latency.p50, 2), n(p.latency.p90, 2), n(p.latency.p99, 2), n(p.latency.max, 1),
    n(p.ops, 0), p.errors, n(p.serverCpuUsPerOp, 1), n(p.serverCpuPct, 0), n(p.clientCpuPct, 0),
    ...extras.map((k) => (p.extra[k] === undefined ? "" : typeof p.extra[k] === "number" ? n(p.extra[k], 2) : String(p.extra[k]))),
  ]));
  return table(head, rows);
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const METRICS: ReadonlyArray<[string, (p: PhaseResult) => number | null]> = [
  ["ops/s", (p) => p.rate],
  ["p50 ms", (p) => p.latency.p50],
  ["p99 ms", (p) => p.latency.p99],
  ["server CPU µs/op", (p) => p.serverCpuUsPerOp],
  ["errors", (p) => p.errors],
];

/** Compare mode: per phase and metric, the median over each side's rounds and the ratio B/A. */
export function compareRuns(runs: readonly RunResult[]): CompareRow[] {
  const phaseNames = [...new Set(runs.flatMap((r) => r.phases.map((p) => p.name)))];
  const side = (s: "A" | "B", phase: string, f: (p: PhaseResult) => number | null): number | null =>
    median(runs.filter((r) => r.side === s).flatMap((r) => r.phases.filter((p) => p.name === phase).map(f)).filter((x): x is number => x !== null));
  return phaseNames.flatMap((phase) => METRICS.map(([metric, f]) => {
    const a = side("A", phase, f);
    const b = side("B", phase, f);
    return { phase, metric, a, b, ratio: a === null || b === null || a === 0 ? null : b / a };
  }));
}

export function markdownCompare(rows: readonly CompareRow[], a: string, b: string): string {
  return table(["phase", "metric", `A: ${a} (median)`, `B: ${b} (median)`, "B/A"],
    rows.map((r) => [r.phase, r.metric, n(r.a, 2), n(r.b, 2), r.ratio === null ? "–" : `${r.ratio.toFixed(2)}×`]));
}

/** The whole Markdown report: a line on the run, the runs table, and the comparison in compare mode. */
export function markdownReport(report: Report): string {
  const first = report.runs[0];
  const o = first.options;
  const m = first.machine;
  const lines = [
    `### troupe-bench ${o.workload}`,
    "",
    `size ${o.size}, concurrency ${o.concurrency}, ${o.duration} s per phase after ${o.warmup} s warm-up; ` +
      `machine: ${m.cpus} × ${m.model}, Node ${m.node.slice(1)}, load average ${m.loadavg.join(" ")}`,
    "",
    markdownRuns(report.runs),
  ];
  if (report.compare !== undefined) {
    const label = (s: "A" | "B"): string => report.runs.find((r) => r.side === s)?.target ?? s;
    lines.push("", markdownCompare(report.compare, label("A"), label("B")));
  }
  for (const r of report.runs) for (const p of r.phases) {
    if (p.firstError !== undefined) lines.push("", `${r.side ?? ""}${r.round ?? ""} ${p.name}: first error: ${p.firstError}`.trim());
  }
  return lines.join("\n");
}

/** JSON text of a report (numbers rounded to 3 decimals to keep files readable). */
export function jsonReport(report: Report): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v), 2);
}
