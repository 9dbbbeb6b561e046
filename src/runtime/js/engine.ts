// Owns the QuickJS WebAssembly binaries behind every JS VM. Each build is compiled once per engine. By
// default it is instantiated once per VM, so every VM has its own linear memory: it can suspend in an
// async host call independently of the others, a wasm-level abort stays inside it, and its memory limit
// is real (the memory's maximum size).
//
// Shared modules (`groupSize` > 1, used for match VMs): up to groupSize VMs (QuickJS runtimes) live in
// one instance, which saves each VM the instance's own memory (data segment, stack, allocator, glue:
// ≈0.3 MB RSS). What each guarantee becomes:
// - suspension: tasks of the module's VMs pass one ModuleGate (gate.ts): a pending task (suspended in an
//   async host call) makes the others wait; synchronous tasks run at once. A new VM is placed in a module
//   whose gate is free (else a new module), so a handler creating a match while suspended cannot wait on
//   its own module. A handler that awaits work needing a module-mate (e.g. signalling a match in its own
//   module) waits until its deadline: a documented limit.
// - memory: the module's cap is groupSize × the per-VM limit (so the process-wide bound is what
//   unshared VMs give), and each runtime also gets QuickJS's own limit at the per-VM value, which bounds
//   any single allocation and the allocation count (see below why it does not bound bytes). A runaway VM
//   thus fails with the usual catchable "out of memory" at the module cap; until it is disposed (a match
//   ends on that error) its module-mates' allocations may fail too, but they keep their state.
// - aborts: a wasm-level failure in one VM marks the whole module broken (`failed`); every VM in it then
//   fails its next call with the "broken" error (a match ends, its presences told) and is freed without
//   touching the instance.
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
import { ModuleGate } from "./gate.js";
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
  /** The memory cap actually applied (the limit rounded up to whole 64 KiB pages; a shared module's cap). */
  readonly wasmLimitBytes: number;
  /** A shared module's gate: every task of the VM runs through it. Undefined for a VM's own module. */
  readonly gate: ModuleGate | undefined;
  /** Why the module broke (a wasm-level failure in any of its VMs), if it did. */
  moduleBroken(): string | undefined;
  /** Marks the module broken (a shared module: all its VMs; otherwise nothing beyond this VM). */
  fail(reason: string): void;
  /** Gives the VM's place in a shared module back (after its runtime is freed). */
  release(): void;
}

export interface JsEngine {
  /**
   * Creates a runtime and context capped at `memoryLimitBytes`: in a wasm module of its own, or with
   * `groupSize` > 1 in a module shared with up to groupSize VMs of the same build, limit and group size.
   */
  newContext(build: JsBuild, memoryLimitBytes: number, groupSize?: number): Promise<EngineContext>;
}

export interface JsEngineOptions {
  /** Receives QuickJS/Emscripten's own stdout/stderr lines (e.g. an abort message). */
  log: Logger;
}

/** Bytes every VM's linear memory starts with (the binaries' declared initial size). */
export const MIN_MEMORY_LIMIT_BYTES = 16 << 20;
const PAGE = 64 << 10;
/** wasm32's largest memory, in pages (4 GiB). */
const MAX_PAGES = 65536;

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

  function load(build: JsBuild, maxPages: number): Promise<QuickJSWASMModule> {
    return build === "asyncify"
      ? newQuickJSAsyncWASMModule(variant(RELEASE_ASYNC, asyncWasm, maxPages))
      : newQuickJSWASMModule(variant(RELEASE_SYNC, syncWasm, maxPages));
  }

  function contextIn(build: JsBuild, module: QuickJSWASMModule, maxPages: number, shared: SharedModule | undefined): EngineContext {
    const context = module.newRuntime().newContext();
    // computeMemoryUsage() would otherwise create (and keep) a second context for itself.
    context.runtime.context = context;
    let released = false;
    return {
      build,
      module,
      context,
      low: new LowLevel(module, context, build === "asyncify"),
      wasmBytes: () => module.getWasmMemory().buffer.byteLength,
      wasmLimitBytes: maxPages * PAGE,
      gate: shared?.gate,
      moduleBroken: () => shared?.broken,
      fail: (reason) => {
        if (shared === undefined || shared.broken !== undefined) return;
        shared.broken = reason;
        log.error({ reason, vms: shared.used }, "shared javascript wasm module broken: every VM in it will fail");
        dropShared(shared);
      },
      release: () => {
        if (shared === undefined || released) return;
        released = true;
        if (--shared.used === 0) dropShared(shared);
      },
    };
  }

  /** Shared modules with room, by build, per-VM pages and group size. */
  const pools = new Map<string, SharedModule[]>();
  function dropShared(m: SharedModule): void {
    const list = pools.get(m.key);
    const i = list?.indexOf(m) ?? -1;
    if (list !== undefined && i >= 0) list.splice(i, 1);
  }

  async function sharedContext(build: JsBuild, vmPages: number, groupSize: number, memoryLimitBytes: number): Promise<EngineContext> {
    const key = `${build}/${vmPages}/${groupSize}`;
    let list = pools.get(key);
    if (list === undefined) pools.set(key, (list = []));
    let m = list.find((s) => s.used < groupSize && !s.gate.busy);
    const maxPages = Math.min(MAX_PAGES, vmPages * groupSize);
    if (m === undefined) {
      const made: SharedModule = { key, ready: load(build, maxPages), used: 0, gate: new ModuleGate(), broken: undefined };
      made.ready.catch((err: unknown) => {
        made.broken = `could not instantiate: ${String(err)}`;
        dropShared(made);
      });
      list.push((m = made));
    }
    const shared = m;
    shared.used++;
    let module: QuickJSWASMModule;
    try {
      module = await shared.ready;
      if (shared.broken !== undefined) throw new Error(`shared javascript wasm module broken: ${shared.broken}`);
      const ec = await shared.gate.run(() => contextIn(build, module, maxPages, shared));
      // QuickJS's own limit, at the per-VM value: bounds one allocation and the allocation count.
      ec.context.runtime.setMemoryLimit(memoryLimitBytes);
      return ec;
    } catch (err) {
      if (--shared.used === 0 || shared.broken !== undefined) dropShared(shared);
      throw err;
    }
  }

  return {
    async newContext(build, memoryLimitBytes, groupSize = 1) {
      const vmPages = Math.ceil(Math.max(memoryLimitBytes, MIN_MEMORY_LIMIT_BYTES) / PAGE);
      if (groupSize > 1) return sharedContext(build, vmPages, Math.floor(groupSize), Math.max(memoryLimitBytes, MIN_MEMORY_LIMIT_BYTES));
      return contextIn(build, await load(build, vmPages), vmPages, undefined);
    },
  };
}

/** A wasm module shared by up to a group's size of VMs. */
interface SharedModule {
  readonly key: string;
  readonly ready: Promise<QuickJSWASMModule>;
  /** VMs placed in it (reserved before the module is ready). */
  used: number;
  readonly gate: ModuleGate;
  broken: string | undefined;
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
