// Tests Nakama's number semantics: every row of lua-runtime-facts §A3.3, the formatting helpers, and
// the integer edge cases stock fengari gets wrong (32-bit wrap).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { formatFloat, formatInteger, jsonNumber, luaNumberToString } from "./numbers.js";
import { testVm } from "./test-support.js";
import type { TestVm } from "./test-support.js";

let t: TestVm;
before(async () => {
  t = await testVm({ host: { time: () => Date.now() } });
});
after(() => t.vm.close());

/** tostring() of each expression, as Lua prints it. */
async function show(...exprs: string[]): Promise<unknown[]> {
  return t.run(`return ${exprs.map((e) => `tostring(${e})`).join(", ")}`);
}

describe("§A3.3 rows: Nakama's answers", () => {
  it("os.time()*1000 is a 13-digit millisecond time, not a wrapped int", async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const [s] = await show("os.time()*1000");
    assert.match(s as string, /^\d{13}$/);
    assert.ok(Number(s) >= before && Number(s) <= Date.now() + 1000);
  });
  it("100000*100000 is 1e10", async () => {
    assert.deepEqual(await show("100000*100000"), ["10000000000"]);
  });
  it("math.maxinteger is sensible and 2147483647+1 does not wrap", async () => {
    assert.deepEqual(await show("math.maxinteger", "2147483647+1", "-2147483648-1"), ["9007199254740991", "2147483648", "-2147483649"]);
  });
  it("0xffffffff and 0x80000000 are unsigned", async () => {
    assert.deepEqual(await show("0xffffffff", "0x80000000"), ["4294967295", "2147483648"]);
  });
  it("the literal 1700000000000 prints as an integer", async () => {
    assert.deepEqual(await show("1700000000000"), ["1700000000000"]);
  });
  it('string.format("%d", 2^40) works', async () => {
    assert.deepEqual(await t.run('return string.format("%d", 2^40)'), ["1099511627776"]);
  });
  it("integral floats print without .0", async () => {
    assert.deepEqual(await show("200.0", "10/2", "math.floor(1e12)"), ["200", "5", "1000000000000"]);
  });
  it("1/0, 0/0 and -0.0 print as gopher-lua does", async () => {
    assert.deepEqual(await show("1/0", "-1/0", "0/0", "-0.0"), ["+Inf", "-Inf", "NaN", "0"]);
  });
  it("5.1 functions are present", async () => {
    const names = ["unpack", "loadstring", "setfenv", "getfenv", "module", "table.getn", "table.maxn", "math.pow", "math.mod", "math.atan2", "string.gfind", "bit32"];
    const types = await t.run(`return ${names.map((n) => `type(${n})`).join(", ")}`);
    assert.deepEqual(types, names.map((n) => (n === "bit32" ? "table" : "function")));
  });
  it("io, os.execute, os.exit, os.getenv, os.remove are absent", async () => {
    assert.deepEqual(await t.run("return io, os.execute, os.exit, os.getenv, os.remove"), [null, null, null, null, null]);
  });
  it("5.3 syntax (goto, //, &, ~) still parses: harmless extras", async () => {
    assert.deepEqual(await t.run("local n = 0 ::top:: n = n + 1 if n < 3 then goto top end return n, 7 // 2, 6 & 3, 6 ~ 3"), [3, 3, 2, 5]);
  });
  it('os.date("*t", t).yday is computed from t', async () => {
    assert.deepEqual(await t.run('return os.date("!*t", 0).yday, os.date("!*t", 86400 * 40).yday, os.date("!*t", 0).year'), [1, 41, 1970]);
  });
  it("tostring(nk.time()) prints integral milliseconds", async () => {
    const [s] = await t.run('return tostring(require("nakama").time())');
    assert.match(s as string, /^\d{13}$/);
  });
});

describe("no 32-bit wrap anywhere", () => {
  it("2^53 is exact and 2^53+1 rounds like float64", async () => {
    assert.deepEqual(await show("2^53", "2^53 + 1", "2^63"), ["9007199254740992", "9007199254740992", "9.223372036854776e+18"]);
  });
  it("integer products, sums and negation promote to float", async () => {
    assert.deepEqual(await t.run("local a = 65536 return a*a, 2147483647*2, -(-2147483648), 3*4"), [4294967296, 4294967294, 2147483648, 12]);
  });
  it("constant folding does not wrap either", async () => {
    assert.deepEqual(await show("46341*46341", "0x7fffffff + 0x7fffffff"), ["2147488281", "4294967294"]);
  });
  it("// and % by zero give inf and nan as in Lua 5.1", async () => {
    const zero = "local z = 0 ";
    assert.deepEqual(await t.run(`${zero}return tostring(7 // z), tostring(7 % z), -7 // 2, -7 % 2`), ["+Inf", "NaN", -4, 1]);
  });
  it("integer for-loops stop at limits beyond int32", async () => {
    assert.deepEqual(await t.run("local n = 0 for i = 0, 3e9, 1e9 do n = n + 1 end return n"), [4]);
    assert.deepEqual(await t.run("local n, last = 0 for i = 2147483640, 2147483647 do n = n + 1 last = i end return n, last"), [8, 2147483647]);
    assert.deepEqual(await t.run("local n = 0 for i = -2147483648, -2147483646 do n = n + 1 end return n"), [3]);
  });
  it("tonumber reads large and hex values", async () => {
    assert.deepEqual(await t.run('return tonumber("ffffffff", 16), tonumber("0x100000000"), tonumber("1700000000000")'), [4294967295, 4294967296, 1700000000000]);
  });
  it("table keys: 2^31 and 2147483648 are the same key", async () => {
    assert.deepEqual(await t.run("local t = {} t[2^31] = 'a' return t[2147483648], t[2^31]"), ["a", "a"]);
  });
  it("library integer arguments truncate like Lua 5.1", async () => {
    assert.deepEqual(await t.run('return string.sub("hello", 2.7, 4), string.rep("ab", 2.9), select(2.5, "a", "b")'), ["ell", "abab", "b"]);
  });
  it("math.abs(-2^31) and math.floor of large values", async () => {
    assert.deepEqual(await show("math.abs(-2147483648)", "math.floor(2^40 + 0.5)", "math.ceil(-2^40 - 0.5)"), ["2147483648", "1099511627776", "-1099511627776"]);
  });
  it("concatenation uses the same formatting", async () => {
    assert.deepEqual(await t.run('return "tick " .. 1, "t" .. 10/2, "x" .. 0.5, "big " .. 2^40'), ["tick 1", "t5", "x0.5", "big 1099511627776"]);
  });
});

describe("string.format", () => {
  it("integer conversions accept any integral float and truncate others", async () => {
    assert.deepEqual(await t.run('return string.format("%d|%5d|%-5d|%05d|%+d|%i", 1700000000000, 42, 42, -42, 7, 3.9)'), [
      "1700000000000|   42|42   |-0042|+7|3",
    ]);
  });
  it("hex and octal of large values", async () => {
    assert.deepEqual(await t.run('return string.format("%x %X %o %#x %08x", 2^40, 255, 8, 255, 0xffffffff)'), ["10000000000 FF 10 0xff ffffffff"]);
  });
  it("%d of inf or nan is an error", async () => {
    await assert.rejects(t.run('return string.format("%d", 1/0)'), /number has no integer representation/);
  });
  it("%q quotes numbers as text, %s prints them like tostring", async () => {
    assert.deepEqual(await t.run('return string.format("%q %q %s %s", 200, 0.5, 200.0, 1e100)'), ['"200" "0.5" 200 1e+100']);
  });
  it("float conversions print as C and Go do (ties round half to even)", async () => {
    assert.deepEqual(await t.run('return string.format("%.2f|%5.1f|%e|%.3g|%g|%.2f", 3.14159, 2.25, 12345.678, 1234.5, 0.1 + 0.2, 1/0)'), [
      "3.14|  2.2|1.234568e+04|1.23e+03|0.30000000000000004|+Inf",
    ]);
  });
});

describe("luaNumberToString (gopher-lua's LNumber.String)", () => {
  const cases: [number, string][] = [
    [0, "0"], [-0, "0"], [5, "5"], [-17, "-17"], [0.5, "0.5"], [0.1 + 0.2, "0.30000000000000004"],
    [1234567.5, "1.2345675e+06"], [123456.7, "123456.7"], [0.0001, "0.0001"], [0.00001234, "1.234e-05"],
    [2 ** 60, "1152921504606846976"], [-(2 ** 63), "-9223372036854775808"], [2 ** 63, "9.223372036854776e+18"],
    [1e100, "1e+100"], [Infinity, "+Inf"], [-Infinity, "-Inf"], [NaN, "NaN"], [1700000000000, "1700000000000"],
  ];
  for (const [n, s] of cases) it(`${String(n)} → ${s}`, () => assert.equal(luaNumberToString(n), s));
});

describe("formatInteger, formatFloat and jsonNumber", () => {
  it("formats floats with exact half-even rounding, flags and width", () => {
    assert.equal(formatFloat("%.2f", 0.125), "0.12");
    assert.equal(formatFloat("%.0f", 2.5), "2");
    assert.equal(formatFloat("%010.2f", -1.5), "-000001.50");
    assert.equal(formatFloat("%-8.1f", 1.25), "1.2     ");
    assert.equal(formatFloat("%.3g", 0.0001234), "0.000123");
    assert.equal(formatFloat("%#.3g", 1), "1.00");
    assert.equal(formatFloat("%e", 99999999000), "1.000000e+11");
    assert.equal(formatFloat("%.17g", 0.1), "0.10000000000000001");
    assert.equal(formatFloat("%5.1f", NaN), "  NaN");
  });
  it("applies C flags, width and precision", () => {
    assert.equal(formatInteger("%5.3d", 7), "  007");
    assert.equal(formatInteger("% d", 7), " 7");
    assert.equal(formatInteger("%x", -255), "-ff");
    assert.equal(formatInteger("%#o", 8), "010");
    assert.equal(formatInteger("%.0d", 0), "");
  });
  it("refuses values without an int64 representation", () => {
    assert.equal(formatInteger("%d", NaN), null);
    assert.equal(formatInteger("%d", 2 ** 64), null);
  });
  it("writes numbers as Go's encoding/json does after Nakama's int64 conversion", () => {
    assert.equal(jsonNumber(5), "5");
    assert.equal(jsonNumber(2 ** 60), "1152921504606846976");
    assert.equal(jsonNumber(1e20), "100000000000000000000");
    assert.equal(jsonNumber(1e21), "1e+21");
    assert.equal(jsonNumber(0.5), "0.5");
    assert.equal(jsonNumber(1e-7), "1e-7");
    assert.equal(jsonNumber(Infinity), null);
  });
});
