// nk wallet functions through their bindings: Lua's two returns and JS's result object, the ledger
// (off by default, as Nakama), batch updates, ledger listing and metadata update, and the error texts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "../../errors.js";
import { rejection } from "./testkit.js";
import { openServicesFixture, type ServicesFixture } from "./testkit-services.js";

let f: ServicesFixture;
let a = "";
let b = "";
before(async () => {
  f = await openServicesFixture();
  a = await f.player("walleta");
  b = await f.player("walletb");
});
after(async () => {
  await f.dispose();
});

describe("wallet_update / walletUpdate", () => {
  it("Lua returns updated and previous; JS an object with the user id", async () => {
    const [updated, previous] = await f.lua("wallet_update", a, { gold: 100, gems: 2 }, { why: "start" }, true);
    assert.deepEqual(updated, { gems: 2, gold: 100 });
    assert.deepEqual(previous, {});
    const r = (await f.js("walletUpdate", a, { gold: -40 })) as Record<string, unknown>;
    assert.deepEqual(r, { updated: { gems: 2, gold: 60 }, previous: { gems: 2, gold: 100 }, userId: a });
    const [acc] = (await f.lua("account_get_id", a)) as [Record<string, unknown>];
    assert.deepEqual(acc.wallet, { gems: 2, gold: 60 });
  });

  it("refuses negative balances, fractions, unknown users", async () => {
    const neg = await rejection(f.lua("wallet_update", a, { gold: -1000 }));
    assert.equal(neg.code, Code.FAILED_PRECONDITION);
    assert.equal(neg.message, "failed to update user wallet: wallet update rejected negative value at path 'gold'");
    assert.equal((await rejection(f.lua("wallet_update", a, { gold: 1.5 }))).message,
      "bad argument #2 to wallet_update (expects changeset values to be whole numbers)");
    assert.equal((await rejection(f.js("walletUpdate", a, "x"))).message, "expects a changeset object");
    assert.equal((await rejection(f.lua("wallet_update", "nope", {}))).message, "bad argument #1 to wallet_update (expects a valid user id)");
    const missing = await rejection(f.js("walletUpdate", "00000000-0000-0000-0000-00000000beef", { gold: 1 }));
    assert.equal(missing.code, Code.NOT_FOUND);
    assert.equal(missing.message, "user not found");
  });
});

describe("wallets_update and the ledger", () => {
  it("updates several users; unknown users are skipped", async () => {
    const [results] = (await f.lua("wallets_update", [
      { user_id: a, changeset: { gold: 1 }, metadata: { batch: 1 } },
      { user_id: b, changeset: { gold: 5 } },
      { user_id: "00000000-0000-0000-0000-00000000beef", changeset: { gold: 5 } },
    ], true)) as [Array<Record<string, unknown>>];
    assert.deepEqual(results.map((r) => [r.user_id, r.updated]), [[a, { gems: 2, gold: 61 }], [b, { gold: 5 }]]);
    const js = (await f.js("walletsUpdate", [{ userId: b, changeset: { gold: 1 } }])) as Array<Record<string, unknown>>;
    assert.deepEqual(js, [{ userId: b, previous: { gold: 5 }, updated: { gold: 6 } }]);
    assert.deepEqual(await f.lua("wallets_update", {}), []);
    assert.equal((await rejection(f.js("walletsUpdate", [{ changeset: {} }]))).message, "expects a user id");
    assert.equal((await rejection(f.lua("wallets_update", [{ user_id: a }]))).message,
      "bad argument #1 to wallets_update (expects changeset to be supplied)");
  });

  it("lists the ledger newest first (only ledgered updates) and merges metadata", async () => {
    const [items, cursor] = (await f.lua("wallet_ledger_list", a, 1)) as [Array<Record<string, unknown>>, string];
    assert.equal(items.length, 1);
    assert.deepEqual(items[0].changeset, { gold: 1 });
    assert.deepEqual(items[0].metadata, { batch: 1 });
    assert.equal(items[0].user_id, a);
    assert.notEqual(cursor, "");
    const page = (await f.js("walletLedgerList", a, 10, cursor)) as { items: Array<Record<string, unknown>>; cursor: string | null };
    assert.deepEqual(page.items.map((i) => i.changeset), [{ gems: 2, gold: 100 }]);
    assert.equal(page.cursor, null);
    const item = (await f.js("walletLedgerUpdate", page.items[0].id, { note: "first" })) as Record<string, unknown>;
    assert.deepEqual(item.metadata, { note: "first", why: "start" });
    assert.deepEqual(item.changeset, { gems: 2, gold: 100 });
    const [luaItem] = (await f.lua("wallet_ledger_update", page.items[0].id, { more: 1 })) as [Record<string, unknown>];
    assert.equal(luaItem.user_id, a);
    assert.deepEqual(luaItem.metadata, { more: 1, note: "first", why: "start" });
    assert.equal((await rejection(f.lua("wallet_ledger_list", a, 500))).message, "bad argument #1 to wallet_ledger_list (expects limit to be 0-100)");
    assert.equal((await rejection(f.js("walletLedgerUpdate", "nope", {}))).message, "expects a valid id");
  });
});
