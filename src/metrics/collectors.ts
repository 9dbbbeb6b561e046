// Owns the metrics read from other parts at scrape time: database pool (Nakama's db_* gauges), runtime VM
// pools (lua_runtimes, javascript_runtimes and Troupe's pool use), the actor kernel (mailbox depths, dead
// letters, restarts…), storage index sizes, and the process itself (event-loop lag from perf_hooks, memory). Each `watch…`
// returns the function that removes what it registered.
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { PoolStats } from "../runtime/pool.js";
import type { DbStats } from "../storage/db.js";
import type { Reading, Registry } from "./registry.js";

/** The kernel figures we export (actors/kernel's KernelMetrics has these fields; src/ cannot import it). */
export interface KernelFigures {
  actors: number;
  supervisors: number;
  deadLetters: number;
  dropped: number;
  rejected: number;
  restarts: number;
  lateReplies: number;
  skippedTicks: number;
  mailboxTotal: number;
  mailboxMax: number;
}

function all(offs: Array<() => void>): () => void {
  return () => offs.forEach((off) => off());
}

/** Nakama's db_* pool gauges (the ones our Db can tell), plus db_waiting_clients. */
export function watchDb(r: Registry, stats: () => DbStats): () => void {
  let s: DbStats | undefined;
  const offs = [r.onCollect(() => (s = stats()))];
  const g = (name: string, help: string, pick: (s: DbStats) => number) => offs.push(r.callback("gauge", name, help, () => (s === undefined ? 0 : pick(s))));
  g("db_max_open_conns", "Most open database connections.", (x) => x.maxOpen);
  g("db_total_open_conns", "Open database connections.", (x) => x.open);
  g("db_in_use_conns", "Database connections in use.", (x) => x.inUse);
  g("db_idle_conns", "Idle database connections.", (x) => x.idle);
  g("db_waiting_clients", "Troupe: callers waiting for a database connection.", (x) => x.waiting);
  return all(offs);
}

type Pools = Partial<Record<"lua" | "js", Readonly<PoolStats>>>;

/**
 * VM pool metrics: Nakama's lua_runtimes / javascript_runtimes (live VMs) and Troupe's runtime_vm_*
 * by `runtime` label. `stats` may return undefined (runtime not loaded yet) or omit an engine.
 */
export function watchRuntimePools(r: Registry, stats: () => Pools | undefined): () => void {
  let p: Pools = {};
  const offs = [r.onCollect(() => (p = stats() ?? {}))];
  offs.push(r.callback("gauge", "lua_runtimes", "Live Lua VMs.", () => p.lua?.vms ?? 0));
  offs.push(r.callback("gauge", "javascript_runtimes", "Live JavaScript VMs.", () => p.js?.vms ?? 0));
  const by = (pick: (s: Readonly<PoolStats>) => number): (() => Reading) => () => {
    const out: Array<{ labels: { runtime: string }; value: number }> = [];
    for (const kind of ["lua", "js"] as const) {
      const s = p[kind];
      if (s !== undefined) out.push({ labels: { runtime: kind }, value: pick(s) });
    }
    return out;
  };
  offs.push(r.callback("gauge", "runtime_vm_busy", "Troupe: VMs running a call.", by((s) => s.busy)));
  offs.push(r.callback("gauge", "runtime_vm_queued", "Troupe: calls waiting for a VM.", by((s) => s.queued)));
  offs.push(r.callback("gauge", "runtime_vm_peak_queued", "Troupe: most calls that waited for a VM at once.", by((s) => s.peakQueued)));
  offs.push(r.callback("counter", "runtime_vm_calls", "Troupe: calls served by pooled VMs.", by((s) => s.calls)));
  offs.push(r.callback("counter", "runtime_vm_rejected", "Troupe: calls refused because the VM queue was full.", by((s) => s.rejected)));
  offs.push(r.callback("counter", "runtime_vm_created", "Troupe: VMs created.", by((s) => s.created)));
  offs.push(r.callback("counter", "runtime_vm_replaced", "Troupe: VMs replaced after becoming unusable.", by((s) => s.replaced)));
  return all(offs);
}

/** storage_index_entry_count by `index`: the entries each storage index holds. */
export function watchStorageIndexes(r: Registry, counts: () => ReadonlyArray<{ name: string; entries: number }>): () => void {
  return r.callback("gauge", "storage_index_entry_count", "Entries in each storage index.", () =>
    counts().map((c) => ({ labels: { index: c.name }, value: c.entries })));
}

/** The actor kernel: live actors, mailbox depths, dead letters, shed messages, restarts. */
export function watchKernel(r: Registry, figures: () => KernelFigures): () => void {
  let k: KernelFigures | undefined;
  const offs = [r.onCollect(() => (k = figures()))];
  const add = (type: "gauge" | "counter", name: string, help: string, pick: (k: KernelFigures) => number) =>
    offs.push(r.callback(type, name, help, () => (k === undefined ? 0 : pick(k))));
  add("gauge", "actor_count", "Troupe: live actors.", (x) => x.actors);
  add("gauge", "actor_supervisors", "Troupe: live supervisors.", (x) => x.supervisors);
  add("gauge", "actor_mailbox_depth", "Troupe: messages waiting in all mailboxes.", (x) => x.mailboxTotal);
  add("gauge", "actor_mailbox_depth_max", "Troupe: deepest mailbox.", (x) => x.mailboxMax);
  add("counter", "actor_dead_letters", "Troupe: messages to stopped actors or left in a stopped actor's mailbox.", (x) => x.deadLetters);
  add("counter", "actor_dropped_messages", "Troupe: messages shed by a full drop-newest/drop-oldest mailbox.", (x) => x.dropped);
  add("counter", "actor_rejected_messages", "Troupe: messages refused by a full reject mailbox.", (x) => x.rejected);
  add("counter", "actor_restarts", "Troupe: actor restarts by supervision.", (x) => x.restarts);
  add("counter", "actor_late_replies", "Troupe: replies that came after their ask's deadline.", (x) => x.lateReplies);
  add("counter", "actor_skipped_ticks", "Troupe: timer ticks skipped because the previous one was still pending.", (x) => x.skippedTicks);
  return all(offs);
}

/**
 * Event-loop lag (perf_hooks monitorEventLoopDelay; figures since the previous scrape) and memory.
 * The monitor runs until the returned function is called.
 */
export function watchProcess(r: Registry): () => void {
  const resolutionMs = 10;
  const h = monitorEventLoopDelay({ resolution: resolutionMs });
  h.enable();
  // Measured on Node 20: the histogram records the whole sampling interval (an idle loop reads ~10.1 ms
  // at resolution 10), so the lag is what exceeds the resolution.
  const ms = (ns: number) => (Number.isFinite(ns) && ns > 0 ? Math.max(0, ns / 1e6 - resolutionMs) : 0);
  const offs = [
    r.callback("gauge", "event_loop_lag_ms", "Troupe: event-loop delay in milliseconds since the previous scrape.", () => {
      const out = [
        { labels: { stat: "mean" }, value: ms(h.mean) },
        { labels: { stat: "p50" }, value: ms(h.percentile(50)) },
        { labels: { stat: "p99" }, value: ms(h.percentile(99)) },
        { labels: { stat: "max" }, value: ms(h.max) },
      ];
      h.reset();
      return out;
    }),
    r.callback("gauge", "process_rss_bytes", "Troupe: resident set size of the server process.", () => process.memoryUsage.rss()),
    r.callback("gauge", "process_heap_used_bytes", "Troupe: V8 heap in use.", () => process.memoryUsage().heapUsed),
  ];
  return () => {
    h.disable();
    all(offs)();
  };
}
