// Owns the nakama.api schema for users, accounts, authentication, sessions, linking, events and RPC
// (field names and numbers as in nakama-common v1.47.0 api.proto; written here in our DSL).
import { map, message, repeated } from "../schema.js";

const n = (name: string): string => `nakama.api.${name}`;

export const User = message(n("User"), {
  id: [1, "string"], username: [2, "string"], display_name: [3, "string"], avatar_url: [4, "string"],
  lang_tag: [5, "string"], location: [6, "string"], timezone: [7, "string"], metadata: [8, "string"],
  facebook_id: [9, "string"], google_id: [10, "string"], gamecenter_id: [11, "string"], steam_id: [12, "string"],
  online: [13, "bool"], edge_count: [14, "int32"], create_time: [15, "Timestamp"], update_time: [16, "Timestamp"],
  facebook_instant_game_id: [17, "string"], apple_id: [18, "string"],
});
export const Users = message(n("Users"), { users: [1, repeated(User)] });
export const GetUsersRequest = message(n("GetUsersRequest"), {
  ids: [1, repeated("string")], usernames: [2, repeated("string")], facebook_ids: [3, repeated("string")],
});
export const UpdateAccountRequest = message(n("UpdateAccountRequest"), {
  username: [1, "StringValue"], display_name: [2, "StringValue"], avatar_url: [3, "StringValue"],
  lang_tag: [4, "StringValue"], location: [5, "StringValue"], timezone: [6, "StringValue"],
});

const vars = [2, map("string")] as const;
export const AccountApple = message(n("AccountApple"), { token: [1, "string"], vars });
export const AccountCustom = message(n("AccountCustom"), { id: [1, "string"], vars });
export const AccountDevice = message(n("AccountDevice"), { id: [1, "string"], vars });
export const AccountEmail = message(n("AccountEmail"), {
  email: [1, "string"], password: [2, "string"], vars: [3, map("string")],
});
export const AccountFacebook = message(n("AccountFacebook"), { token: [1, "string"], vars });
export const AccountFacebookInstantGame = message(n("AccountFacebookInstantGame"), {
  signed_player_info: [1, "string"], vars,
});
export const AccountGameCenter = message(n("AccountGameCenter"), {
  player_id: [1, "string"], bundle_id: [2, "string"], timestamp_seconds: [3, "int64"], salt: [4, "string"],
  signature: [5, "string"], public_key_url: [6, "string"], vars: [7, map("string")],
});
export const AccountGoogle = message(n("AccountGoogle"), { token: [1, "string"], vars });
export const AccountRefresh = message(n("AccountRefresh"), { token: [1, "string"], vars });
export const AccountSteam = message(n("AccountSteam"), { token: [1, "string"], vars });

export const Account = message(n("Account"), {
  user: [1, User], wallet: [2, "string"], email: [3, "string"], devices: [4, repeated(AccountDevice)],
  custom_id: [5, "string"], verify_time: [6, "Timestamp"], disable_time: [7, "Timestamp"],
});

const create = [2, "BoolValue"] as const;
const username = [3, "string"] as const;
const sync = [4, "BoolValue"] as const;
export const AuthenticateAppleRequest = message(n("AuthenticateAppleRequest"), {
  account: [1, AccountApple], create, username,
});
export const AuthenticateCustomRequest = message(n("AuthenticateCustomRequest"), {
  account: [1, AccountCustom], create, username,
});
export const AuthenticateDeviceRequest = message(n("AuthenticateDeviceRequest"), {
  account: [1, AccountDevice], create, username,
});
export const AuthenticateEmailRequest = message(n("AuthenticateEmailRequest"), {
  account: [1, AccountEmail], create, username,
});
export const AuthenticateFacebookInstantGameRequest = message(n("AuthenticateFacebookInstantGameRequest"), {
  account: [1, AccountFacebookInstantGame], create, username,
});
export const AuthenticateFacebookRequest = message(n("AuthenticateFacebookRequest"), {
  account: [1, AccountFacebook], create, username, sync,
});
export const AuthenticateGameCenterRequest = message(n("AuthenticateGameCenterRequest"), {
  account: [1, AccountGameCenter], create, username,
});
export const AuthenticateGoogleRequest = message(n("AuthenticateGoogleRequest"), {
  account: [1, AccountGoogle], create, username,
});
export const AuthenticateSteamRequest = message(n("AuthenticateSteamRequest"), {
  account: [1, AccountSteam], create, username, sync,
});

export const Session = message(n("Session"), {
  created: [1, "bool"], token: [2, "string"], refresh_token: [3, "string"],
});
export const SessionRefreshRequest = message(n("SessionRefreshRequest"), { token: [1, "string"], vars });
export const SessionLogoutRequest = message(n("SessionLogoutRequest"), {
  token: [1, "string"], refresh_token: [2, "string"],
});

export const LinkFacebookRequest = message(n("LinkFacebookRequest"), {
  account: [1, AccountFacebook], sync: [2, "BoolValue"],
});
export const LinkSteamRequest = message(n("LinkSteamRequest"), {
  account: [1, AccountSteam], sync: [2, "BoolValue"],
});
export const ImportFacebookFriendsRequest = message(n("ImportFacebookFriendsRequest"), {
  account: [1, AccountFacebook], reset: [2, "BoolValue"],
});
export const ImportSteamFriendsRequest = message(n("ImportSteamFriendsRequest"), {
  account: [1, AccountSteam], reset: [2, "BoolValue"],
});

export const Event = message(n("Event"), {
  name: [1, "string"], properties: [2, map("string")], timestamp: [3, "Timestamp"], external: [4, "bool"],
});
export const Rpc = message(n("Rpc"), { id: [1, "string"], payload: [2, "string"], http_key: [3, "string"] });
