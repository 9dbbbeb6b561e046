// Owns the identifiers of the realtime layer: fast UUID checks for the hot path, RFC 4122 version-5
// UUIDs (named relayed matches), and Nakama's "<uuid>.<node>" match id split.
import { createHash, randomUUID } from "node:crypto";
import { parseUuid } from "../session/uuid.js";

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Canonical lower-case UUID for any spelling gofrs/uuid accepts, or null. The canonical form (what every
 * Nakama client sends back) is checked with one regex before the general parser runs.
 */
export function toUuid(text: string): string | null {
  return text.length === 36 && CANONICAL.test(text) ? text : parseUuid(text);
}

export function newId(): string {
  return randomUUID();
}

/** The DNS namespace of RFC 4122 (uuid.NamespaceDNS), which Nakama uses for named matches. */
export const NAMESPACE_DNS = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

/** RFC 4122 version-5 (SHA-1, name-based) UUID of `name` in `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const digest = createHash("sha1").update(ns).update(name, "utf8").digest();
  const b = digest.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A match id split as Nakama does: `<uuid>.<node>`; an empty node means a relayed match. */
export interface MatchIdParts {
  /** Canonical UUID of the match (the stream subject). */
  readonly uuid: string;
  /** Text after the first dot ("" for relayed matches). */
  readonly node: string;
}

/** Splits at the first dot (strings.SplitN(id, ".", 2)); null when there is no dot or no UUID before it. */
export function splitMatchId(id: string): MatchIdParts | null {
  const dot = id.indexOf(".");
  if (dot < 0) return null;
  const uuid = toUuid(id.slice(0, dot));
  return uuid === null ? null : { uuid, node: id.slice(dot + 1) };
}
