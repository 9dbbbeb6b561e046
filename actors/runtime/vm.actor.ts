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

async function run(state: VmState, msg: VmMsg, pool: ActorRef<PoolMsg>, slot: number): Promise<VmState> {
  // The ask may have expired while the call waited in the pool's queue: nobody is listening any more.
  if (!msg.replyTo.settled) {
    try {
      msg.replyTo.ok(await state.vm.call(msg.call));
    } catch (err) {
      msg.replyTo.fail(err instanceof GameError ? err : toGameError(err, err instanceof Error ? err.message : String(err)));
    }
  }
  tell(pool, { type: "done", slot, usable: state.vm.usable() });
  return state;
}

export function vmActorSpec(vm: EngineVm, pool: ActorRef<PoolMsg>, slot: number): ActorSpec<VmMsg, VmState> {
  return {
    name: `vm-${slot}`,
    restart: "temporary",
    mailbox: { capacity: 4, overflow: "reject" },
    init: () => ({ vm }),
    handle: (state, msg) => run(state, msg, pool, slot),
    onStop: (state) => state.vm.close(),
  };
}
