// Owns the nakama.api schema for storage, leaderboards, tournaments and in-app purchases
// (nakama-common v1.47.0 numbering; written in our DSL).
import { enumType, message, repeated } from "../schema.js";

const n = (name: string): string => `nakama.api.${name}`;

export const Operator = enumType(n("Operator"), { NO_OVERRIDE: 0, BEST: 1, SET: 2, INCREMENT: 3, DECREMENT: 4 });
export const StoreProvider = enumType(n("StoreProvider"), {
  APPLE_APP_STORE: 0, GOOGLE_PLAY_STORE: 1, HUAWEI_APP_GALLERY: 2, FACEBOOK_INSTANT_STORE: 3, SAMSUNG_GALAXY_STORE: 4,
});
export const StoreEnvironment = enumType(n("StoreEnvironment"), { UNKNOWN: 0, SANDBOX: 1, PRODUCTION: 2 });

// ---- storage ----
export const StorageObject = message(n("StorageObject"), {
  collection: [1, "string"], key: [2, "string"], user_id: [3, "string"], value: [4, "string"], version: [5, "string"],
  permission_read: [6, "int32"], permission_write: [7, "int32"], create_time: [8, "Timestamp"],
  update_time: [9, "Timestamp"],
});
export const StorageObjectAck = message(n("StorageObjectAck"), {
  collection: [1, "string"], key: [2, "string"], version: [3, "string"], user_id: [4, "string"],
  create_time: [5, "Timestamp"], update_time: [6, "Timestamp"],
});
export const StorageObjectAcks = message(n("StorageObjectAcks"), { acks: [1, repeated(StorageObjectAck)] });
export const StorageObjects = message(n("StorageObjects"), { objects: [1, repeated(StorageObject)] });
export const StorageObjectList = message(n("StorageObjectList"), {
  objects: [1, repeated(StorageObject)], cursor: [2, "string"],
});
export const ReadStorageObjectId = message(n("ReadStorageObjectId"), {
  collection: [1, "string"], key: [2, "string"], user_id: [3, "string"],
});
export const ReadStorageObjectsRequest = message(n("ReadStorageObjectsRequest"), {
  object_ids: [1, repeated(ReadStorageObjectId)],
});
export const WriteStorageObject = message(n("WriteStorageObject"), {
  collection: [1, "string"], key: [2, "string"], value: [3, "string"], version: [4, "string"],
  permission_read: [5, "Int32Value"], permission_write: [6, "Int32Value"],
});
export const WriteStorageObjectsRequest = message(n("WriteStorageObjectsRequest"), {
  objects: [1, repeated(WriteStorageObject)],
});
export const DeleteStorageObjectId = message(n("DeleteStorageObjectId"), {
  collection: [1, "string"], key: [2, "string"], version: [3, "string"],
});
export const DeleteStorageObjectsRequest = message(n("DeleteStorageObjectsRequest"), {
  object_ids: [1, repeated(DeleteStorageObjectId)],
});
export const ListStorageObjectsRequest = message(n("ListStorageObjectsRequest"), {
  user_id: [1, "string"], collection: [2, "string"], limit: [3, "Int32Value"], cursor: [4, "string"],
});

// ---- leaderboards and tournaments ----
export const Leaderboard = message(n("Leaderboard"), {
  id: [1, "string"], sort_order: [2, "uint32"], operator: [3, Operator], prev_reset: [4, "uint32"],
  next_reset: [5, "uint32"], metadata: [6, "string"], create_time: [7, "Timestamp"], authoritative: [8, "bool"],
});
export const LeaderboardList = message(n("LeaderboardList"), {
  leaderboards: [1, repeated(Leaderboard)], cursor: [2, "string"],
});
export const LeaderboardRecord = message(n("LeaderboardRecord"), {
  leaderboard_id: [1, "string"], owner_id: [2, "string"], username: [3, "StringValue"], score: [4, "int64"],
  subscore: [5, "int64"], num_score: [6, "int32"], metadata: [7, "string"], create_time: [8, "Timestamp"],
  update_time: [9, "Timestamp"], expiry_time: [10, "Timestamp"], rank: [11, "int64"], max_num_score: [12, "uint32"],
});
const recordList = {
  records: [1, repeated(LeaderboardRecord)], owner_records: [2, repeated(LeaderboardRecord)],
  next_cursor: [3, "string"], prev_cursor: [4, "string"], rank_count: [5, "int64"],
} as const;
export const LeaderboardRecordList = message(n("LeaderboardRecordList"), recordList);
export const TournamentRecordList = message(n("TournamentRecordList"), recordList);
const recordWrite = {
  score: [1, "int64"], subscore: [2, "int64"], metadata: [3, "string"], operator: [4, Operator],
} as const;
export const LeaderboardRecordWrite = message(n("WriteLeaderboardRecordRequest.LeaderboardRecordWrite"), recordWrite);
export const TournamentRecordWrite = message(n("WriteTournamentRecordRequest.TournamentRecordWrite"), recordWrite);
export const WriteLeaderboardRecordRequest = message(n("WriteLeaderboardRecordRequest"), {
  leaderboard_id: [1, "string"], record: [2, LeaderboardRecordWrite],
});
export const WriteTournamentRecordRequest = message(n("WriteTournamentRecordRequest"), {
  tournament_id: [1, "string"], record: [2, TournamentRecordWrite],
});
export const DeleteLeaderboardRecordRequest = message(n("DeleteLeaderboardRecordRequest"), {
  leaderboard_id: [1, "string"],
});
export const DeleteTournamentRecordRequest = message(n("DeleteTournamentRecordRequest"), {
  tournament_id: [1, "string"],
});
export const ListLeaderboardRecordsRequest = message(n("ListLeaderboardRecordsRequest"), {
  leaderboard_id: [1, "string"], owner_ids: [2, repeated("string")], limit: [3, "Int32Value"], cursor: [4, "string"],
  expiry: [5, "Int64Value"],
});
export const ListLeaderboardRecordsAroundOwnerRequest = message(n("ListLeaderboardRecordsAroundOwnerRequest"), {
  leaderboard_id: [1, "string"], limit: [2, "UInt32Value"], owner_id: [3, "string"], expiry: [4, "Int64Value"],
  cursor: [5, "string"],
});
export const Tournament = message(n("Tournament"), {
  id: [1, "string"], title: [2, "string"], description: [3, "string"], category: [4, "uint32"],
  sort_order: [5, "uint32"], size: [6, "uint32"], max_size: [7, "uint32"], max_num_score: [8, "uint32"],
  can_enter: [9, "bool"], end_active: [10, "uint32"], next_reset: [11, "uint32"], metadata: [12, "string"],
  create_time: [13, "Timestamp"], start_time: [14, "Timestamp"], end_time: [15, "Timestamp"], duration: [16, "uint32"],
  start_active: [17, "uint32"], prev_reset: [18, "uint32"], operator: [19, Operator], authoritative: [20, "bool"],
  join_required: [21, "bool"],
});
export const TournamentList = message(n("TournamentList"), {
  tournaments: [1, repeated(Tournament)], cursor: [2, "string"],
});
export const JoinTournamentRequest = message(n("JoinTournamentRequest"), { tournament_id: [1, "string"] });
export const ListTournamentRecordsRequest = message(n("ListTournamentRecordsRequest"), {
  tournament_id: [1, "string"], owner_ids: [2, repeated("string")], limit: [3, "Int32Value"], cursor: [4, "string"],
  expiry: [5, "Int64Value"],
});
export const ListTournamentRecordsAroundOwnerRequest = message(n("ListTournamentRecordsAroundOwnerRequest"), {
  tournament_id: [1, "string"], limit: [2, "UInt32Value"], owner_id: [3, "string"], expiry: [4, "Int64Value"],
  cursor: [5, "string"],
});
export const ListTournamentsRequest = message(n("ListTournamentsRequest"), {
  category_start: [1, "UInt32Value"], category_end: [2, "UInt32Value"], start_time: [3, "UInt32Value"],
  end_time: [4, "UInt32Value"], limit: [6, "Int32Value"], cursor: [8, "string"],
});

// ---- in-app purchases ----
const persist = [2, "BoolValue"] as const;
export const ValidatePurchaseAppleRequest = message(n("ValidatePurchaseAppleRequest"), { receipt: [1, "string"], persist });
export const ValidatePurchaseGoogleRequest = message(n("ValidatePurchaseGoogleRequest"), { purchase: [1, "string"], persist });
export const ValidatePurchaseHuaweiRequest = message(n("ValidatePurchaseHuaweiRequest"), {
  purchase: [1, "string"], signature: [2, "string"], persist: [3, "BoolValue"],
});
export const ValidatePurchaseFacebookInstantRequest = message(n("ValidatePurchaseFacebookInstantRequest"), {
  signed_request: [1, "string"], persist,
});
export const ValidatePurchaseSamsungRequest = message(n("ValidatePurchaseSamsungRequest"), {
  purchase_id: [1, "string"], persist,
});
export const ValidateSubscriptionAppleRequest = message(n("ValidateSubscriptionAppleRequest"), {
  receipt: [1, "string"], persist,
});
export const ValidateSubscriptionGoogleRequest = message(n("ValidateSubscriptionGoogleRequest"), {
  receipt: [1, "string"], persist,
});
export const ValidatedPurchase = message(n("ValidatedPurchase"), {
  user_id: [1, "string"], product_id: [2, "string"], transaction_id: [3, "string"], store: [4, StoreProvider],
  purchase_time: [5, "Timestamp"], create_time: [6, "Timestamp"], update_time: [7, "Timestamp"],
  refund_time: [8, "Timestamp"], provider_response: [9, "string"], environment: [10, StoreEnvironment],
  seen_before: [11, "bool"],
});
export const ValidatedSubscription = message(n("ValidatedSubscription"), {
  user_id: [1, "string"], product_id: [2, "string"], original_transaction_id: [3, "string"], store: [4, StoreProvider],
  purchase_time: [5, "Timestamp"], create_time: [6, "Timestamp"], update_time: [7, "Timestamp"],
  environment: [8, StoreEnvironment], expiry_time: [9, "Timestamp"], refund_time: [10, "Timestamp"],
  provider_response: [11, "string"], provider_notification: [12, "string"], active: [13, "bool"],
});
export const ValidatePurchaseResponse = message(n("ValidatePurchaseResponse"), {
  validated_purchases: [1, repeated(ValidatedPurchase)],
});
export const ValidateSubscriptionResponse = message(n("ValidateSubscriptionResponse"), {
  validated_subscription: [1, ValidatedSubscription],
});
export const PurchaseList = message(n("PurchaseList"), {
  validated_purchases: [1, repeated(ValidatedPurchase)], cursor: [2, "string"], prev_cursor: [3, "string"],
});
export const SubscriptionList = message(n("SubscriptionList"), {
  validated_subscriptions: [1, repeated(ValidatedSubscription)], cursor: [2, "string"], prev_cursor: [3, "string"],
});
export const ListSubscriptionsRequest = message(n("ListSubscriptionsRequest"), {
  limit: [1, "Int32Value"], cursor: [2, "string"],
});
export const GetSubscriptionRequest = message(n("GetSubscriptionRequest"), { product_id: [1, "string"] });
