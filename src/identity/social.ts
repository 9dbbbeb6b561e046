// Owns the social-provider seam: one verifier interface per provider (Apple, Facebook, Facebook
// Instant, Game Center, Google, Steam), the "is it configured" rule with FAILED_PRECONDITION, the
// provider error texts, and the one verifier that needs no outside service (Facebook Instant's signed
// player info, an HMAC with the app secret). Verifiers that need the network are injected; none of
// them ever pretends to succeed.
import { createHmac, timingSafeEqual } from "node:crypto";
import { Code, GameError } from "../errors.js";

/** What a provider tells us about a player. Empty strings for what it does not say. */
export interface SocialProfile {
  id: string;
  email: string;
  displayName: string;
  avatarUrl: string;
}

export interface GoogleProfile extends SocialProfile {
  /** The legacy id a Google account was first linked with, when it differs (Nakama remaps it). */
  originalId: string;
}

export interface FacebookProfile extends SocialProfile {
  /** True when the token was a Limited Login token (friend import is then impossible). */
  limitedLogin: boolean;
}

export interface GameCenterCredentials {
  playerId: string;
  bundleId: string;
  timestampSeconds: number;
  salt: string;
  signature: string;
  publicKeyUrl: string;
}

/** A verifier resolves with the profile or rejects (with anything) when the credential is not good. */
export type SocialVerifier<C, P = SocialProfile> = (credentials: C) => Promise<P>;

export interface SocialVerifiers {
  apple?: SocialVerifier<{ bundleId: string; token: string }>;
  facebook?: SocialVerifier<{ limitedLoginAppId: string; token: string }, FacebookProfile>;
  facebookInstantGame?: SocialVerifier<{ appSecret: string; signedPlayerInfo: string }>;
  gameCenter?: SocialVerifier<GameCenterCredentials>;
  google?: SocialVerifier<{ token: string }, GoogleProfile>;
  steam?: SocialVerifier<{ appId: number; publisherKey: string; token: string }>;
}

/** The `social` config section as this module reads it. */
export interface SocialConfig {
  steam: { publisher_key: string; app_id: number };
  facebook_instant_game: { app_secret: string };
  facebook_limited_login: { app_id: string };
  apple: { bundle_id: string };
}

export const Provider = {
  apple: "Apple",
  facebook: "Facebook",
  facebookInstantGame: "Facebook Instant Game",
  gameCenter: "GameCenter",
  google: "Google",
  steam: "Steam",
} as const;
export type ProviderName = (typeof Provider)[keyof typeof Provider];

/** FAILED_PRECONDITION "<Provider> authentication is not configured." (Nakama's text for Apple and Steam). */
export function notConfigured(provider: ProviderName): GameError {
  return new GameError(Code.FAILED_PRECONDITION, `${provider} authentication is not configured.`);
}

/** UNAUTHENTICATED "Could not authenticate <Provider> profile." */
export function couldNotAuthenticate(provider: ProviderName, cause?: unknown): GameError {
  return new GameError(Code.UNAUTHENTICATED, `Could not authenticate ${provider} profile.`, { cause });
}

/** The built-in verifiers: only those that need no network. Tests and deployments add the rest. */
export function builtInVerifiers(): SocialVerifiers {
  return { facebookInstantGame: verifyFacebookInstantGame };
}

const HASHES: Record<string, string> = { "HMAC-SHA256": "sha256", HS256: "sha256", HS384: "sha384", HS512: "sha512" };

function decodeSegment(seg: string): Buffer | null {
  const s = seg.replace(/=+$/, "");
  return /^[A-Za-z0-9_-]*$/.test(s) ? Buffer.from(s, "base64url") : null;
}

/**
 * Facebook Instant Games `signedPlayerInfo`: "<signature>.<payload>", both base64url; the signature is
 * the HMAC of the payload segment with the app secret, the payload JSON names the algorithm and the
 * player id. Resolves with the player id as profile id.
 */
export async function verifyFacebookInstantGame(c: { appSecret: string; signedPlayerInfo: string }): Promise<SocialProfile> {
  const parts = c.signedPlayerInfo.split(".");
  if (parts.length !== 2) throw new Error("malformed signedPlayerInfo");
  const [sigSeg, payloadSeg] = parts;
  const raw = decodeSegment(payloadSeg);
  const sig = decodeSegment(sigSeg);
  if (raw === null || sig === null) throw new Error("malformed signedPlayerInfo");
  const payload = JSON.parse(raw.toString("utf8")) as { algorithm?: unknown; player_id?: unknown };
  const hash = typeof payload.algorithm === "string" ? HASHES[payload.algorithm] : undefined;
  if (hash === undefined) throw new Error("unsupported signing algorithm");
  const expected = createHmac(hash, c.appSecret).update(payloadSeg).digest();
  if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) throw new Error("signature mismatch");
  if (typeof payload.player_id !== "string" || payload.player_id === "") throw new Error("no player id");
  return { id: payload.player_id, email: "", displayName: "", avatarUrl: "" };
}
