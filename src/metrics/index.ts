// Owns the public surface of metrics and the two calls the composition root makes: `metricsFromConfig`
// (the named server metrics, or undefined when metrics.prometheus_port is 0: nothing is then recorded)
// and `serveMetrics` (the Prometheus listener plus every scrape-time collector, stopped together).
import type { Config } from "../config/schema.js";
import type { Logger } from "../log.js";
import type { PoolStats } from "../runtime/pool.js";
import type { DbStats } from "../storage/db.js";
import { watchDb, watchKernel, watchProcess, watchRuntimePools, watchStorageIndexes, type KernelFigures } from "./collectors.js";
import { startMetricsServer, type MetricsServer } from "./http.js";
import { createServerMetrics, registryFromConfig, type GaugeSources, type ServerMetrics } from "./server-metrics.js";

export { Registry, Counter, Gauge, Histogram } from "./registry.js";
export type { Labels, Reading, Sample, MetricType, RegistryOptions, CounterChild, GaugeChild, HistogramChild } from "./registry.js";
export { CONTENT_TYPE, sanitizeName } from "./exposition.js";
export { createServerMetrics, registryFromConfig, LATENCY_BUCKETS_MS } from "./server-metrics.js";
export type { GaugeSources, PipelineMetrics, ServerMetrics } from "./server-metrics.js";
export { watchDb, watchKernel, watchProcess, watchRuntimePools, watchStorageIndexes, type KernelFigures } from "./collectors.js";
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from "./http.js";
export { instrumentRpc, instrumentWs, observeHttp } from "./instrument.js";

/** The server's metrics when metrics.prometheus_port > 0, else undefined (metrics off, zero cost). */
export function metricsFromConfig(config: Config, log: Logger): ServerMetrics | undefined {
  if (config.metrics.prometheus_port <= 0) return undefined;
  return createServerMetrics(registryFromConfig(config, log.child({ module: "metrics" })));
}

/** What the collectors read at scrape time. */
export interface MetricsSources {
  db: { stats(): DbStats };
  kernel: () => KernelFigures;
  runtime: () => Partial<Record<"lua" | "js", Readonly<PoolStats>>> | undefined;
  gauges: GaugeSources;
  /** Entries per storage index (storage_index_entry_count). */
  storageIndexes?: () => ReadonlyArray<{ name: string; entries: number }>;
}

/** Starts the collectors and the listener on metrics.prometheus_port (same interface as socket.address). */
export async function serveMetrics(metrics: ServerMetrics, config: Config, log: Logger, src: MetricsSources): Promise<MetricsServer> {
  const r = metrics.registry;
  const offs = [
    watchDb(r, () => src.db.stats()),
    watchKernel(r, src.kernel),
    watchRuntimePools(r, src.runtime),
    watchProcess(r),
    metrics.watch(src.gauges),
  ];
  if (src.storageIndexes !== undefined) offs.push(watchStorageIndexes(r, src.storageIndexes));
  const stopAll = () => offs.forEach((off) => off());
  let server: MetricsServer;
  try {
    server = await startMetricsServer({
      port: config.metrics.prometheus_port, address: config.socket.address, registry: r, log: log.child({ module: "metrics" }),
    });
  } catch (err) {
    stopAll();
    throw err;
  }
  return {
    port: server.port,
    close: async () => {
      await server.close();
      stopAll();
    },
  };
}
