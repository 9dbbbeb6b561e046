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
import { packageRoot } from "../lib/paths.js";

/** initdb arguments for every Troupe PGlite cluster: 1 MB WAL segments keep the in-memory footprint small. */
export const initdbArgs: readonly string[] = ["--wal-segsize=1"];

/**
 * Where templates are looked for, in order: `<package root>/node_modules/.cache/troupe-pglite` (survives
 * reboots and is baked into an image built with `npm ci`; goes away with node_modules, i.e. exactly when
 * PGlite may change), then `<os tmpdir>/troupe-pglite` (when node_modules is read-only).
 */
export function defaultCacheDirs(): string[] {
  const dirs: string[] = [];
  try {
    dirs.push(join(packageRoot(), "node_modules", ".cache", "troupe-pglite"));
  } catch {
    // No package.json above us (bundled?): the temp dir alone.
  }
  dirs.push(join(tmpdir(), "troupe-pglite"));
  return dirs;
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

/** The first cached tarball found in `dirs`, with its path; null when there is none. */
export async function readTemplate(dirs: readonly string[]): Promise<{ file: string; data: Buffer } | null> {
  for (const dir of dirs) {
    const file = templatePath(dir);
    try {
      return { file, data: await readFile(file) };
    } catch {
      // Not there (or unreadable): try the next place.
    }
  }
  return null;
}

/**
 * Saves a tarball atomically (concurrent writers each rename a complete file into place) into the first of
 * `dirs` that accepts it; returns the path written. Throws the last error when none does.
 */
export async function writeTemplate(dirs: readonly string[], data: Uint8Array): Promise<string> {
  let last: unknown = new Error("no cache directory given");
  for (const dir of dirs) {
    const file = templatePath(dir);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(tmp, data);
      await rename(tmp, file);
      return file;
    } catch (err) {
      last = err;
    } finally {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }
  throw last;
}

export async function deleteTemplate(file: string): Promise<void> {
  await rm(file, { force: true });
}
