// Owns the friends service's shared shapes: its dependencies, the edge states, its error reasons, and
// the conversion of user_edge + users rows into api.Friend values as Nakama fills them.
import type { api } from "../../../proto/index.js";
import { Code } from "../../errors.js";
import { toUser, USER_COLUMNS, type UserRow } from "../../identity/core.js";
import type { Logger } from "../../log.js";
import type { Db } from "../../storage/db.js";
import type { NotifyFn } from "../notifications/index.js";
import { SocialError, wholeSecondsOf } from "./edge-tx.js";

export interface FriendsDeps {
  db: Db;
  log: Logger;
  /** Online flag of listed users (status presence); default: nobody is online. */
  isOnline?: (userId: string) => boolean;
  /** Live push of the friend notifications (−2, −3, −9); default: stored only. */
  notify?: NotifyFn;
}

/** user_edge.state, as Nakama numbers it (Friend.State). */
export const FriendState = { FRIEND: 0, INVITE_SENT: 1, INVITE_RECEIVED: 2, BLOCKED: 3 } as const;
export type FriendState = (typeof FriendState)[keyof typeof FriendState];

/** Nakama's runtime error texts for friends. */
export const FriendReason = { invalidCursor: "friend cursor invalid" } as const;
export type FriendReason = (typeof FriendReason)[keyof typeof FriendReason];

export class FriendError extends SocialError<FriendReason> {}

export function invalidFriendCursor(): FriendError {
  return new FriendError(Code.INVALID_ARGUMENT, FriendReason.invalidCursor);
}

/** The columns of a friend listing row: the user, then the edge. */
export const FRIEND_COLUMNS = `${USER_COLUMNS}, e.update_time AS edge_update_time, e.state, e.position,
  e.metadata::text AS edge_metadata`;

export interface FriendRow extends UserRow {
  edge_update_time: Date;
  state: number;
  position: string;
  edge_metadata: string;
}

/** Nakama's friend listings do not read the friend's edge count: it stays 0 (omitted on the wire). */
export function toFriend(r: FriendRow, isOnline: (userId: string) => boolean): api.Friend {
  return {
    user: { ...toUser(r, isOnline(r.id)), edge_count: 0 },
    state: r.state,
    update_time: wholeSecondsOf(r.edge_update_time),
    metadata: r.edge_metadata,
  };
}

export function onlineOf(deps: { isOnline?: (userId: string) => boolean }): (userId: string) => boolean {
  return deps.isOnline ?? (() => false);
}
