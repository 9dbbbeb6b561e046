// Owns the public surface of wallets (issue 7 item 7). No client REST route changes a wallet; the
// account's `wallet` field (GET /v2/account, identity) reads users.wallet, which these functions keep.
//
// README — which nk functions each entry point backs (Lua name / JS name):
//   nkWalletUpdate(deps, userId, changeset, metadata, updateLedger)
//       → nk.wallet_update(user_id, changeset, metadata, update_ledger) / nk.walletUpdate(userId, changeset, metadata?, updateLedger?)
//   nkWalletsUpdate(deps, updates, updateLedger)     → nk.wallets_update / nk.walletsUpdate
//   nkWalletLedgerList(deps, userId, limit, cursor)  → nk.wallet_ledger_list / nk.walletLedgerList
//   nkWalletLedgerUpdate(deps, itemId, metadata)     → nk.wallet_ledger_update / nk.walletLedgerUpdate
//   nk.multi_update / nk.multiUpdate wallet part     → updateWalletsTx (src/services/multi)
// `updateLedger` and `limit` defaults are the binding's (Nakama's JS/Lua: updateLedger true, limit 100).
// A refused update throws WalletNegativeError (code FAILED_PRECONDITION, Nakama's text
// "wallet update rejected negative value at path '<currency>'", with userId/path/current/amount).
import { Code, GameError } from "../../errors.js";
import { parseUuid } from "../../session/uuid.js";
import { goJson } from "../storage/json.js";
import { listWalletLedger, updateWalletLedger, type WalletLedgerItem, type WalletLedgerList } from "./ledger.js";
import { updateWallets, type WalletDeps, type WalletUpdate, type WalletUpdateResult } from "./update.js";

export { listWalletLedger, updateWalletLedger, LEDGER_CURSOR_INVALID, type WalletLedgerItem, type WalletLedgerList } from "./ledger.js";
export { updateWallets, updateWalletsTx, WalletNegativeError, type WalletDeps, type WalletUpdate, type WalletUpdateResult } from "./update.js";

const invalid = (message: string): GameError => new GameError(Code.INVALID_ARGUMENT, message);

/** A wallet update as nk functions take it (JS field names); metadata may be an object. */
export interface NkWalletUpdate {
  userId: string;
  changeset: Readonly<Record<string, number | bigint>>;
  metadata?: Record<string, unknown> | string | null;
}

function metadataText(m: Record<string, unknown> | string | null | undefined): string {
  if (m === undefined || m === null) return "{}";
  return typeof m === "string" ? m : goJson(m);
}

/** Validates nk wallet updates (user ids, changesets of integers). Used by multi-update too. */
export function nkWalletUpdates(updates: readonly NkWalletUpdate[]): WalletUpdate[] {
  return updates.map((u) => {
    const userId = typeof u.userId === "string" ? parseUuid(u.userId) : null;
    if (userId === null) throw invalid("expects a valid user id");
    if (typeof u.changeset !== "object" || u.changeset === null) throw invalid("expects a changeset object");
    return { userId, changeset: u.changeset, metadata: metadataText(u.metadata) };
  });
}

/** nk wallet_update: one user; NOT_FOUND "user not found" when the user does not exist. */
export async function nkWalletUpdate(
  deps: WalletDeps,
  userId: string,
  changeset: Readonly<Record<string, number | bigint>>,
  metadata: Record<string, unknown> | string | null | undefined,
  updateLedger: boolean,
): Promise<{ updated: Record<string, number>; previous: Record<string, number> }> {
  const [update] = nkWalletUpdates([{ userId, changeset, metadata }]);
  const results = await updateWallets(deps, [update], updateLedger);
  if (results.length === 0) throw new GameError(Code.NOT_FOUND, "user not found");
  return { updated: results[0].updated, previous: results[0].previous };
}

/** nk wallets_update: many users in one transaction; unknown users are skipped. */
export async function nkWalletsUpdate(deps: WalletDeps, updates: readonly NkWalletUpdate[], updateLedger: boolean): Promise<WalletUpdateResult[]> {
  return updateWallets(deps, nkWalletUpdates(updates), updateLedger);
}

/** nk wallet_ledger_list: newest first; `limit` 0–100 where 0 = no limit. */
export async function nkWalletLedgerList(deps: WalletDeps, userId: string, limit: number, cursor: string | null | undefined): Promise<WalletLedgerList> {
  const uid = parseUuid(userId);
  if (uid === null) throw invalid("expects a valid user id");
  if (!Number.isInteger(limit) || limit < 0 || limit > 100) throw invalid("expects limit to be 0-100");
  return listWalletLedger(deps, uid, limit === 0 ? undefined : limit, cursor ?? "");
}

/** nk wallet_ledger_update: merges metadata into the entry and returns it. */
export async function nkWalletLedgerUpdate(deps: WalletDeps, itemId: string, metadata: Record<string, unknown> | string): Promise<WalletLedgerItem> {
  const id = parseUuid(itemId);
  if (id === null) throw invalid("expects a valid item id");
  return updateWalletLedger(deps, id, metadataText(metadata));
}
