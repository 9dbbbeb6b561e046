// Tests the bit32 library against the behaviour Nakama's TestRuntimeBit32 checks (Lua 5.2 bit32):
// unsigned results, arguments reduced modulo 2^32, shifts and rotations in both directions, and
// the "0xffffffff mixed with 2^32 - 1 - b" shape that fails on stock fengari's 32-bit integers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { arshift, lrotate, lshift, rshift, toUint32 } from "./bit32.js";
import { testVm } from "./test-support.js";
import type { TestVm } from "./test-support.js";

let t: TestVm;
before(async () => {
  t = await testVm();
});
after(() => t.vm.close());

/** Runs Lua assertions; each failing assert() reports its line. */
async function check(code: string): Promise<void> {
  assert.deepEqual(await t.run(`${code}\nreturn "ok"`), ["ok"]);
}

describe("bit32 in Lua", () => {
  it("empty argument lists", async () => {
    await check(`
      assert(bit32.band() == bit32.bnot(0))
      assert(bit32.btest() == true)
      assert(bit32.bor() == 0 and bit32.bxor() == 0)
      assert(bit32.band() == bit32.band(0xffffffff))
      assert(bit32.band(1, 2) == 0)`);
  });

  it("out-of-range numbers wrap modulo 2^32", async () => {
    await check(`
      assert(bit32.band(-1) == 0xffffffff)
      assert(bit32.band(2^33 - 1) == 0xffffffff)
      assert(bit32.band(-2^33 - 1) == 0xffffffff)
      assert(bit32.band(2^33 + 1) == 1)
      assert(bit32.band(-2^33 + 1) == 1)
      assert(bit32.band(-2^40) == 0 and bit32.band(2^40) == 0)
      assert(bit32.band(-2^40 - 2) == 0xfffffffe)
      assert(bit32.band(2^40 - 4) == 0xfffffffc)`);
  });

  it("rotations", async () => {
    await check(`
      assert(bit32.lrotate(0, -1) == 0 and bit32.lrotate(0, 7) == 0)
      assert(bit32.lrotate(0x12345678, 4) == 0x23456781)
      assert(bit32.rrotate(0x12345678, -4) == 0x23456781)
      assert(bit32.lrotate(0x12345678, -8) == 0x78123456)
      assert(bit32.rrotate(0x12345678, 8) == 0x78123456)
      assert(bit32.lrotate(0xaaaaaaaa, 2) == 0xaaaaaaaa)
      assert(bit32.lrotate(0xaaaaaaaa, -2) == 0xaaaaaaaa)
      for i = -50, 50 do
        assert(bit32.lrotate(0x89abcdef, i) == bit32.lrotate(0x89abcdef, i % 32))
      end`);
  });

  it("shifts", async () => {
    await check(`
      assert(bit32.lshift(0x12345678, 4) == 0x23456780)
      assert(bit32.lshift(0x12345678, 8) == 0x34567800)
      assert(bit32.lshift(0x12345678, -4) == 0x01234567)
      assert(bit32.lshift(0x12345678, -8) == 0x00123456)
      assert(bit32.lshift(0x12345678, 32) == 0 and bit32.lshift(0x12345678, -32) == 0)
      assert(bit32.rshift(0x12345678, 4) == 0x01234567)
      assert(bit32.rshift(0x12345678, 8) == 0x00123456)
      assert(bit32.rshift(0x12345678, 32) == 0 and bit32.rshift(0x12345678, -32) == 0)
      assert(bit32.arshift(0x12345678, 0) == 0x12345678)
      assert(bit32.arshift(0x12345678, 1) == 0x12345678 / 2)
      assert(bit32.arshift(0x12345678, -1) == 0x12345678 * 2)
      assert(bit32.arshift(-1, 1) == 0xffffffff)
      assert(bit32.arshift(-1, 24) == 0xffffffff)
      assert(bit32.arshift(-1, 32) == 0xffffffff)
      assert(bit32.arshift(-1, -1) == (-1 * 2) % 2^32)`);
  });

  it("special values: 0xffffffff mixed with 2^32 - 1 - b", async () => {
    await check(`
      local c = {0, 1, 2, 3, 10, 0x80000000, 0xaaaaaaaa, 0x55555555, 0xffffffff, 0x7fffffff}
      for _, b in pairs(c) do
        assert(bit32.band(b) == b and bit32.band(b, b) == b and bit32.band(b, b, b) == b)
        assert(bit32.btest(b, b) == (b ~= 0) and bit32.btest(b, b, b) == (b ~= 0))
        assert(bit32.band(b, bit32.bnot(b)) == 0)
        assert(bit32.bor(b, bit32.bnot(b)) == bit32.bnot(0))
        assert(bit32.bor(b) == b and bit32.bor(b, b) == b and bit32.bor(b, b, b) == b)
        assert(bit32.bxor(b) == b and bit32.bxor(b, b) == 0 and bit32.bxor(b, 0) == b)
        assert(bit32.bnot(b) ~= b)
        assert(bit32.bnot(bit32.bnot(b)) == b)
        assert(bit32.bnot(b) == 2^32 - 1 - b)
        assert(bit32.lrotate(b, 32) == b and bit32.rrotate(b, 32) == b)
        assert(bit32.lshift(bit32.lshift(b, -4), 4) == bit32.band(b, bit32.bnot(0xf)))
        assert(bit32.rshift(bit32.rshift(b, 4), -4) == bit32.band(b, bit32.bnot(0xf)))
        for i = -40, 40 do
          assert(bit32.lshift(b, i) == math.floor((b * 2^i) % 2^32))
        end
      end`);
  });

  it("rejects bad arguments", async () => {
    await check(`
      assert(not pcall(bit32.band, {}))
      assert(not pcall(bit32.bnot, "a"))
      assert(not pcall(bit32.lshift, 45))
      assert(not pcall(bit32.lshift, 45, print))
      assert(not pcall(bit32.rshift, 45, print))`);
  });

  it("extract and replace", async () => {
    await check(`
      assert(bit32.extract(0x12345678, 0, 4) == 8)
      assert(bit32.extract(0x12345678, 4, 4) == 7)
      assert(bit32.extract(0xa0001111, 28, 4) == 0xa)
      assert(bit32.extract(0xa0001111, 31, 1) == 1)
      assert(bit32.extract(0x50000111, 31, 1) == 0)
      assert(bit32.extract(0xf2345679, 0, 32) == 0xf2345679)
      assert(not pcall(bit32.extract, 0, -1))
      assert(not pcall(bit32.extract, 0, 32))
      assert(not pcall(bit32.extract, 0, 0, 33))
      assert(not pcall(bit32.extract, 0, 31, 2))
      assert(bit32.replace(0x12345678, 5, 28, 4) == 0x52345678)
      assert(bit32.replace(0x12345678, 0x87654321, 0, 32) == 0x87654321)
      assert(bit32.replace(0, 1, 2) == 2^2)
      assert(bit32.replace(0, -1, 4) == 2^4)
      assert(bit32.replace(-1, 0, 31) == 2^31 - 1)
      assert(bit32.replace(-1, 0, 1, 2) == 2^32 - 7)`);
  });

  it("results print as unsigned integers", async () => {
    assert.deepEqual(await t.run("return tostring(bit32.bnot(0)), tostring(bit32.lshift(1, 31))"), ["4294967295", "2147483648"]);
  });
});

describe("bit32 helpers", () => {
  it("reduce modulo 2^32 and shift both ways", () => {
    assert.equal(toUint32(-1), 0xffffffff);
    assert.equal(toUint32(2 ** 40 + 5), 5);
    assert.equal(lshift(1, 31), 0x80000000);
    assert.equal(rshift(0x80000000, -1), 0);
    assert.equal(arshift(0x80000000, 4), 0xf8000000);
    assert.equal(lrotate(0x80000001, 1), 3);
  });
});
