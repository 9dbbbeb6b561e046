// Owns the shapes shared across the load tool: the resolved options of one run, the workload contract
// (what it needs from a local server, how it runs its measured phases) and the context a run gets.
import type { Recorder } from "./recorder.js";
import type { LocalServerSpec, Target } from "./target.js";
import type { Format } from "./wire.js";

export const WORKLOADS = [
  "auth", "rpc-http", "rpc-socket", "relay", "authoritative", "idle-ccu", "matchmaker", "storage", "leaderboard",
] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export const RUNTIMES = ["lua", "js", "native"] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** Every option of a run, resolved (workload defaults applied, bounds checked). */
export interface LoadOptions {
  readonly workload: WorkloadName;
  /** Workload scale: devices, matches, sockets, tickets, keys or records (see each workload). */
  readonly size: number;
  /** Seconds each measured phase lasts (idle-ccu: seconds the sockets are held; matchmaker: the wait limit). */
  readonly duration: number;
  /** Connections, sockets or parallel setup operations (see each workload). */
  readonly concurrency: number;
  /** Seconds of unrecorded load before each measured phase. */
  readonly warmup: number;
  /** Phases to run (default: all the workload has). */
  readonly phases: readonly string[];
  readonly runtime: Runtime;
  readonly rpcId: string;
  readonly payload: number;
  readonly inflight: number;
  readonly format: Format;
  readonly players: number;
  /** relay: deliveries/s offered in total. */
  readonly rate: number;
  readonly tickRate: number;
  /** authoritative: messages per second each player sends. */
  readonly msgRate: number;
  readonly createRpc: string;
  readonly matchModule: string;
  readonly users: number;
  readonly batch: number;
  readonly board: string;
  readonly limit: number;
  /** Library-only extras (not CLI options). */
  readonly lib?: LibraryExtras;
}

/** Hooks the older single-purpose tools use when they call a workload directly. */
export interface LibraryExtras {
  /** relay: the target is a bare relay (rooms by `?room=`, no auth, no match join). */
  readonly bareRelay?: boolean;
  /** leaderboard: owners (seeded elsewhere) the around-owner phase asks about. */
  readonly owners?: readonly string[];
}

export interface RunContext {
  readonly target: Target;
  readonly opts: LoadOptions;
  readonly rec: Recorder;
  /** Unique per run: device ids and usernames include it. */
  readonly runId: string;
}

/** Per-workload defaults for the common options and the help text of `size`/`concurrency`. */
export interface WorkloadDefaults {
  readonly size: number;
  readonly duration: number;
  readonly concurrency: number;
  readonly warmup: number;
  readonly sizeMeans: string;
  readonly concurrencyMeans: string;
}

export interface Workload {
  readonly name: WorkloadName;
  readonly summary: string;
  readonly phases: readonly string[];
  readonly defaults: WorkloadDefaults;
  /** Option overrides this workload wants by default (e.g. authoritative's players). */
  readonly optionDefaults?: Partial<Omit<LoadOptions, "workload" | "lib">>;
  /** The module folder and flags a local Troupe server needs for this workload. */
  local(opts: LoadOptions): LocalServerSpec;
  run(ctx: RunContext): Promise<void>;
}
