// Owns the JSON helpers REST handlers use: reading a request body as a JSON object with Nakama's
// error for malformed input, and building JSON responses.
import { Code, E, fail, httpStatusFromCode } from "../errors.js";
import type { GameError } from "../errors.js";
import type { HttpResponse } from "./types.js";

export const JSON_CONTENT_TYPE = "application/json";

export interface ParseJsonOptions {
  /** An empty (or all-whitespace) body is `{}`, as grpc-gateway reads EOF. Default true. */
  allowEmpty?: boolean;
}

function isBlank(body: Buffer): boolean {
  for (const b of body) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  return true;
}

/** Parses any JSON value; malformed input → INVALID_ARGUMENT "Improperly formatted request body". */
export function parseJson(body: Buffer | string): unknown {
  try {
    return JSON.parse(typeof body === "string" ? body : body.toString("utf8")) as unknown;
  } catch (err) {
    throw fail(E.badJson, err);
  }
}

/** Parses a body that must be a JSON object (arrays and scalars are rejected like malformed JSON). */
export function parseJsonObject(body: Buffer, opts: ParseJsonOptions = {}): Record<string, unknown> {
  if (isBlank(body)) {
    if (opts.allowEmpty ?? true) return {};
    throw fail(E.badJson);
  }
  const value = parseJson(body);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw fail(E.badJson);
  return value as Record<string, unknown>;
}

/** A JSON response: `json({ a: 1 })`, `json(obj, 201, { "x-y": "z" })`. */
export function json(value: unknown, status = 200, headers?: Record<string, string>): HttpResponse {
  return { status, headers: { ...headers, "content-type": JSON_CONTENT_TYPE }, body: JSON.stringify(value) };
}

/** A pre-serialized JSON body (e.g. from the wire codec). */
export function rawJson(body: string | Buffer, status = 200, headers?: Record<string, string>): HttpResponse {
  return { status, headers: { ...headers, "content-type": JSON_CONTENT_TYPE }, body };
}

/**
 * The gateway's error response for a GameError: status from the code, body {"code","message"}, and
 * on 401 the header `WWW-Authenticate: <message>`.
 */
export function errorResponse(err: GameError): HttpResponse {
  const status = httpStatusFromCode(err.code);
  const headers: Record<string, string> = { "content-type": JSON_CONTENT_TYPE };
  if (err.code === Code.UNAUTHENTICATED) headers["www-authenticate"] = err.message;
  return { status, headers, body: JSON.stringify({ code: err.code, message: err.message }) };
}
