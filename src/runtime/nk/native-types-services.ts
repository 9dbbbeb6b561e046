// Owns the typed surface of the game-service domains of the native `nk` (storage, wallet, multi-update,
// notifications, leaderboards, tournaments, friends, groups): the JS runtime's shapes (camelCase, unix
// seconds, decoded JSON) as native modules receive them. Types only; native-types.ts joins them into
// NativeNakama.
import type { NkUser } from "./shapes.js";

export type JsonObject = Record<string, unknown>;

export interface StorageObject {
  key: string;
  collection: string;
  /** The owner (the system user's id for server objects); null only when the core reports none. */
  userId: string | null;
  version: string;
  permissionRead: number;
  permissionWrite: number;
  createTime: number;
  updateTime: number;
  value: JsonObject;
}

export interface StorageReadRequest {
  collection: string;
  key: string;
  /** Owner; absent = the system user. */
  userId?: string | null;
}

export interface StorageWriteRequest extends StorageReadRequest {
  value: JsonObject;
  version?: string;
  permissionRead?: 0 | 1 | 2;
  permissionWrite?: 0 | 1;
}

export interface StorageDeleteRequest extends StorageReadRequest {
  version?: string;
}

export interface StorageWriteAck {
  key: string;
  collection: string;
  userId: string | null;
  version: string;
}

export interface WalletUpdateResult {
  userId: string;
  updated: Record<string, number>;
  previous: Record<string, number>;
}

export interface WalletUpdate {
  userId: string;
  changeset: Record<string, number>;
  metadata?: JsonObject;
}

export interface WalletLedgerItem {
  id: string;
  userId: string;
  createTime: number;
  updateTime: number;
  changeset: Record<string, number>;
  metadata: JsonObject;
}

export interface AccountUpdate {
  userId: string;
  username?: string;
  displayName?: string;
  timezone?: string;
  location?: string;
  langTag?: string;
  avatarUrl?: string;
  metadata?: JsonObject;
}

/** A candidate write as a storage index filter receives it (registerStorageIndexFilter). */
export interface StorageIndexWrite {
  collection: string;
  key: string;
  userId: string;
  value: JsonObject;
  version: string;
  permissionRead: number;
  permissionWrite: number;
}

export interface NativeStorage {
  storageRead(keys: StorageReadRequest[]): Promise<StorageObject[]>;
  storageWrite(objects: StorageWriteRequest[]): Promise<StorageWriteAck[]>;
  storageDelete(keys: StorageDeleteRequest[]): Promise<void>;
  /** storageWrite, attempted again (up to 3 more times) on a version conflict or serialization failure. */
  storageWriteRetry(objects: StorageWriteRequest[]): Promise<StorageWriteAck[]>;
  /**
   * Lists a registered storage index: `query` in the match-label query language over `value.<field>`
   * ("" = everything), `limit` 1..10000, `order` sortable field names ("-name" descending), `callerId`
   * only objects that user may read, `cursor` from a previous page. `cursor` is null on the last page.
   */
  storageIndexList(
    indexName: string, query: string, limit: number, order?: string[] | null, callerId?: string | null, cursor?: string | null,
  ): Promise<{ objects: StorageObject[]; cursor: string | null }>;
  storageList(
    userId: string | null | undefined, collection: string, limit?: number, cursor?: string, callerId?: string | null,
  ): Promise<{ objects: StorageObject[]; cursor: string | null }>;
  walletUpdate(userId: string, changeset: Record<string, number>, metadata?: JsonObject | null, updateLedger?: boolean): Promise<WalletUpdateResult>;
  walletsUpdate(updates: WalletUpdate[], updateLedger?: boolean): Promise<WalletUpdateResult[]>;
  walletLedgerUpdate(itemId: string, metadata: JsonObject): Promise<WalletLedgerItem>;
  walletLedgerList(userId: string, limit?: number, cursor?: string): Promise<{ items: WalletLedgerItem[]; cursor: string | null }>;
  multiUpdate(
    accountUpdates: AccountUpdate[] | null, storageWrites: StorageWriteRequest[] | null, storageDeletes: StorageDeleteRequest[] | null,
    walletUpdates: WalletUpdate[] | null, updateLedger?: boolean,
  ): Promise<{ storageWriteAcks: StorageWriteAck[]; walletUpdateAcks: WalletUpdateResult[] }>;
}

export interface NotificationRequest {
  userId: string;
  subject: string;
  content: JsonObject;
  code: number;
  senderId?: string;
  persistent?: boolean;
}

export interface Notification {
  id: string;
  subject: string;
  content: JsonObject;
  code: number;
  /** Absent for system notifications. */
  senderId?: string;
  createTime: number;
  persistent: boolean;
}

/** notificationsGetId: Nakama's snake_case keys plus the camelCase ones. */
export interface StoredNotification {
  id: string;
  userId: string;
  user_id: string;
  subject: string;
  content: JsonObject;
  code: number;
  senderId: string;
  sender: string;
  createTime: number;
  create_time: number;
  persistent: boolean;
}

export interface NativeNotifications {
  notificationSend(
    userId: string, subject: string, content: JsonObject, code: number, senderId?: string | null, persistent?: boolean,
  ): Promise<void>;
  notificationsSend(notifications: NotificationRequest[]): Promise<void>;
  notificationSendAll(subject: string, content: JsonObject, code: number, persistent?: boolean): Promise<void>;
  notificationsList(userId: string, limit?: number, cursor?: string): Promise<{ notifications: Notification[]; cursor: string }>;
  notificationsDelete(notifications: Array<{ userId: string; notificationId: string }>): Promise<void>;
  notificationsGetId(ids: string[], userId?: string | null): Promise<StoredNotification[]>;
  notificationsDeleteId(ids: string[], userId?: string | null): Promise<void>;
  notificationsUpdate(updates: Array<{ id: string; subject?: string; content?: JsonObject; sender?: string }>): Promise<void>;
}

export type SortOrderName = "asc" | "ascending" | "desc" | "descending";
export type OperatorName = "best" | "set" | "incr" | "increment" | "decr" | "decrement";
/** Write overrides: the short names, or the API enum names (any case). */
export type OverrideOperatorName = OperatorName | "no_override" | "NO_OVERRIDE" | "BEST" | "SET" | "INCREMENT" | "DECREMENT";

export interface Leaderboard {
  id: string;
  operator: "best" | "set" | "increment" | "decrement";
  sortOrder: number;
  metadata: JsonObject;
  createTime: number;
  prevReset?: number;
  nextReset?: number;
  authoritative: boolean;
}

export interface LeaderboardRecord {
  leaderboardId: string;
  ownerId: string;
  username: string | null;
  score: number;
  subscore: number;
  numScore: number;
  maxNumScore: number;
  metadata: JsonObject;
  createTime: number;
  updateTime: number;
  expiryTime: number | null;
  rank: number;
}

export interface LeaderboardRecordList {
  records: LeaderboardRecord[];
  ownerRecords: LeaderboardRecord[];
  nextCursor: string | null;
  prevCursor: string | null;
  rankCount: number;
}

export interface Tournament {
  id: string;
  title: string;
  description: string;
  category: number;
  sortOrder: number;
  size: number;
  maxSize: number;
  maxNumScore: number;
  duration: number;
  startActive: number;
  endActive: number;
  canEnter: boolean;
  prevReset?: number;
  nextReset?: number;
  metadata: JsonObject;
  createTime: number;
  startTime: number;
  endTime: number | null;
  operator: Leaderboard["operator"];
}

export interface NativeLeaderboards {
  leaderboardCreate(
    id: string, authoritative?: boolean, sortOrder?: SortOrderName, operator?: OperatorName, resetSchedule?: string | null,
    metadata?: JsonObject | null, enableRanks?: boolean,
  ): Promise<void>;
  leaderboardDelete(id: string): Promise<void>;
  leaderboardList(limit?: number, cursor?: string): Promise<{ leaderboards: Leaderboard[]; cursor: string | null }>;
  leaderboardRanksDisable(id: string): Promise<void>;
  leaderboardsGetId(ids: string[]): Promise<Leaderboard[]>;
  leaderboardRecordWrite(
    id: string, ownerId: string, username?: string | null, score?: number, subscore?: number, metadata?: JsonObject | null,
    operator?: OverrideOperatorName | null,
  ): Promise<LeaderboardRecord>;
  leaderboardRecordDelete(id: string, ownerId: string): Promise<void>;
  leaderboardRecordsList(
    id: string, ownerIds?: string[] | null, limit?: number, cursor?: string, overrideExpiry?: number,
  ): Promise<LeaderboardRecordList>;
  leaderboardRecordsHaystack(id: string, ownerId: string, limit?: number, cursor?: string, overrideExpiry?: number): Promise<LeaderboardRecordList>;
  leaderboardRecordsListCursorFromRank(id: string, rank: number, overrideExpiry?: number): Promise<string>;
}

export interface NativeTournaments {
  tournamentCreate(
    id: string, authoritative?: boolean, sortOrder?: SortOrderName, operator?: OperatorName, duration?: number,
    resetSchedule?: string | null, metadata?: JsonObject | null, title?: string | null, description?: string | null,
    category?: number | null, startTime?: number | null, endTime?: number | null, maxSize?: number | null,
    maxNumScore?: number | null, joinRequired?: boolean, enableRanks?: boolean,
  ): Promise<void>;
  tournamentDelete(id: string): Promise<void>;
  tournamentAddAttempt(id: string, ownerId: string, count: number): Promise<void>;
  tournamentJoin(id: string, userId: string, username: string): Promise<void>;
  tournamentsGetId(ids: string[]): Promise<Tournament[]>;
  tournamentList(
    categoryStart?: number, categoryEnd?: number, startTime?: number, endTime?: number, limit?: number, cursor?: string,
  ): Promise<{ tournaments: Tournament[]; cursor: string | null }>;
  tournamentsRanksDisable(id: string): Promise<void>;
  tournamentRanksDisable(id: string): Promise<void>;
  tournamentRecordWrite(
    id: string, ownerId: string, username?: string | null, score?: number, subscore?: number, metadata?: JsonObject | null,
    operator?: OverrideOperatorName | null,
  ): Promise<LeaderboardRecord>;
  tournamentRecordDelete(id: string, ownerId: string): Promise<void>;
  tournamentRecordsList(
    id: string, ownerIds?: string[] | null, limit?: number, cursor?: string, overrideExpiry?: number,
  ): Promise<LeaderboardRecordList>;
  tournamentRecordsHaystack(id: string, ownerId: string, limit?: number, cursor?: string, expiry?: number): Promise<LeaderboardRecordList>;
}

export interface Friend {
  /** 0 friend, 1 invite sent, 2 invite received, 3 blocked. */
  state: 0 | 1 | 2 | 3;
  updateTime: number;
  user: NkUser;
  metadata: JsonObject;
}

export interface NativeFriends {
  friendsList(userId: string, limit?: number, state?: number | null, cursor?: string): Promise<{ friends: Friend[]; cursor?: string }>;
  friendsOfFriendsList(userId: string, limit?: number, cursor?: string): Promise<{
    friendsOfFriends: Array<{ referrer: string; user: NkUser }>;
    cursor?: string;
  }>;
  friendsAdd(userId: string, username: string, ids?: string[] | null, usernames?: string[] | null, metadata?: JsonObject | null): Promise<void>;
  friendsDelete(userId: string, username: string, ids?: string[] | null, usernames?: string[] | null): Promise<void>;
  friendsBlock(userId: string, username: string, ids?: string[] | null, usernames?: string[] | null): Promise<void>;
  friendMetadataUpdate(userId: string, friendUserId: string, metadata: JsonObject): Promise<void>;
  usersGetFriendStatus(userId: string, userIds: string[]): Promise<Friend[]>;
}

export interface Group {
  id: string;
  creatorId: string;
  name: string;
  description: string;
  avatarUrl: string;
  langTag: string;
  open: boolean;
  edgeCount: number;
  maxCount: number;
  createTime: number;
  updateTime: number;
  metadata: JsonObject;
}

export interface NativeGroups {
  groupCreate(
    userId: string, name: string, creatorId?: string | null, langTag?: string | null, description?: string | null,
    avatarUrl?: string | null, open?: boolean | null, metadata?: JsonObject | null, maxCount?: number | null,
  ): Promise<Group>;
  groupUpdate(
    groupId: string, userId: string | null, name?: string | null, creatorId?: string | null, langTag?: string | null,
    description?: string | null, avatarUrl?: string | null, open?: boolean | null, metadata?: JsonObject | null, maxCount?: number | null,
  ): Promise<void>;
  groupDelete(groupId: string): Promise<void>;
  groupsGetId(groupIds: string[]): Promise<Group[]>;
  groupsGetRandom(count: number): Promise<Group[]>;
  groupsList(
    name?: string | null, langTag?: string | null, open?: boolean | null, members?: number | null, limit?: number | null, cursor?: string | null,
  ): Promise<{ groups: Group[]; cursor: string | null }>;
  groupUserJoin(groupId: string, userId: string, username: string): Promise<void>;
  groupUserLeave(groupId: string, userId: string, username: string): Promise<void>;
  groupUsersAdd(groupId: string, userIds: string[], callerId?: string | null): Promise<void>;
  groupUsersKick(groupId: string, userIds: string[], callerId?: string | null): Promise<void>;
  groupUsersBan(groupId: string, userIds: string[], callerId?: string | null): Promise<void>;
  groupUsersPromote(groupId: string, userIds: string[], callerId?: string | null): Promise<void>;
  groupUsersDemote(groupId: string, userIds: string[], callerId?: string | null): Promise<void>;
  /** state: 0 superadmin, 1 admin, 2 member, 3 join request, 4 banned. */
  groupUsersList(groupId: string, limit?: number, state?: number | null, cursor?: string): Promise<{
    groupUsers: Array<{ user: NkUser; state: number }>;
    cursor: string | null;
  }>;
  userGroupsList(userId: string, limit?: number, state?: number | null, cursor?: string): Promise<{
    userGroups: Array<{ group: Group; state: number }>;
    cursor: string | null;
  }>;
}

