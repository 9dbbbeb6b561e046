// Owns the nakama.api schema for friends, groups, chat history, notifications, match listing,
// matchmaker stats and party listing (nakama-common v1.47.0 numbering; written in our DSL).
import { enumType, message, repeated } from "../schema.js";
import { User } from "./api-account.js";

const n = (name: string): string => `nakama.api.${name}`;
const ids = [1, repeated("string")] as const;
const usernames = [2, repeated("string")] as const;
const groupUsers = { group_id: [1, "string"], user_ids: [2, repeated("string")] } as const;

/** Friend.State (carried in an Int32Value). */
export const FriendState = enumType(n("Friend.State"), { FRIEND: 0, INVITE_SENT: 1, INVITE_RECEIVED: 2, BLOCKED: 3 });
/** GroupUserList.GroupUser.State (carried in an Int32Value). */
export const GroupUserState = enumType(n("GroupUserList.GroupUser.State"), {
  SUPERADMIN: 0, ADMIN: 1, MEMBER: 2, JOIN_REQUEST: 3,
});
/** UserGroupList.UserGroup.State (carried in an Int32Value). */
export const UserGroupState = enumType(n("UserGroupList.UserGroup.State"), {
  SUPERADMIN: 0, ADMIN: 1, MEMBER: 2, JOIN_REQUEST: 3,
});

export const Friend = message(n("Friend"), {
  user: [1, User], state: [2, "Int32Value"], update_time: [3, "Timestamp"], metadata: [4, "string"],
});
export const FriendList = message(n("FriendList"), { friends: [1, repeated(Friend)], cursor: [2, "string"] });
export const FriendOfFriend = message(n("FriendsOfFriendsList.FriendOfFriend"), {
  referrer: [1, "string"], user: [2, User],
});
export const FriendsOfFriendsList = message(n("FriendsOfFriendsList"), {
  friends_of_friends: [1, repeated(FriendOfFriend)], cursor: [2, "string"],
});
export const AddFriendsRequest = message(n("AddFriendsRequest"), { ids, usernames, metadata: [3, "string"] });
export const BlockFriendsRequest = message(n("BlockFriendsRequest"), { ids, usernames });
export const DeleteFriendsRequest = message(n("DeleteFriendsRequest"), { ids, usernames });
export const ListFriendsRequest = message(n("ListFriendsRequest"), {
  limit: [1, "Int32Value"], state: [2, "Int32Value"], cursor: [3, "string"],
});
export const ListFriendsOfFriendsRequest = message(n("ListFriendsOfFriendsRequest"), {
  limit: [1, "Int32Value"], cursor: [2, "string"],
});

export const Group = message(n("Group"), {
  id: [1, "string"], creator_id: [2, "string"], name: [3, "string"], description: [4, "string"],
  lang_tag: [5, "string"], metadata: [6, "string"], avatar_url: [7, "string"], open: [8, "BoolValue"],
  edge_count: [9, "int32"], max_count: [10, "int32"], create_time: [11, "Timestamp"], update_time: [12, "Timestamp"],
});
export const GroupList = message(n("GroupList"), { groups: [1, repeated(Group)], cursor: [2, "string"] });
export const GroupUser = message(n("GroupUserList.GroupUser"), { user: [1, User], state: [2, "Int32Value"] });
export const GroupUserList = message(n("GroupUserList"), {
  group_users: [1, repeated(GroupUser)], cursor: [2, "string"],
});
export const UserGroup = message(n("UserGroupList.UserGroup"), { group: [1, Group], state: [2, "Int32Value"] });
export const UserGroupList = message(n("UserGroupList"), {
  user_groups: [1, repeated(UserGroup)], cursor: [2, "string"],
});
export const CreateGroupRequest = message(n("CreateGroupRequest"), {
  name: [1, "string"], description: [2, "string"], lang_tag: [3, "string"], avatar_url: [4, "string"],
  open: [5, "bool"], max_count: [6, "int32"],
});
export const UpdateGroupRequest = message(n("UpdateGroupRequest"), {
  group_id: [1, "string"], name: [2, "StringValue"], description: [3, "StringValue"], lang_tag: [4, "StringValue"],
  avatar_url: [5, "StringValue"], open: [6, "BoolValue"],
});
export const DeleteGroupRequest = message(n("DeleteGroupRequest"), { group_id: [1, "string"] });
export const JoinGroupRequest = message(n("JoinGroupRequest"), { group_id: [1, "string"] });
export const LeaveGroupRequest = message(n("LeaveGroupRequest"), { group_id: [1, "string"] });
export const AddGroupUsersRequest = message(n("AddGroupUsersRequest"), groupUsers);
export const BanGroupUsersRequest = message(n("BanGroupUsersRequest"), groupUsers);
export const DemoteGroupUsersRequest = message(n("DemoteGroupUsersRequest"), groupUsers);
export const KickGroupUsersRequest = message(n("KickGroupUsersRequest"), groupUsers);
export const PromoteGroupUsersRequest = message(n("PromoteGroupUsersRequest"), groupUsers);
export const ListGroupsRequest = message(n("ListGroupsRequest"), {
  name: [1, "string"], cursor: [2, "string"], limit: [3, "Int32Value"], lang_tag: [4, "string"],
  members: [5, "Int32Value"], open: [6, "BoolValue"],
});
export const ListGroupUsersRequest = message(n("ListGroupUsersRequest"), {
  group_id: [1, "string"], limit: [2, "Int32Value"], state: [3, "Int32Value"], cursor: [4, "string"],
});
export const ListUserGroupsRequest = message(n("ListUserGroupsRequest"), {
  user_id: [1, "string"], limit: [2, "Int32Value"], state: [3, "Int32Value"], cursor: [4, "string"],
});

export const ChannelMessage = message(n("ChannelMessage"), {
  channel_id: [1, "string"], message_id: [2, "string"], code: [3, "Int32Value"], sender_id: [4, "string"],
  username: [5, "string"], content: [6, "string"], create_time: [7, "Timestamp"], update_time: [8, "Timestamp"],
  persistent: [9, "BoolValue"], room_name: [10, "string"], group_id: [11, "string"], user_id_one: [12, "string"],
  user_id_two: [13, "string"],
});
export const ChannelMessageList = message(n("ChannelMessageList"), {
  messages: [1, repeated(ChannelMessage)], next_cursor: [2, "string"], prev_cursor: [3, "string"],
  cacheable_cursor: [4, "string"],
});
export const ListChannelMessagesRequest = message(n("ListChannelMessagesRequest"), {
  channel_id: [1, "string"], limit: [2, "Int32Value"], forward: [3, "BoolValue"], cursor: [4, "string"],
});

export const Notification = message(n("Notification"), {
  id: [1, "string"], subject: [2, "string"], content: [3, "string"], code: [4, "int32"], sender_id: [5, "string"],
  create_time: [6, "Timestamp"], persistent: [7, "bool"],
});
export const NotificationList = message(n("NotificationList"), {
  notifications: [1, repeated(Notification)], cacheable_cursor: [2, "string"],
});
export const ListNotificationsRequest = message(n("ListNotificationsRequest"), {
  limit: [1, "Int32Value"], cacheable_cursor: [2, "string"],
});
export const DeleteNotificationsRequest = message(n("DeleteNotificationsRequest"), { ids });

export const Match = message(n("Match"), {
  match_id: [1, "string"], authoritative: [2, "bool"], label: [3, "StringValue"], size: [4, "int32"],
  tick_rate: [5, "int32"], handler_name: [6, "string"],
});
export const MatchList = message(n("MatchList"), { matches: [1, repeated(Match)] });
export const ListMatchesRequest = message(n("ListMatchesRequest"), {
  limit: [1, "Int32Value"], authoritative: [2, "BoolValue"], label: [3, "StringValue"], min_size: [4, "Int32Value"],
  max_size: [5, "Int32Value"], query: [6, "StringValue"],
});
export const MatchmakerCompletionStats = message(n("MatchmakerCompletionStats"), {
  create_time: [1, "Timestamp"], complete_time: [2, "Timestamp"],
});
export const MatchmakerStats = message(n("MatchmakerStats"), {
  ticket_count: [1, "int32"], oldest_ticket_create_time: [2, "Timestamp"],
  completions: [3, repeated(MatchmakerCompletionStats)],
});

export const Party = message(n("Party"), {
  party_id: [1, "string"], open: [2, "bool"], hidden: [3, "bool"], max_size: [4, "int32"], label: [5, "string"],
});
export const PartyList = message(n("PartyList"), { parties: [1, repeated(Party)], cursor: [2, "string"] });
export const ListPartiesRequest = message(n("ListPartiesRequest"), {
  limit: [1, "Int32Value"], open: [2, "BoolValue"], query: [3, "StringValue"], cursor: [4, "StringValue"],
});
