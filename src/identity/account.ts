// Owns the account of one user: reading it as api.Account (user, wallet, email, devices, custom id,
// verify/disable times), updating the profile fields with Nakama's rules (empty clears, unchanged rows
// untouched, duplicate username refused), and deleting it with everything that cascades.
import type { api } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import { isDbError, isUniqueViolation } from "../storage/db-errors.js";
import { SYSTEM_USER_ID } from "../session/uuid.js";
import { USER_COLUMNS, isSet, toUser, wholeSeconds, type IdentityCore, type UserRow } from "./core.js";
import { checkUsername } from "./validate.js";

interface AccountRow extends UserRow {
  wallet: string;
  email: string | null;
  custom_id: string | null;
  verify_time: Date | null;
  disable_time: Date | null;
  devices: string[];
}

/** The account, or null when the user does not exist. `disable_time` is included (runtime use). */
export async function getAccount(core: IdentityCore, userId: string): Promise<api.Account | null> {
  const r = await core.db.query<AccountRow>(
    `SELECT ${USER_COLUMNS}, u.wallet::text AS wallet, u.email, u.custom_id, u.verify_time, u.disable_time,
       array(SELECT d.id FROM user_device d WHERE d.user_id = u.id) AS devices
     FROM users u WHERE u.id = $1`,
    [userId],
  );
  const row = r.rows[0];
  if (row === undefined) return null;
  return {
    user: toUser(row, core.isOnline(row.id)),
    wallet: row.wallet,
    email: row.email ?? "",
    devices: row.devices.map((id) => ({ id, vars: {} })),
    custom_id: row.custom_id ?? "",
    verify_time: isSet(row.verify_time) ? wholeSeconds(row.verify_time as Date) : undefined,
    disable_time: isSet(row.disable_time) ? wholeSeconds(row.disable_time as Date) : undefined,
  };
}

/** Fields of an update; undefined leaves a field alone, "" clears it (username excepted). */
export interface AccountUpdate {
  username?: string;
  displayName?: string;
  avatarUrl?: string;
  langTag?: string;
  location?: string;
  timezone?: string;
  /** JSON object text (runtime only; the REST API cannot set metadata). */
  metadata?: string;
}

const NULLABLE: ReadonlyArray<[keyof AccountUpdate, string]> = [
  ["displayName", "display_name"], ["timezone", "timezone"], ["location", "location"], ["langTag", "lang_tag"], ["avatarUrl", "avatar_url"],
];

/**
 * Updates the profile. Errors as Nakama's REST handler reports them: validation and a duplicate
 * username are INVALID_ARGUMENT, database failures INTERNAL "Error while trying to update account.".
 */
export async function updateAccount(core: IdentityCore, userId: string, u: AccountUpdate): Promise<void> {
  const sets: string[] = [];
  const distinct: string[] = [];
  const params: unknown[] = [userId];
  const bind = (col: string, v: unknown): void => {
    params.push(v);
    sets.push(`${col} = $${params.length}`);
    distinct.push(`${col} IS DISTINCT FROM $${params.length}`);
  };
  if (u.username !== undefined && u.username !== "") {
    checkUsername(u.username);
    bind("username", u.username);
  }
  for (const [key, col] of NULLABLE) {
    const v = u[key];
    if (v === undefined) continue;
    if (v === "") {
      sets.push(`${col} = NULL`);
      distinct.push(`${col} IS NOT NULL`);
    } else bind(col, v);
  }
  if (u.metadata !== undefined) bind("metadata", u.metadata);
  if (sets.length === 0) throw new GameError(Code.INVALID_ARGUMENT, "No fields to update.");
  try {
    await core.db.query(
      `UPDATE users SET update_time = now(), ${sets.join(", ")} WHERE id = $1 AND (${distinct.join(" OR ")})`,
      params,
    );
  } catch (err) {
    if (isUniqueViolation(err, "users_username_key")) throw new GameError(Code.INVALID_ARGUMENT, "Username is already in use.");
    if (!isDbError(err)) core.log.error({ err }, "could not update user account");
    throw new GameError(Code.INTERNAL, "Error while trying to update account.", { cause: err });
  }
}

/**
 * Deletes the account in one transaction: the users row (devices, storage, notifications, friends,
 * wallet ledger… cascade), the other domains' deletion steps, and with `recorded` a tombstone.
 * Returns false when there was no such user. The caller revokes sessions and closes sockets.
 * `afterDeletion` listeners run once the transaction committed.
 */
export async function deleteAccount(core: IdentityCore, userId: string, recorded: boolean): Promise<boolean> {
  if (userId === SYSTEM_USER_ID) throw new GameError(Code.INVALID_ARGUMENT, "Cannot delete the system user.");
  const deleted = await core.db.tx(async (q) => {
    const r = await q.query("DELETE FROM users WHERE id = $1", [userId]);
    if (r.rowCount === 0) return false;
    for (const step of core.deletionSteps) await step(q, userId);
    if (recorded) {
      await q.query("INSERT INTO user_tombstone (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING", [userId]);
    }
    return true;
  });
  if (deleted) for (const after of core.afterDeletion ?? []) after(userId);
  return deleted;
}
