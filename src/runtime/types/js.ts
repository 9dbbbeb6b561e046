// Owns the TypeScript types of the sandboxed JavaScript API, with Nakama's names (nakama-runtime's
// `nkruntime` namespace): the ctx object, the logger, the initializer with every registerBefore<Api> /
// registerAfter<Api> function and hook payloads in the shapes JS code receives them (lowerCamelCase keys,
// every field present), the synchronous `nk` (derived from the native API, so both stay in step), and
// error codes. Types only. nakama-runtime.d.ts next to this file declares them as the global
// `nkruntime` namespace for bundles written the Nakama way.
import type { api, rt } from "../../../proto/index.js";
import type { ApiName, ApiRequest, ApiResponse } from "../names.js";
import type { NativeNakama, StorageIndexWrite } from "../nk/native-types.js";
import type { MatchmakerEntry } from "./native.js";

/** snake_case → lowerCamelCase, as a type. */
export type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/**
 * A wire message as JS hooks receive it: lowerCamelCase keys, every field present, unset messages,
 * wrappers and timestamps null, timestamps as RFC 3339 strings, bytes as base64 strings.
 */
export type JsShape<T> = T extends Date | Uint8Array
  ? string
  : T extends readonly (infer E)[]
    ? JsShape<E>[]
    : T extends object
      ? { [K in keyof T as Camel<K & string>]-?: JsShape<Exclude<T[K], undefined>> | (undefined extends T[K] ? null : never) }
      : T;

/** ctx (keys Nakama leaves out when unset are optional). */
export interface Context {
  env: Record<string, string>;
  executionMode?: string;
  node: string;
  version: string;
  headers?: Record<string, string[]>;
  queryParams?: Record<string, string[]>;
  userId?: string;
  username?: string;
  vars?: Record<string, string>;
  userSessionExp?: number;
  sessionId?: string;
  lang?: string;
  clientIp?: string;
  clientPort?: string;
  matchId?: string;
  matchNode?: string;
  matchLabel?: string;
  matchTickRate?: number;
}

/** Go-style format verbs: logger.info("user %s has %d coins", id, n). */
export interface Logger {
  debug(format: string, ...params: unknown[]): void;
  info(format: string, ...params: unknown[]): void;
  warn(format: string, ...params: unknown[]): void;
  error(format: string, ...params: unknown[]): void;
  withField(key: string, value: string): Logger;
  withFields(fields: Record<string, string>): Logger;
  getFields(): Record<string, string>;
}

type Sync<F> = F extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : F;
/** The sandbox's nk: the native API's functions, synchronous (binary values are ArrayBuffer there). */
export type Nakama = { [K in keyof NativeNakama]: Sync<NativeNakama[K]> };

export type RpcFunction = (ctx: Context, logger: Logger, nk: Nakama, payload: string) => string | void | null;
export type BeforeHookFunction<T> = (ctx: Context, logger: Logger, nk: Nakama, data: T) => T | void | null;
export type AfterHookFunction<Out, In> = (ctx: Context, logger: Logger, nk: Nakama, data: Out, request: In) => void;
type Fn<Args extends unknown[], R = void> = (ctx: Context, logger: Logger, nk: Nakama, ...args: Args) => R;

type ApiHooks = {
  [N in ApiName as `registerBefore${N}`]: (fn: BeforeHookFunction<JsShape<NonNullable<ApiRequest<N>>>>) => void;
} & {
  [N in ApiName as `registerAfter${N}`]: (fn: AfterHookFunction<JsShape<ApiResponse<N>> | null, JsShape<ApiRequest<N>> | null>) => void;
};

/** Authoritative match handlers (run by the match host). */
export interface MatchHandler {
  matchInit: (...args: any[]) => unknown;
  matchJoinAttempt: (...args: any[]) => unknown;
  matchJoin: (...args: any[]) => unknown;
  matchLeave: (...args: any[]) => unknown;
  matchLoop: (...args: any[]) => unknown;
  matchTerminate: (...args: any[]) => unknown;
  matchSignal: (...args: any[]) => unknown;
}

export type Initializer = ApiHooks & {
  registerRpc(id: string, fn: RpcFunction): void;
  /** Hooks on realtime messages see the whole envelope ({ channelJoin: {...} }). */
  registerRtBefore(id: string, fn: BeforeHookFunction<JsShape<rt.Envelope>>): void;
  registerRtAfter(id: string, fn: AfterHookFunction<JsShape<rt.Envelope> | null, JsShape<rt.Envelope>>): void;
  registerMatchmakerMatched(fn: Fn<[matches: MatchmakerEntry[]], string | void>): void;
  registerTournamentEnd(fn: Fn<[tournament: JsShape<api.Tournament>, end: number, reset: number]>): void;
  registerTournamentReset(fn: Fn<[tournament: JsShape<api.Tournament>, end: number, reset: number]>): void;
  registerLeaderboardReset(fn: Fn<[leaderboard: JsShape<api.Leaderboard>, reset: number]>): void;
  registerShutdown(fn: Fn<[]>): void;
  registerPurchaseNotificationApple(fn: Fn<[purchase: JsShape<api.ValidatedPurchase>, providerPayload: string]>): void;
  registerSubscriptionNotificationApple(fn: Fn<[subscription: JsShape<api.ValidatedSubscription>, providerPayload: string]>): void;
  registerPurchaseNotificationGoogle(fn: Fn<[purchase: JsShape<api.ValidatedPurchase>, providerPayload: string]>): void;
  registerSubscriptionNotificationGoogle(fn: Fn<[subscription: JsShape<api.ValidatedSubscription>, providerPayload: string]>): void;
  registerMatch(name: string, handlers: MatchHandler): void;
  /** An in-memory index over `collection` (and `key`; "" = every key) listed with nk.storageIndexList. */
  registerStorageIndex(name: string, collection: string, key: string | undefined, fields: string[], sortableFields: string[], maxEntries: number, indexOnly?: boolean): void;
  /** Decides per candidate write (and at start) whether the object is in the index: false keeps it out. */
  registerStorageIndexFilter(indexName: string, fn: Fn<[write: StorageIndexWrite], boolean>): void;
  /** Troupe: socket session start/end events. */
  registerEventSessionStart(fn: Fn<[event: JsShape<api.Event>]>): void;
  registerEventSessionEnd(fn: Fn<[event: JsShape<api.Event>]>): void;
  /** Troupe: runs `fn` once per process (the first runOnce of any VM), after InitModule. */
  runOnce(fn: Fn<[]>): void;
  getConfig(): Record<string, unknown>;
};

export type InitModule = (ctx: Context, logger: Logger, nk: Nakama, initializer: Initializer) => void;

/** gRPC codes a `throw { message, code }` may carry (nakama-runtime.d.ts names them: nkruntime.Codes). */
export type Codes = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16;

/** What `throw` should carry to answer with a code. */
export interface Error {
  message: string;
  code: Codes;
}
