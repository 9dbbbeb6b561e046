// Owns calling module code by registration key, whichever engine owns it: native functions in-process,
// Lua and JS through their VM pools; failures become the client-facing ModuleCallError (errors.ts).
// Also shapes a wire message for the engine that will receive it (typed value for native, protojson
// shapes for Lua and JS: convert.ts).
import type { Logger } from "../log.js";
import type { MessageType } from "../../proto/index.js";
import type { RuntimeContext } from "./context.js";
import { toGuest } from "./convert.js";
import type { EngineVm } from "./engine.js";
import { moduleFailure, type ErrorPolicy } from "./errors.js";
import type { VmPool } from "./pool.js";
import type { EngineKind, Ownership } from "./registry.js";

export interface Dispatcher {
  readonly ownership: Ownership;
  readonly log: Logger;
  readonly policy: ErrorPolicy;
  readonly native: EngineVm | undefined;
  readonly pools: Partial<Record<"lua" | "js", VmPool>>;
}

/** Calls the function owned by `engine` under `key`; rejects with ModuleCallError. */
export function invoke(
  d: Dispatcher,
  engine: EngineKind,
  key: string,
  ctx: RuntimeContext,
  args: readonly unknown[],
  fields: Readonly<Record<string, unknown>>,
): Promise<unknown> {
  const call = { key, ctx, args, fields };
  let out: Promise<unknown>;
  try {
    out = engine === "native" ? (d.native as EngineVm).call(call) : (d.pools[engine] as VmPool).call(call);
  } catch (err) {
    out = Promise.reject(err);
  }
  return out.catch((err: unknown) => {
    throw moduleFailure(err, engine, { ...fields, uid: ctx.userId || undefined }, d.log, d.policy);
  });
}

/** A wire message as `engine` receives it; null stays null. */
export function shape(engine: EngineKind, type: MessageType | null, value: unknown): unknown {
  if (type === null || value === null || value === undefined) return null;
  return engine === "native" ? value : toGuest(type, value, engine);
}
