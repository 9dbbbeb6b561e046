// Owns the metric registry: counters, gauges and fixed-bucket histograms, each optionally labelled, plus
// callback metrics read at scrape time, and the rendering of all of them in Prometheus text format.
// Names get the registry's prefix ("nakama" → "nakama_sessions") and every series the constant labels
// (node_name, namespace). Asking again for an existing name returns the same metric (per-request
// families are created lazily); asking for it with another type or other labels is a bug and throws.
import { braces, formatValue, header, isLabelName, isMetricName, labelPairs } from "./exposition.js";

export type Labels = Readonly<Record<string, string>>;
export type MetricType = "counter" | "gauge" | "histogram";

/** One sample of a callback metric. */
export interface Sample {
  readonly labels?: Labels;
  readonly value: number;
}

/** What a callback metric's reader returns: one unlabelled value, or labelled samples. */
export type Reading = number | readonly Sample[];

interface Family {
  readonly type: MetricType;
  readonly labelNames: readonly string[];
  render(constPairs: string): string;
}

/** Label sets → series, each with its label text rendered once. */
class SeriesMap<S> {
  private readonly map = new Map<string, S>();
  constructor(
    readonly labelNames: readonly string[],
    private readonly make: (pairs: string) => S,
  ) {}

  get(labels: Labels | undefined): S {
    const names = this.labelNames;
    let key = "";
    if (labels !== undefined) for (let i = 0; i < names.length; i++) key += (i > 0 ? "\u0001" : "") + (labels[names[i]] ?? "");
    let s = this.map.get(key);
    if (s === undefined) {
      s = this.make(labelPairs(names, names.map((n) => labels?.[n] ?? "")));
      this.map.set(key, s);
    }
    return s;
  }

  values(): IterableIterator<S> {
    return this.map.values();
  }
}

interface Cell {
  readonly pairs: string;
  value: number;
}

export interface CounterChild {
  inc(by?: number): void;
}

export class Counter implements Family {
  readonly type = "counter";
  private readonly series: SeriesMap<Cell>;
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[]) {
    this.series = new SeriesMap(labelNames, (pairs) => ({ pairs, value: 0 }));
    if (labelNames.length === 0) this.series.get(undefined); // unlabelled counters start at 0
  }
  /** Adds to the unlabelled series (negative or non-finite amounts are ignored: counters only grow). */
  inc(by = 1): void {
    if (by >= 0 && by !== Infinity) this.series.get(undefined).value += by;
  }
  with(labels: Labels): CounterChild {
    const cell = this.series.get(labels);
    return {
      inc: (by = 1) => {
        if (by >= 0 && by !== Infinity) cell.value += by;
      },
    };
  }
  value(labels?: Labels): number {
    return this.series.get(labels).value;
  }
  render(constPairs: string): string {
    return renderCells(this.name, constPairs, this.series.values());
  }
}

export interface GaugeChild {
  set(v: number): void;
  inc(by?: number): void;
  dec(by?: number): void;
}

export class Gauge implements Family {
  readonly type = "gauge";
  private readonly series: SeriesMap<Cell>;
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[]) {
    this.series = new SeriesMap(labelNames, (pairs) => ({ pairs, value: 0 }));
    if (labelNames.length === 0) this.series.get(undefined);
  }
  set(v: number): void {
    this.series.get(undefined).value = v;
  }
  inc(by = 1): void {
    this.series.get(undefined).value += by;
  }
  dec(by = 1): void {
    this.series.get(undefined).value -= by;
  }
  with(labels: Labels): GaugeChild {
    const cell = this.series.get(labels);
    return { set: (v) => void (cell.value = v), inc: (by = 1) => void (cell.value += by), dec: (by = 1) => void (cell.value -= by) };
  }
  value(labels?: Labels): number {
    return this.series.get(labels).value;
  }
  render(constPairs: string): string {
    return renderCells(this.name, constPairs, this.series.values());
  }
}

function renderCells(name: string, constPairs: string, cells: Iterable<Cell>): string {
  let out = "";
  for (const c of cells) out += `${name}${braces(constPairs, c.pairs)} ${formatValue(c.value)}\n`;
  return out;
}

interface Buckets {
  readonly pairs: string;
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last one is (last bound, +Inf). */
  readonly counts: number[];
  sum: number;
  count: number;
}

export interface HistogramChild {
  observe(v: number): void;
}

export class Histogram implements Family {
  readonly type = "histogram";
  private readonly series: SeriesMap<Buckets>;
  private readonly les: readonly string[];
  constructor(readonly name: string, readonly help: string, readonly bounds: readonly number[], readonly labelNames: readonly string[]) {
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) throw new Error(`histogram ${name}: buckets must increase`);
    }
    this.les = [...bounds.map(formatValue), "+Inf"];
    this.series = new SeriesMap(labelNames, (pairs) => ({ pairs, counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 }));
    if (labelNames.length === 0) this.series.get(undefined);
  }
  observe(v: number): void {
    this.add(this.series.get(undefined), v);
  }
  with(labels: Labels): HistogramChild {
    const b = this.series.get(labels);
    return { observe: (v) => this.add(b, v) };
  }
  /** Observations so far (tests, reports). */
  count(labels?: Labels): number {
    return this.series.get(labels).count;
  }
  private add(b: Buckets, v: number): void {
    if (Number.isNaN(v)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && v > bounds[i]) i++;
    b.counts[i]++;
    b.sum += v;
    b.count++;
  }
  render(constPairs: string): string {
    let out = "";
    for (const b of this.series.values()) {
      let acc = 0;
      for (let i = 0; i < b.counts.length; i++) {
        acc += b.counts[i];
        out += `${this.name}_bucket${braces(constPairs, b.pairs, `le="${this.les[i]}"`)} ${acc}\n`;
      }
      const lbl = braces(constPairs, b.pairs);
      out += `${this.name}_sum${lbl} ${formatValue(b.sum)}\n${this.name}_count${lbl} ${b.count}\n`;
    }
    return out;
  }
}

class CallbackFamily implements Family {
  readonly labelNames: readonly string[] = [];
  constructor(
    readonly type: "counter" | "gauge",
    readonly name: string,
    readonly help: string,
    private readonly read: () => Reading,
  ) {}
  render(constPairs: string): string {
    const r = this.read();
    if (typeof r === "number") return `${this.name}${braces(constPairs)} ${formatValue(r)}\n`;
    let out = "";
    for (const s of r) {
      const names = s.labels === undefined ? [] : Object.keys(s.labels).filter(isLabelName);
      const pairs = labelPairs(names, names.map((n) => s.labels?.[n] ?? ""));
      out += `${this.name}${braces(constPairs, pairs)} ${formatValue(s.value)}\n`;
    }
    return out;
  }
}

export interface RegistryOptions {
  /** Name prefix joined with "_" (Nakama's metrics.prefix); "" for none. */
  prefix?: string;
  /** Labels on every series (node_name, namespace). */
  constLabels?: Labels;
  /** Told when a callback metric or collect hook throws during a scrape (the scrape goes on). */
  onError?: (err: unknown, metric: string) => void;
}

type Entry = { family: Family; help: string };

export class Registry {
  private readonly families = new Map<string, Entry>();
  private readonly collectors = new Set<() => void>();
  private readonly prefix: string;
  private readonly constPairs: string;
  private readonly onError: (err: unknown, metric: string) => void;
  /** Nakama's metrics_collection_errors_count: reads that failed during scrapes. */
  private readonly collectionErrors: Counter;

  constructor(opts: RegistryOptions = {}) {
    this.prefix = opts.prefix ? `${opts.prefix}_` : "";
    const constNames = Object.keys(opts.constLabels ?? {});
    for (const n of constNames) if (!isLabelName(n)) throw new Error(`bad label name "${n}"`);
    this.constPairs = labelPairs(constNames, constNames.map((n) => opts.constLabels?.[n] ?? ""));
    this.onError = opts.onError ?? (() => undefined);
    this.collectionErrors = this.counter("metrics_collection_errors_count", "Metric reads that failed during a scrape.");
  }

  /** The exposed name of `name` (with the prefix). */
  fullName(name: string): string {
    return this.prefix + name;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.define(name, help, "counter", labelNames, (full) => new Counter(full, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.define(name, help, "gauge", labelNames, (full) => new Gauge(full, help, labelNames));
  }

  histogram(name: string, help: string, buckets: readonly number[], labelNames: readonly string[] = []): Histogram {
    return this.define(name, help, "histogram", labelNames, (full) => new Histogram(full, help, buckets, labelNames));
  }

  /**
   * A metric whose value is read at scrape time (`type` "counter" for monotonic totals kept elsewhere).
   * Returns the function that removes it. A reader that throws is counted and skipped for that scrape.
   */
  callback(type: "counter" | "gauge", name: string, help: string, read: () => Reading): () => void {
    const full = this.fullName(name);
    if (this.families.has(full)) throw new Error(`metric ${full} is already registered`);
    this.check(full, []);
    const entry: Entry = { family: new CallbackFamily(type, full, help, read), help };
    this.families.set(full, entry);
    return () => {
      if (this.families.get(full) === entry) this.families.delete(full);
    };
  }

  /** Runs `fn` at the start of every scrape (to take one snapshot that several metrics read). */
  onCollect(fn: () => void): () => void {
    this.collectors.add(fn);
    return () => void this.collectors.delete(fn);
  }

  /** Every metric in Prometheus text format. */
  render(): string {
    for (const fn of this.collectors) {
      try {
        fn();
      } catch (err) {
        this.failed(err, "collect");
      }
    }
    let out = "";
    // The collection-error counter goes last, so that it counts this scrape's failures too.
    const order = [...this.families].filter(([, e]) => e.family !== this.collectionErrors);
    const own = this.families.get(this.collectionErrors.name);
    if (own !== undefined) order.push([this.collectionErrors.name, own]);
    for (const [name, { family, help }] of order) {
      let body: string;
      try {
        body = family.render(this.constPairs);
      } catch (err) {
        this.failed(err, name);
        continue;
      }
      if (body !== "") out += header(name, help, family.type) + body;
    }
    return out;
  }

  private failed(err: unknown, metric: string): void {
    this.collectionErrors.inc();
    this.onError(err, metric);
  }

  private define<F extends Family>(name: string, help: string, type: MetricType, labelNames: readonly string[], make: (full: string) => F): F {
    const full = this.fullName(name);
    const have = this.families.get(full);
    if (have !== undefined) {
      const f = have.family;
      if (f.type !== type || f instanceof CallbackFamily || f.labelNames.join() !== labelNames.join()) {
        throw new Error(`metric ${full} is already registered as another ${f.type}`);
      }
      return f as F;
    }
    this.check(full, labelNames);
    const family = make(full);
    this.families.set(full, { family, help });
    return family;
  }

  private check(full: string, labelNames: readonly string[]): void {
    if (!isMetricName(full)) throw new Error(`bad metric name "${full}"`);
    for (const n of labelNames) if (!isLabelName(n) || n === "le") throw new Error(`bad label name "${n}" on ${full}`);
  }
}
