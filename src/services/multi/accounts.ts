// Owns the account part of a multi-update: profile fields and metadata of several users changed inside
// the caller's transaction, with Nakama's rules for this path (empty strings leave a field alone,
// unchanged rows are not touched, a taken username is ALREADY_EXISTS).
import { Code, GameError } from "../../errors.js";
import { checkUsername } from "../../identity/validate.js";
import type { Queryable } from "../../storage/db.js";
import { isUniqueViolation } from "../../storage/db-errors.js";

export interface AccountUpdateOp {
  userId: string;
  /** "" / undefined = unchanged (this path never clears a field). */
  username?: string;
  displayName?: string;
  timezone?: string;
  location?: string;
  langTag?: string;
  avatarUrl?: string;
  /** A JSON object as text; undefined = unchanged. */
  metadata?: string;
}

const COLUMNS: ReadonlyArray<[keyof AccountUpdateOp, string]> = [
  ["username", "username"], ["displayName", "display_name"], ["timezone", "timezone"], ["location", "location"],
  ["langTag", "lang_tag"], ["avatarUrl", "avatar_url"],
];

/** Applies account updates on `q` in order. */
export async function updateAccountsTx(q: Queryable, updates: readonly AccountUpdateOp[]): Promise<void> {
  for (const u of updates) {
    const params: unknown[] = [u.userId];
    const sets: string[] = [];
    const distinct: string[] = [];
    const bind = (col: string, v: unknown, cast = ""): void => {
      params.push(v);
      sets.push(`${col} = $${params.length}${cast}`);
      distinct.push(`${col} IS DISTINCT FROM $${params.length}${cast}`);
    };
    if (u.username !== undefined && u.username !== "") checkUsername(u.username);
    for (const [field, col] of COLUMNS) {
      const v = u[field];
      if (v !== undefined && v !== "") bind(col, v);
    }
    if (u.metadata !== undefined) bind("metadata", u.metadata, "::jsonb");
    if (sets.length === 0) throw new GameError(Code.INVALID_ARGUMENT, "No fields to update.");
    try {
      await q.query(`UPDATE users SET update_time = now(), ${sets.join(", ")} WHERE id = $1 AND (${distinct.join(" OR ")})`, params);
    } catch (err) {
      if (isUniqueViolation(err, "users_username_key")) throw new GameError(Code.ALREADY_EXISTS, "Username is already in use.");
      throw err;
    }
  }
}
