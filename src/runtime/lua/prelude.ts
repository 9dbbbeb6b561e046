// Owns the Lua-side prelude: `require` (by module name with dots or slashes, loaded once, only from
// the VM's module map; a module that fails keeps Lua 5.1's "loop or previous error" marker),
// `package.loaded/preload/seeall`, `module`, `loadstring`, and `dofile`/`loadfile` that read the
// module map, never the disk. Written in Lua so a module's top-level code may call asynchronous host
// functions (a JS `require` would be a C boundary that coroutines cannot yield across). The helpers it
// receives stay upvalues, invisible to user code.
import { lauxlib, lua, LUA_OK, readString, toLuaString } from "./api.js";
import type { CFunction, LuaState } from "./api.js";
import { loadBytecode, precompile } from "./chunk-cache.js";

const PRELUDE = `
local H = ...
local error, type, pairs, select, rawget, rawset = error, type, pairs, select, rawget, rawset
local setmetatable, getmetatable, load = setmetatable, getmetatable, load
local normalize, find_module, find_file, setfenv = H.normalize, H.find_module, H.find_file, setfenv
local G = _G
local loaded, preload, sentinel = {}, {}, {}
for name, mod in pairs(H.builtin) do loaded[name] = mod end

package = { loaded = loaded, preload = preload, path = "", cpath = "" }

function package.seeall(m)
  local mt = getmetatable(m)
  if mt == nil then mt = {}; setmetatable(m, mt) end
  mt.__index = G
end

local function require(name)
  if type(name) ~= "string" then
    error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2)
  end
  local key = normalize(name)
  local v = loaded[key]
  if v ~= nil then
    if v == sentinel then error("loop or previous error loading module '" .. name .. "'", 2) end
    return v
  end
  local loader = preload[key] or find_module(key)
  if loader == nil then error("module '" .. name .. "' not found", 2) end
  loaded[key] = sentinel
  local r = loader(key)
  if r ~= nil then loaded[key] = r end
  if loaded[key] == sentinel then loaded[key] = true end
  return loaded[key]
end
_G.require = require

function loadfile(path)
  return find_file(path)
end

function dofile(path)
  local f, err = find_file(path)
  if f == nil then error(err, 2) end
  return f()
end

function loadstring(s, chunkname)
  return load(s, chunkname, "t")
end

function module(name, ...)
  if type(name) ~= "string" then
    error("bad argument #1 to 'module' (string expected, got " .. type(name) .. ")", 2)
  end
  local key = normalize(name)
  local m = loaded[key]
  if type(m) ~= "table" or m == sentinel then
    m = G
    for part in name:gmatch("[^%.]+") do
      local t = rawget(m, part)
      if t == nil then
        t = {}
        rawset(m, part, t)
      elseif type(t) ~= "table" then
        error("name conflict for module '" .. name .. "'", 2)
      end
      m = t
    end
    loaded[key] = m
  end
  if rawget(m, "_NAME") == nil then
    m._M = m
    m._NAME = name
    m._PACKAGE = name:match("^(.*%.)[^%.]+$") or ""
  end
  setfenv(2, m)
  for i = 1, select("#", ...) do
    (select(i, ...))(m)
  end
end

return require
`;

/** Module names: "lib/util" and "lib.util" are the same module. */
export function normalizeModuleName(name: string): string {
  return name.replace(/\//g, ".");
}

export interface PreludeHelpers {
  /** Pushes the compiled chunk of module `key` and returns true, or returns false when there is none. */
  findModule(L: LuaState, key: string): boolean;
  /** Pushes the compiled chunk of the module whose file is `path`, or returns false. */
  findFile(L: LuaState, path: string): boolean;
  /** Pushes a table of preloaded modules (std libs by name, host modules such as "nakama"). */
  pushBuiltins(L: LuaState): void;
}

function helperTable(L: LuaState, h: PreludeHelpers): void {
  lua.lua_createtable(L, 0, 4);
  const normalize: CFunction = (S) => {
    lua.lua_pushstring(S, toLuaString(normalizeModuleName(readString(S, 1) ?? "")));
    return 1;
  };
  const findModule: CFunction = (S) => {
    if (!h.findModule(S, readString(S, 1) ?? "")) lua.lua_pushnil(S);
    return 1;
  };
  const findFile: CFunction = (S) => {
    const path = lauxlib.luaL_checkstring(S, 1) !== null ? (readString(S, 1) ?? "") : "";
    if (h.findFile(S, path)) return 1;
    lua.lua_pushnil(S);
    lua.lua_pushstring(S, toLuaString(`cannot open ${path}`));
    return 2;
  };
  for (const [name, fn] of [["normalize", normalize], ["find_module", findModule], ["find_file", findFile]] as const) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, toLuaString(name));
  }
  h.pushBuiltins(L);
  lua.lua_setfield(L, -2, toLuaString("builtin"));
}

/** Runs the prelude on the main thread; returns a pusher for the internal `require`. */
/** The prelude, compiled once per process (a constant, like the patched fengari build itself). */
const PRELUDE_BYTECODE = precompile(PRELUDE, "=prelude");
const PRELUDE_NAME = toLuaString("=prelude");

export function runPrelude(L: LuaState, h: PreludeHelpers): (L: LuaState) => void {
  loadBytecode(L, PRELUDE_BYTECODE, PRELUDE_NAME);
  helperTable(L, h);
  if (lua.lua_pcall(L, 1, 1, 0) !== LUA_OK) throw new Error(`Lua prelude failed: ${readString(L, -1) ?? ""}`);
  const pushRequire = lua.lua_toproxy(L, -1) as (L: LuaState) => void;
  lua.lua_pop(L, 1);
  return pushRequire;
}
