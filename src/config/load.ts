// Owns turning the config sources into one validated, frozen Config. Sources, later overriding earlier:
// schema defaults, YAML files (--config, repeatable), environment (TROUPE_<SECTION>_<KEY>), command-line
// flags in Nakama's form (--section.key value | --section.key=value | -section.key; bools may omit the
// value; list keys repeat the flag). Unknown keys and bad values fail with a message naming the key.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { flattenSchema, type Field } from "./fields.js";
import { schema, type Config } from "./schema.js";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface ConfigSources {
  /** Flags only (the CLI has already taken the sub-command off). */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface LoadedConfig {
  config: Config;
  warnings: string[];
  files: string[];
}

const fields = new Map<string, Field>(flattenSchema(schema));
export const ENV_PREFIX = "TROUPE_";
/** Environment names reserved for test tooling, never read as config. */
const ENV_RESERVED = ["TROUPE_TEST_"];
const envName = (key: string) => ENV_PREFIX + key.replace(/\./g, "_").toUpperCase();
const keyByEnv = new Map([...fields.keys()].map((k) => [envName(k), k]));

type Raw = Map<string, unknown>;

/** Reads `--config` (repeatable) out of the flags; returns the files and the remaining flags. */
export function parseFlags(argv: readonly string[]): { files: string[]; flags: Array<[string, string | true]> } {
  const files: string[] = [];
  const flags: Array<[string, string | true]> = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("-")) throw new ConfigError(`unexpected argument '${arg}' (flags look like --socket.port 7350)`);
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const key = eq >= 0 ? body.slice(0, eq) : body;
    let value: string | true;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("-")) value = argv[++i];
    else if (i + 1 < argv.length && /^-\d/.test(argv[i + 1])) value = argv[++i];
    else value = true;
    if (key === "config") {
      if (value === true) throw new ConfigError("flag --config needs a file path");
      files.push(value);
    } else flags.push([key, value]);
  }
  return { files, flags };
}

function fieldOrThrow(key: string, where: string): Field {
  const f = fields.get(key);
  if (!f) throw new ConfigError(`unknown config key '${key}' (${where})`);
  return f;
}

/** Converts a textual value (flag, env) to the field's type. */
function fromText(key: string, f: Field, text: string | true, where: string): unknown {
  const bad = (what: string) => new ConfigError(`bad value for '${key}' (${where}): ${what}`);
  if (f.kind === "bool") {
    if (text === true) return true;
    const t = text.toLowerCase();
    if (["true", "1", "yes"].includes(t)) return true;
    if (["false", "0", "no"].includes(t)) return false;
    throw bad(`expected true or false, got '${text}'`);
  }
  if (text === true) throw bad("a value is required");
  if (f.kind === "int") {
    if (!/^-?\d+$/.test(text.trim())) throw bad(`expected a whole number, got '${text}'`);
    return Number(text);
  }
  if (f.kind === "float") {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n)) throw bad(`expected a number, got '${text}'`);
    return n;
  }
  if (f.kind === "strings") return text === "" ? [] : [text];
  return text;
}

/** Checks a YAML value's type against the field. */
function fromYaml(key: string, f: Field, v: unknown, where: string): unknown {
  const bad = (what: string) => new ConfigError(`bad value for '${key}' (${where}): ${what}`);
  switch (f.kind) {
    case "bool":
      if (typeof v !== "boolean") throw bad(`expected true or false, got ${JSON.stringify(v)}`);
      return v;
    case "int":
      if (typeof v !== "number" || !Number.isInteger(v)) throw bad(`expected a whole number, got ${JSON.stringify(v)}`);
      return v;
    case "float":
      if (typeof v !== "number") throw bad(`expected a number, got ${JSON.stringify(v)}`);
      return v;
    case "strings":
      if (typeof v === "string") return [v];
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw bad("expected a list of strings");
      return v;
    case "string":
      if (typeof v === "number" || typeof v === "boolean") return String(v);
      if (typeof v !== "string") throw bad(`expected a string, got ${JSON.stringify(v)}`);
      return v;
  }
}

function walkYaml(obj: unknown, prefix: string, where: string, raw: Raw): void {
  if (obj === null || obj === undefined) return;
  if (typeof obj !== "object" || Array.isArray(obj)) {
    throw new ConfigError(`bad value for '${prefix || "<root>"}' (${where}): expected a section`);
  }
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (fields.has(key)) raw.set(key, fromYaml(key, fields.get(key)!, v, where));
    else if (v !== null && typeof v === "object" && !Array.isArray(v) && [...fields.keys()].some((f) => f.startsWith(key + "."))) {
      walkYaml(v, key, where, raw);
    } else throw new ConfigError(`unknown config key '${key}' (${where})`);
  }
}

function readYamlFile(file: string, cwd: string, raw: Raw): void {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read config file '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`config file '${file}' is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  walkYaml(doc, "", file, raw);
}

function readEnv(env: ConfigSources["env"], raw: Raw): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined || name === ENV_PREFIX + "CONFIG") continue;
    if (ENV_RESERVED.some((p) => name.startsWith(p))) continue;
    const key = keyByEnv.get(name);
    if (!key) throw new ConfigError(`unknown config key in environment variable ${name}`);
    const f = fields.get(key)!;
    raw.set(key, f.kind === "strings" ? value.split(",").filter((s) => s !== "") : fromText(key, f, value, name));
  }
}

function readFlags(flags: Array<[string, string | true]>, raw: Raw): void {
  const lists = new Map<string, string[]>();
  for (const [key, value] of flags) {
    const f = fieldOrThrow(key, `flag --${key}`);
    const v = fromText(key, f, value, `flag --${key}`);
    if (f.kind === "strings") {
      const list = lists.get(key) ?? [];
      list.push(...(v as string[]));
      lists.set(key, list);
      raw.set(key, list);
    } else raw.set(key, v);
  }
}

/** Builds the nested config object from the flat key map. */
function build(raw: Raw): Record<string, any> {
  const root: Record<string, any> = {};
  for (const [key, f] of fields) {
    const parts = key.split(".");
    let node = root;
    for (const p of parts.slice(0, -1)) node = node[p] ??= {};
    const v = raw.has(key) ? raw.get(key) : f.default;
    node[parts[parts.length - 1]] = Array.isArray(v) ? [...v] : v;
  }
  return root;
}

function checkRanges(raw: Raw): void {
  for (const [key, f] of fields) {
    if (!raw.has(key)) continue;
    const v = raw.get(key);
    if ((f.kind === "int" || f.kind === "float") && typeof v === "number") {
      const min = f.min;
      const max = f.kind === "int" ? f.max : undefined;
      if (min !== undefined && v < min) throw new ConfigError(`bad value for '${key}': ${v} is below the minimum ${min}`);
      if (max !== undefined && v > max) throw new ConfigError(`bad value for '${key}': ${v} is above the maximum ${max}`);
    }
    if (f.kind === "string" && f.oneOf && typeof v === "string" && !f.oneOf.includes(v.toLowerCase())) {
      throw new ConfigError(`bad value for '${key}': '${v}' is not one of ${f.oneOf.join(", ")}`);
    }
  }
}

/** Cross-key rules (Nakama's fatal checks) and derived values. */
function finish(c: Record<string, any>, cwd: string): void {
  c.logger.level = String(c.logger.level).toLowerCase();
  c.logger.format = String(c.logger.format).toLowerCase();
  if (c.name.length < 1 || c.name.length > 16) throw new ConfigError(`bad value for 'name': must be 1 to 16 characters`);
  for (const key of ["socket.server_key", "session.encryption_key", "session.refresh_encryption_key", "runtime.http_key", "console.username", "console.password"]) {
    const [s, k] = key.split(".");
    if (!c[s][k]) throw new ConfigError(`bad value for '${key}': must not be empty`);
  }
  if (c.session.encryption_key === c.session.refresh_encryption_key) {
    throw new ConfigError("bad value for 'session.refresh_encryption_key': must differ from session.encryption_key");
  }
  if (c.session.single_match && !c.session.single_socket) throw new ConfigError("bad value for 'session.single_match': requires session.single_socket");
  if (c.session.single_party && !c.session.single_socket) throw new ConfigError("bad value for 'session.single_party': requires session.single_socket");
  if (Boolean(c.socket.ssl_certificate) !== Boolean(c.socket.ssl_private_key)) {
    throw new ConfigError("bad value for 'socket.ssl_certificate': ssl_certificate and ssl_private_key must be set together");
  }
  if (c.socket.ping_period_ms >= c.socket.pong_wait_ms) throw new ConfigError("bad value for 'socket.ping_period_ms': must be below socket.pong_wait_ms");
  for (const h of c.socket.response_headers as string[]) {
    if (!/^[^=\s]+=/.test(h)) throw new ConfigError(`bad value for 'socket.response_headers': '${h}' is not key=value`);
  }
  for (const e of c.runtime.env as string[]) {
    if (!/^[^=]+=/.test(e)) throw new ConfigError(`bad value for 'runtime.env': '${e}' is not KEY=VALUE`);
  }
  c.data_dir = path.resolve(cwd, c.data_dir || "data");
  c.runtime.path = path.resolve(cwd, c.runtime.path || path.join(c.data_dir, "modules"));
  // Nakama's deprecated runtime keys still take effect when set.
  if (c.runtime.min_count > 0) c.runtime.lua_min_count = c.runtime.min_count;
  if (c.runtime.max_count > 0) c.runtime.lua_max_count = c.runtime.max_count;
  if (c.runtime.call_stack_size > 0) c.runtime.lua_call_stack_size = c.runtime.call_stack_size;
  if (c.runtime.registry_size > 0) c.runtime.lua_registry_size = c.runtime.registry_size;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Warnings Nakama logs at start: insecure default keys and deprecated keys. */
function collectWarnings(c: Config, raw: Raw): string[] {
  const out: string[] = [];
  for (const [key, f] of fields) {
    if (f.kind !== "string" || !f.insecureDefault) continue;
    const [s, k] = key.split(".");
    if ((c as any)[s][k] === f.default) out.push(`Insecure default parameter value, change this for production: ${key}`);
  }
  for (const key of ["runtime.min_count", "runtime.max_count", "runtime.call_stack_size", "runtime.registry_size", "runtime.read_only_globals"]) {
    if (raw.has(key)) out.push(`Deprecated config key '${key}' used; use its lua_ form instead`);
  }
  return out;
}

/** Loads, validates and freezes the config. Throws ConfigError with one line naming the problem. */
export function loadConfig(src: ConfigSources): LoadedConfig {
  const { files: flagFiles, flags } = parseFlags(src.argv);
  const envFiles = (src.env[ENV_PREFIX + "CONFIG"] ?? "").split(",").filter(Boolean);
  const files = [...envFiles, ...flagFiles];
  const raw: Raw = new Map();
  for (const f of files) readYamlFile(f, src.cwd, raw);
  readEnv(src.env, raw);
  readFlags(flags, raw);
  checkRanges(raw);
  const c = build(raw);
  finish(c, src.cwd);
  const config = deepFreeze(c) as Config;
  return { config, warnings: collectWarnings(config, raw), files };
}

/** A config for embedding and tests: defaults plus overrides given as flat dotted keys. */
export function configFrom(overrides: Record<string, unknown> = {}, cwd = process.cwd()): LoadedConfig {
  const argv: string[] = [];
  for (const [k, v] of Object.entries(overrides)) {
    for (const item of Array.isArray(v) ? v : [v]) argv.push(`--${k}=${String(item)}`);
  }
  return loadConfig({ argv, env: {}, cwd });
}
