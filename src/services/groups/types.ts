// Owns the groups service's shared shapes: its dependencies (including the group-channel port the chat
// layer plugs in), the membership states, Nakama's runtime error reasons, and groups rows → api.Group.
import type { api } from "../../../proto/index.js";
import { Code } from "../../errors.js";
import type { Logger } from "../../log.js";
import type { Db } from "../../storage/db.js";
import { SocialError, wholeSecondsOf } from "../friends/edge-tx.js";
import type { NotifyFn } from "../notifications/index.js";

/** What the chat layer does with group events; each call comes after the change committed. */
export interface GroupChannelPort {
  /** A group event message (join, add, leave, kick, promote, ban, demote), already stored in `message`. */
  message(groupId: string, message: api.ChannelMessage): void;
  /** These users are no longer members: drop their presences from the group channel. */
  removed(groupId: string, userIds: readonly string[]): void;
}

export interface GroupsDeps {
  db: Db;
  log: Logger;
  /** Online flag of listed users; default: nobody is online. */
  isOnline?: (userId: string) => boolean;
  /** Live push of group notifications (−4 added, −5 join request); default: stored only. */
  notify?: NotifyFn;
  /** Group channel delivery (chat layer); default: events are only stored. */
  channel?: GroupChannelPort;
}

/** group_edge.state: the member's role (GroupUserList.GroupUser.State, plus the internal banned 4). */
export const GroupRole = { SUPERADMIN: 0, ADMIN: 1, MEMBER: 2, JOIN_REQUEST: 3, BANNED: 4 } as const;
export type GroupRole = (typeof GroupRole)[keyof typeof GroupRole];

/** groups.state. */
export const GroupState = { OPEN: 0, CLOSED: 1 } as const;

/** Nakama's runtime error texts for groups (what nk callers see). */
export const GroupReason = {
  nameInUse: "group name in use",
  permissionDenied: "group permission denied",
  noUpdateOps: "no group updates",
  notUpdated: "group not updated",
  notFound: "group not found",
  full: "group is full",
  userNotFound: "group user not found",
  lastSuperadmin: "group last superadmin",
  userInvalidCursor: "group user cursor invalid",
  userGroupInvalidCursor: "user group cursor invalid",
  creatorInvalid: "group creator user ID invalid",
  malformedCursor: "Malformed cursor was used.",
  nameFilterCombined: "name filter cannot be combined with any other filter",
} as const;
export type GroupReason = (typeof GroupReason)[keyof typeof GroupReason];

const reasonCodes: Record<GroupReason, Code> = {
  [GroupReason.nameInUse]: Code.ALREADY_EXISTS,
  [GroupReason.permissionDenied]: Code.PERMISSION_DENIED,
  [GroupReason.noUpdateOps]: Code.INVALID_ARGUMENT,
  [GroupReason.notUpdated]: Code.INVALID_ARGUMENT,
  [GroupReason.notFound]: Code.NOT_FOUND,
  [GroupReason.full]: Code.INVALID_ARGUMENT,
  [GroupReason.userNotFound]: Code.NOT_FOUND,
  [GroupReason.lastSuperadmin]: Code.INVALID_ARGUMENT,
  [GroupReason.userInvalidCursor]: Code.INVALID_ARGUMENT,
  [GroupReason.userGroupInvalidCursor]: Code.INVALID_ARGUMENT,
  [GroupReason.creatorInvalid]: Code.INVALID_ARGUMENT,
  [GroupReason.malformedCursor]: Code.INVALID_ARGUMENT,
  [GroupReason.nameFilterCombined]: Code.INVALID_ARGUMENT,
};

export class GroupError extends SocialError<GroupReason> {}

export function groupError(reason: GroupReason): GroupError {
  return new GroupError(reasonCodes[reason], reason);
}

export const GROUP_COLUMNS = `g.id, g.creator_id, g.name, g.description, g.avatar_url, g.state, g.edge_count, g.lang_tag,
  g.max_count, g.metadata::text AS metadata, g.create_time, g.update_time,
  (extract(epoch FROM g.update_time) * 1000000)::bigint AS update_us`;

export interface GroupRow {
  id: string;
  creator_id: string;
  name: string;
  description: string | null;
  avatar_url: string | null;
  state: number;
  edge_count: number;
  lang_tag: string | null;
  max_count: number;
  metadata: string;
  create_time: Date;
  update_time: Date;
  /** update_time in microseconds (exact, for cursors). */
  update_us: string;
}

export function toGroup(r: GroupRow): api.Group {
  return {
    id: r.id,
    creator_id: r.creator_id,
    name: r.name,
    description: r.description ?? "",
    lang_tag: r.lang_tag ?? "",
    metadata: r.metadata,
    avatar_url: r.avatar_url ?? "",
    open: r.state !== GroupState.CLOSED,
    edge_count: r.edge_count,
    max_count: r.max_count,
    create_time: wholeSecondsOf(r.create_time),
    update_time: wholeSecondsOf(r.update_time),
  };
}

/** "Not disabled" in Nakama's terms: disable_time at the epoch. */
export const ENABLED = "g.disable_time = '1970-01-01 00:00:00 UTC'";
