// Owns parsing of `database.address` values: full `postgres://` / `postgresql://` URLs and Nakama's short form
// `user:pass@host:port/dbname` (both get Nakama's defaults: user `root`, database `nakama`, port 5432), and
// the password-free rendering of an address for logs and error messages.
import { Code, GameError } from "../errors.js";

export type SslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";

export interface DbAddress {
  user: string;
  password: string | undefined;
  host: string;
  port: number;
  database: string;
  /** From `?sslmode=`; undefined means the driver's default (no TLS). */
  sslmode: SslMode | undefined;
  /** From `?options=` (libpq style, e.g. `-c search_path=x`). */
  options: string | undefined;
  /** From `?application_name=`. */
  applicationName: string | undefined;
}

const sslModes: readonly string[] = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

/** Nakama's defaults for the parts an address leaves out. */
export const addressDefaults = { user: "root", database: "nakama", port: 5432 } as const;

function invalid(raw: string, why: string): GameError {
  return new GameError(Code.INVALID_ARGUMENT, `invalid database.address "${redactRaw(raw)}": ${why}`);
}

/** Parses one `database.address` entry. Throws GameError(INVALID_ARGUMENT) naming the (redacted) address. */
export function parseAddress(raw: string): DbAddress {
  const trimmed = raw.trim();
  if (trimmed === "") throw invalid(raw, "empty");
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  if (hasScheme && !/^postgres(ql)?:\/\//i.test(trimmed)) throw invalid(raw, "scheme must be postgres:// or postgresql://");
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed.replace(/^[a-z]+:/i, "postgres:") : `postgres://${trimmed}`);
  } catch {
    throw invalid(raw, "not a URL or user:pass@host:port/dbname");
  }
  if (url.hostname === "") throw invalid(raw, "missing host");
  const port = url.port === "" ? addressDefaults.port : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(raw, "bad port");
  const path = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (path.includes("/")) throw invalid(raw, "database name may not contain '/'");
  const sslmode = url.searchParams.get("sslmode") ?? undefined;
  if (sslmode !== undefined && !sslModes.includes(sslmode)) throw invalid(raw, `unknown sslmode "${sslmode}"`);
  return {
    user: url.username === "" ? addressDefaults.user : decodeURIComponent(url.username),
    password: url.password === "" ? undefined : decodeURIComponent(url.password),
    // URL keeps IPv6 literals bracketed; drivers want them bare.
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    database: path === "" ? addressDefaults.database : path,
    sslmode: sslmode as SslMode | undefined,
    options: url.searchParams.get("options") ?? undefined,
    applicationName: url.searchParams.get("application_name") ?? undefined,
  };
}

/** `user@host:port/database`: the address as it may appear in logs (never the password). */
export function describeAddress(a: DbAddress): string {
  const host = a.host.includes(":") ? `[${a.host}]` : a.host;
  return `${a.user}@${host}:${a.port}/${a.database}`;
}

/** Best-effort password removal from an unparsed address (for messages about addresses that do not parse). */
export function redactRaw(raw: string): string {
  return raw.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?[^:@/]*):[^@/]*@/i, "$1:***@");
}
