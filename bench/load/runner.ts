// Owns running workloads: one run against an open target (the library entry tests and the older tools
// use), and a whole report — targets opened (a local server started where asked), the rounds run
// (compare mode alternates A, B, A, B…), targets closed, the comparison computed.
import { randomBytes } from "node:crypto";
import { Recorder, type Progress, type RecorderOptions } from "./recorder.js";
import { compareRuns, machine, type Report, type RunResult } from "./report.js";
import { openTarget, type OpenedTarget, type Target, type TargetSpec } from "./target.js";
import type { LoadOptions } from "./types.js";
import { workloads } from "./workloads/index.js";

export interface RunHooks {
  readonly onProgress?: (p: Progress) => void;
  /** Called before each run starts (e.g. "round 2, B"). */
  readonly onRun?: (label: string) => void;
  /** Further processes to report CPU per operation for (see RecorderOptions.otherCpu). */
  readonly otherCpu?: RecorderOptions["otherCpu"];
}

/** Runs `opts.workload` once against `target`. */
export async function runWorkload(target: Target, opts: LoadOptions, hooks: RunHooks = {}, side?: { side: "A" | "B"; round: number }): Promise<RunResult> {
  const rec = new Recorder({ ...(target.pid !== undefined ? { serverPid: target.pid } : {}), ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    ...(hooks.otherCpu ? { otherCpu: hooks.otherCpu } : {}) });
  const startedAt = new Date().toISOString();
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  try {
    await workloads[opts.workload].run({ target, opts, rec, runId });
  } finally {
    rec.close();
  }
  const { lib: _lib, ...options } = opts;
  return {
    workload: opts.workload, target: target.label, url: target.url, ...(side ?? {}), startedAt, options, machine: machine(), phases: rec.phases,
  };
}

export interface ReportPlan {
  readonly load: LoadOptions;
  readonly targets: readonly TargetSpec[];
  readonly rounds: number;
}

/** Opens the targets, runs every round, closes the targets (always), and returns the report. */
export async function runReport(plan: ReportPlan, hooks: RunHooks = {}): Promise<Report> {
  const local = workloads[plan.load.workload].local(plan.load);
  const opened: OpenedTarget[] = [];
  try {
    for (const spec of plan.targets) {
      hooks.onRun?.(spec.where === "local" ? "starting a local Troupe server" : `target ${spec.where}`);
      opened.push(await openTarget(spec, local));
    }
    const compare = opened.length > 1;
    const runs: RunResult[] = [];
    for (let round = 1; round <= plan.rounds; round++) {
      for (const [i, o] of opened.entries()) {
        const side = i === 0 ? "A" : "B";
        hooks.onRun?.(compare ? `round ${round}/${plan.rounds}, ${side}: ${o.target.label}` : `${plan.load.workload} on ${o.target.label}`);
        runs.push(await runWorkload(o.target, plan.load, hooks, compare ? { side, round } : undefined));
      }
    }
    return { tool: "troupe-bench", runs, ...(compare ? { compare: compareRuns(runs) } : {}) };
  } finally {
    for (const o of opened) await o.close();
  }
}
