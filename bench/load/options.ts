// Owns the load tool's command line: the options, their defaults (common ones per workload), their
// bounds (every run is bounded in count and time), the usage text, and resolving a partial set of
// options into a complete LoadOptions for library callers (tests, the older single-purpose tools).
import { parseArgs } from "node:util";
import { parseTargetUrl, type TargetSpec } from "./target.js";
import { RUNTIMES, WORKLOADS, type LoadOptions, type Runtime, type WorkloadName } from "./types.js";
import { workloads } from "./workloads/index.js";

export class UsageError extends Error {}

/** Upper bounds: the tool refuses anything larger. */
export const LIMITS = {
  size: 50_000, duration: 600, concurrency: 4096, warmup: 120, rounds: 20, payload: 65_536, inflight: 256,
  players: 64, rate: 1_000_000, tickRate: 120, msgRate: 1000, users: 50_000, batch: 100, limit: 100, sockets: 50_000,
} as const;

export interface CliOptions {
  readonly load: LoadOptions;
  /** A (and B in compare mode). */
  readonly targets: readonly TargetSpec[];
  readonly rounds: number;
  readonly json?: string;
  readonly markdown?: string;
  readonly svg?: string;
  readonly progress: boolean;
}

const str = { type: "string" } as const;
const spec = {
  size: str, duration: str, concurrency: str, warmup: str, phases: str, target: str, compare: str, rounds: str,
  "server-key": str, "http-key": str, "compare-server-key": str, "compare-http-key": str, pid: str, "compare-pid": str,
  "server-flags": str, "compare-server-flags": str, "server-node-args": str, json: str, markdown: str, svg: str, runtime: str, "rpc-id": str,
  payload: str, inflight: str, format: str, players: str, rate: str, "tick-rate": str, "msg-rate": str,
  "create-rpc": str, "match-module": str, users: str, batch: str, board: str, limit: str,
  "no-progress": { type: "boolean" }, help: { type: "boolean", short: "h" },
} as const;

function num(raw: string | undefined, name: string, def: number, min: number, max: number, integer = true): number {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) throw new UsageError(`--${name} must be ${integer ? "an integer" : "a number"}, not ${raw}`);
  if (v < min || v > max) throw new UsageError(`--${name} must be between ${min} and ${max} (got ${v})`);
  return v;
}

function oneOf<T extends string>(raw: string | undefined, name: string, allowed: readonly T[], def: T): T {
  if (raw === undefined) return def;
  if (!(allowed as readonly string[]).includes(raw)) throw new UsageError(`--${name} must be one of ${allowed.join(", ")} (got ${raw})`);
  return raw as T;
}

type Raw = Partial<Record<keyof typeof spec, string>>;

/** Resolves raw option strings into LoadOptions for `workload` (defaults applied, bounds checked). */
export function resolveLoad(workload: WorkloadName, raw: Raw): LoadOptions {
  const w = workloads[workload];
  const d = w.defaults;
  const runtime = oneOf<Runtime>(raw.runtime, "runtime", RUNTIMES, "lua");
  const phases = raw.phases === undefined ? w.phases : raw.phases.split(",").map((p) => p.trim());
  for (const p of phases) if (!w.phases.includes(p)) throw new UsageError(`${workload} has no phase ${p} (phases: ${w.phases.join(", ")})`);
  const o: LoadOptions = {
    workload, phases,
    size: num(raw.size, "size", d.size, 0, LIMITS.size),
    duration: num(raw.duration, "duration", d.duration, 0.1, LIMITS.duration, false),
    concurrency: num(raw.concurrency, "concurrency", d.concurrency, 1, LIMITS.concurrency),
    warmup: num(raw.warmup, "warmup", d.warmup, 0, LIMITS.warmup, false),
    runtime,
    rpcId: raw["rpc-id"] ?? "echo",
    payload: num(raw.payload, "payload", 64, 1, LIMITS.payload),
    inflight: num(raw.inflight, "inflight", 4, 1, LIMITS.inflight),
    format: oneOf(raw.format, "format", ["json", "protobuf"] as const, "json"),
    players: num(raw.players, "players", workload === "authoritative" ? 8 : 4, 2, LIMITS.players),
    rate: num(raw.rate, "rate", 48_000, 1, LIMITS.rate),
    tickRate: num(raw["tick-rate"], "tick-rate", 10, 1, LIMITS.tickRate),
    msgRate: num(raw["msg-rate"], "msg-rate", 2, 0.1, LIMITS.msgRate, false),
    createRpc: raw["create-rpc"] ?? `${runtime}_create`,
    matchModule: raw["match-module"] ?? `${runtime}_relay`,
    users: num(raw.users, "users", 100, 1, LIMITS.users),
    batch: num(raw.batch, "batch", 1, 1, LIMITS.batch),
    board: raw.board ?? "bench",
    limit: num(raw.limit, "limit", 20, 1, LIMITS.limit),
  };
  if ((workload === "relay" || workload === "authoritative") && o.size * o.players > LIMITS.sockets) {
    throw new UsageError(`--size × --players must stay within ${LIMITS.sockets} sockets`);
  }
  if (workload === "matchmaker" && o.size % 2 !== 0) throw new UsageError("matchmaker: --size must be even (tickets pair up)");
  return o;
}

/** Library form: options given as an object of CLI names (numbers allowed), plus library extras. */
export function loadOptions(workload: WorkloadName, given: Record<string, string | number> = {}, lib?: LoadOptions["lib"]): LoadOptions {
  const raw: Raw = {};
  for (const [k, v] of Object.entries(given)) {
    if (!(k in spec)) throw new UsageError(`unknown option ${k}`);
    (raw as Record<string, string>)[k] = String(v);
  }
  const o = resolveLoad(workload, raw);
  return lib === undefined ? o : { ...o, lib };
}

const splitFlags = (s: string | undefined): string[] => (s === undefined ? [] : s.split(/\s+/).filter(Boolean));

function targetSpec(where: string, serverKey: string, httpKey: string, pid: number | undefined, flags: string[], nodeArgs: string[] = []): TargetSpec {
  if (where !== "local") parseTargetUrl(where); // refuses non-loopback targets before any traffic
  return { where, serverKey, httpKey, serverFlags: flags, nodeArgs, ...(pid !== undefined ? { pid } : {}) };
}

/** Parses argv (without node and script). Returns null for --help / no workload (print usage). */
export function parseCli(argv: readonly string[]): { cli: CliOptions } | { help: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: spec, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [name, ...extra] = parsed.positionals;
  if (parsed.values.help === true || name === undefined) return { help: usage(name) };
  if (!(WORKLOADS as readonly string[]).includes(name)) throw new UsageError(`unknown workload ${name} (workloads: ${WORKLOADS.join(", ")})`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  const v = parsed.values as Raw & { "no-progress"?: boolean };
  const load = resolveLoad(name as WorkloadName, v);
  const pid = (k: "pid" | "compare-pid"): number | undefined => (v[k] === undefined ? undefined : num(v[k], k, 0, 1, 2 ** 31));
  const a = targetSpec(v.target ?? "local", v["server-key"] ?? "defaultkey", v["http-key"] ?? "defaulthttpkey", pid("pid"), splitFlags(v["server-flags"]),
    splitFlags(v["server-node-args"]));
  const targets = [a];
  if (v.compare !== undefined) {
    targets.push(targetSpec(v.compare, v["compare-server-key"] ?? a.serverKey, v["compare-http-key"] ?? a.httpKey, pid("compare-pid"),
      splitFlags(v["compare-server-flags"] ?? v["server-flags"])));
  }
  return {
    cli: {
      load, targets,
      rounds: num(v.rounds, "rounds", v.compare === undefined ? 1 : 3, 1, LIMITS.rounds),
      ...(v.json !== undefined ? { json: v.json } : {}),
      ...(v.markdown !== undefined ? { markdown: v.markdown } : {}),
      ...(v.svg !== undefined ? { svg: v.svg } : {}),
      progress: v["no-progress"] !== true,
    },
  };
}

export function usage(workload?: string): string {
  const w = workload !== undefined && (WORKLOADS as readonly string[]).includes(workload) ? workloads[workload as WorkloadName] : null;
  const head = w === null
    ? `usage: troupe-bench <workload> [options]   (or: npm run bench -- load <workload> [options])\n\nworkloads:\n${
      WORKLOADS.map((n) => `  ${n.padEnd(14)} ${workloads[n].summary}`).join("\n")}\n`
    : `troupe-bench ${w.name}: ${w.summary}\n  phases: ${w.phases.join(", ")}\n  --size: ${w.defaults.sizeMeans} (default ${w.defaults.size})\n` +
      `  --concurrency: ${w.defaults.concurrencyMeans} (default ${w.defaults.concurrency})\n  --duration default ${w.defaults.duration} s, --warmup default ${w.defaults.warmup} s\n`;
  return `${head}
targets (127.0.0.1, localhost and ::1 only; anything else is refused):
  --target URL|local        server to load (default local: a Troupe started pinned to core 0, load on core 1)
  --compare URL|local       compare mode: A (--target) and B alternately, --rounds times (default 3), ratios B/A
  --server-key K            socket.server_key (default defaultkey)      --http-key K  runtime.http_key (default defaulthttpkey)
  --compare-server-key K, --compare-http-key K, --pid N, --compare-pid N (server pid: CPU and memory from /proc)
  --server-flags="…"        extra flags for a local server, e.g. --server-flags="--runtime.lua_max_count 16"
                            (--compare-server-flags="…" for B; the = is needed as the value starts with --)
  --server-node-args="…"    node flags for a local server (A only), e.g. --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/p"
common: --size N --duration S --concurrency C --warmup S --phases a,b --rounds N
output: --json FILE --markdown FILE --svg FILE (throughput and p50/p99 per second) --no-progress
rpc:    --runtime lua|js|native (default lua) --rpc-id ID (default echo) --payload BYTES (64) --inflight K (4)
        --format json|protobuf (sockets; default json)
match:  --players P (relay 4, authoritative 8) --rate R (relay deliveries/s offered, 48000)
        --tick-rate T (10) --msg-rate M (per player per s, 2) --create-rpc ID (<runtime>_create)
        --match-module NAME (<runtime>_relay)
other:  --users U (idle-ccu accounts, 100) --batch B (storage objects per request, 1)
        --board ID (leaderboard, bench) --limit L (around-owner limit, 20)
A local server loads test/fixtures/modules/<runtime> (rpc), test/fixtures/modules/matches (authoritative) or
bench/load/modules (the rest). To give a Nakama the same code, copy bench/load/modules/bench.lua (rpc echo,
leaderboard bench) and test/fixtures/modules/matches/lua_relay.lua + lua_rpc.lua into its modules folder.`;
}
