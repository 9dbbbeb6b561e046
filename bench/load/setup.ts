// Owns the unmeasured setup steps workloads share: signing up device accounts and opening realtime
// sockets for them, a bounded number at a time, with the progress status kept up to date; reading a
// local server's memory after a full GC.
import { memoryAfterGc, type MemoryAfterGc } from "../lib/inspect.js";
import type { LocalServerSpec } from "./target.js";
import type { RunContext } from "./types.js";
import type { Api} from "./wire.js";
import { mapLimit, NakamaSocket, type Format, type Session } from "./wire.js";

/** Paths of the module folders a local server loads, relative to the repository root. */
export const BENCH_MODULES = "bench/load/modules";
export const fixtureModules = (folder: string): string => `test/fixtures/modules/${folder}`;
/** The local server spec of workloads that need only the tool's own modules. */
export const benchModules = (): LocalServerSpec => ({ runtimePath: BENCH_MODULES, flags: [] });

/** A device id unique to this run (Nakama wants 10–128 characters). */
export function deviceId(ctx: RunContext, tag: string, i: number | string): string {
  return `troupe-bench-${ctx.runId}-${tag}-${i}`;
}

/** Signs up `n` device accounts tagged `tag`, `parallel` at a time. */
export async function signUp(ctx: RunContext, api: Api, n: number, tag: string, parallel = ctx.opts.concurrency): Promise<Session[]> {
  let done = 0;
  return mapLimit(Array.from({ length: n }), Math.min(parallel, 64), async (_, i) => {
    const s = await api.authenticateDevice(deviceId(ctx, tag, i));
    if (++done % 100 === 0 || done === n) ctx.rec.status(`signing up ${tag}: ${done}/${n}`);
    return s;
  });
}

/** Opens one socket per session, `parallel` at a time. */
export async function openSockets(ctx: RunContext, sessions: readonly Session[], format: Format, parallel = ctx.opts.concurrency): Promise<NakamaSocket[]> {
  let done = 0;
  return mapLimit(sessions, Math.min(parallel, 256), async (s) => {
    const sock = await NakamaSocket.open(ctx.target, s.token, format);
    if (++done % 100 === 0 || done === sessions.length) ctx.rec.status(`opening sockets: ${done}/${sessions.length}`);
    return sock;
  });
}

export function closeAll(sockets: readonly NakamaSocket[]): void {
  for (const s of sockets) s.close();
}

/** The server's memory after a full GC (local servers started with `inspect` only), or null. */
export async function gcMemory(ctx: RunContext): Promise<MemoryAfterGc | null> {
  if (ctx.target.inspectPort === undefined) return null;
  try {
    return await memoryAfterGc(ctx.target.inspectPort);
  } catch (e) {
    ctx.rec.status(`memory after GC unavailable: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}
