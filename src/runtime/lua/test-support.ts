// Owns helpers shared by this folder's tests: a VM with an `eval` module and a capturing logger.
import { Writable } from "node:stream";
import { createLogger, silentLogger } from "../../log.js";
import type { Logger } from "../../log.js";
import { createLuaVm } from "./vm.js";
import type { LuaVm } from "./vm.js";
import type { HostFn, LuaModuleSource } from "./types.js";
import type { LuaRef } from "./types.js";

export interface TestVm {
  readonly vm: LuaVm;
  /** Runs a Lua chunk (may `return` values) and resolves with its converted results. */
  run(code: string): Promise<unknown[]>;
}

const EVAL_SOURCE = `return function(src, ...)
  local f, err = load(src, "=eval")
  if not f then error(err, 0) end
  return f(...)
end`;

export function modules(entries: Record<string, string>): Map<string, LuaModuleSource> {
  return new Map(Object.entries(entries).map(([name, source]) => [name, { source, file: `${name.replace(/\./g, "/")}.lua` }]));
}

export async function testVm(opts: {
  modules?: Record<string, string>;
  host?: Record<string, HostFn>;
  timeoutMs?: number;
  log?: Logger;
} = {}): Promise<TestVm> {
  const vm = await createLuaVm({
    modules: modules({ ...(opts.modules ?? {}), __eval: EVAL_SOURCE }),
    hostModules: { nakama: opts.host ?? {} },
    callTimeoutMs: opts.timeoutMs ?? 2000,
    log: opts.log ?? silentLogger(),
  });
  let evalRef: LuaRef | null = null;
  return {
    vm,
    async run(code: string): Promise<unknown[]> {
      evalRef ??= await vm.requireModule("__eval");
      return vm.call(evalRef, [code]);
    },
  };
}

/** Runs one chunk in a fresh VM and returns its first result. */
export async function luaValue(code: string): Promise<unknown> {
  const t = await testVm();
  const [v] = await t.run(code);
  t.vm.close();
  return v;
}

/** A logger that keeps every line it writes, parsed. */
export function memoryLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb): void {
      for (const l of chunk.toString("utf8").split("\n")) if (l.trim() !== "") lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger({ level: "debug", destination }), lines };
}

/** Waits until `cond()` holds, polling each event-loop turn, failing after `ms`. */
export async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setImmediate(r));
  }
}
