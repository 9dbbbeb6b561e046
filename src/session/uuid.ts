// Owns UUID parsing and generation as Nakama (gofrs/uuid) does it: the accepted spellings of a UUID and
// its canonical lower-case form. Used for token user ids, token ids and user-id validation.
import { randomUUID } from "node:crypto";

const HEX = /^[0-9a-fA-F]{32}$/;
const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Parses a UUID in any form gofrs/uuid's FromString accepts (canonical 36 chars, 32 hex digits,
 * either of those in braces, or with a "urn:uuid:" prefix) and returns the canonical lower-case
 * form, or null when the text is not a UUID.
 */
export function parseUuid(text: string): string | null {
  // Already canonical (as clients and our own answers write it): the text itself, one test, no copies.
  if (text.length === 36 && CANONICAL.test(text)) return text;
  let s = text;
  switch (s.length) {
    case 32:
    case 36:
      break;
    case 34:
    case 38:
      if (s[0] !== "{" || s[s.length - 1] !== "}") return null;
      s = s.slice(1, -1);
      break;
    case 41:
    case 45:
      if (s.slice(0, 9).toLowerCase() !== "urn:uuid:") return null;
      s = s.slice(9);
      break;
    default:
      return null;
  }
  let hex: string;
  if (s.length === 36) {
    if (s[8] !== "-" || s[13] !== "-" || s[18] !== "-" || s[23] !== "-") return null;
    hex = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  } else {
    hex = s;
  }
  if (!HEX.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A random (version 4) UUID in canonical form. */
export function newUuid(): string {
  return randomUUID();
}

/** The system user's id (owner of server-owned data; never a real account). */
export const SYSTEM_USER_ID = "00000000-0000-0000-0000-000000000000";
