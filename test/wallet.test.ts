// Black-box: the wallet as a client sees it, in the account (GET /v2/account). No client route changes a
// wallet; until the runtime binds nk.wallet_update, the PostgreSQL case changes wallets through the
// service core on a second connection to the server's own database: 50 concurrent increments while the
// server is serving, then the account shows the exact total.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Client} from "@heroiclabs/nakama-js";
import { type Session } from "@heroiclabs/nakama-js";
import { silentLogger } from "../src/log.js";
import { updateWallets, WalletNegativeError } from "../src/services/wallet/index.js";
import { bootServer, clientFor, openServerDb, type BootedServer, testDatabases } from "./helpers/boot.js";

const databases = testDatabases;

for (const database of databases) {
  describe(`wallet in the account on ${database.name}`, { skip: database.skip }, () => {
    let s: BootedServer;
    let client: Client;
    let user: Session;

    before(async () => {
      s = await bootServer({ "logger.level": "warn" }, { database: database.name });
      client = clientFor(s, 4000);
      user = await client.authenticateDevice(`wl-user-${database.name}`, true);
    });
    after(async () => {
      await s.stop();
    });

    test("a new account has an empty wallet", async () => {
      const account = await client.getAccount(user);
      assert.equal(account.wallet, "{}");
    });

    test("50 concurrent increments give the exact total; a refused update changes nothing",
      { skip: database.name === "pglite" ? "changing a wallet needs a second connection (PostgreSQL) until nk is bound" : false }, async () => {
        const db = await openServerDb(s, 16);
        try {
          const deps = { db, log: silentLogger() };
          const userId = user.user_id!;
          const results = await Promise.allSettled(Array.from({ length: 50 }, () => updateWallets(deps, [{ userId, changeset: { coins: 2 } }], true)));
          assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
          assert.equal((await client.getAccount(user)).wallet, '{"coins": 100}');
          await assert.rejects(updateWallets(deps, [{ userId, changeset: { coins: 5, gems: -1 } }], true), WalletNegativeError);
          assert.equal((await client.getAccount(user)).wallet, '{"coins": 100}');
        } finally {
          await db.close();
        }
      });
  });
}
