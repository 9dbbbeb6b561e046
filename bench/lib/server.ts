// Owns starting a Troupe server for a benchmark as its own process, pinned to one core when taskset exists,
// and reading that process's CPU time from /proc so results can be given as CPU per operation.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface BenchServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** CPU seconds (user + system) the server has used so far. */
  cpuSeconds(): number;
  /** Resident memory of the server process, bytes. */
  rssBytes(): number;
  stop(): Promise<void>;
}

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli.js");
const ticks = 100; // USER_HZ on Linux

export function hasTaskset(): boolean {
  return spawnSync("taskset", ["--version"]).status === 0;
}

/** Starts `troupe` with flags; waits for its "Startup done" log line. Pinned to `core` when possible. */
export async function startBenchServer(flags: string[], core = 0): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "troupe-bench-"));
  const args = [cli, "--socket.port", "0", "--socket.address", "127.0.0.1", "--data_dir", dataDir, "--logger.level", "info", ...flags];
  const pinned = hasTaskset();
  const child: ChildProcess = pinned
    ? spawn("taskset", ["-c", String(core), process.execPath, ...args], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error("server did not start in 60 s")), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split("\n")) {
        if (line.includes('"Startup done"')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { port: number }).port);
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  const pid = child.pid!;
  const stat = () => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    cpuSeconds: () => {
      const f = stat();
      return (Number(f[11]) + Number(f[12])) / ticks;
    },
    rssBytes: () => Number(stat()[21]) * 4096,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Pins the current (load generator) process to `core` when taskset exists. */
export function pinSelf(core = 1): void {
  if (hasTaskset()) spawnSync("taskset", ["-p", "-c", String(core), String(process.pid)], { stdio: "ignore" });
}
