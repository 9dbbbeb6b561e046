// Owns the typed surface of `nk` for native (in-process TypeScript/JavaScript) modules: one interface per
// domain, joined into NativeNakama. Types only (no runtime code), so module authors can copy this file
// as a .d.ts. Every method is async and has the semantics and shapes of the sandboxed JS `nk` function of
// the same name (Nakama's JS runtime), except binary values are Uint8Array (ArrayBuffer in the sandbox).
// A later domain adds `export interface NativeX { … }` here and extends NativeNakama with it.
import type { NkAccount, NkUser } from "./shapes.js";
import type {
  NativeFriends, NativeGroups, NativeLeaderboards, NativeNotifications, NativeStorage, NativeTournaments,
} from "./native-types-services.js";

export type { NkAccount, NkUser } from "./shapes.js";
export type * from "./native-types-services.js";

export interface AuthResult {
  userId: string;
  username: string;
  created: boolean;
}

export interface TokenGenerateResult {
  token: string;
  /** Unix seconds. */
  exp: number;
}

export interface HttpResponse {
  code: number;
  /** Canonical header name → values. */
  headers: Record<string, string[]>;
  body: string;
}

export interface SqlExecResult {
  rowsAffected: number;
}

export type SqlQueryResult = Array<Record<string, unknown>>;

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete" | "head" | "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";

/** Presence reasons accepted by sessionDisconnect: 0 Unknown, 1 Join, 2 Update, 3 Leave, 4 Disconnect. */
export type PresenceReason = 0 | 1 | 2 | 3 | 4;

export type Bytes = string | Uint8Array;

export interface NativeAuthenticate {
  authenticateApple(token: string, username?: string, create?: boolean): Promise<AuthResult>;
  authenticateCustom(id: string, username?: string, create?: boolean): Promise<AuthResult>;
  authenticateDevice(id: string, username?: string, create?: boolean): Promise<AuthResult>;
  authenticateEmail(email: string, password: string, username?: string, create?: boolean): Promise<AuthResult>;
  authenticateFacebook(token: string, importFriends?: boolean, username?: string, create?: boolean): Promise<AuthResult>;
  authenticateFacebookInstantGame(signedPlayerInfo: string, username?: string, create?: boolean): Promise<AuthResult>;
  authenticateGameCenter(
    playerId: string, bundleId: string, ts: number, salt: string, signature: string, publicKeyUrl: string,
    username?: string, create?: boolean,
  ): Promise<AuthResult>;
  authenticateGoogle(token: string, username?: string, create?: boolean): Promise<AuthResult>;
  authenticateSteam(token: string, importFriends?: boolean, username?: string, create?: boolean): Promise<AuthResult>;
  authenticateTokenGenerate(userId: string, username?: string, exp?: number, vars?: Record<string, string>): Promise<TokenGenerateResult>;
}

export interface NativeAccounts {
  accountGetId(userId: string): Promise<NkAccount>;
  accountsGetId(userIds: string[]): Promise<NkAccount[]>;
  accountUpdateId(
    userId: string, username?: string | null, displayName?: string | null, timezone?: string | null,
    location?: string | null, langTag?: string | null, avatarUrl?: string | null, metadata?: Record<string, unknown> | null,
  ): Promise<void>;
  accountDeleteId(userId: string, recorded?: boolean): Promise<void>;
  usersGetId(userIds?: string[] | null, facebookIds?: string[] | null): Promise<NkUser[]>;
  usersGetUsername(usernames: string[]): Promise<NkUser[]>;
  usersBanId(userIds: string[]): Promise<void>;
  usersUnbanId(userIds: string[]): Promise<void>;
  sessionLogout(userId: string, token?: string, refreshToken?: string): Promise<void>;
  sessionDisconnect(sessionId: string, reason?: PresenceReason): Promise<void>;
}

export interface NativeLinks {
  linkApple(userId: string, token: string): Promise<void>;
  linkCustom(userId: string, customId: string): Promise<void>;
  linkDevice(userId: string, deviceId: string): Promise<void>;
  linkEmail(userId: string, email: string, password: string): Promise<void>;
  linkFacebook(userId: string, username: string, token: string, importFriends?: boolean): Promise<void>;
  linkFacebookInstantGame(userId: string, signedPlayerInfo: string): Promise<void>;
  linkGameCenter(userId: string, playerId: string, bundleId: string, ts: number, salt: string, signature: string, publicKeyUrl: string): Promise<void>;
  linkGoogle(userId: string, token: string): Promise<void>;
  linkSteam(userId: string, username: string, token: string, importFriends?: boolean): Promise<void>;
  unlinkApple(userId: string, token?: string): Promise<void>;
  unlinkCustom(userId: string, customId?: string): Promise<void>;
  unlinkDevice(userId: string, deviceId: string): Promise<void>;
  unlinkEmail(userId: string, email?: string): Promise<void>;
  unlinkFacebook(userId: string, token?: string): Promise<void>;
  unlinkFacebookInstantGame(userId: string, signedPlayerInfo?: string): Promise<void>;
  unlinkGameCenter(
    userId: string, playerId?: string, bundleId?: string, ts?: number, salt?: string, signature?: string, publicKeyUrl?: string,
  ): Promise<void>;
  unlinkGoogle(userId: string, token?: string): Promise<void>;
  unlinkSteam(userId: string, token?: string): Promise<void>;
}

export interface NativeUtils {
  uuidv4(): Promise<string>;
  base64Encode(input: Bytes, padding?: boolean): Promise<string>;
  base64Decode(input: string, padding?: boolean): Promise<Uint8Array>;
  base64UrlEncode(input: Bytes, padding?: boolean): Promise<string>;
  base64UrlDecode(input: string, padding?: boolean): Promise<Uint8Array>;
  base16Encode(input: Bytes): Promise<string>;
  base16Decode(input: string): Promise<Uint8Array>;
  binaryToString(data: Uint8Array): Promise<string>;
  stringToBinary(input: string): Promise<Uint8Array>;
  secureRandomBytes(count: number): Promise<Uint8Array>;
  md5Hash(input: Bytes): Promise<string>;
  sha256Hash(input: Bytes): Promise<string>;
  hmacSha256Hash(input: Bytes, key: Bytes): Promise<Uint8Array>;
  rsaSha256Hash(input: Bytes, key: string): Promise<string>;
  aes128Encrypt(input: Bytes, key: Bytes): Promise<string>;
  aes128Decrypt(input: string, key: Bytes): Promise<string>;
  aes256Encrypt(input: Bytes, key: Bytes): Promise<string>;
  aes256Decrypt(input: string, key: Bytes): Promise<string>;
  bcryptHash(password: string): Promise<string>;
  bcryptCompare(hash: string, password: string): Promise<boolean>;
  jwtGenerate(algorithm: "HS256" | "RS256", signingKey: string, claims: Record<string, unknown>): Promise<string>;
  httpRequest(
    url: string, method: HttpMethod, headers?: Record<string, string>, body?: Bytes, timeoutMs?: number, insecure?: boolean,
  ): Promise<HttpResponse>;
  sqlExec(query: string, params?: unknown[]): Promise<SqlExecResult>;
  sqlQuery(query: string, params?: unknown[]): Promise<SqlQueryResult>;
  cronNext(expression: string, unixSec: number): Promise<number>;
  cronPrev(expression: string, unixSec: number): Promise<number>;
  localcacheGet(key: string, defaultValue?: string | number | boolean): Promise<string | number | boolean | undefined>;
  localcachePut(key: string, value: string | number | boolean, ttlSec?: number): Promise<void>;
  localcacheDelete(key: string): Promise<void>;
  localcacheClear(): Promise<void>;
  event(name: string, properties: Record<string, string>, timestampSec?: number, external?: boolean): Promise<void>;
}

/** The whole native nk. Domains added later extend this interface. */
export interface NativeNakama
  extends NativeAuthenticate, NativeAccounts, NativeLinks, NativeUtils, NativeStorage, NativeNotifications, NativeLeaderboards,
    NativeTournaments, NativeFriends, NativeGroups {}
