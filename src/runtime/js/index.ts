// Owns the public surface of the sandboxed JavaScript engine (QuickJS): engines, VMs, refs and errors.
// The runtime framework imports from here only.
export { createJsEngine, MIN_MEMORY_LIMIT_BYTES } from "./engine.js";
export type { JsBuild, JsEngine, JsEngineOptions } from "./engine.js";
export { createJsVm } from "./vm.js";
export type { CallOptions, JsVm, JsVmHealth, JsVmOptions, JsVmStats, MakeRefOptions } from "./vm-types.js";
export type { HostFn } from "./marshal.js";
export type { GuestBytes } from "./guest-bytes.js";
export { JsRef, isJsRef } from "./refs.js";
export type { JsFnRef, JsRefKind } from "./refs.js";
export { GuestError } from "./js-errors.js";
