// Owns the public surface of the nk module: the binding table every engine installs (`nkBindings`), the
// typed native API (`createNativeNk`), the process-wide shared state (`createNkShared`) and the contract
// types. To add a domain: write src/runtime/nk/<domain>.ts exporting `xBindings(): NkBinding[]`, add it
// to DOMAINS in table.ts and its typed methods to native-types.ts.
export { nkBindings } from "./table.js";
export type { NkBinding, NkCall, NkDeps, NkServices, RuntimeContext } from "./types.js";
export { createNkShared, createLocalCache, createEventQueue } from "./shared.js";
export type { EventQueue, LocalCache, NkShared, NkSharedOptions, RuntimeEvent } from "./shared.js";
export { createNativeNk, nativeNkFactory } from "./native.js";
export type { NativeNakama } from "./native-types.js";
export { configViewJs, configViewLua, envMap } from "./config-view.js";
export { GO_ZERO_TIME_UNIX } from "./util-misc.js";
