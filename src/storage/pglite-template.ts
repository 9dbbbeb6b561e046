// Owns the cache of initialised PGlite data directories. A fresh PGlite runs initdb in a second WASM
// instance (≈3–5 s, ≈780 MB RSS here); loading the tarball of an already-initialised directory instead takes
// ≈0.7 s. The first start on a machine pays initdb once and saves the tarball; every later fresh database
// (in-memory servers, tests, new data dirs) loads it. Files are keyed by PGlite version and initdb arguments,
// written atomically (temp file + rename), and a template that fails to load is deleted by the caller.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** initdb arguments for every Troupe PGlite cluster: 1 MB WAL segments keep the in-memory footprint small. */
export const initdbArgs: readonly string[] = ["--wal-segsize=1"];

export function defaultCacheDir(): string {
  return join(tmpdir(), "troupe-pglite");
}

function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve("@electric-sql/pglite");
  const pkg = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as {
    version?: unknown;
  };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

/** The template file for this PGlite version and our initdb arguments. */
export function templatePath(cacheDir: string): string {
  const version = pgliteVersion();
  const hash = createHash("sha256").update(JSON.stringify({ version, initdbArgs })).digest("hex").slice(0, 12);
  return join(cacheDir, `pglite-${version}-${hash}.tar`);
}

/** The cached tarball, or null when there is none (or it cannot be read). */
export async function readTemplate(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch {
    return null;
  }
}

/** Saves a tarball atomically: concurrent writers each rename a complete file into place. */
export async function writeTemplate(file: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

export async function deleteTemplate(file: string): Promise<void> {
  await rm(file, { force: true });
}
