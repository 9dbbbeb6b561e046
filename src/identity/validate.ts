// Owns the input rules of Nakama's authenticate / link / update endpoints: id, username, email and
// password checks with Nakama's exact error texts and order, and generated usernames. Lengths are in
// UTF-8 bytes, as Go's len() counts them.
import { randomInt } from "node:crypto";
import { Code, GameError } from "../errors.js";

/** Go's POSIX `([[:cntrl:]]|[[:space:]])+`: ASCII control characters and ASCII spaces. */
const INVALID_CHARS = /[\x00-\x20\x7f]/;
/**
 * Go's POSIX `([[:cntrl:]]|[[\t\n\r\f\v]])+` as Nakama compiles it. The second alternative is the
 * bracket `[[\t\n\r\f\v]` followed by a literal `]`, so besides control characters a username may not
 * contain "[" or a tab/newline/… immediately followed by "]"; plain spaces are allowed.
 */
const INVALID_USERNAME = /[\x00-\x1f\x7f]|[[\t\n\r\f\v]\]/;
const EMAIL = /^.+@.+\..+$/;

export function byteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

function invalid(message: string): GameError {
  return new GameError(Code.INVALID_ARGUMENT, message);
}

export function hasInvalidChars(s: string): boolean {
  return INVALID_CHARS.test(s);
}

/** Device ids: 10–128 bytes, no spaces or control characters (authenticate and link). */
export function checkDeviceId(id: string): void {
  if (id === "") throw invalid("Device ID is required.");
  if (hasInvalidChars(id)) throw invalid("Device ID invalid, no spaces or control characters allowed.");
  const n = byteLength(id);
  if (n < 10 || n > 128) throw invalid("Device ID invalid, must be 10-128 bytes.");
}

/** Custom ids for authenticate: 6–128 bytes, no spaces or control characters. */
export function checkCustomIdForAuth(id: string): void {
  if (id === "") throw invalid("Custom ID is required.");
  if (hasInvalidChars(id)) throw invalid("Custom ID invalid, no spaces or control characters allowed.");
  const n = byteLength(id);
  if (n < 6 || n > 128) throw invalid("Custom ID invalid, must be 6-128 bytes.");
}

/** Custom ids for link: same rules, Nakama words the link errors differently. */
export function checkCustomIdForLink(id: string): void {
  if (id === "") throw invalid("Custom ID is required.");
  if (hasInvalidChars(id)) throw invalid("Invalid custom ID, no spaces or control characters allowed.");
  const n = byteLength(id);
  if (n < 6 || n > 128) throw invalid("Invalid custom ID, must be 6-128 bytes.");
}

/**
 * The username of an authenticate request: empty means "generate one"; otherwise no control
 * characters and at most 128 bytes. Returns the username to use.
 */
export function usernameForAuth(username: string): string {
  if (username === "") return generateUsername();
  checkUsername(username);
  return username;
}

export function checkUsername(username: string): void {
  if (INVALID_USERNAME.test(username)) throw invalid("Username invalid, no spaces or control characters allowed.");
  if (byteLength(username) > 128) throw invalid("Username invalid, must be 1-128 bytes.");
}

/** Email format checks shared by authenticate and link (after the "required" check). */
export function checkEmailAddress(email: string): void {
  if (hasInvalidChars(email)) throw invalid("Invalid email address, no spaces or control characters allowed.");
  if (!EMAIL.test(email)) throw invalid("Invalid email address format.");
  const n = byteLength(email);
  if (n < 10 || n > 255) throw invalid("Invalid email address, must be 10-255 bytes.");
}

export const PASSWORD_TOO_SHORT = "Password must be at least 8 characters long.";

/** Password length as Go counts it (bytes). */
export function passwordLongEnough(password: string): boolean {
  return byteLength(password) >= 8;
}

/** Link email: both required, then chars, password length, format, size (Nakama's order). */
export function checkEmailForLink(email: string, password: string): string {
  if (email === "" || password === "") throw invalid("Email address and password is required.");
  if (hasInvalidChars(email)) throw invalid("Invalid email address, no spaces or control characters allowed.");
  if (!passwordLongEnough(password)) throw invalid(PASSWORD_TOO_SHORT);
  if (!EMAIL.test(email)) throw invalid("Invalid email address format.");
  const n = byteLength(email);
  if (n < 10 || n > 255) throw invalid("Invalid email address, must be 10-255 bytes.");
  return email.toLowerCase();
}

const USERNAME_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Ten random ASCII letters, as Nakama generates them. */
export function generateUsername(): string {
  let out = "";
  for (let i = 0; i < 10; i++) out += USERNAME_ALPHABET[randomInt(USERNAME_ALPHABET.length)];
  return out;
}
