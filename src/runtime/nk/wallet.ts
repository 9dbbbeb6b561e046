// Owns nk's wallet functions over src/services/wallet, with Nakama's argument orders, texts and shapes:
//   Lua: wallet_update(user_id, changeset, metadata?, update_ledger = false) → updated, previous
//        wallets_update(updates, update_ledger = false) → { {user_id, previous, updated}, … }
//        wallet_ledger_update(id, metadata) → item; wallet_ledger_list(user_id, limit = 100, cursor?) → items, cursor
//   JS:  walletUpdate(userId, changeset, metadata?, updateLedger = false) → { updated, previous, userId }
//        walletsUpdate(updates, updateLedger = false) → [{ updated, previous, userId }]
//        walletLedgerUpdate(id, metadata) → item; walletLedgerList(userId, limit = 100, cursor?) → { items, cursor|null }
// Changeset values must be whole numbers. A user that does not exist: wallet_update fails with
// "user not found" (NOT_FOUND); wallets_update skips it. A refused update keeps the core's
// FAILED_PRECONDITION ("failed to update user wallet: wallet update rejected negative value at path 'x'").
// Ledger items carry the entry's stored changeset and merged metadata (Nakama's runtimes echo the input
// metadata, and its JS runtime even returns it as `changeset`; the stored values are what callers expect).
import { Code, GameError } from "../../errors.js";
import { SYSTEM_USER_ID } from "../../session/uuid.js";
import { nkWalletLedgerList, nkWalletLedgerUpdate, updateWallets, type WalletUpdate } from "../../services/wallet/index.js";
import { wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import { ledgerItemJs, ledgerItemLua, walletResultJs, walletResultLua } from "./shapes-data.js";
import { changesetOf, entriesArg, mapArg, optMapJson, uuidArg, type Entry } from "./svc-args.js";
import { baseDeps } from "./svc-deps.js";
import type { NkBinding, NkCall } from "./types.js";

async function apply(call: NkCall, updates: WalletUpdate[], ledger: boolean) {
  return wrapped("failed to update user wallet", () => updateWallets(baseDeps(call), updates, ledger));
}

async function updateOne(a: Args, call: NkCall) {
  const userId = uuidArg(a, 0, "expects a valid user id");
  const changeset = changesetOf((m) => a.fail(1, m), mapArg(a, 1, "expects a changeset object"));
  const metadata = optMapJson(a, 2, "expects metadata to be a key value object") ?? "{}";
  const ledger = a.optBool(3, false);
  const [result] = await apply(call, [{ userId, changeset, metadata }], ledger);
  if (result === undefined) throw new GameError(Code.NOT_FOUND, "user not found");
  return result;
}

/** One element of wallets_update / multi_update's wallet list. */
export function walletUpdateFields(e: Entry): WalletUpdate {
  if (e.lua) {
    const userId = e.uuid("user_id") ?? SYSTEM_USER_ID;
    const cs = e.map("changeset");
    if (cs === undefined) throw e.fail("expects changeset to be supplied");
    return { userId, changeset: changesetOf((m) => e.fail(m), cs), metadata: e.json("metadata") ?? "{}" };
  }
  if (!("userId" in e.v)) throw e.fail("expects a user id");
  if (typeof e.v.userId !== "string") throw e.fail("expects a valid user id");
  const userId = e.uuid("userId", "expects a valid user id") as string;
  const cs = e.map("changeset", "expects changeset object");
  if (cs === undefined) throw e.fail("expects changeset object");
  return { userId, changeset: changesetOf((m) => e.fail(m), cs), metadata: e.json("metadata", "expects metadata object") ?? "{}" };
}

export function walletUpdatesArg(a: Args, i: number): WalletUpdate[] | null {
  const lua = a.lang === "lua";
  const msg = lua ? "expects a valid set of updates" : "expects an array of wallet update objects";
  return entriesArg(a, i, msg, msg)?.map((e) => walletUpdateFields(e)) ?? null;
}

async function updateMany(a: Args, call: NkCall) {
  if (a.lang === "lua") a.table(0);
  const updates = walletUpdatesArg(a, 0);
  if (updates === null) throw a.fail(0, a.lang === "lua" ? "expects a valid set of updates" : "expects an array of wallet update objects");
  if (updates.length === 0) return null;
  return apply(call, updates, a.optBool(1, false));
}

async function ledgerUpdate(a: Args, call: NkCall) {
  const id = uuidArg(a, 0, "expects a valid id");
  const metadata = mapArg(a, 1, "expects metadata object");
  return wrapped("failed to update user wallet ledger", () => nkWalletLedgerUpdate(baseDeps(call), id, metadata));
}

async function ledgerList(a: Args, call: NkCall) {
  const userId = uuidArg(a, 0, "expects a valid user id");
  const limit = a.optInt(1, 100);
  // Nakama's Lua binding reports the limit at argument #1.
  if (limit < 0 || limit > 100) throw a.fail(a.lang === "lua" ? 0 : 1, "expects limit to be 0-100");
  const cursor = a.optStr(2, "");
  return wrapped("failed to retrieve user wallet ledger", () => nkWalletLedgerList(baseDeps(call), userId, limit, cursor));
}

export function walletBindings(): NkBinding[] {
  return [
    define({
      lua: "wallet_update",
      js: "walletUpdate",
      luaFn: async (a, call) => {
        const r = await updateOne(a, call);
        return [r.updated, r.previous];
      },
      jsFn: async (a, call) => {
        const r = await updateOne(a, call);
        return { updated: r.updated, previous: r.previous, userId: r.userId };
      },
    }),
    define({
      lua: "wallets_update",
      js: "walletsUpdate",
      luaFn: async (a, call) => {
        const results = await updateMany(a, call);
        return results === null ? [] : [results.map(walletResultLua)];
      },
      jsFn: async (a, call) => ((await updateMany(a, call)) ?? []).map(walletResultJs),
    }),
    define({
      lua: "wallet_ledger_update",
      js: "walletLedgerUpdate",
      luaFn: async (a, call) => [ledgerItemLua(await ledgerUpdate(a, call))],
      jsFn: async (a, call) => ledgerItemJs(await ledgerUpdate(a, call)),
    }),
    define({
      lua: "wallet_ledger_list",
      js: "walletLedgerList",
      luaFn: async (a, call) => {
        const r = await ledgerList(a, call);
        return [r.items.map(ledgerItemLua), r.nextCursor];
      },
      jsFn: async (a, call) => {
        const r = await ledgerList(a, call);
        return { items: r.items.map(ledgerItemJs), cursor: r.nextCursor === "" ? null : r.nextCursor };
      },
    }),
  ];
}
