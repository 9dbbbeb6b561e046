// Owns reading the positional arguments of one nk call, per language, with Nakama's checks and error
// texts: Lua follows gopher-lua (`bad argument #2 to authenticate_device (string expected, got nil)`,
// `CheckString` also accepts numbers, `Opt*` treat nil as absent), JS follows Nakama's goja helpers
// (`expects string`, `expects number`, `expects boolean`; integers must be whole). Argument errors are
// GameError(INVALID_ARGUMENT); `wrapError` prefixes a failure the way Nakama's `RaiseError("…: %v")` does
// while keeping the code of the underlying GameError.
import { Code, GameError } from "../../errors.js";
import { LuaRef } from "../lua/index.js";

export type Lang = "lua" | "js";

const decoder = new TextDecoder();

/** Lua's name for the type of a converted argument. */
export function luaTypeName(v: unknown): string {
  if (v === null || v === undefined) return "nil";
  if (v instanceof LuaRef) return v.kind;
  if (v instanceof Uint8Array) return "string";
  switch (typeof v) {
    case "string":
      return "string";
    case "number":
    case "bigint":
      return "number";
    case "boolean":
      return "boolean";
    case "function":
      return "function";
    default:
      return "table";
  }
}

export function isAbsent(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof LuaRef);
}

/** Prefixes a failure as Nakama's "…: %v" wrapping does; GameErrors keep their code, others become INTERNAL. */
export function wrapError(prefix: string, err: unknown): GameError {
  if (err instanceof GameError) return new GameError(err.code, `${prefix}: ${err.message}`, { cause: err });
  const text = err instanceof Error ? err.message : String(err);
  return new GameError(Code.INTERNAL, `${prefix}: ${text}`, { cause: err });
}

/** Runs `fn`, rethrowing its failure wrapped with `prefix`. */
export async function wrapped<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrapError(prefix, err);
  }
}

/** The arguments of one call. Indexes are 0-based; messages number them from 1 as Lua does. */
export class Args {
  constructor(
    readonly lang: Lang,
    readonly fn: string,
    readonly values: readonly unknown[],
  ) {}

  get(i: number): unknown {
    return this.values[i];
  }

  has(i: number): boolean {
    return !isAbsent(this.values[i]);
  }

  /** The argument error for position `i`: Lua's "bad argument #n to f (msg)", JS's bare message. */
  fail(i: number, message: string): GameError {
    const text = this.lang === "lua" ? `bad argument #${i + 1} to ${this.fn} (${message})` : message;
    return new GameError(Code.INVALID_ARGUMENT, text);
  }

  /** A plain failure (RaiseError / NewGoError): no argument position. */
  error(message: string, code: Code = Code.INVALID_ARGUMENT): GameError {
    return new GameError(code, message);
  }

  private typeError(i: number, expected: "string" | "number" | "boolean" | "table"): GameError {
    if (this.lang === "lua") return this.fail(i, `${expected} expected, got ${luaTypeName(this.values[i])}`);
    const js = expected === "table" ? "object" : expected;
    return this.fail(i, `expects ${js}`);
  }

  /** A required string (Lua CheckString: numbers are converted; JS: must be a string). */
  str(i: number): string {
    const v = this.values[i];
    if (typeof v === "string") return v;
    if (v instanceof Uint8Array) return decoder.decode(v);
    if (this.lang === "lua" && typeof v === "number") return String(v);
    throw this.typeError(i, "string");
  }

  /** An optional string: absent → `def`. */
  optStr(i: number, def = ""): string {
    return this.has(i) ? this.str(i) : def;
  }

  /** A required string or byte string as bytes (Lua strings are bytes; JS strings are UTF-8 encoded). */
  bytes(i: number): Uint8Array {
    const v = this.values[i];
    if (v instanceof Uint8Array) return v;
    return Buffer.from(this.str(i), "utf8");
  }

  bool(i: number): boolean {
    const v = this.values[i];
    if (typeof v === "boolean") return v;
    throw this.typeError(i, "boolean");
  }

  optBool(i: number, def: boolean): boolean {
    return this.has(i) ? this.bool(i) : def;
  }

  /** A required number. */
  num(i: number): number {
    const v = this.values[i];
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    if (this.lang === "lua" && typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    throw this.typeError(i, "number");
  }

  /** A required integer: Lua truncates (CheckInt64), JS refuses fractions (goja exports them as float64). */
  int(i: number): number {
    const n = this.num(i);
    if (this.lang === "js" && !Number.isInteger(n)) throw this.fail(i, "expects number");
    return Math.trunc(n);
  }

  optInt(i: number, def: number): number {
    return this.has(i) ? this.int(i) : def;
  }

  /** A required table / object (arrays included). */
  table(i: number): Record<string, unknown> | unknown[] {
    const v = this.values[i];
    if (Array.isArray(v) || isPlainObject(v)) return v;
    throw this.typeError(i, "table");
  }

  optTable(i: number): Record<string, unknown> | unknown[] | undefined {
    return this.has(i) ? this.table(i) : undefined;
  }
}

/** A string→string map (event properties, token vars, HTTP headers). Lua tables may arrive as arrays. */
export function stringMap(a: Args, i: number, keyMsg: string, valueMsg: string): Record<string, string> | undefined {
  const t = a.optTable(i);
  if (t === undefined) return undefined;
  if (Array.isArray(t)) {
    if (t.length === 0) return {};
    throw a.fail(i, keyMsg);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) {
    if (typeof v !== "string") throw a.fail(i, valueMsg);
    out[k] = v;
  }
  return out;
}

/** A list of strings (ids, usernames). Lua's empty table arrives as `{}` and counts as an empty list. */
export function stringList(v: unknown): string[] | null {
  if (isPlainObject(v) && Object.keys(v).length === 0) return [];
  if (!Array.isArray(v)) return null;
  const out: string[] = [];
  for (const item of v) {
    if (typeof item !== "string") return null;
    out.push(item);
  }
  return out;
}
