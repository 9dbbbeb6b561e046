// Owns linking identifiers to an existing account: device, custom id, email (+ bcrypt password) and the
// social ids, with Nakama's validation, "already in use" conflicts and profile/email imports.
import { Code, GameError } from "../errors.js";
import { isUniqueViolation } from "../storage/db-errors.js";
import type { IdColumn, IdentityCore } from "./core.js";
import { hashPassword } from "./password.js";
import { Provider, notConfigured, type GameCenterCredentials, type SocialProfile } from "./social.js";
import {
  googleProfileFields, remapGoogleId, verifyApple, verifyFacebook, verifyFacebookInstantGame, verifyGameCenter,
  verifyGoogle, verifySteam,
} from "./social-auth.js";
import { checkCustomIdForLink, checkDeviceId, checkEmailForLink } from "./validate.js";

/** The label Nakama uses in link messages per column ("Custom ID is already in use."). */
const LABEL: Record<IdColumn, string> = {
  custom_id: "Custom ID",
  email: "Email",
  apple_id: "Apple ID",
  facebook_id: "Facebook ID",
  facebook_instant_game_id: "Facebook Instant Game ID",
  gamecenter_id: "GameCenter ID",
  google_id: "Google ID",
  steam_id: "Steam ID",
};
const LINK_ERROR_LABEL: Partial<Record<IdColumn, string>> = { email: "email" };

interface LinkExtra {
  /** Extra `SET` assignments using parameters from $3 on. */
  set?: string;
  params?: unknown[];
}

/**
 * Sets `column` on the user unless another account has that value. No row updated, or a unique
 * violation from a concurrent link, means the value is taken: ALREADY_EXISTS.
 */
async function linkColumn(core: IdentityCore, userId: string, column: IdColumn, value: string, extra: LinkExtra = {}): Promise<void> {
  const set = extra.set === undefined ? "" : `, ${extra.set}`;
  const inUse = new GameError(Code.ALREADY_EXISTS, `${LABEL[column]} is already in use.`);
  let count: number;
  try {
    const r = await core.db.query(
      `UPDATE users AS u SET ${column} = $2${set}, update_time = now()
       WHERE id = $1 AND NOT EXISTS (SELECT id FROM users WHERE ${column} = $2 AND NOT id = $1)`,
      [userId, value, ...(extra.params ?? [])],
    );
    count = r.rowCount;
  } catch (err) {
    if (isUniqueViolation(err, `users_${column}_key`)) throw inUse;
    core.log.error({ err, column }, "could not link identifier");
    throw new GameError(Code.INTERNAL, `Error while trying to link ${LINK_ERROR_LABEL[column] ?? LABEL[column]}.`, { cause: err });
  }
  if (count === 0) throw inUse;
}

/** Copies a provider's email onto the account unless another account has it (Nakama skips silently). */
async function importEmail(core: IdentityCore, userId: string, email: string): Promise<void> {
  if (email === "") return;
  try {
    await core.db.query("UPDATE users SET email = $1 WHERE id = $2 AND NOT EXISTS (SELECT 1 FROM users WHERE email = $1 AND id <> $2)", [email, userId]);
  } catch (err) {
    if (isUniqueViolation(err, "users_email_key")) return;
    core.log.error({ err }, "failed to import account email");
    throw new GameError(Code.INTERNAL, "Error importing account email.", { cause: err });
  }
}

export async function linkDevice(core: IdentityCore, userId: string, deviceId: string): Promise<void> {
  checkDeviceId(deviceId);
  try {
    await core.db.tx(async (q) => {
      const mine = await q.query("SELECT 1 FROM user_device WHERE id = $1 AND user_id = $2", [deviceId, userId]);
      if (mine.rowCount === 0) await q.query("INSERT INTO user_device (id, user_id) VALUES ($1, $2)", [deviceId, userId]);
      await q.query("UPDATE users SET update_time = now() WHERE id = $1", [userId]);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new GameError(Code.ALREADY_EXISTS, "Device ID already in use.");
    core.log.error({ err }, "error linking device id");
    throw new GameError(Code.INTERNAL, "Error linking Device ID.", { cause: err });
  }
}

export async function linkCustom(core: IdentityCore, userId: string, customId: string): Promise<void> {
  checkCustomIdForLink(customId);
  await linkColumn(core, userId, "custom_id", customId);
}

export async function linkEmail(core: IdentityCore, userId: string, email: string, password: string): Promise<void> {
  const clean = checkEmailForLink(email, password);
  let hash: Buffer;
  try {
    hash = await hashPassword(password);
  } catch (err) {
    throw new GameError(Code.INTERNAL, "Error while trying to link email.", { cause: err });
  }
  await linkColumn(core, userId, "email", clean, { set: "password = $3", params: [hash] });
}

/** Profile fields Nakama fills only where the account has none. */
const PROFILE_SET = "display_name = COALESCE(NULLIF(u.display_name, ''), NULLIF($3, '')), avatar_url = COALESCE(NULLIF(u.avatar_url, ''), NULLIF($4, ''))";

export async function linkApple(core: IdentityCore, userId: string, token: string): Promise<void> {
  if (core.socialConfig.apple.bundle_id === "") throw notConfigured(Provider.apple);
  if (token === "") throw new GameError(Code.INVALID_ARGUMENT, "Apple ID token is required.");
  const p = await verifyApple(core, token);
  await linkColumn(core, userId, "apple_id", p.id);
  await importEmail(core, userId, p.email);
}

/** Returns the profile, so the caller can import friends when the token allows it. */
export async function linkFacebook(core: IdentityCore, userId: string, token: string): Promise<SocialProfile & { limitedLogin: boolean }> {
  if (token === "") throw new GameError(Code.INVALID_ARGUMENT, "Facebook access token is required.");
  const p = await verifyFacebook(core, token);
  await linkColumn(core, userId, "facebook_id", p.id, { set: PROFILE_SET, params: [p.displayName, p.avatarUrl] });
  await importEmail(core, userId, p.email);
  return p;
}

export async function linkFacebookInstantGame(core: IdentityCore, userId: string, signedPlayerInfo: string): Promise<void> {
  if (signedPlayerInfo === "") {
    throw new GameError(Code.INVALID_ARGUMENT, "Signed Player Info for a Facebook Instant Game is required.");
  }
  const p = await verifyFacebookInstantGame(core, signedPlayerInfo, false);
  await linkColumn(core, userId, "facebook_instant_game_id", p.id);
}

/** GameCenter field checks, in Nakama's order (shared by authenticate and link). */
export function checkGameCenter(c: GameCenterCredentials): void {
  const missing = (what: string) => new GameError(Code.INVALID_ARGUMENT, `GameCenter ${what} is required.`);
  if (c.bundleId === "") throw missing("bundle ID");
  if (c.playerId === "") throw missing("player ID");
  if (c.publicKeyUrl === "") throw missing("public key URL");
  if (c.salt === "") throw missing("salt");
  if (c.signature === "") throw missing("signature");
  if (c.timestampSeconds === 0) throw missing("timestamp");
}

export async function linkGameCenter(core: IdentityCore, userId: string, c: GameCenterCredentials): Promise<void> {
  checkGameCenter(c);
  const p = await verifyGameCenter(core, c);
  await linkColumn(core, userId, "gamecenter_id", p.id);
}

export async function linkGoogle(core: IdentityCore, userId: string, token: string): Promise<void> {
  if (token === "") throw new GameError(Code.INVALID_ARGUMENT, "Google access token is required.");
  const p = await verifyGoogle(core, token);
  const f = googleProfileFields(p);
  await remapGoogleId(core, p).catch((err: unknown) => {
    throw new GameError(Code.INTERNAL, "Error while trying to link Google ID.", { cause: err });
  });
  await linkColumn(core, userId, "google_id", p.id, { set: PROFILE_SET, params: [f.displayName, f.avatarUrl] });
  await importEmail(core, userId, p.email);
}

/** Returns the Steam profile (its id is the Steam id), for an optional friend import. */
export async function linkSteam(core: IdentityCore, userId: string, token: string): Promise<SocialProfile> {
  const { publisher_key: key, app_id: appId } = core.socialConfig.steam;
  if (key === "" || appId === 0) throw notConfigured(Provider.steam);
  if (token === "") throw new GameError(Code.INVALID_ARGUMENT, "Steam access token is required.");
  const p = await verifySteam(core, token);
  await linkColumn(core, userId, "steam_id", p.id);
  return p;
}
