// Owns the presence actor: the tracker queues join/leave events as presences change (inside session
// actors, synchronously) and this actor dispatches them in batches, one mailbox message per batch, as
// Nakama's tracker does on its event goroutine. The tracker itself stays a plain data structure next
// to it, read and written synchronously by session actors: measured (bench/realtime-tracker.ts), the
// relay's member lookup costs ~0.3 µs as a call and ~1.9 µs as an ask to an actor owning the tracker
// (plus a turn of latency per relayed message); track+untrack ~2 µs either way.
import { spawn, tell, type ActorRef, type Parent } from "../kernel/index.js";
import type { RealtimeCore } from "../../src/realtime/index.js";
import { PRESENCE_EVENTS, type RealtimeMsg } from "./realtime.messages.js";

export function spawnPresenceActor(parent: Parent, core: RealtimeCore): ActorRef<RealtimeMsg> {
  const ref = spawn<RealtimeMsg, null>(parent, {
    name: "presence",
    mailbox: { capacity: 8, overflow: "drop-newest" },
    init: () => null,
    handle: (state, msg) => {
      switch (msg.type) {
        case "presence-events":
          core.events.flush();
          return state;
      }
    },
  });
  // The tracker signals only when its queue goes from empty to non-empty, so one message per batch.
  // If the actor cannot take it (stopping), dispatch on the next turn rather than lose the events.
  core.setEventScheduler(() => {
    if (!tell(ref, PRESENCE_EVENTS)) setImmediate(() => core.events.flush());
  });
  return ref;
}
