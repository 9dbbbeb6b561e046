// Owns the load tool's library surface (tests and the older single-purpose tools call workloads here):
//   runWorkload(target, loadOptions(name, {...}))   one run against an open target
//   runReport({ load, targets, rounds })             targets opened/closed, rounds, compare summary
export { loadOptions, LIMITS, parseCli, usage, UsageError } from "./options.js";
export { runReport, runWorkload, type ReportPlan, type RunHooks } from "./runner.js";
export { chartSvg } from "./chart.js";
export { compareRuns, jsonReport, markdownReport, markdownRuns, type Report, type RunResult } from "./report.js";
export { Recorder, type PhaseResult, type Progress, type Second } from "./recorder.js";
export { loopbackHost, openTarget, parseTargetUrl, TargetRefused, type Target, type TargetSpec } from "./target.js";
export { main, type Io } from "./main.js";
export { WORKLOADS, RUNTIMES, type LoadOptions, type WorkloadName } from "./types.js";
export { workloads } from "./workloads/index.js";
