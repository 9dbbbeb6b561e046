// Owns authentication with the social providers: configuration checks, calling the injected verifier,
// Nakama's per-provider errors, and the profile data Nakama copies into a new account (display name,
// avatar, email for Apple/Facebook/Google; Google's id remapping and profile back-fill).
import { Code, GameError } from "../errors.js";
import { authenticateByColumn } from "./authenticate.js";
import type { AuthResult, IdentityCore } from "./core.js";
import { Provider, couldNotAuthenticate, notConfigured, type GameCenterCredentials, type GoogleProfile, type SocialProfile } from "./social.js";

/** Calls a verifier; a rejection becomes `onFail` (logged at info, as Nakama does). */
async function check<P>(core: IdentityCore, provider: string, run: () => Promise<P>, onFail: (e: unknown) => GameError): Promise<P> {
  try {
    return await run();
  } catch (err) {
    core.log.info({ err, provider }, `Could not authenticate ${provider} profile.`);
    throw onFail(err);
  }
}

export function appleConfigured(core: IdentityCore): boolean {
  return core.socialConfig.apple.bundle_id !== "";
}

export function steamConfigured(core: IdentityCore): boolean {
  return core.socialConfig.steam.publisher_key !== "" && core.socialConfig.steam.app_id !== 0;
}

export async function verifyApple(core: IdentityCore, token: string): Promise<SocialProfile> {
  const v = core.social.apple;
  if (v === undefined || !appleConfigured(core)) throw notConfigured(Provider.apple);
  const bundleId = core.socialConfig.apple.bundle_id;
  return check(core, Provider.apple, () => v({ bundleId, token }), (e) => couldNotAuthenticate(Provider.apple, e));
}

export async function verifyFacebook(core: IdentityCore, token: string) {
  const v = core.social.facebook;
  if (v === undefined) throw notConfigured(Provider.facebook);
  const limitedLoginAppId = core.socialConfig.facebook_limited_login.app_id;
  return check(core, Provider.facebook, () => v({ limitedLoginAppId, token }), (e) => couldNotAuthenticate(Provider.facebook, e));
}

/** Facebook Instant: authentication reports DATA_LOSS, link/unlink UNAUTHENTICATED (Nakama's texts). */
export async function verifyFacebookInstantGame(core: IdentityCore, signedPlayerInfo: string, forAuth: boolean): Promise<SocialProfile> {
  const v = core.social.facebookInstantGame;
  const appSecret = core.socialConfig.facebook_instant_game.app_secret;
  // An empty secret would accept signatures anyone can compute: treat it as not configured.
  if (v === undefined || appSecret === "") throw notConfigured(Provider.facebookInstantGame);
  const onFail = (e: unknown): GameError =>
    forAuth
      ? new GameError(Code.DATA_LOSS, "Error extracting the Facebook Instant Game player ID or validating the signature", { cause: e })
      : couldNotAuthenticate(Provider.facebookInstantGame, e);
  return check(core, Provider.facebookInstantGame, () => v({ appSecret, signedPlayerInfo }), onFail);
}

export async function verifyGameCenter(core: IdentityCore, c: GameCenterCredentials): Promise<SocialProfile> {
  const v = core.social.gameCenter;
  if (v === undefined) throw notConfigured(Provider.gameCenter);
  const profile = await check(core, Provider.gameCenter, () => v(c), (e) => couldNotAuthenticate(Provider.gameCenter, e));
  // Nakama stores the player id the client sent once the signature checks out.
  return { ...profile, id: c.playerId };
}

export async function verifyGoogle(core: IdentityCore, token: string): Promise<GoogleProfile> {
  const v = core.social.google;
  if (v === undefined) throw notConfigured(Provider.google);
  return check(core, Provider.google, () => v({ token }), (e) => couldNotAuthenticate(Provider.google, e));
}

export async function verifySteam(core: IdentityCore, token: string): Promise<SocialProfile> {
  const v = core.social.steam;
  if (v === undefined || !steamConfigured(core)) throw notConfigured(Provider.steam);
  const { publisher_key: publisherKey, app_id: appId } = core.socialConfig.steam;
  return check(core, Provider.steam, () => v({ appId, publisherKey, token }), (e) => couldNotAuthenticate(Provider.steam, e));
}

export async function authenticateApple(core: IdentityCore, token: string, username: string, create: boolean): Promise<AuthResult> {
  const p = await verifyApple(core, token);
  return authenticateByColumn(core, "apple_id", p.id, username, create, { email: p.email });
}

export async function authenticateFacebook(core: IdentityCore, token: string, username: string, create: boolean): Promise<AuthResult> {
  const p = await verifyFacebook(core, token);
  return authenticateByColumn(core, "facebook_id", p.id, username, create, {
    displayName: p.displayName, avatarUrl: p.avatarUrl, email: p.email,
  });
}

export async function authenticateFacebookInstantGame(core: IdentityCore, signedPlayerInfo: string, username: string, create: boolean): Promise<AuthResult> {
  const p = await verifyFacebookInstantGame(core, signedPlayerInfo, true);
  return authenticateByColumn(core, "facebook_instant_game_id", p.id, username, create);
}

export async function authenticateGameCenter(core: IdentityCore, c: GameCenterCredentials, username: string, create: boolean): Promise<AuthResult> {
  const p = await verifyGameCenter(core, c);
  return authenticateByColumn(core, "gamecenter_id", p.id, username, create);
}

export async function authenticateSteam(core: IdentityCore, token: string, username: string, create: boolean): Promise<AuthResult> {
  const p = await verifySteam(core, token);
  return authenticateByColumn(core, "steam_id", p.id, username, create);
}

/** Moves an account linked under Google's legacy id to the current id (Nakama's RemapGoogleId). */
export async function remapGoogleId(core: IdentityCore, p: GoogleProfile): Promise<void> {
  if (p.originalId !== "" && p.originalId !== p.id) {
    await core.db.query(
      "UPDATE users SET google_id = $1 WHERE google_id = $2 AND NOT EXISTS (SELECT 1 FROM users WHERE google_id = $1)",
      [p.id, p.originalId],
    );
  }
}

/** Google's display name (≤ 255) and avatar (≤ 512) are used only when they fit the columns. */
export function googleProfileFields(p: GoogleProfile): { displayName: string; avatarUrl: string } {
  return {
    displayName: p.displayName.length <= 255 ? p.displayName : "",
    avatarUrl: p.avatarUrl.length <= 512 ? p.avatarUrl : "",
  };
}

export async function authenticateGoogle(core: IdentityCore, token: string, username: string, create: boolean): Promise<AuthResult> {
  const p = await verifyGoogle(core, token);
  await remapGoogleId(core, p).catch((err: unknown) => {
    throw new GameError(Code.INTERNAL, "Error finding user account.", { cause: err });
  });
  const fields = googleProfileFields(p);
  const result = await authenticateByColumn(core, "google_id", p.id, username, create, { ...fields, email: p.email });
  if (!result.created && (fields.displayName !== "" || fields.avatarUrl !== "")) {
    // Back-fill profile fields the account does not have yet; a failure here does not fail the login.
    await core.db
      .query(
        `UPDATE users SET display_name = COALESCE(NULLIF(display_name, ''), NULLIF($2, '')),
           avatar_url = COALESCE(NULLIF(avatar_url, ''), NULLIF($3, '')), update_time = now()
         WHERE id = $1 AND ((COALESCE(display_name, '') = '' AND $2 <> '') OR (COALESCE(avatar_url, '') = '' AND $3 <> ''))`,
        [result.userId, fields.displayName, fields.avatarUrl],
      )
      .catch((err: unknown) => core.log.error({ err }, "Error in updating google profile details"));
  }
  return result;
}
