// Owns the batched device-account statements behind device authentication: the lookup of device ids
// (device → user row with its ban time) and the creation of user + device rows, each answering many
// concurrent logins with one constant, prepared statement. A creation the batch cannot make (username or
// device taken meanwhile, or any failure) is reported as "not created" so the caller takes the one-by-one
// path, which gives Nakama's errors and race outcomes exactly; one statement is atomic, so a failed batch
// leaves nothing behind.
import type { Db } from "../storage/db.js";
import { createBatcher } from "./batch.js";

export interface DeviceUserRow {
  id: string;
  username: string;
  disable_time: Date | null;
}

export interface NewDeviceAccount {
  userId: string;
  username: string;
  deviceId: string;
}

export interface DeviceAccounts {
  /** The account owning the device, or undefined. Rejects with the database error. */
  find(deviceId: string): Promise<DeviceUserRow | undefined>;
  /** True when the account was created; false when the caller must create it one by one. Never rejects. */
  create(account: NewDeviceAccount): Promise<boolean>;
}

const FIND_SQL =
  "SELECT d.id AS device_id, u.id, u.username, u.disable_time FROM user_device d JOIN users u ON u.id = d.user_id WHERE d.id = ANY($1::text[])";

// Users whose device exists already, or whose username/id is taken (ON CONFLICT DO NOTHING), are skipped
// and their device row with them; a device inserted by a concurrent transaction fails the whole statement.
const CREATE_SQL = `WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(user_id, username, device_id)),
  u AS (
    INSERT INTO users (id, username)
    SELECT i.user_id, i.username FROM input i WHERE NOT EXISTS (SELECT 1 FROM user_device d WHERE d.id = i.device_id)
    ON CONFLICT DO NOTHING
    RETURNING id)
  INSERT INTO user_device (id, user_id) SELECT i.device_id, u.id FROM input i JOIN u ON u.id = i.user_id
  RETURNING user_id`;

const MAX_BATCH = 256;
const MAX_IN_FLIGHT = 4;

interface FoundRow extends DeviceUserRow {
  device_id: string;
}

export function deviceAccounts(db: Db): DeviceAccounts {
  const find = createBatcher<string, DeviceUserRow | undefined>(async (ids) => {
    const r = await db.query<FoundRow>(FIND_SQL, [ids]);
    const byDevice = new Map<string, DeviceUserRow>();
    for (const row of r.rows) byDevice.set(row.device_id, { id: row.id, username: row.username, disable_time: row.disable_time });
    return ids.map((id) => byDevice.get(id));
  }, { maxBatch: MAX_BATCH, maxInFlight: MAX_IN_FLIGHT });

  const create = createBatcher<NewDeviceAccount, boolean>(async (accounts) => {
    // One row per device: a later request for a device already in this batch goes one by one.
    const seen = new Set<string>();
    const rows = accounts.filter((a) => !seen.has(a.deviceId) && seen.add(a.deviceId) !== undefined);
    let created: Set<string>;
    try {
      const r = await db.query<{ user_id: string }>(CREATE_SQL, [
        rows.map((a) => a.userId), rows.map((a) => a.username), rows.map((a) => a.deviceId),
      ]);
      created = new Set(r.rows.map((row) => row.user_id));
    } catch {
      created = new Set();
    }
    return accounts.map((a) => created.has(a.userId));
  }, { maxBatch: MAX_BATCH, maxInFlight: MAX_IN_FLIGHT });

  return { find, create };
}
