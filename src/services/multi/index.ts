// Owns multi-update (issue 7 item 1): account changes, storage writes and deletes, and wallet updates
// applied in ONE transaction — all of them or none. Storage operations are authoritative (nk calls).
//
// README — which nk functions the entry points back (Lua name / JS name):
//   nkMultiUpdate(deps, accountUpdates, storageWrites, storageDeletes, walletUpdates, updateLedger)
//       → nk.multi_update(account_updates, storage_writes, storage_deletes, wallet_updates, update_ledger)
//       / nk.multiUpdate(accountUpdates, storageObjectsUpdates, storageObjectsDeletes, walletUpdates, updateLedger?)
//   multiUpdate(deps, input) is the same with already-validated operations (native modules, server code).
// Order inside the transaction is Nakama's: accounts, storage writes, storage deletes, wallets. The
// first failure (a version conflict, a negative balance, a taken username…) rolls everything back and
// is thrown as is. A deadlock or serialization failure re-runs the whole transaction.
import type { api } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { parseUuid } from "../../session/uuid.js";
import type { Db } from "../../storage/db.js";
import { txRetry } from "../../storage/db-errors.js";
import { deleteObjectsTx, writeObjectsTx } from "../storage/index.js";
import { goJson } from "../storage/json.js";
import type { StorageDeleteOp, StorageIndexSink, StorageWriteOp } from "../storage/types.js";
import { writtenObjects } from "../storage/index-core.js";
import { nkDeleteOps, nkWriteOps, type NkStorageDelete, type NkStorageWrite } from "../storage/validate.js";
import { nkWalletUpdates, updateWalletsTx, type NkWalletUpdate, type WalletUpdate, type WalletUpdateResult } from "../wallet/index.js";
import { updateAccountsTx, type AccountUpdateOp } from "./accounts.js";

export { updateAccountsTx, type AccountUpdateOp } from "./accounts.js";

export interface MultiDeps {
  db: Db;
  log: Logger;
  /** Told of the storage writes and deletes once the transaction committed (storage indexes). */
  index?: StorageIndexSink;
}

export interface MultiUpdateInput {
  accountUpdates?: readonly AccountUpdateOp[];
  storageWrites?: readonly StorageWriteOp[];
  storageDeletes?: readonly StorageDeleteOp[];
  walletUpdates?: readonly WalletUpdate[];
  updateLedger?: boolean;
}

export interface MultiUpdateResult {
  storageWriteAcks: api.StorageObjectAck[];
  walletUpdateAcks: WalletUpdateResult[];
}

/** Runs every part in one transaction; nothing is written unless everything succeeds. */
export async function multiUpdate(deps: MultiDeps, input: MultiUpdateInput): Promise<MultiUpdateResult> {
  const accounts = input.accountUpdates ?? [];
  const writes = input.storageWrites ?? [];
  const deletes = input.storageDeletes ?? [];
  const wallets = input.walletUpdates ?? [];
  if (accounts.length + writes.length + deletes.length + wallets.length === 0) return { storageWriteAcks: [], walletUpdateAcks: [] };
  try {
    const result = await txRetry(deps.db, async (q) => {
      await updateAccountsTx(q, accounts);
      const storageWriteAcks = await writeObjectsTx(q, writes, true);
      await deleteObjectsTx(q, deletes, true);
      const walletUpdateAcks = await updateWalletsTx(q, wallets, input.updateLedger ?? false);
      return { storageWriteAcks, walletUpdateAcks };
    }, { isolation: "read committed" });
    if (deps.index?.active === true) {
      if (writes.length > 0) await deps.index.written(writtenObjects(writes, result.storageWriteAcks));
      if (deletes.length > 0) await deps.index.deleted(deletes.map((d) => ({ collection: d.collection, key: d.key, userId: d.ownerId })));
    }
    return result;
  } catch (err) {
    if (err instanceof GameError) throw err;
    deps.log.error({ err }, "Error running multi update.");
    throw new GameError(Code.INTERNAL, "Error running multi update.", { cause: err });
  }
}

/** An account update as nk functions take it (JS field names; metadata may be an object). */
export interface NkAccountUpdate {
  userId: string;
  username?: string | null;
  displayName?: string | null;
  timezone?: string | null;
  location?: string | null;
  langTag?: string | null;
  avatarUrl?: string | null;
  metadata?: Record<string, unknown> | string | null;
}

function nkAccountUpdates(updates: readonly NkAccountUpdate[]): AccountUpdateOp[] {
  return updates.map((u) => {
    const userId = typeof u.userId === "string" ? parseUuid(u.userId) : null;
    if (userId === null) throw new GameError(Code.INVALID_ARGUMENT, "expects user ID to be a valid identifier");
    const metadata = u.metadata === undefined || u.metadata === null ? undefined : typeof u.metadata === "string" ? u.metadata : goJson(u.metadata);
    return {
      userId,
      username: u.username ?? undefined,
      displayName: u.displayName ?? undefined,
      timezone: u.timezone ?? undefined,
      location: u.location ?? undefined,
      langTag: u.langTag ?? undefined,
      avatarUrl: u.avatarUrl ?? undefined,
      metadata,
    };
  });
}

/** nk multi_update: validates every argument first (nothing runs on bad input), then multiUpdate. */
export async function nkMultiUpdate(
  deps: MultiDeps,
  accountUpdates: readonly NkAccountUpdate[] | null | undefined,
  storageWrites: readonly NkStorageWrite[] | null | undefined,
  storageDeletes: readonly NkStorageDelete[] | null | undefined,
  walletUpdates: readonly NkWalletUpdate[] | null | undefined,
  updateLedger: boolean,
): Promise<MultiUpdateResult> {
  return multiUpdate(deps, {
    accountUpdates: nkAccountUpdates(accountUpdates ?? []),
    storageWrites: nkWriteOps(storageWrites ?? []),
    storageDeletes: nkDeleteOps(storageDeletes ?? []),
    walletUpdates: nkWalletUpdates(walletUpdates ?? []),
    updateLedger,
  });
}
