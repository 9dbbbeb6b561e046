// Owns the contract between the nk module (src/runtime/nk/) and the runtime framework (the engines'
// loaders, initializers and pools). Both sides code against this file; it changes only additively.
//
// For the framework engineer:
// - `nkBindings()` (index.ts) lists every nk function once. For each binding:
//     * `lua` / `callLua`: install `callLua` under `nakama.<lua>` (the module Lua code gets with
//       `require("nakama")`). It returns the Lua results as an array (multiple returns; `null` → nil);
//       wrap them with the engine's `luaMulti(...)`. When `luaRawStrings` is true, wrap the host function
//       with the engine's `withRawStrings` so top-level string args arrive as Uint8Array (Lua strings are
//       bytes: base64_encode, aes*, uuid_bytes_to_string…). Returned Uint8Array become Lua strings.
//     * `js` / `callJs`: install `callJs` under `nk.<js>` in the JS sandbox; it returns one value
//       (plain data; Uint8Array becomes an ArrayBuffer in the guest).
//   Either side may be missing (e.g. Nakama's JS nk has no json_encode; Lua has no binaryToString).
//   Both may return a Promise: the engines' bridges make the call look synchronous to guest code.
// - Errors: implementations throw `GameError`; engines keep the code. Messages are Nakama's (Lua argument
//   errors read "bad argument #1 to authenticate_device (expects id string)", JS ones "expects id
//   string"); argument errors are INVALID_ARGUMENT, wrapped core failures ("error authenticating: User
//   account not found.") keep the core's code (NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED…).
// - `NkCall.ctx` is the calling module's context (RuntimeContext from ../context.ts). nk functions
//   read nothing from it today; it is there for later domains (caller-aware storage, logging fields).
// - Process-wide state lives in `NkShared` (shared.ts), made once per server with `createNkShared()` and
//   passed in `NkDeps.shared`: `luaCache` / `jsCache` (Nakama keeps one localcache per runtime; native
//   modules use jsCache) and `events`, the queue nk.event fills; the framework drains it (`drain()`,
//   woken by `onEvent`) and calls the registered event handlers.
// - `createNativeNk(deps, ctx)` / `nativeNkFactory(deps)(ctx)` (native.ts) give native modules a typed,
//   async `nk` (NativeNakama, native-types.ts) with the JS functions' semantics.
// - Lua's logger_* are the framework's (module logger); nk provides get_config (config-view.ts, which
//   also offers `configViewJs` for JS `initializer.getConfig()`).
//
// Adding a domain (storage, wallet, leaderboards…): one file `src/runtime/nk/<domain>.ts` exporting
// `xBindings(): NkBinding[]` built with `define()` (binding.ts), one entry in DOMAINS (table.ts), and its
// typed methods in native-types.ts.
import type { Config } from "../../config/schema.js";
import type { IdentityCore } from "../../identity/core.js";
import type { Logger } from "../../log.js";
import type { GroupChannelPort } from "../../services/groups/index.js";
import type { LeaderboardCore } from "../../services/leaderboard/index.js";
import type { NotifyAllFn, NotifyFn } from "../../services/notifications/index.js";
import type { StorageIndexes } from "../../services/storage/index.js";
import type { SessionService } from "../../session/service.js";
import type { Db } from "../../storage/db.js";
import type { RuntimeContext } from "../context.js";
import type { NkShared } from "./shared.js";

export type { RuntimeContext } from "../context.js";

/** Hooks into other parts of the server that nk functions drive; all optional until those parts exist. */
export interface NkServices {
  /** Closes the user's realtime sockets (session_disconnect, account deletion, ban). Default: nothing. */
  disconnectUser?: (userId: string, reason: "deleted" | "banned" | "kicked") => void | Promise<void>;
  /** Closes one realtime session by id (session_disconnect); `reason` is a PresenceReason 0-4. */
  disconnectSession?: (sessionId: string, reason: number) => void | Promise<void>;
  /** Friend import after authenticate/link Facebook or Steam (friends issue; same as IdentityDeps.importFriends). */
  importFriends?: (
    provider: "facebook" | "steam",
    userId: string,
    username: string,
    credential: { token: string; steamId?: string },
  ) => Promise<void>;
}

export interface NkDeps {
  db: Db;
  config: Config;
  log: Logger;
  sessions: SessionService;
  /** The identity core (src/api/deps.ts `identityCore()` builds it). */
  identity: IdentityCore;
  /** Process-wide localcache and event queue (shared.ts `createNkShared()`). */
  shared: NkShared;
  /** Other subsystems, wired by main.ts as they land. */
  services?: NkServices;
  /** Clock in milliseconds (default Date.now). */
  now?: () => number;
  /**
   * The leaderboard/tournament core (src/services/leaderboard `createLeaderboardCore`), ONE per server and
   * shared with the REST routes (it holds the board registry and the rank cache). Without it the nk
   * leaderboard_* and tournament_* functions fail with UNAVAILABLE.
   */
  leaderboards?: LeaderboardCore;
  /** Live delivery of notifications to users' online sessions (realtime layer). Default: stored only. */
  notify?: NotifyFn;
  /** Live delivery of a non-persistent notification to every online session. Default: nothing. */
  notifyAll?: NotifyAllFn;
  /** Online flag of users in friend and group listings. Default: `identity.isOnline`. */
  isOnline?: (userId: string) => boolean;
  /** Delivery of group events to the group channel (chat layer). Default: events are only stored. */
  groupChannel?: GroupChannelPort;
  /**
   * The server's storage indexes (src/services/storage `StorageIndexes`), told of every nk storage write
   * and delete and listed by storage_index_list. Without it there are no indexes ("index not found").
   */
  storageIndexes?: StorageIndexes;
}

export interface NkCall {
  deps: NkDeps;
  /** The calling module's context (user id, env, execution mode…). */
  ctx: RuntimeContext;
}

export interface NkBinding {
  /** Name in the JS sandbox's nk object, e.g. "storageRead". */
  js?: string;
  /** Name in Lua's nakama module, e.g. "storage_read". */
  lua?: string;
  /** Lua: top-level string args arrive as Uint8Array (wrap the host fn with `withRawStrings`). */
  luaRawStrings?: boolean;
  /** Host-side implementations; args/returns are plain host values (the engines marshal guest⇄host). */
  callJs?: (call: NkCall, args: unknown[]) => unknown;
  /**
   * `callJs` answers at once: it never returns a Promise (no database, network or other actor behind it).
   * Only these run in JS match VMs on QuickJS's sync build, where a handler cannot wait (src/match/engines/js.ts).
   */
  jsImmediate?: boolean;
  /** Returns the Lua results (multiple returns); may return a Promise of them. */
  callLua?: (call: NkCall, args: unknown[]) => unknown[] | Promise<unknown[]>;
}
