// Unit tests of wallets against both databases: changesets, the never-below-zero rule refusing the whole
// update, ledger entries, paging and metadata merge, int64 exactness, and 50 concurrent increments.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { GameError } from "../../errors.js";
import type { TestDb } from "../../storage/testing.js";
import { createUser, testDatabases, testDeps } from "../storage/testkit.js";
import {
  listWalletLedger, nkWalletLedgerList, nkWalletLedgerUpdate, nkWalletUpdate, updateWallets, WalletNegativeError, type WalletDeps,
} from "./index.js";

for (const database of testDatabases) {
  describe(`wallet on ${database.name}`, { skip: database.skip }, () => {
    let t: TestDb;
    let deps: WalletDeps;
    before(async () => {
      t = await database.open();
      deps = testDeps(t.db);
    });
    after(async () => {
      await t.dispose();
    });

    const walletText = async (userId: string): Promise<string> =>
      (await t.db.query<{ w: string }>("SELECT wallet::text AS w FROM users WHERE id = $1", [userId])).rows[0].w;
    const ledgerCount = async (userId: string): Promise<number> =>
      Number((await t.db.query<{ n: string }>("SELECT count(*) AS n FROM wallet_ledger WHERE user_id = $1", [userId])).rows[0].n);

    test("changesets add up; results carry previous and updated; ledger records deltas and metadata", async () => {
      const u = await createUser(t.db);
      const r1 = await nkWalletUpdate(deps, u, { gold: 100, gems: 5 }, { reason: "start" }, true);
      assert.deepEqual(r1, { updated: { gems: 5, gold: 100 }, previous: {} });
      const r2 = await nkWalletUpdate(deps, u, { gold: -30 }, null, true);
      assert.deepEqual(r2, { updated: { gems: 5, gold: 70 }, previous: { gems: 5, gold: 100 } });
      assert.equal(await walletText(u), '{"gems": 5, "gold": 70}');
      const list = await listWalletLedger(deps, u, undefined, "");
      assert.deepEqual(list.items.map((i) => [i.changeset, i.metadata]), [[{ gold: -30 }, {}], [{ gems: 5, gold: 100 }, { reason: "start" }]]);
      await nkWalletUpdate(deps, u, { gold: 1 }, null, false);
      assert.equal(await ledgerCount(u), 2);
    });

    test("a balance below zero refuses the whole update (all users, no ledger)", async () => {
      const a = await createUser(t.db);
      const b = await createUser(t.db);
      await updateWallets(deps, [{ userId: a, changeset: { gold: 10 } }, { userId: b, changeset: { gold: 1 } }], false);
      await assert.rejects(
        updateWallets(deps, [{ userId: a, changeset: { gold: 5 } }, { userId: b, changeset: { gold: -2 } }], true),
        (e: unknown) => e instanceof WalletNegativeError && e.code === 9 && e.path === "gold" && e.current === 1n && e.amount === -2n &&
          e.message === "wallet update rejected negative value at path 'gold'",
      );
      assert.equal(await walletText(a), '{"gold": 10}');
      assert.equal(await ledgerCount(a), 0);
      await assert.rejects(nkWalletUpdate(deps, a, { silver: -1 }, null, true), WalletNegativeError);
    });

    test("unknown users are skipped; nk single update reports them; bad input refused", async () => {
      const ghost = "11111111-2222-4333-8444-555555555555";
      assert.deepEqual(await updateWallets(deps, [{ userId: ghost, changeset: { gold: 1 } }], true), []);
      await assert.rejects(nkWalletUpdate(deps, ghost, { gold: 1 }, null, true), (e: unknown) => e instanceof GameError && e.code === 5);
      await assert.rejects(nkWalletUpdate(deps, "nope", { gold: 1 }, null, true), /expects a valid user id/);
      const u = await createUser(t.db);
      await assert.rejects(nkWalletUpdate(deps, u, { gold: 1.5 }, null, true), (e: unknown) => e instanceof GameError && e.code === 3);
    });

    test("int64 balances stay exact beyond 2^53", async () => {
      const u = await createUser(t.db);
      await updateWallets(deps, [{ userId: u, changeset: { big: 1n << 60n } }], false);
      await updateWallets(deps, [{ userId: u, changeset: { big: 1 } }], false);
      assert.equal(await walletText(u), `{"big": ${(1n << 60n) + 1n}}`);
    });

    test("ledger pages newest first with next and previous cursors; metadata merges", async () => {
      const u = await createUser(t.db);
      await updateWallets(deps, [{ userId: u, changeset: { c: 1 } }, { userId: u, changeset: { c: 2 } }], true);
      for (let i = 3; i <= 5; i++) await updateWallets(deps, [{ userId: u, changeset: { c: i } }], true);
      const p1 = await nkWalletLedgerList(deps, u, 2, "");
      assert.deepEqual(p1.items.map((i) => i.changeset.c), [5, 4]);
      assert.equal(p1.prevCursor, "");
      const p2 = await nkWalletLedgerList(deps, u, 2, p1.nextCursor);
      assert.deepEqual(p2.items.map((i) => i.changeset.c), [3, 2]);
      const p3 = await nkWalletLedgerList(deps, u, 2, p2.nextCursor);
      assert.deepEqual(p3.items.map((i) => i.changeset.c), [1]);
      assert.equal(p3.nextCursor, "");
      const back = await nkWalletLedgerList(deps, u, 2, p3.prevCursor);
      assert.deepEqual(back.items.map((i) => i.changeset.c), [3, 2]);
      const back2 = await nkWalletLedgerList(deps, u, 2, back.prevCursor);
      assert.deepEqual(back2.items.map((i) => i.changeset.c), [5, 4]);
      assert.equal(back2.prevCursor, "");
      const other = await createUser(t.db);
      await assert.rejects(nkWalletLedgerList(deps, other, 2, p1.nextCursor), /wallet ledger cursor invalid/);
      await assert.rejects(nkWalletLedgerList(deps, u, 101, ""), /expects limit to be 0-100/);
      const item = await nkWalletLedgerUpdate(deps, p1.items[0].id, { note: "x" });
      const again = await nkWalletLedgerUpdate(deps, p1.items[0].id, { more: 1 });
      assert.deepEqual([item.metadata, again.metadata, again.userId, again.changeset], [{ note: "x" }, { more: 1, note: "x" }, u, { c: 5 }]);
      await assert.rejects(nkWalletLedgerUpdate(deps, "11111111-2222-4333-8444-555555555555", {}), (e: unknown) => e instanceof GameError && e.code === 5);
    });

    test("50 concurrent increments give the exact total", async () => {
      const u = await createUser(t.db);
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => updateWallets(deps, [{ userId: u, changeset: { coins: 3 } }], true)));
      assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
      assert.equal(await walletText(u), '{"coins": 150}');
      assert.equal(await ledgerCount(u), 50);
    });

    test("concurrent multi-user updates in opposite orders all commit", async () => {
      const a = await createUser(t.db);
      const b = await createUser(t.db);
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => {
        const pair = [{ userId: a, changeset: { x: 1 } }, { userId: b, changeset: { x: 1 } }];
        return updateWallets(deps, i % 2 === 0 ? pair : pair.reverse(), false);
      }));
      assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
      assert.equal(await walletText(a), '{"x": 20}');
      assert.equal(await walletText(b), '{"x": 20}');
    });
  });
}
