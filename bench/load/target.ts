// Owns the servers a load run may talk to: a URL on this machine's loopback interface (anything else is
// refused: the tool sends traffic to 127.0.0.1/localhost/::1 only), or "local", a Troupe server this
// tool starts pinned to core 0 with the module folder and flags the workload needs.
import { freePort } from "../lib/inspect.js";
import { startBenchServer, type BenchServer } from "../lib/server.js";

export interface Target {
  /** Shown in results: "local troupe" or the URL. */
  readonly label: string;
  readonly url: string;
  /** Host to connect to (localhost is connected as 127.0.0.1). */
  readonly host: string;
  readonly port: number;
  readonly serverKey: string;
  readonly httpKey: string;
  /** Server process id, when known: CPU and memory are read from /proc/<pid>. */
  readonly pid?: number;
  /** Inspector port of a local server started for it (memory after a full GC: bench/lib/inspect.ts). */
  readonly inspectPort?: number;
  /** A local server's stdout log lines so far (JSON text). */
  readonly logLines?: readonly string[];
}

export interface OpenedTarget {
  readonly target: Target;
  close(): Promise<void>;
}

/** What a workload needs from a local server. */
export interface LocalServerSpec {
  /** runtime.path, relative to the repository root. */
  readonly runtimePath: string;
  readonly flags: readonly string[];
  /** Start it with a loopback inspector so the workload can read memory after a full GC. */
  readonly inspect?: boolean;
}

export class TargetRefused extends Error {}

/** The connect host for a loopback hostname, or null when `hostname` is not loopback. */
export function loopbackHost(hostname: string): string | null {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost") return "127.0.0.1";
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return "::1";
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (m !== null && m.slice(1).every((x) => Number(x) <= 255)) return h;
  return null;
}

/** Parses a target URL (http:// or ws://, loopback only); throws TargetRefused otherwise. */
export function parseTargetUrl(raw: string): { url: string; host: string; port: number } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new TargetRefused(`not a URL: ${raw}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "ws:") throw new TargetRefused(`only http:// (or ws://) targets are supported, not ${u.protocol}`);
  const host = loopbackHost(u.hostname);
  if (host === null) throw new TargetRefused(`refusing ${u.hostname}: the load tool only sends traffic to 127.0.0.1, localhost or ::1`);
  const port = u.port === "" ? 80 : Number(u.port);
  const shown = host.includes(":") ? `[${host}]` : host;
  return { url: `http://${shown}:${port}`, host, port };
}

export interface TargetSpec {
  /** "local" or a loopback URL. */
  readonly where: string;
  readonly serverKey: string;
  readonly httpKey: string;
  readonly pid?: number;
  /** Extra flags for a local server. */
  readonly serverFlags: readonly string[];
  /** Node flags for a local server's process (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
}

/** Opens a target: checks a URL, or starts a local Troupe server for the workload. */
export async function openTarget(spec: TargetSpec, local: LocalServerSpec): Promise<OpenedTarget> {
  if (spec.where !== "local") {
    const u = parseTargetUrl(spec.where);
    const target: Target = { label: u.url, ...u, serverKey: spec.serverKey, httpKey: spec.httpKey, ...(spec.pid !== undefined ? { pid: spec.pid } : {}) };
    return { target, close: async () => undefined };
  }
  const flags = [
    "--runtime.path", local.runtimePath,
    "--socket.server_key", spec.serverKey,
    "--runtime.http_key", spec.httpKey,
    // Sessions outlive any bounded run, so long runs do not turn into 401s.
    "--session.token_expiry_sec", "7200",
    ...local.flags, ...spec.serverFlags,
  ];
  const inspectPort = local.inspect === true ? await freePort() : undefined;
  const nodeArgs = [...(spec.nodeArgs ?? []), ...(inspectPort === undefined ? [] : [`--inspect=127.0.0.1:${inspectPort}`])];
  const server: BenchServer = await startBenchServer(flags, { core: 0, nodeArgs });
  const target: Target = {
    label: spec.serverFlags.length === 0 ? "local troupe" : `local troupe (${spec.serverFlags.join(" ")})`, url: server.url, host: "127.0.0.1", port: server.port,
    serverKey: spec.serverKey, httpKey: spec.httpKey, pid: server.pid, logLines: server.lines, ...(inspectPort !== undefined ? { inspectPort } : {}),
  };
  return { target, close: () => server.stop() };
}
