// Owns one runtime VM as an actor: it serves one call at a time (the kernel runs one message at a time,
// async handlers included), answers the caller directly, then tells its pool it is free again and
// whether its engine still considers the VM usable (`release`: pool.actor.ts puts it straight back on
// the idle list when nothing waits, else sends the pool a "done"). Stopping the actor closes the VM.
// A call the pool started itself on this idle VM (pool.actor.ts callIdle) and that suspended reaches the
// actor as "finish": the actor holds the VM until it settles, exactly as for a call it ran.
import { GameError, toGameError } from "../../src/errors.js";
import type { EngineVm } from "../../src/runtime/engine.js";
import type { ActorSpec } from "../kernel/index.js";
import type { VmMsg } from "./pool.messages.js";

/** Hands the VM of `slot` back to its pool; `usable` false means replace it. */
export type ReleaseVm = (slot: number, usable: boolean) => void;

interface VmState {
  readonly vm: EngineVm;
}

/** What a failed call rejects with (a GameError as it is). */
export function failure(err: unknown): GameError {
  return err instanceof GameError ? err : toGameError(err, err instanceof Error ? err.message : String(err));
}

// A promise chain, not an async function: one promise hop less per call (this is every guest call's path).
function run(state: VmState, msg: VmMsg, release: ReleaseVm, slot: number): VmState | Promise<VmState> {
  const free = (): VmState => {
    release(slot, state.vm.usable());
    return state;
  };
  let out: Promise<unknown>;
  if (msg.type === "finish") {
    out = msg.pending;
  } else {
    // The ask may have expired while the call waited in the pool's queue: nobody is listening any more.
    if (msg.replyTo.settled) return free();
    try {
      if (state.vm.callNow === undefined) {
        out = state.vm.call(msg.call);
      } else {
        // A guest that finishes synchronously is answered within this turn (a sync handler: no promise hops).
        const value = state.vm.callNow(msg.call);
        if (!(value instanceof Promise)) {
          msg.replyTo.ok(value);
          return free();
        }
        out = value;
      }
    } catch (err) {
      out = Promise.reject(err);
    }
  }
  return out.then(
    (value) => {
      msg.replyTo.ok(value);
      return free();
    },
    (err: unknown) => {
      msg.replyTo.fail(failure(err));
      return free();
    },
  );
}

export function vmActorSpec(vm: EngineVm, release: ReleaseVm, slot: number): ActorSpec<VmMsg, VmState> {
  return {
    name: `vm-${slot}`,
    restart: "temporary",
    mailbox: { capacity: 4, overflow: "reject" },
    // A call starts right after the code that sent it, not one event-loop turn later.
    eager: true,
    init: () => ({ vm }),
    handle: (state, msg) => run(state, msg, release, slot),
    onStop: (state) => state.vm.close(),
  };
}
