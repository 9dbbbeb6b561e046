// Owns the public surface of the Lua engine (the only folder that imports fengari).
export { createLuaVm } from "./vm.js";
export { LuaChunkCache } from "./chunk-cache.js";
export type { LuaVm, LuaVmOptions } from "./vm.js";
export { LuaRef, LuaMulti, luaMulti, withRawStrings } from "./types.js";
export type { HostFn, LuaArg, LuaCallOptions, LuaModuleSource, LuaRefKind } from "./types.js";
export { jsonDecode, jsonEncode } from "./json.js";
export { luaNumberToString } from "./numbers.js";
export { normalizeModuleName } from "./prelude.js";
export type { LuaErrorDetail, LuaErrorKind } from "./lua-errors.js";
export { LUA_MAX_STRING_BYTES } from "./fengari-loader.js";
