// Owns what every identity operation shares: the dependencies object (database, log, social
// verifiers and config, deletion steps of other domains), the result of an authentication, the
// users-table identifier columns, and the conversion of user rows into api.User / api.Account values
// exactly as Nakama fills them (whole-second timestamps, metadata and wallet as PostgreSQL's JSON text).
import type { api } from "../../proto/index.js";
import type { Logger } from "../log.js";
import type { Db, Queryable } from "../storage/db.js";
import type { DeviceAccounts } from "./devices.js";
import type { SocialConfig, SocialVerifiers } from "./social.js";

export interface IdentityCore {
  db: Db;
  /** Batched device lookups and creations over `db` (devices.ts `deviceAccounts(db)`). */
  devices: DeviceAccounts;
  log: Logger;
  social: SocialVerifiers;
  socialConfig: SocialConfig;
  /**
   * Work other domains must do inside the account-deletion transaction (e.g. groups the user leads,
   * leaderboard records without a foreign key). Rows with ON DELETE CASCADE need nothing here.
   */
  deletionSteps: ReadonlyArray<(q: Queryable, userId: string) => Promise<void>>;
  /** Told of each account deletion once its transaction committed (e.g. the storage indexes). */
  afterDeletion?: ReadonlyArray<(userId: string) => void>;
  /** Online flag for users and accounts; false until the realtime layer supplies one. */
  isOnline: (userId: string) => boolean;
}

export interface AuthResult {
  userId: string;
  username: string;
  created: boolean;
}

/** Identifier columns of the users table (device ids live in user_device). */
export type IdColumn =
  | "custom_id"
  | "email"
  | "apple_id"
  | "facebook_id"
  | "facebook_instant_game_id"
  | "gamecenter_id"
  | "google_id"
  | "steam_id";

export const ID_COLUMNS: readonly IdColumn[] = [
  "custom_id", "email", "apple_id", "facebook_id", "facebook_instant_game_id", "gamecenter_id", "google_id", "steam_id",
];

/** Whole seconds, as Nakama builds Timestamps from `Time.Unix()`. */
export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** True when a disable/verify time is set (later than the Unix epoch, second precision). */
export function isSet(d: Date | null): boolean {
  return d !== null && Math.floor(d.getTime() / 1000) !== 0;
}

/** The users columns of an api.User, metadata as PostgreSQL's text of the JSONB value. */
export const USER_COLUMNS = `u.id, u.username, u.display_name, u.avatar_url, u.lang_tag, u.location, u.timezone,
  u.metadata::text AS metadata, u.apple_id, u.facebook_id, u.facebook_instant_game_id, u.google_id,
  u.gamecenter_id, u.steam_id, u.edge_count, u.create_time, u.update_time`;

export interface UserRow {
  id: string;
  username: string | null;
  display_name: string | null;
  avatar_url: string | null;
  lang_tag: string | null;
  location: string | null;
  timezone: string | null;
  metadata: string | null;
  apple_id: string | null;
  facebook_id: string | null;
  facebook_instant_game_id: string | null;
  google_id: string | null;
  gamecenter_id: string | null;
  steam_id: string | null;
  edge_count: number;
  create_time: Date;
  update_time: Date;
}

export function toUser(r: UserRow, online: boolean): api.User {
  return {
    id: r.id,
    username: r.username ?? "",
    display_name: r.display_name ?? "",
    avatar_url: r.avatar_url ?? "",
    lang_tag: r.lang_tag ?? "",
    location: r.location ?? "",
    timezone: r.timezone ?? "",
    metadata: r.metadata ?? "",
    facebook_id: r.facebook_id ?? "",
    google_id: r.google_id ?? "",
    gamecenter_id: r.gamecenter_id ?? "",
    steam_id: r.steam_id ?? "",
    online,
    edge_count: r.edge_count,
    create_time: wholeSeconds(r.create_time),
    update_time: wholeSeconds(r.update_time),
    facebook_instant_game_id: r.facebook_instant_game_id ?? "",
    apple_id: r.apple_id ?? "",
  };
}
