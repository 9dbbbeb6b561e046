// Owns test helpers for the JS engine's unit tests: one shared engine per test file, a VM factory with
// small limits, and a logger that records lines in memory.
import type { DestinationStream } from "pino";
import { createLogger, silentLogger } from "../../log.js";
import type { Logger } from "../../log.js";
import { createJsEngine } from "./engine.js";
import type { JsEngine } from "./engine.js";
import type { HostFn } from "./marshal.js";
import { createJsVm } from "./vm.js";
import type { JsVm, JsVmOptions } from "./vm.js";

export interface Recorded {
  log: Logger;
  lines: Array<Record<string, unknown>>;
}

/** A debug-level logger whose JSON lines are parsed into `lines`. */
export function recordingLogger(): Recorded {
  const lines: Array<Record<string, unknown>> = [];
  const destination: DestinationStream = {
    write(msg: string) {
      lines.push(JSON.parse(msg) as Record<string, unknown>);
    },
  };
  return { log: createLogger({ level: "debug", destination }), lines };
}

/** A lazily created engine shared by the tests of one file. */
export function engineOnce(): () => Promise<JsEngine> {
  let engine: Promise<JsEngine> | undefined;
  return () => (engine ??= createJsEngine({ log: silentLogger() }));
}

export type VmOverrides = Partial<JsVmOptions> & { globals?: Record<string, Record<string, HostFn>> };

/** A VM with 1 s calls and a 24 MiB memory cap unless overridden. */
export async function makeVm(engine: JsEngine, source: string, over: VmOverrides = {}): Promise<JsVm> {
  return createJsVm({
    source,
    file: "index.js",
    globals: {},
    callTimeoutMs: 1000,
    memoryLimitBytes: 24 << 20,
    log: silentLogger(),
    engine,
    ...over,
  });
}

/** Resolves after `ms`: used only to make a host function asynchronous, never to wait for an outcome. */
export function later<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}
