// Owns the batched device-account statements behind device authentication: the lookup of device ids
// (device → user row with its ban time) and the creation of user + device rows, each answering many
// concurrent logins with one constant, prepared statement. A creation the batch cannot make (username or
// device taken meanwhile, or any failure) is reported as "not created" so the caller takes the one-by-one
// path, which gives Nakama's errors and race outcomes exactly; one statement is atomic, so a failed batch
// leaves nothing behind.
import type { Db } from "../storage/db.js";
import { Coalescer, type Outcome } from "../lib/coalesce.js";

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

// A batch of one uses the plain equality: PostgreSQL runs it several times cheaper than ANY over one element.
const FIND_ONE_SQL = "SELECT d.id AS device_id, u.id, u.username, u.disable_time FROM user_device d JOIN users u ON u.id = d.user_id WHERE d.id = $1";
const FIND_SQL =
  "SELECT d.id AS device_id, u.id, u.username, u.disable_time FROM user_device d JOIN users u ON u.id = d.user_id WHERE d.id = ANY($1::text[])";

// Rows whose device or username exists already are left out (they go one by one). Anything else that
// collides (a device or username inserted by a concurrent transaction) fails the whole statement.
const CREATE_SQL = `WITH fresh AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS i(user_id, username, device_id)
    WHERE NOT EXISTS (SELECT 1 FROM user_device d WHERE d.id = i.device_id)
      AND NOT EXISTS (SELECT 1 FROM users u WHERE u.username = i.username)),
  u AS (
    INSERT INTO users (id, username) SELECT user_id, username FROM fresh
    RETURNING id)
  INSERT INTO user_device (id, user_id) SELECT f.device_id, u.id FROM fresh f JOIN u ON u.id = f.user_id
  RETURNING user_id`;

const MAX_BATCH = 256;
// Two in flight: enough to overlap one batch's round trip with the next, few enough that batches stay large;
// groups gather for one event-loop turn (a lookup of one device costs PostgreSQL as much as one of many).
const MAX_IN_FLIGHT = 2;

interface FoundRow extends DeviceUserRow {
  device_id: string;
}

/** Every request of a group gets the same kind of answer; a failed statement fails the whole group. */
function answered<O>(values: readonly O[]): Array<Outcome<O>> {
  return values.map((value) => ({ ok: true, value }));
}

export function deviceAccounts(db: Db): DeviceAccounts {
  const finds = new Coalescer<string, DeviceUserRow | undefined>(async (ids) => {
    const r = ids.length === 1 ? await db.query<FoundRow>(FIND_ONE_SQL, ids) : await db.query<FoundRow>(FIND_SQL, [ids]);
    const byDevice = new Map<string, DeviceUserRow>();
    for (const row of r.rows) byDevice.set(row.device_id, { id: row.id, username: row.username, disable_time: row.disable_time });
    return answered(ids.map((id) => byDevice.get(id)));
  }, MAX_IN_FLIGHT, MAX_BATCH, { gatherTurn: true });

  const creations = new Coalescer<NewDeviceAccount, boolean>(async (accounts) => {
    // One row per device and per username: later requests for either go one by one.
    const devices = new Set<string>();
    const usernames = new Set<string>();
    const rows: NewDeviceAccount[] = [];
    for (const a of accounts) {
      if (devices.has(a.deviceId) || usernames.has(a.username)) continue;
      devices.add(a.deviceId);
      usernames.add(a.username);
      rows.push(a);
    }
    // Device-id order: two batches waiting on each other's uncommitted device rows take them in the same
    // order, so one waits for the other instead of deadlocking.
    rows.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
    // Alone, the caller's one-by-one statement is the cheaper one.
    if (rows.length === 1) return answered(accounts.map(() => false));
    let created: Set<string>;
    try {
      const r = await db.query<{ user_id: string }>(CREATE_SQL, [
        rows.map((a) => a.userId), rows.map((a) => a.username), rows.map((a) => a.deviceId),
      ]);
      created = new Set(r.rows.map((row) => row.user_id));
    } catch {
      created = new Set();
    }
    return answered(accounts.map((a) => created.has(a.userId)));
  }, MAX_IN_FLIGHT, MAX_BATCH, { gatherTurn: true });

  return { find: (id) => finds.submit(id, 1), create: (account) => creations.submit(account, 1) };
}
