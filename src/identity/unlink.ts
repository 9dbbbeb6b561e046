// Owns unlinking identifiers. As in Nakama, an unlink only happens when the account keeps at least one
// other identifier (any id column or a device); otherwise, or when the given value does not match, it is
// refused with PERMISSION_DENIED "Cannot unlink last account identifier. …". A social token, when given,
// is verified and must name the linked id.
import { Code, GameError } from "../errors.js";
import { ID_COLUMNS, type IdColumn, type IdentityCore } from "./core.js";
import type { GameCenterCredentials } from "./social.js";
import { verifyApple, verifyFacebook, verifyFacebookInstantGame, verifyGameCenter, verifyGoogle, remapGoogleId, verifySteam } from "./social-auth.js";

export const LAST_IDENTIFIER = "Cannot unlink last account identifier. Check profile exists and is not last link.";

const LABEL: Record<IdColumn, string> = {
  custom_id: "custom ID",
  email: "email",
  apple_id: "Apple ID",
  facebook_id: "Facebook ID",
  facebook_instant_game_id: "Facebook Instant Game ID",
  gamecenter_id: "GameCenter ID",
  google_id: "Google ID",
  steam_id: "Steam ID",
};

function lastIdentifier(): GameError {
  return new GameError(Code.PERMISSION_DENIED, LAST_IDENTIFIER);
}

/** "Another identifier remains" for the users row `u` of user $1, ignoring `except`. */
function othersRemain(except: IdColumn | null): string {
  const cols = ID_COLUMNS.filter((c) => c !== except).map((c) => `${c} IS NOT NULL`);
  return `((${cols.join(" OR ")}) OR EXISTS (SELECT 1 FROM user_device WHERE user_id = $1))`;
}

/** Clears `column` (only when it equals `value`, if given) provided another identifier remains. */
async function unlinkColumn(core: IdentityCore, userId: string, column: IdColumn, value: string | null): Promise<void> {
  const extraSet = column === "email" ? ", password = NULL" : "";
  const match = value === null ? "" : ` AND ${column} = $2`;
  const params = value === null ? [userId] : [userId, value];
  let count: number;
  try {
    const r = await core.db.query(
      `UPDATE users SET ${column} = NULL${extraSet}, update_time = now() WHERE id = $1${match} AND ${othersRemain(column)}`,
      params,
    );
    count = r.rowCount;
  } catch (err) {
    core.log.error({ err, column }, "could not unlink identifier");
    throw new GameError(Code.INTERNAL, `Error while trying to unlink ${LABEL[column]}.`, { cause: err });
  }
  if (count === 0) throw lastIdentifier();
}

export async function unlinkDevice(core: IdentityCore, userId: string, deviceId: string): Promise<void> {
  if (deviceId === "") throw new GameError(Code.INVALID_ARGUMENT, "A device ID must be supplied.");
  const others = ID_COLUMNS.map((c) => `${c} IS NOT NULL`).join(" OR ");
  let removed: number;
  try {
    removed = await core.db.tx(async (q) => {
      const r = await q.query(
        `DELETE FROM user_device WHERE id = $2 AND user_id = $1
         AND (EXISTS (SELECT 1 FROM users WHERE id = $1 AND (${others}))
              OR EXISTS (SELECT 1 FROM user_device WHERE user_id = $1 AND id <> $2))`,
        [userId, deviceId],
      );
      if (r.rowCount > 0) await q.query("UPDATE users SET update_time = now() WHERE id = $1", [userId]);
      return r.rowCount;
    });
  } catch (err) {
    core.log.error({ err }, "could not unlink device id");
    throw new GameError(Code.INTERNAL, "Could not unlink device ID.", { cause: err });
  }
  if (removed === 0) throw lastIdentifier();
}

/** An empty custom id unlinks whatever custom id the account has. */
export async function unlinkCustom(core: IdentityCore, userId: string, customId: string): Promise<void> {
  await unlinkColumn(core, userId, "custom_id", customId === "" ? null : customId);
}

/** Also clears the password. An empty email unlinks whatever email the account has. */
export async function unlinkEmail(core: IdentityCore, userId: string, email: string): Promise<void> {
  await unlinkColumn(core, userId, "email", email === "" ? null : email.toLowerCase());
}

export async function unlinkApple(core: IdentityCore, userId: string, token: string): Promise<void> {
  const id = token === "" ? null : (await verifyApple(core, token)).id;
  await unlinkColumn(core, userId, "apple_id", id);
}

export async function unlinkFacebook(core: IdentityCore, userId: string, token: string): Promise<void> {
  const id = token === "" ? null : (await verifyFacebook(core, token)).id;
  await unlinkColumn(core, userId, "facebook_id", id);
}

export async function unlinkFacebookInstantGame(core: IdentityCore, userId: string, signedPlayerInfo: string): Promise<void> {
  const id = signedPlayerInfo === "" ? null : (await verifyFacebookInstantGame(core, signedPlayerInfo, false)).id;
  await unlinkColumn(core, userId, "facebook_instant_game_id", id);
}

/** Credentials are verified only when all of them are given (Nakama); else the id is simply cleared. */
export async function unlinkGameCenter(core: IdentityCore, userId: string, c: GameCenterCredentials): Promise<void> {
  const complete = c.bundleId !== "" && c.playerId !== "" && c.publicKeyUrl !== "" && c.salt !== "" && c.signature !== "" && c.timestampSeconds !== 0;
  const id = complete ? (await verifyGameCenter(core, c)).id : null;
  await unlinkColumn(core, userId, "gamecenter_id", id);
}

export async function unlinkGoogle(core: IdentityCore, userId: string, token: string): Promise<void> {
  let id: string | null = null;
  if (token !== "") {
    const p = await verifyGoogle(core, token);
    id = p.id;
    await remapGoogleId(core, p).catch((err: unknown) => {
      throw new GameError(Code.INTERNAL, "Error while trying to unlink Google ID.", { cause: err });
    });
  }
  await unlinkColumn(core, userId, "google_id", id);
}

export async function unlinkSteam(core: IdentityCore, userId: string, token: string): Promise<void> {
  const id = token === "" ? null : (await verifySteam(core, token)).id;
  await unlinkColumn(core, userId, "steam_id", id);
}
