// Owns one runtime VM as an actor: it serves one call at a time (the kernel runs one message at a time,
// async handlers included), answers the caller directly, then tells its pool it is free again and
// whether its engine still considers the VM usable. Stopping the actor closes the VM.
import { GameError, toGameError } from "../../src/errors.js";
import type { EngineVm } from "../../src/runtime/engine.js";
import { tell, type ActorRef, type ActorSpec } from "../kernel/index.js";
import type { PoolMsg, VmMsg } from "./pool.messages.js";

interface VmState {
  readonly vm: EngineVm;
}

function failure(err: unknown): GameError {
  return err instanceof GameError ? err : toGameError(err, err instanceof Error ? err.message : String(err));
}

// A promise chain, not an async function: one promise hop less per call (this is every guest call's path).
function run(state: VmState, msg: VmMsg, pool: ActorRef<PoolMsg>, slot: number): VmState | Promise<VmState> {
  const free = (): VmState => {
    tell(pool, { type: "done", slot, usable: state.vm.usable() });
    return state;
  };
  // The ask may have expired while the call waited in the pool's queue: nobody is listening any more.
  if (msg.replyTo.settled) return free();
  let out: Promise<unknown>;
  try {
    out = state.vm.call(msg.call);
  } catch (err) {
    out = Promise.reject(err);
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

export function vmActorSpec(vm: EngineVm, pool: ActorRef<PoolMsg>, slot: number): ActorSpec<VmMsg, VmState> {
  return {
    name: `vm-${slot}`,
    restart: "temporary",
    mailbox: { capacity: 4, overflow: "reject" },
    // A call starts right after the code that sent it, not one event-loop turn later.
    eager: true,
    init: () => ({ vm }),
    handle: (state, msg) => run(state, msg, pool, slot),
    onStop: (state) => state.vm.close(),
  };
}
