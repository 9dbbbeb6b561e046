// Owns the list of source transformations applied to fengari 0.1.5 when it is loaded (see
// fengari-loader.ts for why). Each patch names the file, the text it expects exactly `count` times
// (default 1) and our replacement; the loader refuses to start when any patch does not match, so a
// fengari upgrade fails loudly instead of silently losing Nakama's number semantics.
//
// The number model after patching: Lua integers stay fengari's 32-bit subtype internally (so every
// table/stack invariant of fengari holds), but no operation wraps any more. An integer operation
// whose exact result leaves int32 yields a float (float64) instead of wrapping, hex literals beyond
// int32 read as floats, `//` and `%` by zero give inf/nan (Lua 5.1), integer for-loops whose limit
// does not fit int32 run as float loops, and tostring/concat print every integral value < 2^63
// without ".0". Observably this is Nakama's float64-only number model. string.format's number
// conversions follow C/Go (%d of 2^40, half-even rounding, %q of numbers quoted as in 5.1).
// Also patched: library integer arguments truncate like 5.1; a fengari bug that switched hooks (and
// so the time limit) off after pcall recovered an error following a yield; table constructors
// inserting backwards (pairs order); a fengari bug that made distinct strings collide as table keys
// and compare equal; size caps on strings and the Lua stack; deadline checks in
// pattern matching; linear-time plain string.find; a per-table write watch (reused context tables).
// `__troupe` is the hooks object (numbers.ts
// functions, the size cap, the deadline check) injected by the loader.

export interface SourcePatch {
  readonly file: string;
  readonly find: string | RegExp;
  readonly replace: string;
  readonly count?: number;
  readonly why: string;
}

const HOOKS_IMPORT = 'const __troupe = require("troupe:hooks");\n';

/** Files that reference `__troupe`; the loader prepends the hooks import to them. */
export const FILES_USING_HOOKS: ReadonlySet<string> = new Set(["luaconf.js", "lvm.js", "lapi.js", "lstrlib.js", "lauxlib.js", "lstring.js"]);
export const HOOKS_PRELUDE = HOOKS_IMPORT;

const setn = (expr: string): string => `L.stack[ra].setnvalue(${expr});`;

export const PATCHES: readonly SourcePatch[] = [
  // luaconf.js: configuration
  {
    file: "luaconf.js",
    find: "const conf = (process.env.FENGARICONF ? JSON.parse(process.env.FENGARICONF) : {});",
    replace: "const conf = { LUAI_MAXSTACK: 100000 };",
    why: "configuration comes from us, never from the environment; a Lua stack is capped at 100k slots (≈5 MB)",
  },
  {
    file: "luaconf.js",
    find: "const LUA_COMPAT_FLOATSTRING = conf.LUA_COMPAT_FLOATSTRING || false;",
    replace: "const LUA_COMPAT_FLOATSTRING = true;",
    why: "integral floats print without '.0'",
  },
  {
    file: "luaconf.js",
    find: "return String(Number(n.toPrecision(14))); /* should match behaviour of LUA_NUMBER_FMT */",
    replace: "return __troupe.numberToString(n);",
    why: "floats print as gopher-lua prints them",
  },
  // lstring.js: string identity
  {
    file: "lstring.js",
    find: /let len = str\.length;\s*let s = "\|";\s*for \(let i=0; i<len; i\+\+\)\s*s \+= str\[i\]\.toString\(16\);\s*return s;/,
    replace: "return __troupe.stringKey(str);  /* troupe: one char per byte, unambiguous and byte-ordered */",
    why:
      "fengari bug: the string key concatenated unpadded hex digits, so \"\\1\\35\" and \"\\18\\3\" were the same table key, " +
      "compared equal, and '<' did not follow byte order",
  },
  // lobject.js: values, constant folding, numerals
  {
    file: "lobject.js",
    find: "    setivalue(x) {",
    replace:
      "    setnvalue(x) {  /* troupe: integer result, or a float when it leaves int32 */\n" +
      "        const i = x|0;\n" +
      "        if (i === x) { this.type = LUA_TNUMINT; this.value = i; }\n" +
      "        else { this.type = LUA_TNUMFLT; this.value = x; }\n" +
      "    }\n\n    setivalue(x) {",
    why: "a setter that never wraps",
  },
  { file: "lobject.js", find: "case LUA_OPADD:  return (v1 + v2)|0;", replace: "case LUA_OPADD:  return v1 + v2;", why: "no wrap" },
  { file: "lobject.js", find: "case LUA_OPSUB:  return (v1 - v2)|0;", replace: "case LUA_OPSUB:  return v1 - v2;", why: "no wrap" },
  { file: "lobject.js", find: "case LUA_OPMUL:  return lvm.luaV_imul(v1, v2);", replace: "case LUA_OPMUL:  return v1 * v2;", why: "no wrap" },
  { file: "lobject.js", find: "case LUA_OPUNM:  return (0 - v1)|0;", replace: "case LUA_OPUNM:  return 0 - v1;", why: "no wrap" },
  { file: "lobject.js", find: "res.setivalue(intarith(", replace: "res.setnvalue(intarith(", count: 2, why: "overflow gives a float" },
  {
    file: "lobject.js",
    find: "a = (a * 16 + luaO_hexavalue(s[i]))|0;",
    replace: "a = a * 16 + luaO_hexavalue(s[i]);",
    why: "hex numerals do not wrap",
  },
  {
    file: "lobject.js",
    find: "if (empty || (i !== s.length && s[i] !== 0)) return null;  /* something wrong in the numeral */",
    replace:
      "if (empty || (i !== s.length && s[i] !== 0)) return null;  /* something wrong in the numeral */\n" +
      "    if (a > MAX_INT + (neg ? 1 : 0)) return null;  /* troupe: beyond int32, read it as a float */",
    why: "0xffffffff is 4294967295",
  },
  // lvm.js: the interpreter
  { file: "lvm.js", find: "L.stack[ra].setivalue((op1.value + op2.value)|0);", replace: setn("op1.value + op2.value"), why: "no wrap" },
  { file: "lvm.js", find: "L.stack[ra].setivalue((op1.value - op2.value)|0);", replace: setn("op1.value - op2.value"), why: "no wrap" },
  { file: "lvm.js", find: "L.stack[ra].setivalue(luaV_imul(op1.value, op2.value));", replace: setn("op1.value * op2.value"), why: "no wrap" },
  { file: "lvm.js", find: "L.stack[ra].setivalue(luaV_mod(L, op1.value, op2.value));", replace: setn("luaV_mod(L, op1.value, op2.value)"), why: "n%0 is nan" },
  { file: "lvm.js", find: "L.stack[ra].setivalue(luaV_div(L, op1.value, op2.value));", replace: setn("luaV_div(L, op1.value, op2.value)"), why: "n//0 is inf" },
  { file: "lvm.js", find: "L.stack[ra].setivalue((-op.value)|0);", replace: setn("-op.value"), why: "no wrap" },
  {
    file: "lvm.js",
    find: "let idx = (L.stack[ra].value + step)|0;",
    replace: "let idx = L.stack[ra].value + step;",
    why: "an integer loop ends instead of wrapping past its limit",
  },
  { file: "lvm.js", find: "init.value = (initv - pstep.value)|0;", replace: "init.value = initv - pstep.value;", why: "no wrap" },
  {
    file: "lvm.js",
    find: "let ilimit = luaV_tointeger(obj, step < 0 ? 2 : 1);\n    if (ilimit === false) {",
    replace:
      "let ilimit = luaV_tointeger(obj, step < 0 ? 2 : 1);\n" +
      "    if (ilimit === false) return false;  /* troupe: limit beyond int32: run a float loop */\n" +
      "    if (ilimit === false) {",
    why: "for i = 0, 3e9, 1e9 does not wrap",
  },
  {
    file: "lvm.js",
    find: /if \(n === 0\)\s*ldebug\.luaG_runerror\(L, to_luastring\("attempt to divide by zero"\)\);\s*return Math\.floor\(m \/ n\)\|0;/,
    replace: "return Math.floor(m / n);  /* troupe: Lua 5.1 semantics, n//0 is inf */",
    why: "integer division by zero is not an error in Lua 5.1",
  },
  {
    file: "lvm.js",
    find: /if \(n === 0\)\s*ldebug\.luaG_runerror\(L, to_luastring\("attempt to perform 'n%%0'"\)\);\s*return \(m - Math\.floor\(m \/ n\) \* n\)\|0;/,
    replace: "if (n === 0) return NaN;  /* troupe: Lua 5.1 semantics, n%0 is nan */\n    return m - Math.floor(m / n) * n;",
    why: "modulo by zero is nan in Lua 5.1",
  },
  {
    file: "lvm.js",
    find: "let buff = new Uint8Array(tl);",
    replace:
      'if (tl > __troupe.maxStringBytes) ldebug.luaG_runerror(L, to_luastring("string length overflow"));\n' +
      "            let buff = new Uint8Array(tl);",
    why: "memory guard: cap concatenation results",
  },
  {
    file: "lvm.js",
    find: /for \(; n > 0; n--\) \{\s*ltable\.luaH_setint\(h, last--, L\.stack\[ra \+ n\]\);\s*\}/,
    replace:
      "for (let j = 1; j <= n; j++) {  /* troupe: ascending, so pairs() visits {a, b, c} in order */\n" +
      "                    ltable.luaH_setint(h, last - n + j, L.stack[ra + j]);\n                }",
    why: "fengari's tables iterate in insertion order and table constructors inserted backwards",
  },
  // lapi.js: the C API
  {
    file: "lapi.js",
    find: "const lua_pushinteger = function(L, n) {\n    fengari_argcheckinteger(n);\n    L.stack[L.top] = new TValue(LUA_TNUMINT, n);",
    replace:
      "const lua_pushinteger = function(L, n) {\n" +
      '    L.stack[L.top] = (typeof n === "number" && (n|0) === n) ? new TValue(LUA_TNUMINT, n|0) : new TValue(LUA_TNUMFLT, +n);',
    why: "pushing a large integer pushes a float instead of throwing",
  },
  {
    file: "lapi.js",
    find: "const lua_tointegerx = function(L, idx) {\n    return lvm.tointeger(index2addr(L, idx));",
    replace: "const lua_tointegerx = function(L, idx) {\n    return __troupe.lenientInteger(lvm.tonumber(index2addr(L, idx)));",
    why: "library arguments truncate like Lua 5.1 (string.sub(s, 1, n/2) works)",
  },
  {
    file: "lapi.js",
    find: "ci.callstatus &= ~lstate.CIST_OAH | L.allowhook;",
    replace: "ci.callstatus = (ci.callstatus & ~lstate.CIST_OAH) | L.allowhook;  /* troupe: fengari bug, see below */",
    why:
      "fengari bug: the saved 'allowhook' bit was never set, so an error recovered by pcall after a yield " +
      "switched hooks (and with them the time limit) off for the rest of the coroutine",
  },
  // lstrlib.js: string.format, string.rep
  {
    file: "lstrlib.js",
    find: /let n = luaL_checkinteger\(L, arg\);\s*addlenmod\(form, to_luastring\(LUA_INTEGER_FRMLEN, true\)\);\s*luaL_addstring\(b, to_luastring\(sprintf\(String\.fromCharCode\(\.\.\.form\), n\)\)\);/,
    replace:
      "let s = __troupe.formatInteger(String.fromCharCode(...form), luaL_checknumber(L, arg));\n" +
      '                    if (s === null) luaL_argerror(L, arg, to_luastring("number has no integer representation"));\n' +
      "                    luaL_addstring(b, to_luastring(s));",
    why: "%d of 2^40 works",
  },
  {
    file: "lstrlib.js",
    find: /let n = luaL_checknumber\(L, arg\);\s*addlenmod\(form, to_luastring\(LUA_INTEGER_FRMLEN, true\)\);\s*luaL_addstring\(b, to_luastring\(sprintf\(String\.fromCharCode\(\.\.\.form\), n\)\)\);/,
    replace: "luaL_addstring(b, to_luastring(__troupe.formatFloat(String.fromCharCode(...form), luaL_checknumber(L, arg))));",
    why: "%e/%f/%g as C and Go print them (sprintf-js rounds ties up and writes %e as 1.2e+4)",
  },
  {
    file: "lstrlib.js",
    find: /case LUA_TNUMBER: \{\s*let buff;[\s\S]*?luaL_addstring\(b, buff\);\s*break;\s*\}/,
    replace:
      "case LUA_TNUMBER: {  /* troupe: %q quotes the number's text, as Lua 5.1 and Nakama */\n" +
      "            let s = to_luastring(__troupe.numberToString(lua_tonumber(L, arg)));\n" +
      "            addquoted(b, s, s.length);\n" +
      "            break;\n        }",
    why: '%q of 200 is "200"',
  },
  {
    file: "lstrlib.js",
    find: 'if (ms.matchdepth-- === 0)\n        luaL_error(ms.L, to_luastring("pattern too complex"));',
    replace:
      'if (ms.matchdepth-- === 0)\n        luaL_error(ms.L, to_luastring("pattern too complex"));\n' +
      "    ms.troupeSteps = (ms.troupeSteps | 0) + 1;\n" +
      "    if ((ms.troupeSteps & 0x3fff) === 0 && __troupe.expired(ms.L))\n" +
      '        luaL_error(ms.L, to_luastring("pattern matching exceeded the call\'s time limit"));',
    why: "time limit: pattern matching (which runs no Lua instructions) checks the call's deadline",
  },
  {
    file: "lstrlib.js",
    find: "const find_subarray = function(arr, subarr, from_index) {",
    replace:
      "const find_subarray = function(arr, subarr, from_index) {\n" +
      "    return __troupe.indexOfBytes(arr, subarr, from_index >>> 0);  /* troupe: native search */\n" +
      "};\nconst find_subarray_naive = function(arr, subarr, from_index) {",
    why: "plain string.find in linear time (the naive loop is O(n*m))",
  },
  { file: "lstrlib.js", find: "const MAXSIZE = 2147483647;", replace: "const MAXSIZE = __troupe.maxStringBytes;", why: "memory guard: string.rep" },
  // lauxlib.js: buffers (table.concat, string.format, gsub...)
  {
    file: "lauxlib.js",
    find: "let newend = B.n + sz;",
    replace:
      "let newend = B.n + sz;\n" +
      '    if (newend > __troupe.maxStringBytes) luaL_error(B.L, to_luastring("string too large"));',
    why: "memory guard: buffers",
  },
  // ltable.js, lapi.js: write watch (contexts reused across calls are rebuilt once Lua code wrote to them).
  // A watched table points at its snapshot's watch object; a write or setmetatable marks the watch.
  {
    file: "ltable.js",
    find: "this.flags = ~0;",
    replace: "this.flags = ~0;\n        this.troupeWatch = null;",
    why: "every table starts unwatched (vm.ts `snapshot`, `pristine`)",
  },
  {
    file: "ltable.js",
    find: "const luaH_setint = function(t, key, value) {",
    replace: "const luaH_setint = function(t, key, value) {\n    if (t.troupeWatch !== null) t.troupeWatch.written = true;",
    why: "integer-key writes (rawseti, table constructors) mark a watched table's snapshot",
  },
  {
    file: "ltable.js",
    find: "const luaH_setfrom = function(L, t, key, value) {",
    replace: "const luaH_setfrom = function(L, t, key, value) {\n    if (t.troupeWatch !== null) t.troupeWatch.written = true;",
    why: "every other write (assignment, rawset, deletion) marks a watched table's snapshot",
  },
  {
    file: "lapi.js",
    find: "            obj.value.metatable = mt;",
    replace: "            if (obj.value.troupeWatch) obj.value.troupeWatch.written = true;\n            obj.value.metatable = mt;",
    why: "setmetatable (and debug.setmetatable) on a watched table marks its snapshot",
  },
  // lbaselib.js, lmathlib.js
  { file: "lbaselib.js", find: "return v|0;", replace: "return v;", why: 'tonumber("ffffffff", 16) is 4294967295' },
  { file: "lmathlib.js", find: "if (n < 0) n = (-n)|0;", replace: "if (n < 0) n = -n;", why: "math.abs(-2^31) does not wrap" },
];
