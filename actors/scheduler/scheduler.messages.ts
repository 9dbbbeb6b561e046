// Owns the message union of the leaderboard scheduler actor.
import type { Result } from "../kernel/index.js";
import type { SchedulePlan } from "../../src/services/tournament/index.js";

export type SchedulerMsg =
  /** Boards changed, a timer was capped, or an instant passed: plan again from the database. */
  | { readonly type: "plan" }
  /** The plan computed outside the actor. */
  | { readonly type: "planned"; readonly result: Result<SchedulePlan> }
  /** An instant arrived: tournaments ending their window ("end"), or boards resetting ("expiry"). */
  | { readonly type: "due"; readonly kind: "end" | "expiry"; readonly at: number; readonly ids: readonly string[] }
  /** A batch of callbacks finished. */
  | { readonly type: "ran"; readonly kind: "end" | "expiry"; readonly at: number; readonly result: Result<number> };

export const PLAN: SchedulerMsg = Object.freeze({ type: "plan" });
