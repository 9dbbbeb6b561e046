// Owns reading other users (by ids, usernames and Facebook ids; unknown ones are simply absent) and the
// ban state: ban / unban set users.disable_time, and isBanned is the check the socket layer and others
// can call. Session invalidation on ban is the caller's (the session service's) business.
import type { api } from "../../proto/index.js";
import { USER_COLUMNS, isSet, toUser, type IdentityCore, type UserRow } from "./core.js";

/** Users matching any of the lists. Ids must already be canonical UUIDs. */
export async function getUsers(core: IdentityCore, ids: readonly string[], usernames: readonly string[], facebookIds: readonly string[]): Promise<api.User[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (ids.length > 0) {
    params.push(ids);
    where.push(`u.id = ANY($${params.length}::uuid[])`);
  }
  if (usernames.length > 0) {
    params.push(usernames);
    where.push(`u.username = ANY($${params.length}::text[])`);
  }
  if (facebookIds.length > 0) {
    params.push(facebookIds);
    where.push(`u.facebook_id = ANY($${params.length}::text[])`);
  }
  if (where.length === 0) return [];
  const r = await core.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE ${where.join(" OR ")}`, params);
  return r.rows.map((row) => toUser(row, core.isOnline(row.id)));
}

/** Marks the users banned (disable_time = now). */
export async function banUsers(core: IdentityCore, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await core.db.query("UPDATE users SET disable_time = now() WHERE id = ANY($1::uuid[])", [userIds]);
}

/** Lifts bans (disable_time back to the epoch). */
export async function unbanUsers(core: IdentityCore, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await core.db.query("UPDATE users SET disable_time = '1970-01-01 00:00:00 UTC' WHERE id = ANY($1::uuid[])", [userIds]);
}

/** True when the user exists and is banned. */
export async function isBanned(core: IdentityCore, userId: string): Promise<boolean> {
  const r = await core.db.query<{ disable_time: Date }>("SELECT disable_time FROM users WHERE id = $1", [userId]);
  const row = r.rows[0];
  return row !== undefined && isSet(row.disable_time);
}

/** Users banned now, with the second of their ban (to restore session invalidation after a restart). */
export async function listBanned(core: IdentityCore): Promise<Array<{ userId: string; since: Date }>> {
  const r = await core.db.query<{ id: string; disable_time: Date }>(
    "SELECT id, disable_time FROM users WHERE disable_time > '1970-01-01 00:00:00 UTC'",
  );
  return r.rows.map((row) => ({ userId: row.id, since: row.disable_time }));
}
