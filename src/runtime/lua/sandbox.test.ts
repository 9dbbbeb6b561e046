// Tests the sandbox: which libraries exist (Nakama's set), the 5.1 compatibility layer, os.date/time,
// math adjustments, text-only load, dofile/loadfile over the module map, and print → logger.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dateParts, strftime } from "./oslib.js";
import { frexp, ldexp } from "./mathlib.js";
import { memoryLogger, testVm } from "./test-support.js";
import type { TestVm } from "./test-support.js";

let t: TestVm;
before(async () => {
  t = await testVm({ modules: { "lib.data": "return { answer = 42 }" } });
});
after(() => t.vm.close());

describe("libraries", () => {
  it("has base, table, string, math, bit32 and a restricted os", async () => {
    assert.deepEqual(await t.run("return type(table), type(string), type(math), type(bit32), type(os), type(pcall), type(collectgarbage)"), [
      "table", "table", "table", "table", "table", "function", "function",
    ]);
    const [keys] = await t.run("local k = {} for name in pairs(os) do k[#k + 1] = name end table.sort(k) return table.concat(k, ',')");
    assert.equal(keys, "clock,date,difftime,time");
  });
  it("has no io, debug, coroutine, utf8, disk loaders", async () => {
    assert.deepEqual(await t.run("return io, debug, coroutine, utf8, string.dump, string.pack"), [null, null, null, null, null, null]);
  });
  it("collectgarbage answers instead of failing", async () => {
    const [count, collect] = await t.run('return collectgarbage("count"), collectgarbage()');
    assert.ok(typeof count === "number" && count > 0);
    assert.equal(collect, 0);
    await assert.rejects(t.run('collectgarbage("bogus")'), /invalid option 'bogus'/);
  });
  it("reports itself as Lua 5.1", async () => {
    assert.deepEqual(await t.run("return _VERSION"), ["Lua 5.1"]);
  });
  it("load accepts text only", async () => {
    const [ok, msg] = await t.run('return pcall(load, "\\27Lua")');
    assert.equal(ok, true); // load returns nil, message
    const [f, err] = await t.run('return load("\\27Lua")');
    assert.equal(f, null);
    assert.match(err as string, /binary chunk/);
    assert.deepEqual(await t.run('return loadstring("return 1 + 1")()'), [2]);
    assert.equal(msg, null);
  });
  it("dofile and loadfile read the module map, never the disk", async () => {
    assert.deepEqual(await t.run('return dofile("lib/data.lua").answer, loadfile("lib/data.lua")().answer'), [42, 42]);
    assert.deepEqual(await t.run('return loadfile("/etc/passwd")'), [null, "cannot open /etc/passwd"]);
    await assert.rejects(t.run('dofile("/etc/passwd")'), /cannot open \/etc\/passwd/);
  });
  it("print goes to the logger", async () => {
    const { log, lines } = memoryLogger();
    const v = await testVm({ log });
    await v.run('print("hello", 1, 10/2, nil, {1} ~= nil)');
    v.vm.close();
    assert.ok(lines.some((l) => l.msg === "hello\t1\t5\tnil\ttrue" && l.src === "lua"));
  });
});

describe("strings", () => {
  it("distinct byte strings are distinct table keys and unequal", async () => {
    assert.deepEqual(await t.run('local t = {} t["\\1\\35"] = "a" return t["\\18\\3"], t["\\1\\35"], "\\1\\35" == "\\18\\3"'), [null, "a", false]);
  });
  it("comparison follows byte order", async () => {
    assert.deepEqual(await t.run('return "\\10" < "\\16", "Z" < "a", "a" < "ab", "\\255" > "\\127"'), [true, true, true, true]);
    assert.deepEqual(await t.run('local l = { "b", "\\200", "a", "B", "\\10" } table.sort(l) local o = {} for i, v in ipairs(l) do o[i] = v:byte(1) end return table.concat(o, ",")'), ["10,66,97,98,200"]);
  });
});

describe("5.1 compatibility", () => {
  it("unpack, table.getn, table.maxn, string.gfind", async () => {
    assert.deepEqual(await t.run('local a, b = unpack({1, 2}) local w = {} for x in string.gfind("a b", "%a") do w[#w+1] = x end return a + b, table.getn({1, 2, 3}), table.maxn({[1] = 1, [7] = 2, x = 3}), #w'), [3, 3, 7, 2]);
  });
  it("math functions of 5.1 and Nakama's math.huge", async () => {
    assert.deepEqual(await t.run("return math.pow(2, 10), math.mod(7, 3), math.fmod(-7, 3), math.log10(1000), math.atan2(1, 1) * 4, math.ldexp(0.5, 3), math.frexp(8)"), [
      1024, 1, -1, 3, Math.PI, 4, 0.5, 4,
    ]);
    assert.deepEqual(await t.run("return math.huge, math.huge > 1e308, tostring(math.fmod(1, 0))"), [Number.MAX_VALUE, true, "NaN"]);
    assert.deepEqual(await t.run("return math.cosh(0), math.sinh(0), math.tanh(0), math.type, math.tointeger(3.0), math.tointeger(3.5)"), [1, 0, 0, null, 3, null]);
  });
  it("math.random ranges and per-VM seeding", async () => {
    const [a1, b1] = await t.run("math.randomseed(42) local a = math.random(1, 2^40) local b = math.random() return a, b");
    const [a2, b2] = await t.run("math.randomseed(42) return math.random(1, 2^40), math.random()");
    assert.equal(a1, a2);
    assert.equal(b1, b2);
    assert.ok(Number.isInteger(a1) && (a1 as number) >= 1 && (a1 as number) <= 2 ** 40);
    const [inRange] = await t.run("for i = 1, 200 do local r = math.random(3) if r < 1 or r > 3 then return false end end return true");
    assert.equal(inRange, true);
    await assert.rejects(t.run("return math.random(5, 1)"), /interval is empty/);
  });
  it("setfenv/getfenv change one function's environment only", async () => {
    const [x, y, same] = await t.run(`
      local function f() return answer end
      local function g() return answer end
      setfenv(f, { answer = "sandboxed" })
      answer = "global"
      return f(), g(), getfenv(g) == _G`);
    assert.deepEqual([x, y, same], ["sandboxed", "global", true]);
    const [viaLevel] = await t.run(`
      local function h() setfenv(1, { tostring = tostring, v = 7 }) return tostring(v) end
      return h()`);
    assert.equal(viaLevel, "7");
    await assert.rejects(t.run("setfenv(print, {})"), /cannot change environment/);
  });
  it("module() builds a module table with package.seeall", async () => {
    const v = await testVm({
      modules: {
        legacy: 'module("legacy", package.seeall)\nfunction double(x) return x * 2 end\nlocal hidden = 1',
      },
    });
    assert.deepEqual(await v.run('local l = require("legacy") return l.double(21), l._NAME, legacy == l, l.hidden'), [42, "legacy", true, null]);
    v.vm.close();
  });
  it("pairs visits a constructed array in index order", async () => {
    assert.deepEqual(await t.run('local o = {} for k, v in pairs({ "a", "b", "c" }) do o[#o + 1] = k .. v end return table.concat(o, ",")'), ["1a,2b,3c"]);
  });
  it("newproxy makes userdata with a metatable", async () => {
    assert.deepEqual(await t.run('local p = newproxy(true) getmetatable(p).__index = function() return "x" end return type(p), p.anything'), ["userdata", "x"]);
  });
});

describe("os", () => {
  it("os.time of a date table and os.date round-trip in UTC", async () => {
    const [s] = await t.run('return os.date("!%Y-%m-%d %H:%M:%S", 1700000000)');
    assert.equal(s, "2023-11-14 22:13:20");
    const [tbl] = await t.run('return os.date("!*t", 1700000000)');
    assert.deepEqual(tbl, { year: 2023, month: 11, day: 14, hour: 22, min: 13, sec: 20, wday: 3, yday: 318, isdst: false });
  });
  it("os.time() is whole seconds and handles dates past 2038", async () => {
    const [now] = await t.run("return os.time()");
    assert.ok(Math.abs((now as number) - Date.now() / 1000) < 2);
    const [later] = await t.run("return os.time({ year = 2100, month = 1, day = 1, hour = 0 })");
    assert.equal(later, Math.floor(new Date(2100, 0, 1, 0, 0, 0).getTime() / 1000));
    await assert.rejects(t.run("return os.time({ year = 2020 })"), /field 'month' missing in date table/);
  });
  it("os.date rejects unknown conversions; os.difftime and os.clock work", async () => {
    await assert.rejects(t.run('return os.date("%Q")'), /invalid conversion specifier '%Q'/);
    assert.deepEqual(await t.run("return os.difftime(10, 4), type(os.clock())"), [6, "number"]);
  });
  it("strftime covers the C conversions", () => {
    const p = dateParts(0, true);
    const r = strftime("%a %A %b %B %c|%d %e %j %U %W %V %G %u %w %y %C %I %p %Z %%", p, true);
    assert.deepEqual(r, { text: "Thu Thursday Jan January Thu Jan  1 00:00:00 1970|01  1 001 00 00 01 1970 4 4 70 19 12 AM UTC %" });
  });
});

describe("math helpers", () => {
  it("frexp and ldexp invert each other", () => {
    for (const x of [1, 0.1, -3.5, 1e300, 5e-324, 123456789]) {
      const [m, e] = frexp(x);
      assert.ok(Math.abs(m) >= 0.5 && Math.abs(m) < 1);
      assert.equal(ldexp(m, e), x);
    }
  });
});
