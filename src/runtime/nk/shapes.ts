// Owns how identity values look to module code, per language, as Nakama builds them:
//   Lua (userToLuaTable / accountGetId): snake_case keys, times as unix seconds, metadata and wallet
//   decoded into tables, social ids only when set, and an account table that repeats the user fields at
//   its top level beside `user`, `wallet`, `email`, `devices`, `custom_id`, `verify_time`, `disable_time`.
//   JS (userToJsObject / accountToJsObject): camelCase keys; an account is `{ user, wallet, email?,
//   devices?, customId?, verifyTime?, disableTime? }`.
// Native modules get the JS shapes (typed in native-types.ts).
import type { api } from "../../../proto/index.js";

export interface NkUser {
  userId: string;
  username: string;
  displayName: string;
  avatarUrl: string;
  langTag: string;
  location: string;
  timezone: string;
  appleId?: string;
  facebookId?: string;
  facebookInstantGameId?: string;
  googleId?: string;
  gamecenterId?: string;
  steamId?: string;
  online: boolean;
  edgeCount: number;
  /** Unix seconds. */
  createTime: number;
  updateTime: number;
  metadata: Record<string, unknown>;
}

export interface NkAccount {
  user: NkUser;
  wallet: Record<string, number>;
  email?: string;
  devices?: Array<{ id: string }>;
  customId?: string;
  verifyTime?: number;
  disableTime?: number;
}

const seconds = (d: Date | undefined): number => (d === undefined ? 0 : Math.floor(d.getTime() / 1000));

function decodeObject(text: string, what: string): Record<string, unknown> {
  if (text === "") return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch (err) {
    throw new Error(`failed to convert ${what} to json: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

const SOCIAL: ReadonlyArray<readonly [keyof api.User, string, string]> = [
  ["apple_id", "appleId", "apple_id"],
  ["facebook_id", "facebookId", "facebook_id"],
  ["facebook_instant_game_id", "facebookInstantGameId", "facebook_instant_game_id"],
  ["google_id", "googleId", "google_id"],
  ["gamecenter_id", "gamecenterId", "gamecenter_id"],
  ["steam_id", "steamId", "steam_id"],
];

export function userToJs(u: api.User): NkUser {
  const out: NkUser = {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    avatarUrl: u.avatar_url,
    langTag: u.lang_tag,
    location: u.location,
    timezone: u.timezone,
    online: u.online,
    edgeCount: u.edge_count,
    createTime: seconds(u.create_time),
    updateTime: seconds(u.update_time),
    metadata: decodeObject(u.metadata, "metadata"),
  };
  for (const [src, js] of SOCIAL) {
    const v = u[src];
    if (typeof v === "string" && v !== "") (out as unknown as Record<string, unknown>)[js] = v;
  }
  return out;
}

export function userToLua(u: api.User): Record<string, unknown> {
  const out: Record<string, unknown> = {
    user_id: u.id,
    username: u.username,
    display_name: u.display_name,
    avatar_url: u.avatar_url,
    lang_tag: u.lang_tag,
    location: u.location,
    timezone: u.timezone,
  };
  for (const [src, , lua] of SOCIAL) {
    const v = u[src];
    if (typeof v === "string" && v !== "") out[lua] = v;
  }
  out.online = u.online;
  out.edge_count = u.edge_count;
  out.create_time = seconds(u.create_time);
  out.update_time = seconds(u.update_time);
  out.metadata = decodeObject(u.metadata, "user metadata");
  return out;
}

function wallet(a: api.Account): Record<string, number> {
  return decodeObject(a.wallet, "wallet") as Record<string, number>;
}

function userOf(a: api.Account): api.User {
  if (a.user === undefined) throw new Error("account without user");
  return a.user;
}

export function accountToJs(a: api.Account): NkAccount {
  const out: NkAccount = { user: userToJs(userOf(a)), wallet: wallet(a) };
  if (a.email !== "") out.email = a.email;
  if (a.devices.length > 0) out.devices = a.devices.map((d) => ({ id: d.id }));
  if (a.custom_id !== "") out.customId = a.custom_id;
  if (a.verify_time !== undefined) out.verifyTime = seconds(a.verify_time);
  if (a.disable_time !== undefined) out.disableTime = seconds(a.disable_time);
  return out;
}

export function accountToLua(a: api.Account): Record<string, unknown> {
  const user = userToLua(userOf(a));
  const out: Record<string, unknown> = { ...user, user, wallet: wallet(a) };
  if (a.email !== "") out.email = a.email;
  if (a.devices.length > 0) out.devices = a.devices.map((d) => ({ id: d.id }));
  if (a.custom_id !== "") out.custom_id = a.custom_id;
  if (a.verify_time !== undefined) out.verify_time = seconds(a.verify_time);
  if (a.disable_time !== undefined) out.disable_time = seconds(a.disable_time);
  return out;
}
