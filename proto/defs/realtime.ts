// Owns the nakama.realtime schema: the socket Envelope (cid = 1, a 50-member oneof numbered 2–51)
// and every realtime message, with Nakama v3.40 numbering (Party fields renumbered after 3.15).
import { enumType, map, message, repeated } from "../schema.js";
import type { FieldSpec, MessageType } from "../schema.js";
import { ChannelMessage, Notification } from "./api-social.js";
import { Rpc } from "./api-account.js";

const n = (name: string): string => `nakama.realtime.${name}`;

/** Error.Code: the realtime error codes. */
export const ErrorCode = enumType(n("Error.Code"), {
  RUNTIME_EXCEPTION: 0, UNRECOGNIZED_PAYLOAD: 1, MISSING_PAYLOAD: 2, BAD_INPUT: 3, MATCH_NOT_FOUND: 4,
  MATCH_JOIN_REJECTED: 5, RUNTIME_FUNCTION_NOT_FOUND: 6, RUNTIME_FUNCTION_EXCEPTION: 7,
});
/** ChannelJoin.Type (carried in an int32). */
export const ChannelType = enumType(n("ChannelJoin.Type"), {
  TYPE_UNSPECIFIED: 0, ROOM: 1, DIRECT_MESSAGE: 2, GROUP: 3,
});

export const UserPresence = message(n("UserPresence"), {
  user_id: [1, "string"], session_id: [2, "string"], username: [3, "string"], persistence: [4, "bool"],
  status: [5, "StringValue"],
});
export const Stream = message(n("Stream"), {
  mode: [1, "int32"], subject: [2, "string"], subcontext: [3, "string"], label: [4, "string"],
});

const presences = repeated(UserPresence);
const chanIds = (from: number) => ({
  room_name: [from, "string"], group_id: [from + 1, "string"], user_id_one: [from + 2, "string"],
  user_id_two: [from + 3, "string"],
}) as const;
const presenceEvent = (name: string, id: Readonly<Record<string, FieldSpec>>): MessageType =>
  message(n(name), { ...id, joins: [2, presences], leaves: [3, presences] });

// ---- chat ----
export const Channel = message(n("Channel"), {
  id: [1, "string"], presences: [2, presences], self: [3, UserPresence], ...chanIds(4),
});
export const ChannelJoin = message(n("ChannelJoin"), {
  target: [1, "string"], type: [2, "int32"], persistence: [3, "BoolValue"], hidden: [4, "BoolValue"],
});
export const ChannelLeave = message(n("ChannelLeave"), { channel_id: [1, "string"] });
export const ChannelMessageAck = message(n("ChannelMessageAck"), {
  channel_id: [1, "string"], message_id: [2, "string"], code: [3, "Int32Value"], username: [4, "string"],
  create_time: [5, "Timestamp"], update_time: [6, "Timestamp"], persistent: [7, "BoolValue"], ...chanIds(8),
});
export const ChannelMessageSend = message(n("ChannelMessageSend"), { channel_id: [1, "string"], content: [2, "string"] });
export const ChannelMessageUpdate = message(n("ChannelMessageUpdate"), {
  channel_id: [1, "string"], message_id: [2, "string"], content: [3, "string"],
});
export const ChannelMessageRemove = message(n("ChannelMessageRemove"), {
  channel_id: [1, "string"], message_id: [2, "string"],
});
export const ChannelPresenceEvent = message(n("ChannelPresenceEvent"), {
  channel_id: [1, "string"], joins: [2, presences], leaves: [3, presences], ...chanIds(4),
});

// ---- errors, matches, matchmaker ----
export const Error = message(n("Error"), {
  code: [1, "int32"], message: [2, "string"], context: [3, map("string")],
});
export const Match = message(n("Match"), {
  match_id: [1, "string"], authoritative: [2, "bool"], label: [3, "StringValue"], size: [4, "int32"],
  presences: [5, presences], self: [6, UserPresence],
});
export const MatchCreate = message(n("MatchCreate"), { name: [1, "string"] });
export const MatchData = message(n("MatchData"), {
  match_id: [1, "string"], presence: [2, UserPresence], op_code: [3, "int64"], data: [4, "bytes"], reliable: [5, "bool"],
});
export const MatchDataSend = message(n("MatchDataSend"), {
  match_id: [1, "string"], op_code: [2, "int64"], data: [3, "bytes"], presences: [4, presences], reliable: [5, "bool"],
});
export const MatchJoin = message(n("MatchJoin"), {
  match_id: [1, "string", { oneof: "id" }], token: [2, "string", { oneof: "id" }], metadata: [3, map("string")],
});
export const MatchLeave = message(n("MatchLeave"), { match_id: [1, "string"] });
export const MatchPresenceEvent = presenceEvent("MatchPresenceEvent", { match_id: [1, "string"] });
export const MatchmakerAdd = message(n("MatchmakerAdd"), {
  min_count: [1, "int32"], max_count: [2, "int32"], query: [3, "string"], string_properties: [4, map("string")],
  numeric_properties: [5, map("double")], count_multiple: [6, "Int32Value"],
});
export const MatchmakerUser = message(n("MatchmakerMatched.MatchmakerUser"), {
  presence: [1, UserPresence], party_id: [2, "string"], string_properties: [5, map("string")],
  numeric_properties: [6, map("double")],
});
export const MatchmakerMatched = message(n("MatchmakerMatched"), {
  ticket: [1, "string"], match_id: [2, "string", { oneof: "id" }], token: [3, "string", { oneof: "id" }],
  users: [4, repeated(MatchmakerUser)], self: [5, MatchmakerUser],
});
export const MatchmakerRemove = message(n("MatchmakerRemove"), { ticket: [1, "string"] });
export const MatchmakerTicket = message(n("MatchmakerTicket"), { ticket: [1, "string"] });
export const Notifications = message(n("Notifications"), { notifications: [1, repeated(Notification)] });

// ---- parties ----
const partyId = { party_id: [1, "string"] } as const;
const partyPresence = { party_id: [1, "string"], presence: [2, UserPresence] } as const;
export const Party = message(n("Party"), {
  party_id: [1, "string"], open: [2, "bool"], hidden: [3, "bool"], max_size: [4, "int32"], self: [5, UserPresence],
  leader: [6, UserPresence], presences: [7, presences], label: [8, "string"],
});
export const PartyCreate = message(n("PartyCreate"), {
  open: [1, "bool"], max_size: [2, "int32"], label: [3, "string"], hidden: [4, "bool"],
});
export const PartyJoin = message(n("PartyJoin"), partyId);
export const PartyLeave = message(n("PartyLeave"), partyId);
export const PartyPromote = message(n("PartyPromote"), partyPresence);
export const PartyLeader = message(n("PartyLeader"), partyPresence);
export const PartyAccept = message(n("PartyAccept"), partyPresence);
export const PartyRemove = message(n("PartyRemove"), partyPresence);
export const PartyClose = message(n("PartyClose"), partyId);
export const PartyJoinRequestList = message(n("PartyJoinRequestList"), partyId);
export const PartyJoinRequest = message(n("PartyJoinRequest"), { party_id: [1, "string"], presences: [2, presences] });
export const PartyMatchmakerAdd = message(n("PartyMatchmakerAdd"), {
  party_id: [1, "string"], min_count: [2, "int32"], max_count: [3, "int32"], query: [4, "string"],
  string_properties: [5, map("string")], numeric_properties: [6, map("double")], count_multiple: [7, "Int32Value"],
});
export const PartyMatchmakerRemove = message(n("PartyMatchmakerRemove"), { party_id: [1, "string"], ticket: [2, "string"] });
export const PartyMatchmakerTicket = message(n("PartyMatchmakerTicket"), { party_id: [1, "string"], ticket: [2, "string"] });
export const PartyData = message(n("PartyData"), {
  party_id: [1, "string"], presence: [2, UserPresence], op_code: [3, "int64"], data: [4, "bytes"],
});
export const PartyDataSend = message(n("PartyDataSend"), { party_id: [1, "string"], op_code: [2, "int64"], data: [3, "bytes"] });
export const PartyPresenceEvent = presenceEvent("PartyPresenceEvent", partyId);
export const PartyUpdate = message(n("PartyUpdate"), {
  party_id: [1, "string"], label: [2, "string"], open: [3, "bool"], hidden: [4, "bool"],
});

// ---- status, streams, heartbeat ----
export const Ping = message(n("Ping"), {});
export const Pong = message(n("Pong"), {});
export const Status = message(n("Status"), { presences: [1, presences] });
export const StatusFollow = message(n("StatusFollow"), { user_ids: [1, repeated("string")], usernames: [2, repeated("string")] });
export const StatusPresenceEvent = message(n("StatusPresenceEvent"), { joins: [2, presences], leaves: [3, presences] });
export const StatusUnfollow = message(n("StatusUnfollow"), { user_ids: [1, repeated("string")] });
export const StatusUpdate = message(n("StatusUpdate"), { status: [1, "StringValue"] });
export const StreamData = message(n("StreamData"), {
  stream: [1, Stream], sender: [2, UserPresence], data: [3, "string"], reliable: [4, "bool"],
});
export const StreamPresenceEvent = presenceEvent("StreamPresenceEvent", { stream: [1, Stream] });

/** Envelope members in field-number order (2–51). */
const members: readonly [string, MessageType][] = [
  ["channel", Channel], ["channel_join", ChannelJoin], ["channel_leave", ChannelLeave],
  ["channel_message", ChannelMessage], ["channel_message_ack", ChannelMessageAck],
  ["channel_message_send", ChannelMessageSend], ["channel_message_update", ChannelMessageUpdate],
  ["channel_message_remove", ChannelMessageRemove], ["channel_presence_event", ChannelPresenceEvent],
  ["error", Error], ["match", Match], ["match_create", MatchCreate], ["match_data", MatchData],
  ["match_data_send", MatchDataSend], ["match_join", MatchJoin], ["match_leave", MatchLeave],
  ["match_presence_event", MatchPresenceEvent], ["matchmaker_add", MatchmakerAdd],
  ["matchmaker_matched", MatchmakerMatched], ["matchmaker_remove", MatchmakerRemove],
  ["matchmaker_ticket", MatchmakerTicket], ["notifications", Notifications], ["rpc", Rpc], ["status", Status],
  ["status_follow", StatusFollow], ["status_presence_event", StatusPresenceEvent], ["status_unfollow", StatusUnfollow],
  ["status_update", StatusUpdate], ["stream_data", StreamData], ["stream_presence_event", StreamPresenceEvent],
  ["ping", Ping], ["pong", Pong], ["party", Party], ["party_create", PartyCreate], ["party_join", PartyJoin],
  ["party_leave", PartyLeave], ["party_promote", PartyPromote], ["party_leader", PartyLeader],
  ["party_accept", PartyAccept], ["party_remove", PartyRemove], ["party_close", PartyClose],
  ["party_join_request_list", PartyJoinRequestList], ["party_join_request", PartyJoinRequest],
  ["party_matchmaker_add", PartyMatchmakerAdd], ["party_matchmaker_remove", PartyMatchmakerRemove],
  ["party_matchmaker_ticket", PartyMatchmakerTicket], ["party_data", PartyData], ["party_data_send", PartyDataSend],
  ["party_presence_event", PartyPresenceEvent], ["party_update", PartyUpdate],
];

export const Envelope = message(n("Envelope"), {
  cid: [1, "string"],
  ...Object.fromEntries(members.map(([name, t], i): [string, FieldSpec] => [name, [i + 2, t, { oneof: "message" }]])),
});
