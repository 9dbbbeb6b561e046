// Owns the matchmaker's match token: when no matchmaker-matched hook returns an authoritative match id,
// every member of a group receives the same 30-second HS256 JWT `{"mid":"<uuid>.","exp":…}` signed with
// session.encryption_key, naming a new relayed match. Signing is the realtime layer's (match-token.ts),
// so `match_join{token}` verifies exactly what is minted here.
import { randomUUID } from "node:crypto";
import { signMatchToken } from "../realtime/match-token.js";

/** Seconds a matchmaker token stays valid (Nakama: 30). */
export const MATCH_TOKEN_TTL_SEC = 30;

/** A token for `matchId`, expiring MATCH_TOKEN_TTL_SEC after `nowSec` (unix seconds). */
export function mintMatchToken(key: string, matchId: string, nowSec: number): string {
  return signMatchToken(key, matchId, Math.floor(nowSec) + MATCH_TOKEN_TTL_SEC);
}

/** A fresh relayed match id: `<uuid>.` (no node). */
export function newRelayedMatchId(): string {
  return `${randomUUID()}.`;
}
