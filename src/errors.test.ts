// Checks the error catalogue and the gRPC→HTTP mapping against Nakama's documented wording and statuses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, E, GameError, fail, httpStatusFromCode, toGameError } from "./errors.js";

test("gRPC code → HTTP status as grpc-gateway maps it", () => {
  const expected: Array<[number, number]> = [
    [0, 200], [1, 499], [2, 500], [3, 400], [4, 504], [5, 404], [6, 409], [7, 403], [8, 429],
    [9, 400], [10, 409], [11, 400], [12, 501], [13, 500], [14, 503], [15, 500], [16, 401], [99, 500],
  ];
  for (const [code, status] of expected) assert.equal(httpStatusFromCode(code), status, `code ${code}`);
});

test("catalogue entries carry Nakama's codes and texts", () => {
  const expected: Record<string, [number, string]> = {
    notFound: [5, "Not Found"],
    methodNotAllowed: [12, "Method Not Allowed"],
    bodyTooLarge: [3, "http: request body too large"],
    serverKeyRequired: [16, "Server key required"],
    serverKeyInvalid: [16, "Server key invalid"],
    authTokenRequired: [16, "Auth token required"],
    authTokenInvalid: [16, "Auth token invalid"],
    httpKeyInvalid: [16, "HTTP key invalid"],
    authOrHttpKeyRequired: [16, "Auth token or HTTP key required"],
    rpcIdRequired: [3, "RPC ID must be set"],
    rpcNotFound: [5, "RPC function not found"],
    rpcBodyNotString: [3, "json: cannot unmarshal object into Go value of type string"],
    refreshTokenInvalid: [16, "Refresh token invalid or expired."],
    userBanned: [7, "User account banned."],
    internal: [13, "Internal Server Error"],
  };
  for (const [name, [code, text]] of Object.entries(expected)) {
    const entry = (E as Record<string, readonly [number, string]>)[name];
    assert.ok(entry, `catalogue has ${name}`);
    assert.deepEqual([...entry], [code, text], name);
  }
  for (const [name, [code, text]] of Object.entries(E)) {
    assert.ok(Number.isInteger(code) && code > 0 && code <= 16, `${name} has a gRPC code`);
    assert.ok(text.length > 0, `${name} has a message`);
  }
});

test("GameError serialises to Nakama's gateway body and keeps its cause", () => {
  const cause = new Error("db down");
  const e = fail(E.authTokenInvalid, cause);
  assert.equal(e.httpStatus, 401);
  assert.deepEqual(JSON.parse(JSON.stringify(e)), { code: 16, message: "Auth token invalid" });
  assert.equal(e.cause, cause);
  const wrapped = toGameError(new TypeError("boom"));
  assert.equal(wrapped.code, Code.INTERNAL);
  assert.equal(wrapped.message, "Internal Server Error");
  const same = new GameError(Code.NOT_FOUND, "x");
  assert.equal(toGameError(same), same);
});
