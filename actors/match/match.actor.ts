// Owns the match actor: one per authoritative match, temporary (a crash ends the match, its members are
// told; it is never restarted). It ticks at the match's tick rate with a fixed-rate repeat timer (a
// tick that overruns makes the next ones skip, never pile up) and runs one MatchInstance call at a
// time, so handler calls never overlap. Once the instance has ended, the actor stops itself; stopping
// it from outside (server shutdown) ends the instance with the reason the host gives.
import { spawn, type ActorRef, type Parent } from "../kernel/index.js";
import { GameError, Code } from "../../src/errors.js";
import type { EndReason, MatchInstance } from "../../src/match/index.js";
import { TICK, type MatchMsg } from "./match.messages.js";

export interface MatchActorOptions {
  /** Unique among its siblings. */
  readonly name: string;
  /** Mailbox bound: calls + join attempts + signals waiting (ticks do not count). */
  readonly capacity: number;
  /** Why the match ends when the actor is stopped from outside. */
  readonly stopReason: () => EndReason;
}

async function handle(inst: MatchInstance, msg: MatchMsg): Promise<void> {
  switch (msg.type) {
    case "tick":
      return inst.loop();
    case "join-attempt":
      return inst.joinAttempt(msg.caller, msg.session, msg.metadata, (a) => msg.replyTo.ok(a));
    case "presences":
      return inst.presenceEvent(msg.joins, msg.leaves);
    case "signal":
      return inst.signal(msg.data).then(
        (data) => msg.replyTo.ok(data),
        (err: unknown) => msg.replyTo.fail(err instanceof GameError ? err : new GameError(Code.INTERNAL, String(err))),
      );
    case "terminate":
      return inst.terminate(msg.graceSeconds);
  }
}

export function spawnMatchActor(parent: Parent, inst: MatchInstance, o: MatchActorOptions): ActorRef<MatchMsg> {
  return spawn<MatchMsg, MatchInstance>(parent, {
    name: o.name,
    restart: "temporary",
    mailbox: { capacity: o.capacity, overflow: "reject" },
    init: (ctx) => {
      ctx.scheduleRepeat(1000 / inst.tickRate, TICK);
      return inst;
    },
    handle: async (state, msg, ctx) => {
      await handle(state, msg);
      if (state.ended) ctx.stop();
      return state;
    },
    onStop: async (state) => {
      state.end(o.stopReason());
      await state.closed();
    },
  });
}
