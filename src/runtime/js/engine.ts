// Owns the QuickJS WebAssembly modules behind every JS VM: the asyncify binary, compiled once per engine
// and instantiated once per VM (its own linear memory, so each VM can suspend in an async host call
// independently), and the sync-build module shared by all sync VMs of the engine.
//
// Measured here (2 cores, see src/runtime/js/README.md): compiling the asyncify binary costs ~11 ms, and
// instantiating a precompiled one ~0.2 ms, so the engine compiles once and every VM instantiates.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type {
  EmscriptenModuleLoaderOptions,
  QuickJSAsyncWASMModule,
  QuickJSContext,
  QuickJSWASMModule,
} from "quickjs-emscripten";
import { newQuickJSAsyncWASMModule, newQuickJSWASMModule, newVariant, RELEASE_ASYNC, RELEASE_SYNC } from "quickjs-emscripten";
import type { Logger } from "../../log.js";
import { LowLevel } from "./internals.js";

/**
 * Which QuickJS build a VM runs on.
 * - "asyncify": host functions may return promises and the guest sees a plain return value. One wasm
 *   instance per VM (own 16 MiB-reserved linear memory).
 * - "sync": host functions must answer synchronously. VMs share one wasm instance (cheaper to create,
 *   faster calls), so a wasm-level abort in one sync VM takes its siblings down too.
 */
export type JsBuild = "asyncify" | "sync";

/** One QuickJS runtime + context ready for a VM, with the raw-call helper. */
export interface EngineContext {
  readonly build: JsBuild;
  readonly module: QuickJSWASMModule;
  readonly context: QuickJSContext;
  readonly low: LowLevel;
}

export interface JsEngine {
  /** Creates a runtime and a context (and, for asyncify, a fresh wasm instance). */
  newContext(build: JsBuild): Promise<EngineContext>;
  /** A sync VM saw its shared wasm instance abort: the next sync VM gets a fresh instance. */
  reportAborted(module: QuickJSWASMModule): void;
}

export interface JsEngineOptions {
  /** Receives QuickJS/Emscripten's own stdout/stderr lines (e.g. an abort message). */
  log: Logger;
}

/** Creates an engine. Create one per process and pass it to every createJsVm call. */
export async function createJsEngine(opts: JsEngineOptions): Promise<JsEngine> {
  const log = opts.log.child({ module: "js-engine" });
  const io = {
    print: (line: string) => log.info({ source: "quickjs" }, line),
    printErr: (line: string) => log.error({ source: "quickjs" }, line),
  } as unknown as EmscriptenModuleLoaderOptions;
  const asyncVariant = newVariant(RELEASE_ASYNC, { wasmModule: await compileAsyncify(log), emscriptenModule: io });
  const syncVariant = newVariant(RELEASE_SYNC, { emscriptenModule: io });
  let shared: Promise<QuickJSWASMModule> | undefined;

  async function sharedSync(): Promise<QuickJSWASMModule> {
    shared ??= newQuickJSWASMModule(syncVariant);
    return shared;
  }

  return {
    async newContext(build) {
      if (build === "sync") {
        const module = await sharedSync();
        return wrap(build, module, module.newRuntime().newContext());
      }
      const module: QuickJSAsyncWASMModule = await newQuickJSAsyncWASMModule(asyncVariant);
      return wrap(build, module, module.newRuntime().newContext());
    },
    reportAborted(module) {
      if (!shared) return;
      void shared.then((m) => {
        if (m === module) {
          log.error("shared sync QuickJS instance aborted; new sync VMs get a fresh instance");
          shared = undefined;
        }
      });
    },
  };
}

function wrap(build: JsBuild, module: QuickJSWASMModule, context: QuickJSContext): EngineContext {
  // computeMemoryUsage() would otherwise create (and keep) a second context for itself.
  context.runtime.context = context;
  return { build, module, context, low: new LowLevel(module, context, build === "asyncify") };
}

type CompiledWasm = NonNullable<Parameters<typeof newVariant>[1]["wasmModule"]>;
/** Node's global WebAssembly (not in this project's TypeScript libs). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CompiledWasm> } }).WebAssembly;

/** Compiles the asyncify binary once; falls back to the library's loader (compiles per VM) if not found. */
async function compileAsyncify(log: Logger): Promise<CompiledWasm | undefined> {
  try {
    const path = createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-asyncify/wasm");
    return await wasm.compile(await readFile(path));
  } catch (err) {
    log.warn({ err }, "could not precompile the QuickJS asyncify binary; each VM will compile it (slower)");
    return undefined;
  }
}
