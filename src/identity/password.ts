// Owns password hashing: bcrypt at Go's DefaultCost (10) with the "$2a$" prefix Nakama's Go library
// writes, on @node-rs/bcrypt's thread pool so the event loop never hashes. Stored as BYTEA text bytes.
// Like Go's bcrypt (ErrPasswordTooLong), passwords over 72 bytes cannot be hashed.
import { hash, verify } from "@node-rs/bcrypt";

/** golang.org/x/crypto/bcrypt DefaultCost. */
export const BCRYPT_COST = 10;

/** Rejects passwords over 72 bytes (callers turn that into their INTERNAL error, as Nakama does). */
export async function hashPassword(password: string): Promise<Buffer> {
  const text = await hash(password, { cost: BCRYPT_COST, version: "2a", rejectLongPasswords: true });
  return Buffer.from(text, "utf8");
}

/** False for a wrong password and for a missing or malformed stored hash. */
export async function checkPassword(stored: Uint8Array | null, password: string): Promise<boolean> {
  if (stored === null || stored.length === 0) return false;
  try {
    return await verify(password, Buffer.from(stored));
  } catch {
    return false;
  }
}
