// Owns how failures cross the JS VM boundary: a guest exception becomes a GameError for the caller
// (keeping Nakama's `throw {message, code}` contract and the JS stack), and the fixed errors the VM
// itself raises (time limit, memory limit, broken or disposed VM).
import { Code, GameError } from "../../errors.js";

/** What the prelude's errorInfo() reports about a thrown value. */
export interface ErrorInfo {
  object: boolean;
  text: string;
  isError?: boolean;
  message?: string;
  code?: number;
  name?: string;
  stack?: string;
  fileName?: string;
  lineNumber?: number;
}

/**
 * A GameError raised by guest code. `stackTrace` is the guest's stack (Nakama puts it in the RPC error
 * body as `{"stackTrace": ...}`); `custom` is true when the guest chose the message/code itself
 * (`throw {message, code}` or an Error with a `code`), which Nakama does not log as a failure.
 */
export class GuestError extends GameError {
  constructor(
    code: Code,
    message: string,
    readonly stackTrace: string | undefined,
    readonly custom: boolean,
    readonly location: string | undefined,
  ) {
    super(code, message);
    this.name = "GuestError";
  }
}

/** A guest-chosen code is honoured when it is a real non-OK gRPC code. */
function guestCode(n: number | undefined): Code | undefined {
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 16 ? (n as Code) : undefined;
}

/** "index.js:3" from a syntax error, or "InitModule (index.js:3)" from the top stack frame. */
export function locationOf(info: ErrorInfo): string | undefined {
  if (info.fileName !== undefined && info.lineNumber !== undefined) return `${info.fileName}:${info.lineNumber}`;
  const first = info.stack?.split("\n").find((l) => l.trim().startsWith("at "));
  return first?.trim().slice(3) || undefined;
}

/**
 * Maps a thrown guest value to a GameError, following Nakama's JS runtime: an object with a string
 * `message` sets the message, a numeric `code` (1..16) sets the code; anything else is INTERNAL with
 * "Name: message at location" as its message.
 */
export function guestErrorFrom(info: ErrorInfo): GuestError {
  const location = locationOf(info);
  const code = info.object ? guestCode(info.code) : undefined;
  const custom = info.object && !isInternalError(info) && (info.message !== undefined || code !== undefined);
  if (custom && (info.isError !== true || code !== undefined)) {
    return new GuestError(code ?? Code.INTERNAL, info.message ?? info.text, info.stack, true, location);
  }
  const base = info.isError && info.name !== undefined ? `${info.name}: ${info.message ?? ""}` : info.text;
  return new GuestError(code ?? Code.INTERNAL, location ? `${base} at ${location}` : base, info.stack, false, location);
}

function isInternalError(info: ErrorInfo): boolean {
  return info.isError === true && info.name === "InternalError";
}

/** True for QuickJS's own out-of-memory exception. */
export function isOutOfMemory(info: ErrorInfo): boolean {
  return isInternalError(info) && info.message === "out of memory";
}

export function timeLimitError(ms: number): GameError {
  return new GameError(Code.DEADLINE_EXCEEDED, `javascript execution time exceeded (limit ${ms} ms)`);
}

export function memoryLimitError(bytes: number, stackTrace?: string): GuestError {
  return new GuestError(
    Code.RESOURCE_EXHAUSTED,
    `javascript memory limit exceeded (limit ${bytes} bytes)`,
    stackTrace,
    false,
    undefined,
  );
}

export function disposedError(): GameError {
  return new GameError(Code.UNAVAILABLE, "javascript vm is disposed");
}

export function brokenError(reason: string): GameError {
  return new GameError(Code.UNAVAILABLE, `javascript vm is broken: ${reason}`);
}

/** Code and message a host-function failure shows to the guest. */
export function hostFailure(err: unknown): { code: Code; message: string; bug: boolean } {
  if (err instanceof GameError) return { code: err.code, message: err.message, bug: false };
  const message = err instanceof Error ? err.message : String(err);
  return { code: Code.INTERNAL, message, bug: true };
}
