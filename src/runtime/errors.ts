// Owns how a module function's failure reaches the client: a coded error keeps its gRPC code and
// message (Lua `error({msg, code})`, JS `throw {message, code}`, native `throw new RuntimeError(msg,
// code)`); anything without a code is INTERNAL and logged with the runtime, function and ids. Lua
// messages lose their "file.lua:12: " prefix, and Lua stack traces reach the client only when
// runtime.lua_api_stacktrace is on or the log level is debug. JS exceptions keep their guest stack for
// the RPC error body ({"stackTrace": …}). Also owns the load errors that stop the server.
import { Code, GameError, isCode } from "../errors.js";
import type { Logger } from "../log.js";
import type { EngineKind } from "./registry.js";

/** What native module code throws to answer with a gRPC code (Nakama's runtime.NewError). */
export class RuntimeError extends GameError {
  constructor(message: string, code: Code = Code.INTERNAL) {
    super(code, message);
    this.name = "RuntimeError";
  }
}

/** A module function's failure as the client sees it; `stackTrace` is set for JS exceptions. */
export class ModuleCallError extends GameError {
  constructor(
    code: Code,
    message: string,
    readonly stackTrace: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "ModuleCallError";
  }
}

/** A module that failed to load or whose InitModule threw: stops the server (or `troupe check`). */
export class ModuleLoadError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModuleLoadError";
  }
}

export interface ErrorPolicy {
  /** Send Lua tracebacks to clients (runtime.lua_api_stacktrace, or logger.level debug). */
  readonly luaStackTraces: boolean;
}

const LUA_POSITION = /^[^\s:]+\.lua:\d+: /;

interface EngineDetail {
  kind?: string;
  traceback?: string;
}

function luaMessage(err: GameError, policy: ErrorPolicy): string {
  const detail = (err.cause ?? {}) as EngineDetail;
  if (policy.luaStackTraces) {
    return detail.traceback ? `${err.message}\n${detail.traceback}` : err.message;
  }
  return err.message.replace(LUA_POSITION, "");
}

/** A native `throw { message, code }` (or an Error with a numeric `code` 1..16), as JS modules may throw. */
function codedObject(err: unknown): { code: Code; message: string } | undefined {
  if (err instanceof GameError || err === null || typeof err !== "object") return undefined;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (!isCode(code) || code === Code.OK || typeof message !== "string") return undefined;
  return { code, message };
}

function guestCustom(err: GameError): boolean {
  return (err as { custom?: unknown }).custom === true;
}

/**
 * Converts what a call into module code threw into the error the client gets, logging failures that
 * carry no code of their own. `what` names the function (e.g. { rpc_id: "echo" }).
 */
export function moduleFailure(
  err: unknown,
  engine: EngineKind,
  what: Record<string, unknown>,
  log: Logger,
  policy: ErrorPolicy,
): ModuleCallError {
  if (err instanceof ModuleCallError) return err;
  const coded = codedObject(err);
  if (coded !== undefined) return new ModuleCallError(coded.code, coded.message, undefined, { cause: err });
  if (!(err instanceof GameError)) {
    const message = err instanceof Error ? err.message : String(err);
    log.error({ runtime: engine, ...what, err }, "runtime function raised an uncoded error");
    return new ModuleCallError(Code.INTERNAL, message, undefined, { cause: err });
  }
  const stackTrace = (err as { stackTrace?: unknown }).stackTrace;
  const message = engine === "lua" ? luaMessage(err, policy) : err.message;
  const uncoded = err.code === Code.INTERNAL && !(engine === "js" && guestCustom(err)) && !(err instanceof RuntimeError);
  if (uncoded) {
    const detail = (err.cause ?? {}) as EngineDetail;
    log.error({ runtime: engine, ...what, err: err.message, traceback: detail.traceback, stack: stackTrace },
      "runtime function caused an error");
  }
  return new ModuleCallError(err.code, message, typeof stackTrace === "string" ? stackTrace : undefined, { cause: err });
}
