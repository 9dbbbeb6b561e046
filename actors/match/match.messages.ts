// Owns the messages of a match actor: its tick (own timer), join attempts and signals (asks, with the
// Reply in `replyTo`), the tracker's presence events for the match stream, terminate (server shutdown)
// and stop. Client data never travels as messages: it goes to the match's bounded input queue and is
// drained once per tick.
import type { Reply } from "../kernel/index.js";
import type { JoinAnswer, JoinCaller } from "../../src/match/index.js";
import type { SessionHandle } from "../../src/realtime/index.js";

export type MatchMsg =
  | { readonly type: "tick" }
  | {
      readonly type: "join-attempt";
      readonly caller: JoinCaller;
      readonly session: SessionHandle;
      readonly metadata: Readonly<Record<string, string>>;
      readonly replyTo: Reply<JoinAnswer>;
    }
  | {
      readonly type: "presences";
      /** Session ids the tracker now has on the match stream. */
      readonly joins: readonly string[];
      readonly leaves: ReadonlyArray<{ sessionId: string; reason: number }>;
    }
  | { readonly type: "signal"; readonly data: string; readonly replyTo: Reply<string> }
  | { readonly type: "terminate"; readonly graceSeconds: number };

export const TICK: MatchMsg = Object.freeze({ type: "tick" });
