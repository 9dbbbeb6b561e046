// Owns the QuickJS WebAssembly binaries behind every JS VM. Each build is compiled once per engine and
// instantiated once per VM, so every VM has its own linear memory: it can suspend in an async host call
// independently of the others, a wasm-level abort stays inside it, and its memory limit is real (the
// memory's maximum size).
//
// Why the memory maximum and not QuickJS's own limit: in these Emscripten builds QuickJS has no
// malloc_usable_size, so JS_SetMemoryLimit counts 8 bytes per live allocation instead of bytes (measured:
// 100 MB of strings pass a 4 MiB "limit"). Capping the wasm memory makes malloc fail at the cap, which
// QuickJS turns into a catchable "out of memory" InternalError. The binaries start with 16 MiB, so that is
// the smallest limit.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { EmscriptenModuleLoaderOptions, QuickJSContext, QuickJSWASMModule } from "quickjs-emscripten";
import { newQuickJSAsyncWASMModule, newQuickJSWASMModule, newVariant, RELEASE_ASYNC, RELEASE_SYNC } from "quickjs-emscripten";
import type { Logger } from "../../log.js";
import { LowLevel } from "./internals.js";

/**
 * Which QuickJS build a VM runs on.
 * - "asyncify": host functions may return promises; the guest sees a plain return value.
 * - "sync": host functions must answer synchronously (a promise becomes a guest error); guest code runs
 *   faster and the binary is half the size. For VMs whose host functions are all synchronous.
 */
export type JsBuild = "asyncify" | "sync";

/** One QuickJS runtime + context in its own wasm instance, with the raw-call helper. */
export interface EngineContext {
  readonly build: JsBuild;
  readonly module: QuickJSWASMModule;
  readonly context: QuickJSContext;
  readonly low: LowLevel;
  /** Current size of this VM's linear memory, in bytes. */
  wasmBytes(): number;
  /** The memory cap actually applied (the limit rounded up to whole 64 KiB pages). */
  readonly wasmLimitBytes: number;
}

export interface JsEngine {
  /** Instantiates a wasm module capped at `memoryLimitBytes` and creates a runtime and context in it. */
  newContext(build: JsBuild, memoryLimitBytes: number): Promise<EngineContext>;
}

export interface JsEngineOptions {
  /** Receives QuickJS/Emscripten's own stdout/stderr lines (e.g. an abort message). */
  log: Logger;
}

/** Bytes every VM's linear memory starts with (the binaries' declared initial size). */
export const MIN_MEMORY_LIMIT_BYTES = 16 << 20;
const PAGE = 64 << 10;

type Variant = Parameters<typeof newVariant>[0];
/** A compiled WebAssembly.Module (the WebAssembly types are not in this project's TypeScript libs). */
type CompiledWasm = object;
interface WasmApi {
  compile(bytes: Uint8Array): Promise<CompiledWasm>;
  Memory: new (d: { initial: number; maximum: number }) => object;
}
/** Node's global WebAssembly (not in this project's TypeScript libs). */
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Creates an engine. Create one per process and pass it to every createJsVm call. */
export async function createJsEngine(opts: JsEngineOptions): Promise<JsEngine> {
  const log = opts.log.child({ module: "js-engine" });
  const io = {
    print: (line: string) => log.info({ source: "quickjs" }, line),
    printErr: (line: string) => log.error({ source: "quickjs" }, line),
  } as unknown as EmscriptenModuleLoaderOptions;
  const [asyncWasm, syncWasm] = await Promise.all([
    compile("@jitl/quickjs-wasmfile-release-asyncify/wasm", log),
    compile("@jitl/quickjs-wasmfile-release-sync/wasm", log),
  ]);

  function variant<T extends Variant>(base: T, compiled: CompiledWasm | undefined, maxPages: number): T {
    const wasmMemory = () => new wasm.Memory({ initial: MIN_MEMORY_LIMIT_BYTES / PAGE, maximum: maxPages });
    return newVariant(base, { wasmModule: compiled, wasmMemory, emscriptenModule: io });
  }

  return {
    async newContext(build, memoryLimitBytes) {
      const maxPages = Math.ceil(Math.max(memoryLimitBytes, MIN_MEMORY_LIMIT_BYTES) / PAGE);
      const module =
        build === "asyncify"
          ? await newQuickJSAsyncWASMModule(variant(RELEASE_ASYNC, asyncWasm, maxPages))
          : await newQuickJSWASMModule(variant(RELEASE_SYNC, syncWasm, maxPages));
      const context = module.newRuntime().newContext();
      // computeMemoryUsage() would otherwise create (and keep) a second context for itself.
      context.runtime.context = context;
      return {
        build,
        module,
        context,
        low: new LowLevel(module, context, build === "asyncify"),
        wasmBytes: () => module.getWasmMemory().buffer.byteLength,
        wasmLimitBytes: maxPages * PAGE,
      };
    },
  };
}

/** Compiles a binary once; on failure each VM falls back to the library's loader (compiles per VM). */
async function compile(specifier: string, log: Logger): Promise<CompiledWasm | undefined> {
  try {
    const path = createRequire(import.meta.url).resolve(specifier);
    return await wasm.compile(await readFile(path));
  } catch (err) {
    log.warn({ err, specifier }, "could not precompile a QuickJS binary; each VM will compile it (slower)");
    return undefined;
  }
}
