// Unit tests of multi-update against both databases: accounts, storage writes/deletes and wallets change
// together, and any failure (version conflict, negative balance, taken username) leaves nothing changed.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { GameError } from "../../errors.js";
import type { TestDb } from "../../storage/testing.js";
import { nkStorageRead, nkStorageWrite, StorageText } from "../storage/index.js";
import { createUser, testDatabases, testDeps } from "../storage/testkit.js";
import { WalletNegativeError } from "../wallet/index.js";
import { nkMultiUpdate, type MultiDeps } from "./index.js";

for (const database of testDatabases) {
  describe(`multi-update on ${database.name}`, { skip: database.skip }, () => {
    let t: TestDb;
    let deps: MultiDeps;
    before(async () => {
      t = await database.open();
      deps = testDeps(t.db);
    });
    after(async () => {
      await t.dispose();
    });

    const userRow = async (id: string): Promise<{ display_name: string | null; metadata: string; wallet: string; username: string }> =>
      (await t.db.query<{ display_name: string | null; metadata: string; wallet: string; username: string }>(
        "SELECT display_name, metadata::text AS metadata, wallet::text AS wallet, username FROM users WHERE id = $1", [id],
      )).rows[0];

    test("accounts, storage and wallets change together", async () => {
      const u = await createUser(t.db);
      await nkStorageWrite(deps, [{ collection: "inv", key: "old", userId: u, value: "{}" }]);
      const r = await nkMultiUpdate(
        deps,
        [{ userId: u, displayName: "Multi", metadata: { level: 2 } }],
        [{ collection: "inv", key: "sword", userId: u, value: { dmg: 5 }, permissionRead: 2 }],
        [{ collection: "inv", key: "old", userId: u }],
        [{ userId: u, changeset: { gold: 50 }, metadata: { why: "quest" } }],
        true,
      );
      assert.equal(r.storageWriteAcks.length, 1);
      assert.equal(r.storageWriteAcks[0].key, "sword");
      assert.deepEqual(r.walletUpdateAcks, [{ userId: u, updated: { gold: 50 }, previous: {} }]);
      const row = await userRow(u);
      assert.deepEqual([row.display_name, row.metadata, row.wallet], ["Multi", '{"level": 2}', '{"gold": 50}']);
      const objs = await nkStorageRead(deps, [{ collection: "inv", key: "sword", userId: u }, { collection: "inv", key: "old", userId: u }]);
      assert.deepEqual(objs.map((o) => [o.key, o.permission_read]), [["sword", 2]]);
      const ledger = await t.db.query("SELECT 1 FROM wallet_ledger WHERE user_id = $1", [u]);
      assert.equal(ledger.rowCount, 1);
    });

    test("a failure in any part leaves nothing written", async () => {
      const u = await createUser(t.db);
      const taken = await createUser(t.db);
      const takenName = (await userRow(taken)).username;
      await nkStorageWrite(deps, [{ collection: "inv", key: "locked", userId: u, value: '{"v":1}' }]);
      const before = await userRow(u);
      const attempt = (over: { account?: object; write?: object; wallet?: object }): Promise<unknown> => nkMultiUpdate(
        deps,
        [{ userId: u, displayName: "Changed", ...over.account }],
        [{ collection: "inv", key: "new", userId: u, value: "{}" }, { collection: "inv", key: "locked", userId: u, value: "{}", version: "*", ...over.write }],
        [],
        [{ userId: u, changeset: { gold: 10, ...over.wallet } }],
        true,
      );
      await assert.rejects(attempt({}), (e: unknown) => e instanceof GameError && e.message === StorageText.rejectedVersion);
      await assert.rejects(attempt({ write: { version: "" }, wallet: { gems: -1 } }), WalletNegativeError);
      await assert.rejects(attempt({ write: { version: "" }, account: { username: takenName } }), (e: unknown) => e instanceof GameError && e.code === 6);
      assert.deepEqual(await userRow(u), before);
      assert.deepEqual(await nkStorageRead(deps, [{ collection: "inv", key: "new", userId: u }]), []);
      const [locked] = await nkStorageRead(deps, [{ collection: "inv", key: "locked", userId: u }]);
      assert.equal(locked.value, '{"v": 1}');
      assert.equal((await t.db.query("SELECT 1 FROM wallet_ledger WHERE user_id = $1", [u])).rowCount, 0);
    });

    test("arguments are checked before anything runs", async () => {
      await assert.rejects(nkMultiUpdate(deps, [{ userId: "x" }], [], [], [], false), /expects user ID to be a valid identifier/);
      await assert.rejects(nkMultiUpdate(deps, [], [{ collection: "c", key: "", value: "{}" }], [], [], false), /expects key to be a non-empty string/);
      await assert.rejects(nkMultiUpdate(deps, [], [], [], [{ userId: "x", changeset: {} }], false), /expects a valid user id/);
      assert.deepEqual(await nkMultiUpdate(deps, null, null, null, null, false), { storageWriteAcks: [], walletUpdateAcks: [] });
    });
  });
}
