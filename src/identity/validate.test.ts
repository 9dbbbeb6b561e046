// Tests the input rules against Nakama's texts and edge cases (byte lengths, the username regex quirk).
import { test } from "node:test";
import assert from "node:assert/strict";
import { GameError } from "../errors.js";
import {
  checkCustomIdForAuth, checkCustomIdForLink, checkDeviceId, checkEmailAddress, checkEmailForLink, checkUsername,
  generateUsername, passwordLongEnough, usernameForAuth,
} from "./validate.js";

function fails(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof GameError && e.code === 3 && e.message === message);
}

test("device ids: required, no spaces or control characters, 10-128 bytes", () => {
  fails(() => checkDeviceId(""), "Device ID is required.");
  fails(() => checkDeviceId("has space 123"), "Device ID invalid, no spaces or control characters allowed.");
  fails(() => checkDeviceId("tab\there123"), "Device ID invalid, no spaces or control characters allowed.");
  fails(() => checkDeviceId("123456789"), "Device ID invalid, must be 10-128 bytes.");
  fails(() => checkDeviceId("x".repeat(129)), "Device ID invalid, must be 10-128 bytes.");
  // Bytes, not characters: 5 two-byte characters are 10 bytes.
  checkDeviceId("ééééé");
  checkDeviceId("1234567890");
  checkDeviceId("x".repeat(128));
});

test("custom ids: 6-128 bytes, with authenticate and link wording", () => {
  fails(() => checkCustomIdForAuth(""), "Custom ID is required.");
  fails(() => checkCustomIdForAuth("12345"), "Custom ID invalid, must be 6-128 bytes.");
  fails(() => checkCustomIdForAuth("a b cdef"), "Custom ID invalid, no spaces or control characters allowed.");
  fails(() => checkCustomIdForLink("12345"), "Invalid custom ID, must be 6-128 bytes.");
  fails(() => checkCustomIdForLink("a b cdef"), "Invalid custom ID, no spaces or control characters allowed.");
  checkCustomIdForAuth("123456");
});

test("usernames: control characters and the '[…]' quirk are refused, spaces allowed, ≤ 128 bytes", () => {
  fails(() => checkUsername("bad\nname"), "Username invalid, no spaces or control characters allowed.");
  fails(() => checkUsername("a[]b"), "Username invalid, no spaces or control characters allowed.");
  fails(() => checkUsername("x".repeat(129)), "Username invalid, must be 1-128 bytes.");
  checkUsername("with space");
  checkUsername("a[b]");
  assert.equal(usernameForAuth("given"), "given");
  assert.match(usernameForAuth(""), /^[A-Za-z]{10}$/);
  assert.notEqual(generateUsername(), generateUsername());
});

test("emails: format, characters and 10-255 bytes", () => {
  fails(() => checkEmailAddress("a b@example.com"), "Invalid email address, no spaces or control characters allowed.");
  fails(() => checkEmailAddress("not-an-email"), "Invalid email address format.");
  fails(() => checkEmailAddress("a@b.cd"), "Invalid email address, must be 10-255 bytes.");
  checkEmailAddress("someone@example.com");
});

test("link email checks password length before format, and lower-cases", () => {
  fails(() => checkEmailForLink("", "password1"), "Email address and password is required.");
  fails(() => checkEmailForLink("bad", "short"), "Password must be at least 8 characters long.");
  fails(() => checkEmailForLink("bad", "longenough"), "Invalid email address format.");
  assert.equal(checkEmailForLink("Someone@Example.COM", "longenough"), "someone@example.com");
  assert.equal(passwordLongEnough("1234567"), false);
  assert.equal(passwordLongEnough("12345678"), true);
});
