// Owns the message union of a session actor (one actor per realtime socket).
import type { Result } from "../kernel/index.js";

export type SessionMsg =
  /** Frames are waiting in the session's inbox (sent once per burst, not per frame). */
  | { readonly type: "inbound" }
  /** Ping period: send a ping unless the client was chatty; close after pong_wait of silence. */
  | { readonly type: "tick" }
  /** The pong deadline falls before the next tick: check it then. */
  | { readonly type: "deadline" }
  /** An asynchronous request finished (its answer is already written); continue with the inbox. */
  | { readonly type: "continue"; readonly result: Result<void> }
  /** Close the socket from outside the session. */
  | { readonly type: "close"; readonly code: number; readonly reason: string };

export const INBOUND: SessionMsg = Object.freeze({ type: "inbound" });
export const TICK: SessionMsg = Object.freeze({ type: "tick" });
export const DEADLINE: SessionMsg = Object.freeze({ type: "deadline" });
