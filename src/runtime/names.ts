// Owns the names hooks attach to: every API request name with its request and response message
// (null for google.protobuf.Empty), every realtime message name, and how registration keys are
// normalised (case-insensitive, as Nakama). The conversion of hook payloads (convert.ts) and the
// generated initializer functions (registerBefore<Name> …) are derived from these tables.
import { api, type MessageType } from "../../proto/index.js";

export interface ApiHookSpec {
  /** Request message; null when the request carries no input (GetAccount, DeleteAccount…). */
  readonly req: MessageType | null;
  /** Response message; null for google.protobuf.Empty. */
  readonly res: MessageType | null;
}

const S = api.Session;
const N = null;

/**
 * Every request name before/after hooks attach to: Nakama v3.40's list (§5.3), the seeds' table
 * (which adds Healthcheck) and Event.
 */
export const API_HOOKS = Object.freeze({
  AddFriends: { req: api.AddFriendsRequest, res: N },
  AddGroupUsers: { req: api.AddGroupUsersRequest, res: N },
  AuthenticateApple: { req: api.AuthenticateAppleRequest, res: S },
  AuthenticateCustom: { req: api.AuthenticateCustomRequest, res: S },
  AuthenticateDevice: { req: api.AuthenticateDeviceRequest, res: S },
  AuthenticateEmail: { req: api.AuthenticateEmailRequest, res: S },
  AuthenticateFacebook: { req: api.AuthenticateFacebookRequest, res: S },
  AuthenticateFacebookInstantGame: { req: api.AuthenticateFacebookInstantGameRequest, res: S },
  AuthenticateGameCenter: { req: api.AuthenticateGameCenterRequest, res: S },
  AuthenticateGoogle: { req: api.AuthenticateGoogleRequest, res: S },
  AuthenticateSteam: { req: api.AuthenticateSteamRequest, res: S },
  BanGroupUsers: { req: api.BanGroupUsersRequest, res: N },
  BlockFriends: { req: api.BlockFriendsRequest, res: N },
  CreateGroup: { req: api.CreateGroupRequest, res: api.Group },
  DeleteAccount: { req: N, res: N },
  DeleteFriends: { req: api.DeleteFriendsRequest, res: N },
  DeleteGroup: { req: api.DeleteGroupRequest, res: N },
  DeleteLeaderboardRecord: { req: api.DeleteLeaderboardRecordRequest, res: N },
  DeleteNotifications: { req: api.DeleteNotificationsRequest, res: N },
  DeleteStorageObjects: { req: api.DeleteStorageObjectsRequest, res: N },
  DeleteTournamentRecord: { req: api.DeleteTournamentRecordRequest, res: N },
  DemoteGroupUsers: { req: api.DemoteGroupUsersRequest, res: N },
  Event: { req: api.Event, res: N },
  GetAccount: { req: N, res: api.Account },
  GetMatchmakerStats: { req: N, res: api.MatchmakerStats },
  GetSubscription: { req: api.GetSubscriptionRequest, res: api.ValidatedSubscription },
  GetUsers: { req: api.GetUsersRequest, res: api.Users },
  Healthcheck: { req: N, res: N },
  ImportFacebookFriends: { req: api.ImportFacebookFriendsRequest, res: N },
  ImportSteamFriends: { req: api.ImportSteamFriendsRequest, res: N },
  JoinGroup: { req: api.JoinGroupRequest, res: N },
  JoinTournament: { req: api.JoinTournamentRequest, res: N },
  KickGroupUsers: { req: api.KickGroupUsersRequest, res: N },
  LeaveGroup: { req: api.LeaveGroupRequest, res: N },
  LinkApple: { req: api.AccountApple, res: N },
  LinkCustom: { req: api.AccountCustom, res: N },
  LinkDevice: { req: api.AccountDevice, res: N },
  LinkEmail: { req: api.AccountEmail, res: N },
  LinkFacebook: { req: api.LinkFacebookRequest, res: N },
  LinkFacebookInstantGame: { req: api.AccountFacebookInstantGame, res: N },
  LinkGameCenter: { req: api.AccountGameCenter, res: N },
  LinkGoogle: { req: api.AccountGoogle, res: N },
  LinkSteam: { req: api.LinkSteamRequest, res: N },
  ListChannelMessages: { req: api.ListChannelMessagesRequest, res: api.ChannelMessageList },
  ListFriends: { req: api.ListFriendsRequest, res: api.FriendList },
  ListFriendsOfFriends: { req: api.ListFriendsOfFriendsRequest, res: api.FriendsOfFriendsList },
  ListGroupUsers: { req: api.ListGroupUsersRequest, res: api.GroupUserList },
  ListGroups: { req: api.ListGroupsRequest, res: api.GroupList },
  ListLeaderboardRecords: { req: api.ListLeaderboardRecordsRequest, res: api.LeaderboardRecordList },
  ListLeaderboardRecordsAroundOwner: { req: api.ListLeaderboardRecordsAroundOwnerRequest, res: api.LeaderboardRecordList },
  ListMatches: { req: api.ListMatchesRequest, res: api.MatchList },
  ListNotifications: { req: api.ListNotificationsRequest, res: api.NotificationList },
  ListParties: { req: api.ListPartiesRequest, res: api.PartyList },
  ListStorageObjects: { req: api.ListStorageObjectsRequest, res: api.StorageObjectList },
  ListSubscriptions: { req: api.ListSubscriptionsRequest, res: api.SubscriptionList },
  ListTournamentRecords: { req: api.ListTournamentRecordsRequest, res: api.TournamentRecordList },
  ListTournamentRecordsAroundOwner: { req: api.ListTournamentRecordsAroundOwnerRequest, res: api.TournamentRecordList },
  ListTournaments: { req: api.ListTournamentsRequest, res: api.TournamentList },
  ListUserGroups: { req: api.ListUserGroupsRequest, res: api.UserGroupList },
  PromoteGroupUsers: { req: api.PromoteGroupUsersRequest, res: N },
  ReadStorageObjects: { req: api.ReadStorageObjectsRequest, res: api.StorageObjects },
  SessionLogout: { req: api.SessionLogoutRequest, res: N },
  SessionRefresh: { req: api.SessionRefreshRequest, res: S },
  UnlinkApple: { req: api.AccountApple, res: N },
  UnlinkCustom: { req: api.AccountCustom, res: N },
  UnlinkDevice: { req: api.AccountDevice, res: N },
  UnlinkEmail: { req: api.AccountEmail, res: N },
  UnlinkFacebook: { req: api.AccountFacebook, res: N },
  UnlinkFacebookInstantGame: { req: api.AccountFacebookInstantGame, res: N },
  UnlinkGameCenter: { req: api.AccountGameCenter, res: N },
  UnlinkGoogle: { req: api.AccountGoogle, res: N },
  UnlinkSteam: { req: api.AccountSteam, res: N },
  UpdateAccount: { req: api.UpdateAccountRequest, res: N },
  UpdateGroup: { req: api.UpdateGroupRequest, res: N },
  ValidatePurchaseApple: { req: api.ValidatePurchaseAppleRequest, res: api.ValidatePurchaseResponse },
  ValidatePurchaseFacebookInstant: { req: api.ValidatePurchaseFacebookInstantRequest, res: api.ValidatePurchaseResponse },
  ValidatePurchaseGoogle: { req: api.ValidatePurchaseGoogleRequest, res: api.ValidatePurchaseResponse },
  ValidatePurchaseHuawei: { req: api.ValidatePurchaseHuaweiRequest, res: api.ValidatePurchaseResponse },
  ValidatePurchaseSamsung: { req: api.ValidatePurchaseSamsungRequest, res: api.ValidatePurchaseResponse },
  ValidateSubscriptionApple: { req: api.ValidateSubscriptionAppleRequest, res: api.ValidateSubscriptionResponse },
  ValidateSubscriptionGoogle: { req: api.ValidateSubscriptionGoogleRequest, res: api.ValidateSubscriptionResponse },
  WriteLeaderboardRecord: { req: api.WriteLeaderboardRecordRequest, res: api.LeaderboardRecord },
  WriteStorageObjects: { req: api.WriteStorageObjectsRequest, res: api.StorageObjectAcks },
  WriteTournamentRecord: { req: api.WriteTournamentRecordRequest, res: api.LeaderboardRecord },
} satisfies Record<string, ApiHookSpec>);

export type ApiName = keyof typeof API_HOOKS;
export const API_HOOK_NAMES: readonly ApiName[] = Object.freeze(Object.keys(API_HOOKS) as ApiName[]);

type Payload<M> = M extends MessageType<infer T> ? T : null;
/** The wire type of an API hook's request (null when it carries no input). */
export type ApiRequest<N extends ApiName> = Payload<(typeof API_HOOKS)[N]["req"]>;
/** The wire type of an API hook's response (null for google.protobuf.Empty). */
export type ApiResponse<N extends ApiName> = Payload<(typeof API_HOOKS)[N]["res"]>;

/** The request/response messages of a (case-insensitive) API name. */
export function apiHookSpec(name: string): ApiHookSpec | undefined {
  const n = apiHookName(name);
  return n === undefined ? undefined : API_HOOKS[n as ApiName];
}

/**
 * Realtime message names for realtime before/after hooks (Nakama's RtHookMessage plus PartyUpdate).
 * Hooks see the whole envelope; any envelope case name is accepted, these are the documented ones.
 */
export const RT_HOOK_NAMES: readonly string[] = Object.freeze([
  "ChannelJoin", "ChannelLeave", "ChannelMessageSend", "ChannelMessageUpdate", "ChannelMessageRemove",
  "MatchCreate", "MatchDataSend", "MatchJoin", "MatchLeave", "MatchmakerAdd", "MatchmakerRemove",
  "PartyCreate", "PartyJoin", "PartyLeave", "PartyPromote", "PartyAccept", "PartyRemove", "PartyClose",
  "PartyJoinRequestList", "PartyMatchmakerAdd", "PartyMatchmakerRemove", "PartyDataSend", "PartyUpdate",
  "StatusFollow", "StatusUnfollow", "StatusUpdate", "Ping", "Pong",
]);

const apiByKey = new Map<string, string>(API_HOOK_NAMES.map((n) => [n.toLowerCase(), n] as const));
const rtByKey = new Map(RT_HOOK_NAMES.map((n) => [n.toLowerCase(), n] as const));

/** Registration keys are case-insensitive. */
export function hookKey(name: string): string {
  return name.toLowerCase();
}

/** The canonical API name for a (case-insensitive) name, or undefined. */
export function apiHookName(name: string): string | undefined {
  return apiByKey.get(hookKey(name));
}

/** The canonical realtime name for a (case-insensitive) name, or undefined. */
export function rtHookName(name: string): string | undefined {
  return rtByKey.get(hookKey(name));
}
