// Owns the TypeScript types native module authors write against: InitModule's signature, the typed
// initializer (every registration, with the wire types of each hook's payloads), match handlers and the
// database handle. Types only; the implementation is src/runtime/native-engine.ts.
//
//   import type { InitModule } from "troupe/runtime";      // (see README "Server modules")
//   export const InitModule: InitModule = (ctx, logger, nk, initializer) => {
//     initializer.registerRpc("echo", async (ctx, logger, nk, payload) => payload);
//   };
import type { api, rt } from "../../../proto/index.js";
import type { Config } from "../../config/schema.js";
import type { Queryable, TxOptions } from "../../storage/db.js";
import type { RuntimeContext } from "../context.js";
import type { ModuleLogger } from "../logger.js";
import type { NativeNakama, StorageIndexWrite } from "../nk/native-types.js";
import type { ApiName, ApiRequest, ApiResponse } from "../names.js";
import type { StorageIndexSpec } from "../registry.js";

export type { RuntimeContext } from "../context.js";
export type { ModuleLogger } from "../logger.js";
export type { ApiName, ApiRequest, ApiResponse } from "../names.js";
export type { StorageIndexSpec } from "../registry.js";
export type { NativeNakama } from "../nk/native-types.js";

type Awaitable<T> = T | Promise<T>;

/** The database handle: `$1` parameters; a transaction commits when `fn` resolves. */
export interface NativeDb extends Queryable {
  tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T>;
}

/** Every registered function receives these first. `Nk` is the typed nk API (NativeNakama, src/runtime/nk). */
export type ModuleFunction<Nk, Args extends unknown[], R> = (ctx: RuntimeContext, logger: ModuleLogger, nk: Nk, ...args: Args) => Awaitable<R>;

/** Returns the response payload (void = ""). Throw RuntimeError(message, code) to answer with a code. */
export type RpcFunction<Nk = NativeNakama> = ModuleFunction<Nk, [payload: string], string | void | null>;
/** Returns the (possibly changed) request, or null/undefined to reject it. */
export type BeforeHookFunction<Nk, Req> = ModuleFunction<Nk, [request: Req], Req | null | undefined>;
/** Sees the response and the request; cannot change the response; errors are only logged. */
export type AfterHookFunction<Nk, Res, Req> = ModuleFunction<Nk, [response: Res, request: Req], void>;

/** One matchmaker entry as the matchmaker-matched hook receives it. */
export interface MatchmakerEntry {
  presence: { userId: string; sessionId: string; username: string; node: string };
  properties: Record<string, string | number>;
  partyId?: string;
}

/** Authoritative match handlers (run by the match host). */
export interface NativeMatchHandlers {
  matchInit(...args: unknown[]): unknown;
  matchJoinAttempt(...args: unknown[]): unknown;
  matchJoin(...args: unknown[]): unknown;
  matchLeave(...args: unknown[]): unknown;
  matchLoop(...args: unknown[]): unknown;
  matchTerminate(...args: unknown[]): unknown;
  matchSignal(...args: unknown[]): unknown;
}

export interface NativeInitializer<Nk = NativeNakama> {
  /** The game database (also usable from registered functions: capture it in InitModule). */
  readonly db: NativeDb;
  getConfig(): Config;
  registerRpc(id: string, fn: RpcFunction<Nk>): void;
  registerBefore<N extends ApiName>(name: N, fn: BeforeHookFunction<Nk, ApiRequest<N>>): void;
  registerAfter<N extends ApiName>(name: N, fn: AfterHookFunction<Nk, ApiResponse<N>, ApiRequest<N>>): void;
  /** Realtime hooks see the whole envelope ({ channel_join: … }). */
  registerRtBefore(name: string, fn: BeforeHookFunction<Nk, rt.Envelope>): void;
  registerRtAfter(name: string, fn: AfterHookFunction<Nk, rt.Envelope | null, rt.Envelope>): void;
  /** Returns an authoritative match id, or nothing for a relayed match. */
  registerMatchmakerMatched(fn: ModuleFunction<Nk, [entries: MatchmakerEntry[]], string | void | null>): void;
  registerTournamentEnd(fn: ModuleFunction<Nk, [tournament: api.Tournament, end: number, reset: number], void>): void;
  registerTournamentReset(fn: ModuleFunction<Nk, [tournament: api.Tournament, end: number, reset: number], void>): void;
  registerLeaderboardReset(fn: ModuleFunction<Nk, [leaderboard: api.Leaderboard, reset: number], void>): void;
  registerShutdown(fn: ModuleFunction<Nk, [], void>): void;
  /** Custom events (nk.event, POST /v2/event). */
  registerEvent(fn: ModuleFunction<Nk, [event: api.Event], void>): void;
  registerEventSessionStart(fn: ModuleFunction<Nk, [event: api.Event], void>): void;
  registerEventSessionEnd(fn: ModuleFunction<Nk, [event: api.Event], void>): void;
  registerPurchaseNotificationApple(fn: ModuleFunction<Nk, [purchase: api.ValidatedPurchase, providerPayload: string], void>): void;
  registerSubscriptionNotificationApple(fn: ModuleFunction<Nk, [subscription: api.ValidatedSubscription, providerPayload: string], void>): void;
  registerPurchaseNotificationGoogle(fn: ModuleFunction<Nk, [purchase: api.ValidatedPurchase, providerPayload: string], void>): void;
  registerSubscriptionNotificationGoogle(fn: ModuleFunction<Nk, [subscription: api.ValidatedSubscription, providerPayload: string], void>): void;
  registerMatch(name: string, handlers: NativeMatchHandlers): void;
  /** An in-memory index listed with nk.storageIndexList; a bad spec or a repeated name fails. */
  registerStorageIndex(spec: StorageIndexSpec): void;
  /** Decides per candidate write (and at start) whether the object is in the index: false keeps it out. */
  registerStorageIndexFilter(indexName: string, fn: ModuleFunction<Nk, [write: StorageIndexWrite], boolean>): void;
  /** Runs `fn` once per process (the first runOnce of any native module), after every InitModule. */
  runOnce(fn: ModuleFunction<Nk, [], void>): void;
}

/** What a native module exports. */
export type InitModule<Nk = NativeNakama> = (
  ctx: RuntimeContext,
  logger: ModuleLogger,
  nk: Nk,
  initializer: NativeInitializer<Nk>,
) => Awaitable<void>;
