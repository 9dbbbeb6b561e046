// Owns starting a Troupe server for a benchmark as its own process, pinned to one core when taskset exists
// (compiled cli.js, or src/cli.ts through tsx when the bench itself runs from source), and reading any
// process's CPU time and resident memory from /proc (and a local PostgreSQL's backends' CPU) so results can
// be given per operation.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface BenchServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The server's stdout log lines so far (JSON text). */
  readonly lines: readonly string[];
  /** CPU seconds (user + system) the server has used so far. */
  cpuSeconds(): number;
  /** Resident memory of the server process, bytes. */
  rssBytes(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Core to pin the server to (default 0). */
  core?: number;
  /** Extra flags for the server's node (e.g. --cpu-prof). */
  nodeArgs?: readonly string[];
  /** Working directory (relative runtime.path values resolve from it); default: the repository root. */
  cwd?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith(".ts");
/** The repository root, whether this file runs from bench/lib or dist/bench/lib. */
export const repoRoot = path.resolve(here, "..", "..", fromSource ? "" : "..");
const ticks = 100; // USER_HZ on Linux

export function hasTaskset(): boolean {
  return spawnSync("taskset", ["--version"]).status === 0;
}

/** CPU seconds (user + system) process `pid` has used. */
export function procCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / ticks;
}

/** CPU seconds of each PostgreSQL backend serving `database` on this machine, by process title
 * ("postgres: user database host …"); empty when PostgreSQL runs elsewhere. */
export function pgBackendCpu(database: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const words = readFileSync(`/proc/${name}/cmdline`, "utf8").split(" ");
      if (words[0] !== "postgres:" || words[2] !== database) continue;
      out.set(Number(name), procCpuSeconds(Number(name)));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** The database a `--database.address=postgres://…@127.0.0.1…/name` server flag names, when the server is
 * on this machine (so its backends' CPU can be read); undefined otherwise. */
export function localPgDatabase(flags: readonly string[]): string | undefined {
  for (const [i, f] of flags.entries()) {
    const value = f.startsWith("--database.address=") ? f.slice("--database.address=".length) : f === "--database.address" ? flags[i + 1] : undefined;
    if (value === undefined || !/^postgres(ql)?:\/\//.test(value)) continue;
    try {
      const u = new URL(value);
      if (!["127.0.0.1", "localhost", "[::1]"].includes(u.hostname)) return undefined;
      const db = decodeURIComponent(u.pathname.slice(1));
      return db === "" ? undefined : db;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** VmRSS of process `pid`, bytes (from /proc/<pid>/status). */
export function procRssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m === null ? NaN : Number(m[1]) * 1024;
}

function troupeArgs(): string[] {
  return fromSource
    ? ["--import", "tsx", path.join(repoRoot, "src", "cli.ts")]
    : [path.join(repoRoot, "dist", "src", "cli.js")];
}

/** Starts `troupe` with flags; waits for its "Startup done" log line. Pinned to `core` when possible. */
export async function startBenchServer(flags: readonly string[], coreOrOpts: number | StartOptions = 0): Promise<BenchServer> {
  const opts: StartOptions = typeof coreOrOpts === "number" ? { core: coreOrOpts } : coreOrOpts;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "troupe-bench-"));
  const args = [...(opts.nodeArgs ?? []), ...troupeArgs(), "--socket.port", "0", "--socket.address", "127.0.0.1",
    "--data_dir", dataDir, "--logger.level", "info", ...flags];
  const spawnOpts = { stdio: ["ignore", "pipe", "inherit"] as ["ignore", "pipe", "inherit"], cwd: opts.cwd ?? repoRoot };
  const child: ChildProcess = hasTaskset()
    ? spawn("taskset", ["-c", String(opts.core ?? 0), process.execPath, ...args], spawnOpts)
    : spawn(process.execPath, args, spawnOpts);
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start in 60 s")), 60_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      if (line.includes('"Startup done"')) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${child.exitCode} before starting`));
    });
  });
  const pid = child.pid!;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    lines,
    cpuSeconds: () => procCpuSeconds(pid),
    rssBytes: () => procRssBytes(pid),
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Pins the current (load generator) process to `core` when taskset exists. */
export function pinSelf(core = 1): void {
  if (hasTaskset()) spawnSync("taskset", ["-p", "-c", String(core), String(process.pid)], { stdio: "ignore" });
}
