// Owns latency recording and the summary lines benchmarks print (percentiles, rates, Markdown rows).

export class Latencies {
  private samples: number[] = [];
  add(ms: number): void {
    this.samples.push(ms);
  }
  get count(): number {
    return this.samples.length;
  }
  percentile(p: number): number {
    if (this.samples.length === 0) return NaN;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }
}

export const fmt = (n: number, digits = 1): string =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits }) : "–";

/** Prints a Markdown table. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Runs `workers` closed loops of `op` for `seconds`; returns completed ops, errors and latencies. */
export async function closedLoop(
  workers: number,
  seconds: number,
  op: (worker: number, i: number) => Promise<void>,
): Promise<{ ok: number; errors: number; elapsed: number; lat: Latencies; firstError?: string }> {
  const lat = new Latencies();
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        const t = performance.now();
        try {
          await op(w, i);
          ok++;
          lat.add(performance.now() - t);
        } catch (e) {
          errors++;
          firstError ??= (e as Error).message;
        }
      }
    }),
  );
  return { ok, errors, elapsed: (performance.now() - start) / 1000, lat, firstError };
}
