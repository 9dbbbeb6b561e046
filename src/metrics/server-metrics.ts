// Owns the server's named metrics, Nakama's names where Nakama has one (reference/nakama-wire.md §14):
// overall_* over HTTP requests and socket messages, per-API <Method>_count/_latency_ms/_errors and
// before_/after_<Method>_…, Rpc_* by rpc_id, socket_ws_opened/closed, and the gauges other parts feed
// through `watch` (sessions, presences, authoritative_matches, parties, matchmaker_tickets…).
// Latencies are histograms in milliseconds with fixed buckets.
import type { Config } from "../config/schema.js";
import type { Logger } from "../log.js";
import { sanitizeName } from "./exposition.js";
import { Registry, type Counter, type CounterChild, type Histogram, type HistogramChild } from "./registry.js";

/** Milliseconds; sub-millisecond buckets because most of our requests are. */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/** What the request pipeline reports (src/pipeline/hooks.ts). */
export interface PipelineMetrics {
  /** One named request (AuthenticateDevice, ChannelJoin…) through its hooks and core function. */
  request(name: string, ms: number, failed: boolean): void;
  /** One before or after hook of a named request. */
  hook(phase: "before" | "after", name: string, ms: number, failed: boolean): void;
}

/** Gauges read at scrape time; each part of the server registers what it owns. */
export interface GaugeSources {
  sessions?: () => number;
  presences?: () => number;
  authoritativeMatches?: () => number;
  parties?: () => number;
  matchmakerTickets?: () => number;
  matchmakerActiveTickets?: () => number;
}

const SOURCE_NAMES: Record<keyof GaugeSources, [string, string]> = {
  sessions: ["sessions", "Connected realtime sessions."],
  presences: ["presences", "Tracked presences."],
  authoritativeMatches: ["authoritative_matches", "Running authoritative matches."],
  parties: ["parties", "Running parties."],
  matchmakerTickets: ["matchmaker_tickets", "Matchmaker tickets."],
  matchmakerActiveTickets: ["matchmaker_active_tickets", "Matchmaker tickets not yet matched."],
};

export interface ServerMetrics extends PipelineMetrics {
  readonly registry: Registry;
  /** One HTTP request as the router saw it (status >= 400 is an error). */
  http(ms: number, failed: boolean, recvBytes: number, sentBytes: number): void;
  /** One call of a registered RPC (HTTP or socket). */
  rpc(id: string, ms: number, failed: boolean, recvBytes: number, sentBytes: number): void;
  wsOpened(): void;
  wsClosed(): void;
  /** One inbound socket message. */
  wsReceived(bytes: number): void;
  /** One outbound socket message. */
  wsSent(bytes: number): void;
  /** Registers gauges read at scrape time; returns the function that removes them. */
  watch(sources: GaugeSources): () => void;
}

interface Trio {
  count: Counter;
  latency: Histogram;
  errors: Counter;
}

interface RpcTrio {
  count: CounterChild;
  latency: HistogramChild;
  errors: CounterChild;
  recv: CounterChild;
  sent: CounterChild;
}

/** A registry named after the config: metrics.prefix, node_name and (when set) namespace labels. */
export function registryFromConfig(config: Config, log?: Logger): Registry {
  const constLabels: Record<string, string> = { node_name: config.name };
  if (config.metrics.namespace !== "") constLabels.namespace = config.metrics.namespace;
  return new Registry({
    prefix: config.metrics.prefix,
    constLabels,
    onError: (err, metric) => log?.warn({ err, metric }, "metric read failed"),
  });
}

export function createServerMetrics(registry: Registry): ServerMetrics {
  const r = registry;
  const overall = overallMetrics(r);
  const hookOverall = {
    before: trio(r, "overall_before", "before hooks"),
    after: trio(r, "overall_after", "after hooks"),
  };
  const apis = new Map<string, Trio>();
  const apiTrio = (key: string): Trio => {
    let t = apis.get(key);
    if (t === undefined) apis.set(key, (t = trio(r, sanitizeName(key), key)));
    return t;
  };
  const rpcTrio = rpcSeries(r);
  return {
    registry,
    request: (name, ms, failed) => record(apiTrio(name), ms, failed),
    hook: (phase, name, ms, failed) => {
      record(hookOverall[phase], ms, failed);
      record(apiTrio(`${phase}_${name}`), ms, failed);
    },
    http(ms, failed, recvBytes, sentBytes) {
      const o = overall;
      o.count.inc(); o.requests.inc(); o.latency.observe(ms);
      o.recv.inc(recvBytes); o.requestRecv.inc(recvBytes); o.sent.inc(sentBytes); o.requestSent.inc(sentBytes);
      if (failed) { o.errors.inc(); o.requestErrors.inc(); }
    },
    rpc(id, ms, failed, recvBytes, sentBytes) {
      const t = rpcTrio(id);
      t.count.inc(); t.latency.observe(ms); t.recv.inc(recvBytes); t.sent.inc(sentBytes);
      if (failed) t.errors.inc();
    },
    wsOpened: () => overall.wsOpened.inc(),
    wsClosed: () => overall.wsClosed.inc(),
    wsReceived(bytes) {
      const o = overall;
      o.count.inc(); o.messages.inc(); o.recv.inc(bytes); o.messageRecv.inc(bytes);
    },
    wsSent(bytes) {
      const o = overall;
      o.wsSentMessages.inc(); o.sent.inc(bytes); o.messageSent.inc(bytes);
    },
    watch(sources) {
      const offs: Array<() => void> = [];
      for (const [key, read] of Object.entries(sources) as Array<[keyof GaugeSources, (() => number) | undefined]>) {
        if (read === undefined) continue;
        const [name, help] = SOURCE_NAMES[key];
        offs.push(r.callback("gauge", name, help, read));
      }
      return () => offs.forEach((off) => off());
    },
  };
}

function trio(r: Registry, base: string, what: string): Trio {
  return {
    count: r.counter(`${base}_count`, `Calls of ${what}.`),
    latency: r.histogram(`${base}_latency_ms`, `Latency of ${what} in milliseconds.`, LATENCY_BUCKETS_MS),
    errors: r.counter(`${base}_errors`, `Failed calls of ${what}.`),
  };
}

function record(t: Trio, ms: number, failed: boolean): void {
  t.count.inc();
  t.latency.observe(ms);
  if (failed) t.errors.inc();
}

/** overall_* (HTTP requests and socket messages) and socket_ws_*. */
function overallMetrics(r: Registry) {
  const c = (name: string, help: string) => r.counter(name, help);
  return {
    count: c("overall_count", "HTTP requests and socket messages."),
    requests: c("overall_request_count", "HTTP requests."),
    messages: c("overall_message_count", "Socket messages received."),
    recv: c("overall_recv_bytes", "Bytes received in HTTP request bodies and socket messages."),
    requestRecv: c("overall_request_recv_bytes", "Bytes received in HTTP request bodies."),
    messageRecv: c("overall_message_recv_bytes", "Bytes received in socket messages."),
    sent: c("overall_sent_bytes", "Bytes sent in HTTP response bodies and socket messages."),
    requestSent: c("overall_request_sent_bytes", "Bytes sent in HTTP response bodies."),
    messageSent: c("overall_message_sent_bytes", "Bytes sent in socket messages (text frames counted by characters)."),
    errors: c("overall_errors", "HTTP requests answered with an error."),
    requestErrors: c("overall_request_errors", "HTTP requests answered with an error."),
    latency: r.histogram("overall_latency_ms", "HTTP request latency in milliseconds.", LATENCY_BUCKETS_MS),
    wsOpened: c("socket_ws_opened", "Realtime sockets opened."),
    wsClosed: c("socket_ws_closed", "Realtime sockets closed."),
    wsSentMessages: c("socket_ws_sent_messages", "Troupe: socket messages sent."),
  };
}

/** Rpc_* by rpc_id: one set of bound series per id, made on first use. */
function rpcSeries(r: Registry): (id: string) => RpcTrio {
  const f = {
    count: r.counter("Rpc_count", "RPC calls.", ["rpc_id"]),
    latency: r.histogram("Rpc_latency_ms", "RPC latency in milliseconds.", LATENCY_BUCKETS_MS, ["rpc_id"]),
    errors: r.counter("Rpc_errors", "RPC calls that failed.", ["rpc_id"]),
    recv: r.counter("Rpc_recv_bytes", "RPC payload bytes received.", ["rpc_id"]),
    sent: r.counter("Rpc_sent_bytes", "RPC payload bytes sent.", ["rpc_id"]),
  };
  const rpcs = new Map<string, RpcTrio>();
  return (id) => {
    let t = rpcs.get(id);
    if (t === undefined) {
      const l = { rpc_id: id };
      rpcs.set(id, (t = { count: f.count.with(l), latency: f.latency.with(l), errors: f.errors.with(l), recv: f.recv.with(l), sent: f.sent.with(l) }));
    }
    return t;
  };
}
