// Owns the public surface of the match host for the composition root: `startMatchHost` builds the host
// (partition supervisors under the "match-partitions" family) and `runtimeHandlers` adapts the loaded
// runtime (native registrations, Lua module files, the JS bundle's registrations) to the host's
// MatchHandlerSource.
import type { Supervisor } from "../kernel/index.js";
import type { System } from "../system.js";
import type { MatchHandlerSource } from "../../src/match/index.js";
import { RegKind, regKey, type Runtime } from "../../src/runtime/index.js";
import { MatchHost, type MatchHostDeps } from "./host.js";

export { MatchHost, type MatchHostDeps } from "./host.js";
export { spawnMatchActor, type MatchActorOptions } from "./match.actor.js";
export type { MatchMsg } from "./match.messages.js";

/** Starts the match host under `where` (a System: a new "match-partitions" family; or a given supervisor). */
export function startMatchHost(where: System | Supervisor, deps: MatchHostDeps): MatchHost {
  const family = "family" in where ? where.family("match-partitions") : where;
  return new MatchHost(family, deps);
}

/** The loaded runtime as a source of match handlers. */
export function runtimeHandlers(runtime: Runtime): MatchHandlerSource {
  const js = runtime.files.js;
  return {
    native: (name) => runtime.native?.match(name),
    lua: runtime.files.lua,
    js: (name) => (js !== null && runtime.ownership.owner(regKey(RegKind.MATCH, name)) === "js" ? js : undefined),
  };
}
