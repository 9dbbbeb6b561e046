// Owns nk's multi_update over src/services/multi: account changes, storage writes and deletes and wallet
// updates in ONE transaction, all or nothing (the first failure is reported, wrapped as
// "error running multi update: …" with the core's code).
//   Lua: multi_update(account_updates?, storage_writes?, storage_deletes?, wallet_updates?, update_ledger = false)
//        → acks | nil, wallet_results | nil     (nil when that part is empty, as Nakama)
//   JS:  multiUpdate(accountUpdates?, storageWrites?, storageDeletes?, walletUpdates?, updateLedger = false)
//        → { storageWriteAcks, walletUpdateAcks }
// Account elements: Lua {user_id, username?, display_name?, timezone?, location?, lang_tag?, avatar_url?,
// metadata?}, JS the camelCase names. Storage and wallet elements are those of storage.ts / wallet.ts.
import { multiUpdate, type AccountUpdateOp, type MultiUpdateResult } from "../../services/multi/index.js";
import { nkDeleteOps, nkWriteOps } from "../../services/storage/index.js";
import { wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import { ackJs, ackLua, walletResultJs, walletResultLua } from "./shapes-data.js";
import { deleteFields, writeFields } from "./storage.js";
import { entriesArg, type Entry } from "./svc-args.js";
import { storageDeps } from "./svc-deps.js";
import type { NkBinding, NkCall } from "./types.js";
import { walletUpdatesArg } from "./wallet.js";

/** Profile fields: [Lua key, JS key, Lua type text]. */
const PROFILE: ReadonlyArray<readonly [string, string, keyof AccountUpdateOp, string]> = [
  ["username", "username", "username", "username"],
  ["display_name", "displayName", "displayName", "display name"],
  ["timezone", "timezone", "timezone", "timezone"],
  ["location", "location", "location", "location"],
  ["lang_tag", "langTag", "langTag", "lang tag"],
  ["avatar_url", "avatarUrl", "avatarUrl", "avatar url"],
];

function accountFields(e: Entry): AccountUpdateOp {
  const userId = e.uuid(e.key("user_id", "userId"));
  if (userId === undefined) throw e.fail("expects a valid user ID");
  const op: AccountUpdateOp = { userId };
  for (const [lua, js, field, text] of PROFILE) {
    const v = e.str(e.key(lua, js), e.lua ? `expects ${text} to be string` : "expects a string");
    if (v !== undefined) (op as unknown as Record<string, string>)[field] = v;
  }
  op.metadata = e.json("metadata", e.lua ? undefined : "expects metadata to be a key value object");
  return op;
}

function listAt<T>(a: Args, i: number, lua: string, js: string, fn: (e: Entry) => T): T[] {
  const msg = a.lang === "lua" ? lua : js;
  return entriesArg(a, i, msg, msg)?.map(fn) ?? [];
}

async function run(a: Args, call: NkCall): Promise<MultiUpdateResult> {
  const accountUpdates = listAt(a, 0, "expects a valid set of account update data", "expects an array of account updates", accountFields);
  const writes = listAt(a, 1, "expects a valid set of storage data", "expects a valid array of data", writeFields);
  const deletes = listAt(a, 2, "expects a valid set of storage data", "expects a valid array of data", deleteFields);
  const walletUpdates = walletUpdatesArg(a, 3) ?? [];
  const updateLedger = a.optBool(4, false);
  return wrapped("error running multi update", async () =>
    multiUpdate(storageDeps(call), {
      accountUpdates, storageWrites: nkWriteOps(writes), storageDeletes: nkDeleteOps(deletes), walletUpdates, updateLedger,
    }));
}

export function multiBindings(): NkBinding[] {
  return [
    define({
      lua: "multi_update",
      js: "multiUpdate",
      luaFn: async (a, call) => {
        const r = await run(a, call);
        return [
          r.storageWriteAcks.length === 0 ? null : r.storageWriteAcks.map(ackLua),
          r.walletUpdateAcks.length === 0 ? null : r.walletUpdateAcks.map(walletResultLua),
        ];
      },
      jsFn: async (a, call) => {
        const r = await run(a, call);
        return { storageWriteAcks: r.storageWriteAcks.map(ackJs), walletUpdateAcks: r.walletUpdateAcks.map(walletResultJs) };
      },
    }),
  ];
}
