// Tests Go-style formatting for module loggers against what Go's fmt.Sprintf prints for the values
// goja exports (int64 for integral numbers, float64 otherwise, maps with sorted keys, <nil>).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { goFloat, sprintf } from "./format.js";

describe("sprintf (Go fmt verbs)", () => {
  it("formats strings, integers, floats, booleans and quoting", () => {
    assert.equal(sprintf("user %s has %d coins", ["bob", 42]), "user bob has 42 coins");
    assert.equal(sprintf("%q", ['say "hi"']), '"say \\"hi\\""');
    assert.equal(sprintf("%.2f|%f|%e", [3.14159, 1.5, 1234.5]), "3.14|1.500000|1.234500e+03");
    assert.equal(sprintf("%t %t", [true, false]), "true false");
    assert.equal(sprintf("%x %X %o %b", [255, 255, 8, 5]), "ff FF 10 101");
    assert.equal(sprintf("%5d|%-5d|%05d|%+d", [42, 42, 42, 42]), "   42|42   |00042|+42");
    assert.equal(sprintf("100%%", []), "100%");
  });

  it("prints %v like Go prints exported values", () => {
    assert.equal(sprintf("%v", [{ b: [1, 2], a: "x", c: null }]), "map[a:x b:[1 2] c:<nil>]");
    assert.equal(sprintf("%v %v %v", [1.5, 1e21, 0.00001]), "1.5 1e+21 1e-05");
    assert.equal(sprintf("%v", [null]), "<nil>");
    assert.equal(sprintf("%T %T %T", ["s", 1, 1.5]), "string int64 float64");
  });

  it("marks missing, extra and mismatched arguments as Go does", () => {
    assert.equal(sprintf("%s and %s", ["one"]), "one and %!s(MISSING)");
    assert.equal(sprintf("done", [1, "x"]), "done%!(EXTRA int64=1, string=x)");
    assert.equal(sprintf("%d", [1.5]), "%!d(float64=1.5)");
    assert.equal(sprintf("%t", ["yes"]), "%!t(string=yes)");
  });

  it("prints float64 the way %v does", () => {
    assert.equal(goFloat(100), "100");
    assert.equal(goFloat(-0.25), "-0.25");
    assert.equal(goFloat(Number.POSITIVE_INFINITY), "+Inf");
    assert.equal(goFloat(Number.NaN), "NaN");
  });
});
