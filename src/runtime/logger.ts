// Owns the logger module code writes to, in each language's idiom, over the server's pino logger:
//   native: a typed Logger (debug/info/warn/error with Go-style format verbs, withField/withFields);
//   JS:     Nakama's JS logger object (same methods, fields kept host-side);
//   Lua:    nk.logger_debug/info/warn/error(message[, ...]) (formatted only when arguments follow).
// Every line carries `runtime` (native | lua | js) and the call's ids (rpc_id, api_id, mode…).
import type { Logger } from "../log.js";
import { goValue, sprintf } from "./format.js";

export type RuntimeLanguage = "native" | "lua" | "js";
export type LogLevel = "debug" | "info" | "warn" | "error";
const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** The logger native module functions receive. */
export interface ModuleLogger {
  debug(format: string, ...args: unknown[]): void;
  info(format: string, ...args: unknown[]): void;
  warn(format: string, ...args: unknown[]): void;
  error(format: string, ...args: unknown[]): void;
  /** A logger whose lines also carry `key: value`. */
  withField(key: string, value: unknown): ModuleLogger;
  withFields(fields: Record<string, unknown>): ModuleLogger;
  getFields(): Record<string, unknown>;
}

/** Where a line goes: the base logger plus the fields of the call in progress. */
export interface LogTarget {
  readonly log: Logger;
  /** Call fields (runtime, rpc_id…); read at each line, so one logger object can serve many calls. */
  fields(): Record<string, unknown>;
}

function write(target: LogTarget, level: LogLevel, user: Record<string, unknown>, text: string): void {
  const log = target.log;
  if (!log.isLevelEnabled(level)) return;
  log[level]({ ...target.fields(), ...user }, text);
}

function textOf(args: readonly unknown[]): string {
  const [format, ...rest] = args;
  return sprintf(typeof format === "string" ? format : String(format), rest);
}

/** The typed logger of native modules (a class: one object per call, no closures). */
class NativeLogger implements ModuleLogger {
  constructor(
    private readonly target: LogTarget,
    private readonly user: Record<string, unknown>,
  ) {}

  debug(format: string, ...args: unknown[]): void {
    write(this.target, "debug", this.user, sprintf(format, args));
  }
  info(format: string, ...args: unknown[]): void {
    write(this.target, "info", this.user, sprintf(format, args));
  }
  warn(format: string, ...args: unknown[]): void {
    write(this.target, "warn", this.user, sprintf(format, args));
  }
  error(format: string, ...args: unknown[]): void {
    write(this.target, "error", this.user, sprintf(format, args));
  }
  withField(key: string, value: unknown): ModuleLogger {
    return new NativeLogger(this.target, { ...this.user, [key]: value });
  }
  withFields(fields: Record<string, unknown>): ModuleLogger {
    return new NativeLogger(this.target, { ...this.user, ...fields });
  }
  getFields(): Record<string, unknown> {
    return { ...this.user };
  }
}

/** The typed logger of native modules. */
export function nativeLogger(target: LogTarget, user: Record<string, unknown> = {}): ModuleLogger {
  return new NativeLogger(target, user);
}

/** Nakama's JS logger as host functions (arguments arrive as host values). */
export function jsLoggerObject(target: LogTarget, user: Record<string, unknown> = {}): Record<string, (args: unknown[]) => unknown> {
  const obj: Record<string, (args: unknown[]) => unknown> = {};
  for (const level of LEVELS) obj[level] = (args) => void write(target, level, user, textOf(args));
  obj.withField = ([key, value]) => {
    if (typeof key !== "string") throw new TypeError("key argument must be a string");
    return jsLoggerObject(target, { ...user, [key]: value });
  };
  obj.withFields = ([fields]) => {
    if (fields === null || typeof fields !== "object" || Array.isArray(fields)) throw new TypeError("argument must be a map");
    return jsLoggerObject(target, { ...user, ...(fields as Record<string, unknown>) });
  };
  obj.getFields = () => ({ ...user });
  return obj;
}

/** nk.logger_debug/info/warn/error for Lua: the message as given, or formatted when arguments follow. */
export function luaLoggerFunctions(target: LogTarget): Record<string, (args: unknown[]) => unknown> {
  const obj: Record<string, (args: unknown[]) => unknown> = {};
  for (const level of LEVELS) {
    obj[`logger_${level}`] = (args) => {
      const [first, ...rest] = args;
      const message = typeof first === "string" ? first : first === null || first === undefined ? "" : goValue(first);
      write(target, level, {}, rest.length > 0 ? sprintf(message, rest) : message);
    };
  }
  return obj;
}
