// Owns finding module files under runtime.path (walked recursively, in sorted order, skipping dot
// entries and node_modules):
//   Lua:    every *.lua file; module name = relative path without extension, "/" → "." ("lib/util.lua"
//           is `require("lib.util")` or `require("lib/util")`).
//   JS:     one bundle, runtime.js_entrypoint (relative to runtime.path) or index.js. Other .js files
//           are ignored, as Nakama does.
//   native: every *.mjs and *.ts file (not *.d.ts). Those exporting InitModule are modules; the others
//           are helper libraries they may import. TypeScript is compiled at load (tsx).
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { LuaModuleSource } from "./lua/index.js";
import { ModuleLoadError } from "./errors.js";

export interface ModuleFiles {
  /** Absolute runtime.path. */
  readonly root: string;
  /** Lua module name → source and path relative to root. */
  readonly lua: ReadonlyMap<string, LuaModuleSource>;
  /** The JS bundle, or null when there is none. */
  readonly js: { readonly file: string; readonly source: string } | null;
  /** Absolute paths of native module files, sorted. */
  readonly native: readonly string[];
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, out);
    else if (e.isFile() || e.isSymbolicLink()) out.push(full);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

function isNative(file: string): boolean {
  return file.endsWith(".mjs") || (file.endsWith(".ts") && !file.endsWith(".d.ts"));
}

function luaName(rel: string): string {
  return rel.slice(0, -".lua".length).split(path.sep).join(".");
}

/** Scans runtime.path. A missing folder means no modules; a configured entrypoint that is missing fails. */
export async function scanModules(root: string, jsEntrypoint: string): Promise<ModuleFiles> {
  const files: string[] = [];
  try {
    if ((await stat(root)).isDirectory()) await walk(root, files);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const lua = new Map<string, LuaModuleSource>();
  const native: string[] = [];
  for (const f of files) {
    const rel = path.relative(root, f);
    if (f.endsWith(".lua")) lua.set(luaName(rel), { source: await readFile(f, "utf8"), file: rel.split(path.sep).join("/") });
    else if (isNative(f)) native.push(f);
  }
  const entry = jsEntrypoint === "" ? "index.js" : jsEntrypoint;
  const entryPath = path.resolve(root, entry);
  let js: ModuleFiles["js"] = null;
  if (await exists(entryPath)) js = { file: path.relative(root, entryPath).split(path.sep).join("/"), source: await readFile(entryPath, "utf8") };
  else if (jsEntrypoint !== "") throw new ModuleLoadError(entry, `JavaScript entrypoint ${entry} not found in ${root}`);
  return { root, lua, js, native };
}
