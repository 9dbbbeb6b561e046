// Owns starting the runtime's VM pools as actors: one pool actor per sandboxed engine (Lua, JS) under
// the given supervisor, each with its VM actors as children. This is the StartPool that main.ts hands
// to the runtime framework (src/runtime/pool.ts).
import { ask, spawn, stop, type Parent } from "../kernel/index.js";
import { emptyStats, type StartPool, type VmPool } from "../../src/runtime/pool.js";
import type { EngineVm } from "../../src/runtime/engine.js";
import { callIdle, poolActorSpec, type PoolSetup } from "./pool.actor.js";
import type { PoolMsg } from "./pool.messages.js";

/** A StartPool spawning pool actors under `parent`. */
export function poolStarter(parent: Parent): StartPool {
  return (factory, first, limits): VmPool => {
    const stats = emptyStats();
    let firstVm: EngineVm | undefined = first;
    const setup: PoolSetup = {
      name: factory.kind,
      factory,
      limits,
      stats,
      takeFirst: () => {
        const vm = firstVm;
        firstVm = undefined;
        return vm;
      },
      current: null,
      nextSlot: 1,
    };
    const ref = spawn(parent, poolActorSpec(setup));
    return {
      engine: factory.kind,
      // Straight to an idle VM actor when nothing waits; otherwise through the pool actor.
      call: (call) =>
        callIdle(setup, ref, call, limits.askTimeoutMs) ??
        ask<PoolMsg, PoolMsg>(ref, (replyTo) => ({ type: "call", call, replyTo }), limits.askTimeoutMs),
      stats: () => stats,
      stop: () => stop(ref),
    };
  };
}
