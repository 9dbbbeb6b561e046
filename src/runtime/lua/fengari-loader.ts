// Owns loading fengari (the only place its files are read) with our source patches applied.
//
// Why a load-time transformation: stock fengari keeps Lua integers in 32 bits and wraps them
// (os.time()*1000 → -49606728), while Nakama's Lua numbers are float64. The arithmetic lives inline
// in fengari's interpreter loop and its modules destructure each other's functions at load time, so
// monkey-patching exports after loading cannot reach it, and luaconf alone has no switch for it.
// Measured alternatives: a Node loader hook does not see CommonJS `require` calls inside fengari on
// Node 20; vendoring is forbidden. So we read the installed 0.1.5 sources, apply the patches listed
// in fengari-patches.ts (each must match exactly), and evaluate the files as CommonJS modules with
// our own `require`. That `require` also keeps fengari's io/os/debug/package libraries (the only
// users of fs, child_process, readline-sync and tmp) from ever being evaluated: `lualib.js` is
// replaced by a stub, and `fs` by a stub that throws.
//
// The patched build is created once per process at import time (like any `import`) and is shared by
// every VM; it holds no per-VM state (fengari keeps state in lua_State objects).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { compileFunction } from "node:vm";
import { FILES_USING_HOOKS, HOOKS_PRELUDE, PATCHES } from "./fengari-patches.js";
import type { SourcePatch } from "./fengari-patches.js";
import { formatFloat, formatInteger, luaNumberToString } from "./numbers.js";

/** fengari version the patches were written against. */
export const FENGARI_VERSION = "0.1.5";
/** Memory guard: no Lua string (concat, string.rep, buffers) may exceed this many bytes. */
export const LUA_MAX_STRING_BYTES = 64 * 1024 * 1024;

/** Library arguments: numbers truncate toward zero and clamp to int32, as Lua 5.1's lua_tointeger. */
function lenientInteger(n: number | false): number | false {
  if (n === false || Number.isNaN(n)) return false;
  const t = Math.trunc(n);
  if (t > 2147483647) return 2147483647;
  if (t < -2147483648) return -2147483648;
  return t | 0;
}

/**
 * The JS string fengari uses as a Lua string's identity (table key, equality, ordering): "|" and one
 * char per byte (latin1), so distinct byte strings never collide and `<` follows byte order.
 */
function stringKey(bytes: Uint8Array): string {
  return "|" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
}

/** Native byte search (Node's Buffer#indexOf). */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  if (needle.length === 0) return from <= hay.length ? from : -1;
  return Buffer.from(hay.buffer, hay.byteOffset, hay.length).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.length), from);
}

/** True once the current call of the VM owning `L` is past its deadline (see setCallDeadline). */
function expired(L: { l_G: { troupeDeadline?: number } }): boolean {
  const d = L.l_G.troupeDeadline;
  return d !== undefined && performance.now() > d;
}

/**
 * Records the deadline of the call now running in the VM whose main state is `L`, for library code
 * that runs no Lua instructions (pattern matching). Stored on fengari's per-VM global state object.
 */
export function setCallDeadline(L: object, deadline: number): void {
  (L as { l_G: { troupeDeadline?: number } }).l_G.troupeDeadline = deadline;
}

const hooks = Object.freeze({
  stringKey,
  indexOfBytes,
  expired,
  numberToString: luaNumberToString,
  formatInteger,
  formatFloat,
  lenientInteger,
  maxStringBytes: LUA_MAX_STRING_BYTES,
});

/** The fengari modules Troupe uses (untyped CommonJS exports; typed at the use sites). */
export interface FengariModules {
  readonly core: any;
  readonly lua: any;
  readonly lauxlib: any;
  readonly luaconf: any;
  readonly lbaselib: any;
  readonly lstrlib: any;
  readonly ltablib: any;
  readonly lmathlib: any;
  /** Milliseconds spent reading, patching and evaluating the sources. */
  readonly loadMs: number;
}

const fsStub = new Proxy(
  {},
  {
    get(_t, prop): unknown {
      return () => {
        throw new Error(`fs.${String(prop)} is not available to Lua`);
      };
    },
  },
);

/** Applies `patches` to one file's source; throws when a patch does not match exactly. Exported for tests. */
export function applyPatches(file: string, source: string, patches: readonly SourcePatch[], applied: Set<SourcePatch>): string {
  let out = source;
  for (const p of patches) {
    const want = p.count ?? 1;
    const found = typeof p.find === "string" ? out.split(p.find).length - 1 : (out.match(new RegExp(p.find.source, "g")) ?? []).length;
    if (found !== want) throw new Error(`fengari patch for ${file} (${p.why}) matched ${found} times, expected ${want}`);
    out = typeof p.find === "string" ? out.split(p.find).join(p.replace) : out.replace(new RegExp(p.find.source, "g"), () => p.replace);
    applied.add(p);
  }
  return FILES_USING_HOOKS.has(file) ? HOOKS_PRELUDE + out : out;
}

function packageDir(): string {
  const req = createRequire(import.meta.url);
  const pkgJson = req.resolve("fengari/package.json");
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  if (version !== FENGARI_VERSION) throw new Error(`Troupe's Lua patches target fengari ${FENGARI_VERSION}, found ${version}`);
  return path.dirname(pkgJson);
}

/** Reads, patches and evaluates fengari's sources. Exported for tests; use `fengari` instead. */
export function loadPatchedFengari(): FengariModules {
  const started = performance.now();
  const dir = packageDir();
  const srcDir = path.join(dir, "src");
  const external = createRequire(path.join(dir, "package.json"));
  const byFile = new Map<string, SourcePatch[]>();
  for (const p of PATCHES) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const applied = new Set<SourcePatch>();
  const modules = new Map<string, { exports: any }>();
  const stubs: Record<string, unknown> = {
    "./lualib.js": { lua_assert: (): void => undefined },
    "troupe:hooks": hooks,
    fs: fsStub,
    os: { platform: () => "linux" },
  };
  const requireFrom = (spec: string): any => {
    if (spec in stubs) return stubs[spec];
    if (spec === "sprintf-js") return external(spec);
    if (!spec.startsWith("./")) throw new Error(`fengari loader: unexpected require('${spec}')`);
    const file = spec.slice(2);
    const cached = modules.get(file);
    if (cached) return cached.exports;
    const mod = { exports: {} as any };
    modules.set(file, mod); // before evaluation: fengari's modules require each other in cycles
    const filename = path.join(srcDir, file);
    const source = applyPatches(file, readFileSync(filename, "utf8"), byFile.get(file) ?? [], applied);
    const fn = compileFunction(source, ["exports", "require", "module", "__filename", "__dirname"], { filename });
    fn(mod.exports, requireFrom, mod, filename, srcDir);
    return mod.exports;
  };
  const result = {
    core: requireFrom("./fengaricore.js"),
    lua: requireFrom("./lua.js"),
    lauxlib: requireFrom("./lauxlib.js"),
    luaconf: requireFrom("./luaconf.js"),
    lbaselib: requireFrom("./lbaselib.js"),
    lstrlib: requireFrom("./lstrlib.js"),
    ltablib: requireFrom("./ltablib.js"),
    lmathlib: requireFrom("./lmathlib.js"),
  };
  const missing = PATCHES.filter((p) => !applied.has(p));
  if (missing.length > 0) throw new Error(`fengari patches not applied: ${missing.map((p) => `${p.file} (${p.why})`).join(", ")}`);
  return { ...result, loadMs: performance.now() - started };
}

/** The patched fengari build shared by every Lua VM in this process. */
export const fengari: FengariModules = loadPatchedFengari();
