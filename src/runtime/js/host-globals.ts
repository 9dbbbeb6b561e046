// Owns the small host globals every JS VM gets besides the caller's: a `console` that writes to the
// VM's pino logger, and a `process` stub ({ env, argv, versions }) so bundled npm libraries that read
// process.env do not crash. A caller-supplied global of the same name replaces either.
import type { Logger } from "../../log.js";
import type { HostFn } from "./marshal.js";
import { isJsRef } from "./refs.js";

function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (isJsRef(v)) return v.kind === "function" ? "[function]" : "[object]";
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : isJsRef(x) ? "[function]" : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function line(args: readonly unknown[]): string {
  return args.map(text).join(" ");
}

/** console.{log,info,debug,warn,error} → pino at the matching level, tagged source "js-console". */
export function consoleObject(log: Logger): Record<string, HostFn> {
  const tag = { source: "js-console" };
  return {
    log: (args) => log.info(tag, line(args)),
    info: (args) => log.info(tag, line(args)),
    debug: (args) => log.debug(tag, line(args)),
    warn: (args) => log.warn(tag, line(args)),
    error: (args) => log.error(tag, line(args)),
  };
}

/** The `process` stub: values of env are strings supplied by the caller. */
export function processObject(env: Record<string, string>): Record<string, unknown> {
  return { env: { ...env }, argv: [], versions: {} };
}
