// Owns the public surface of the groups service (issue 7, item 5). Import from here only.
//
// README — what each core function backs (REST request name; nk in JS / Lua; Go names are PascalCase).
// `callerId` null = the runtime (acts as a superadmin, no permission check), as Nakama's uuid.Nil caller.
//   createGroup(deps, input)                    REST CreateGroup (creatorId = userId, metadata "");
//                                               nk groupCreate / group_create (creatorId, metadata, maxCount)
//   updateGroup(deps, input)                    REST UpdateGroup (callerId = user); nk groupUpdate / group_update
//                                               (callerId from its userId argument, null when absent)
//   deleteGroup(deps, groupId, callerId)        REST DeleteGroup; nk groupDelete / group_delete (null)
//   joinGroup(deps, groupId, userId, username)  REST JoinGroup; nk groupUserJoin / group_user_join
//   leaveGroup(deps, groupId, userId, username) REST LeaveGroup; nk groupUserLeave / group_user_leave
//   addGroupUsers(deps, callerId, groupId, ids) REST AddGroupUsers; nk groupUsersAdd / group_users_add
//   kickGroupUsers(…)                           REST KickGroupUsers; nk groupUsersKick / group_users_kick
//   banGroupUsers(…)                            REST BanGroupUsers; nk groupUsersBan / group_users_ban
//   promoteGroupUsers(…)                        REST PromoteGroupUsers; nk groupUsersPromote / group_users_promote
//   demoteGroupUsers(…)                         REST DemoteGroupUsers; nk groupUsersDemote / group_users_demote
//   listGroups(deps, input)                     REST ListGroups; nk groupsList / groups_list
//   listGroupUsers(deps, groupId, input)        REST ListGroupUsers; nk groupUsersList / group_users_list
//   listUserGroups(deps, userId, input)         REST ListUserGroups; nk userGroupsList / user_groups_list
//   getGroups(deps, ids)                        nk groupsGetId / groups_get_id
//   getRandomGroups(deps, count)                nk groupsGetRandom / groups_get_random
//   isGroupMember(deps, groupId, userId)        chat: may the user join the group channel (role 0–2)
//   groupsDeletionStep                          account deletion (IdentityDeps.deletionSteps)
//
// Ids passed in are canonical UUIDs; callers validate their input with their own texts. Failures the
// caller may show are GroupError (`reason` = Nakama's runtime text, `code` a sensible default); the REST
// routes map reasons to each route's texts. Group events are stored in `message` and handed to
// deps.channel (the chat layer) after commit; notifications go through src/services/notifications.
export { groupChannelId, GroupEvent } from "./channel.js";
export { groupsDeletionStep } from "./deletion.js";
export { listGroups, listGroupUsers, listUserGroups, type ListGroupsInput } from "./listing.js";
export {
  createGroup, deleteGroup, getGroup, getGroups, getRandomGroups, updateGroup, type GroupCreateInput, type GroupUpdateInput,
} from "./manage.js";
export { addGroupUsers, isGroupMember, joinGroup, leaveGroup } from "./membership.js";
export { banGroupUsers, demoteGroupUsers, kickGroupUsers, promoteGroupUsers } from "./moderation.js";
export { GroupError, GroupReason, GroupRole, GroupState, type GroupChannelPort, type GroupsDeps } from "./types.js";
