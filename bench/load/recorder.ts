// Owns what a load run measures: named phases, each with its operations, errors and latencies bucketed
// per second (the timeline the chart draws), the server's CPU over the phase (when its pid is known) and
// this process's own CPU; plus a once-a-second progress snapshot for the live progress line.
import { procCpuSeconds } from "../lib/server.js";

export interface Second {
  /** Seconds since the phase began (bucket start). */
  readonly t: number;
  readonly ops: number;
  readonly errors: number;
  /** Latency percentiles of the operations completed in this second, ms (null: none). */
  readonly p50: number | null;
  readonly p99: number | null;
}

export interface LatencySummary {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

export interface PhaseResult {
  readonly name: string;
  /** What one operation is ("req", "rpc", "delivery", "connect", "ticket", "object"…). */
  readonly unit: string;
  readonly seconds: number;
  readonly ops: number;
  readonly errors: number;
  readonly firstError?: string;
  /** Operations per second over the phase. */
  readonly rate: number;
  readonly latency: LatencySummary;
  readonly serverCpuUsPerOp: number | null;
  readonly serverCpuPct: number | null;
  readonly clientCpuPct: number;
  readonly timeline: readonly Second[];
  /** Workload-specific figures (loss, KB per socket, time until all matched…). */
  readonly extra: Readonly<Record<string, number | string>>;
}

export interface Progress {
  readonly phase: string;
  readonly status: string;
  readonly elapsed: number;
  readonly seconds: number;
  readonly ops: number;
  readonly errors: number;
  readonly lastRate: number;
  readonly lastP50: number | null;
  readonly lastP99: number | null;
}

interface Bucket {
  ops: number;
  errors: number;
  lat: number[];
}

interface Open {
  name: string;
  unit: string;
  seconds: number;
  t0: number;
  cpu0: number | null;
  self0: NodeJS.CpuUsage;
  buckets: Bucket[];
  ops: number;
  errors: number;
  firstError?: string;
  extra: Record<string, number | string>;
  /** Per extra CPU source: CPU seconds per process at the start. */
  others0: Array<ReadonlyMap<number, number>>;
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(samples: number[]): LatencySummary {
  samples.sort((a, b) => a - b);
  let sum = 0;
  for (const x of samples) sum += x;
  return {
    p50: percentile(samples, 50), p90: percentile(samples, 90), p99: percentile(samples, 99),
    max: samples.length === 0 ? null : samples[samples.length - 1], mean: samples.length === 0 ? null : sum / samples.length,
  };
}

export interface RecorderOptions {
  /** Server pid, for its CPU time per phase. */
  readonly serverPid?: number;
  /** Called about once a second while a phase or a status is active. */
  readonly onProgress?: (p: Progress) => void;
  /** Further processes whose CPU per operation each phase reports as an extra column (e.g. the database's
   * backends): `sample` returns CPU seconds per pid; processes that appear during a phase count in full. */
  readonly otherCpu?: ReadonlyArray<{ readonly label: string; readonly sample: () => ReadonlyMap<number, number> }>;
}

export class Recorder {
  private open: Open | null = null;
  private readonly done: PhaseResult[] = [];
  private statusText = "";
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: RecorderOptions = {}) {}

  get phases(): readonly PhaseResult[] {
    return this.done;
  }

  /** True while a measured phase is open (operations outside one are warm-up and not recorded). */
  get measuring(): boolean {
    return this.open !== null;
  }

  /** Sets the setup/status text the progress line shows between phases. */
  status(text: string): void {
    this.statusText = text;
    this.ensureTimer();
  }

  begin(name: string, unit: string, seconds: number): void {
    if (this.open !== null) this.end();
    this.open = {
      name, unit, seconds, t0: performance.now(), cpu0: this.serverCpu(), self0: process.cpuUsage(),
      buckets: [], ops: 0, errors: 0, extra: {}, others0: (this.opts.otherCpu ?? []).map((c) => c.sample()),
    };
    this.statusText = "";
    this.ensureTimer();
  }

  /** One operation completed, with its latency in ms (omit when it has none). */
  ok(latencyMs?: number, at = performance.now()): void {
    const o = this.open;
    if (o === null) return;
    const b = this.bucket(o, at);
    b.ops++;
    o.ops++;
    if (latencyMs !== undefined) b.lat.push(latencyMs);
  }

  fail(err: unknown, at = performance.now()): void {
    const o = this.open;
    if (o === null) return;
    this.bucket(o, at).errors++;
    o.errors++;
    o.firstError ??= err instanceof Error ? err.message : String(err);
  }

  /** Adds a workload-specific figure to the open phase, or to the last closed one. */
  extra(key: string, value: number | string): void {
    const target = this.open?.extra ?? (this.done.length > 0 ? (this.done[this.done.length - 1].extra) : null);
    if (target !== null) target[key] = value;
  }

  /** Closes the open phase; `seconds` overrides the measured length (e.g. the window deliveries were sent in). */
  end(seconds?: number): PhaseResult | null {
    const o = this.open;
    if (o === null) return null;
    this.open = null;
    const elapsed = seconds ?? (performance.now() - o.t0) / 1000;
    const cpu1 = this.serverCpu();
    const self = process.cpuUsage(o.self0);
    const cpu = o.cpu0 !== null && cpu1 !== null ? cpu1 - o.cpu0 : null;
    (this.opts.otherCpu ?? []).forEach((c, i) => {
      let used = 0;
      for (const [pid, secs] of c.sample()) used += secs - (o.others0[i].get(pid) ?? 0);
      if (o.ops > 0) o.extra[`${c.label} CPU µs/op`] = (used / o.ops) * 1e6;
    });
    const all: number[] = [];
    const timeline: Second[] = o.buckets.map((b, t) => {
      const lat = (b?.lat ?? []).sort((x, y) => x - y);
      for (const x of lat) all.push(x);
      return { t, ops: b?.ops ?? 0, errors: b?.errors ?? 0, p50: percentile(lat, 50), p99: percentile(lat, 99) };
    });
    const r: PhaseResult = {
      name: o.name, unit: o.unit, seconds: elapsed, ops: o.ops, errors: o.errors,
      ...(o.firstError !== undefined ? { firstError: o.firstError } : {}),
      rate: elapsed > 0 ? o.ops / elapsed : 0,
      latency: summarize(all),
      serverCpuUsPerOp: cpu === null || o.ops === 0 ? null : (cpu / o.ops) * 1e6,
      serverCpuPct: cpu === null || elapsed <= 0 ? null : (cpu / elapsed) * 100,
      clientCpuPct: elapsed > 0 ? ((self.user + self.system) / 1e6 / elapsed) * 100 : 0,
      timeline, extra: o.extra,
    };
    this.done.push(r);
    return r;
  }

  /** Stops the progress timer (call when the run is over). */
  close(): void {
    if (this.open !== null) this.end();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private bucket(o: Open, at: number): Bucket {
    const i = Math.max(0, Math.floor((at - o.t0) / 1000));
    for (let k = o.buckets.length; k <= i; k++) o.buckets.push({ ops: 0, errors: 0, lat: [] });
    return o.buckets[i];
  }

  private serverCpu(): number | null {
    if (this.opts.serverPid === undefined) return null;
    try {
      return procCpuSeconds(this.opts.serverPid);
    } catch {
      return null;
    }
  }

  private ensureTimer(): void {
    if (this.timer !== null || this.opts.onProgress === undefined) return;
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  private tick(): void {
    const o = this.open;
    if (o === null) {
      this.opts.onProgress?.({ phase: "", status: this.statusText, elapsed: 0, seconds: 0, ops: 0, errors: 0, lastRate: 0, lastP50: null, lastP99: null });
      return;
    }
    const elapsed = (performance.now() - o.t0) / 1000;
    const last = o.buckets[Math.floor(elapsed) - 1];
    const lat = last === undefined ? [] : [...last.lat].sort((a, b) => a - b);
    this.opts.onProgress?.({
      phase: o.name, status: this.statusText, elapsed, seconds: o.seconds, ops: o.ops, errors: o.errors,
      lastRate: last?.ops ?? 0, lastP50: percentile(lat, 50), lastP99: percentile(lat, 99),
    });
  }
}
