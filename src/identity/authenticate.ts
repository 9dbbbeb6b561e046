// Owns find-or-create of accounts: by device id (user_device), by a users identifier column (custom id,
// email, social ids), and login by username + password. Creation is one atomic statement, so a failure
// leaves nothing behind; a creation that loses a race to a concurrent one for the same identifier
// returns the winner's account (created = false) instead of Nakama's INTERNAL error.
import { Code, E, GameError, fail } from "../errors.js";
import { isUniqueViolation } from "../storage/db-errors.js";
import type { Queryable } from "../storage/db.js";
import { newUuid } from "../session/uuid.js";
import { isSet, type AuthResult, type IdColumn, type IdentityCore } from "./core.js";
import { checkPassword, hashPassword } from "./password.js";

export const USER_NOT_FOUND = "User account not found.";
export const USERNAME_IN_USE = "Username is already in use.";
const CREATE_FAILED = "Error finding or creating user account.";
const FIND_FAILED = "Error finding user account.";

interface FoundRow {
  id: string;
  username: string;
  disable_time: Date | null;
}

function internal(message: string, cause: unknown): GameError {
  return new GameError(Code.INTERNAL, message, { cause });
}

/** The found account, refusing banned ones as Nakama does. */
function existing(row: FoundRow): AuthResult {
  if (isSet(row.disable_time)) throw fail(E.userBanned);
  return { userId: row.id, username: row.username, created: false };
}

async function findDevice(q: Queryable, deviceId: string): Promise<FoundRow | undefined> {
  const r = await q.query<FoundRow>(
    "SELECT u.id, u.username, u.disable_time FROM user_device d JOIN users u ON u.id = d.user_id WHERE d.id = $1",
    [deviceId],
  );
  return r.rows[0];
}

async function findBy(q: Queryable, column: IdColumn, value: string): Promise<FoundRow | undefined> {
  const r = await q.query<FoundRow>(`SELECT id, username, disable_time FROM users WHERE ${column} = $1`, [value]);
  return r.rows[0];
}

/**
 * After a creation failed: a concurrent request may have created the same identifier (return it),
 * else a username clash is ALREADY_EXISTS and anything else INTERNAL.
 */
async function afterCreateFailure(
  err: unknown,
  lookup: () => Promise<FoundRow | undefined>,
  core: IdentityCore,
): Promise<AuthResult> {
  if (!isUniqueViolation(err) && err !== null) {
    core.log.error({ err }, "cannot create user account");
    throw internal(CREATE_FAILED, err);
  }
  const row = await lookup().catch((e: unknown) => {
    throw internal(FIND_FAILED, e);
  });
  if (row !== undefined) return existing(row);
  if (isUniqueViolation(err, "users_username_key")) throw new GameError(Code.ALREADY_EXISTS, USERNAME_IN_USE);
  throw internal(CREATE_FAILED, err);
}

/**
 * Device authentication: lookup in user_device; creation inserts the user and the device together. Both go
 * through the core's batched statements; a creation the batch could not make is retried alone, which
 * decides races and errors.
 */
export async function authenticateDevice(core: IdentityCore, deviceId: string, username: string, create: boolean): Promise<AuthResult> {
  const found = await core.devices.find(deviceId).catch((e: unknown) => {
    throw internal(FIND_FAILED, e);
  });
  if (found !== undefined) return existing(found);
  if (!create) throw new GameError(Code.NOT_FOUND, USER_NOT_FOUND);
  const userId = newUuid();
  if (await core.devices.create({ userId, username, deviceId })) return { userId, username, created: true };
  return createDeviceAlone(core, userId, username, deviceId);
}

async function createDeviceAlone(core: IdentityCore, userId: string, username: string, deviceId: string): Promise<AuthResult> {
  let err: unknown = null;
  try {
    // One statement: both rows or neither. The NOT EXISTS guard makes a committed duplicate a no-op
    // (0 rows), an in-flight one a unique violation on user_device_pkey.
    const r = await core.db.query(
      `WITH u AS (
         INSERT INTO users (id, username) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM user_device WHERE id = $3)
         RETURNING id)
       INSERT INTO user_device (id, user_id) SELECT $3, id FROM u`,
      [userId, username, deviceId],
    );
    if (r.rowCount === 1) return { userId, username, created: true };
  } catch (e) {
    err = e;
  }
  return afterCreateFailure(err, () => findDevice(core.db, deviceId), core);
}

export interface NewUserFields {
  displayName?: string;
  avatarUrl?: string;
  /** Imported only when no other account has it (Nakama skips a taken email silently). */
  email?: string;
  /** Bcrypt hash for email accounts. */
  password?: Buffer;
}

/** Inserts a user with `column` = value and the optional profile fields, in one statement. */
async function insertUser(core: IdentityCore, userId: string, username: string, column: IdColumn, value: string, f: NewUserFields): Promise<void> {
  const params: unknown[] = [userId, username, value, f.displayName ?? "", f.avatarUrl ?? "", f.password ?? null];
  let emailCol = "";
  let emailVal = "";
  if (column !== "email" && f.email !== undefined && f.email !== "") {
    params.push(f.email);
    emailCol = ", email";
    emailVal = ", CASE WHEN EXISTS (SELECT 1 FROM users WHERE email = $7::text) THEN NULL ELSE $7::text END";
  }
  await core.db.query(
    `INSERT INTO users (id, username, ${column}, display_name, avatar_url, password${emailCol})
     VALUES ($1, $2, $3, nullif($4, ''), nullif($5, ''), $6${emailVal})`,
    params,
  );
}

/** Find-or-create by a users identifier column (custom id, email, social ids). */
export async function authenticateByColumn(
  core: IdentityCore,
  column: IdColumn,
  value: string,
  username: string,
  create: boolean,
  fields: NewUserFields = {},
): Promise<AuthResult> {
  const lookup = () => findBy(core.db, column, value);
  const found = await lookup().catch((e: unknown) => {
    throw internal(FIND_FAILED, e);
  });
  if (found !== undefined) return existing(found);
  if (!create) throw new GameError(Code.NOT_FOUND, USER_NOT_FOUND);
  const userId = newUuid();
  try {
    await insertUser(core, userId, username, column, value, fields);
    return { userId, username, created: true };
  } catch (err) {
    if (fields.email !== undefined && fields.email !== "" && isUniqueViolation(err, "users_email_key")) {
      // The imported email was taken between our check and the insert: create without it.
      return authenticateByColumn(core, column, value, username, create, { ...fields, email: "" });
    }
    return afterCreateFailure(err, lookup, core);
  }
}

interface PasswordRow extends FoundRow {
  password: Buffer | null;
}

/** Email + password: an existing account must match the password; a new one stores its bcrypt hash. */
export async function authenticateEmail(core: IdentityCore, email: string, password: string, username: string, create: boolean): Promise<AuthResult> {
  const r = await core.db
    .query<PasswordRow>("SELECT id, username, password, disable_time FROM users WHERE email = $1", [email])
    .catch((e: unknown) => {
      throw internal(FIND_FAILED, e);
    });
  const row = r.rows[0];
  if (row !== undefined) {
    if (isSet(row.disable_time)) throw fail(E.userBanned);
    if (!(await checkPassword(row.password, password))) throw new GameError(Code.UNAUTHENTICATED, "Invalid credentials.");
    return { userId: row.id, username: row.username, created: false };
  }
  if (!create) throw new GameError(Code.NOT_FOUND, USER_NOT_FOUND);
  let hash: Buffer;
  try {
    hash = await hashPassword(password);
  } catch (err) {
    core.log.error({ err }, "error hashing password");
    throw internal(CREATE_FAILED, err);
  }
  return authenticateByColumn(core, "email", email, username, true, { password: hash });
}

/** Username + password login (email auth without an email). Never creates. Returns the user id. */
export async function authenticateUsername(core: IdentityCore, username: string, password: string): Promise<string> {
  const r = await core.db
    .query<PasswordRow>("SELECT id, username, password, disable_time FROM users WHERE username = $1", [username])
    .catch((e: unknown) => {
      throw internal(FIND_FAILED, e);
    });
  const row = r.rows[0];
  if (row === undefined) throw new GameError(Code.NOT_FOUND, USER_NOT_FOUND);
  if (isSet(row.disable_time)) throw fail(E.userBanned);
  // No password and a wrong password look the same to the client.
  if (!(await checkPassword(row.password, password))) throw new GameError(Code.UNAUTHENTICATED, "Invalid credentials.");
  return row.id;
}
