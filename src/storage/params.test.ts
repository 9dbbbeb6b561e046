import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { arrayLiteral, toParam, toParams } from "./params.js";

describe("toParam", () => {
  it("passes scalars through and converts the rest", () => {
    assert.equal(toParam("s"), "s");
    assert.equal(toParam(1.5), 1.5);
    assert.equal(toParam(true), true);
    assert.equal(toParam(null), null);
    assert.equal(toParam(undefined), null);
    assert.equal(toParam(-(2n ** 63n)), "-9223372036854775808");
    assert.equal(toParam(new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6))), "2020-01-02T03:04:05.006Z");
    const buf = Buffer.from([1, 2]);
    assert.equal(toParam(buf), buf);
    assert.equal(toParam({ a: [1, "x"], b: null }), '{"a":[1,"x"],"b":null}');
    assert.deepEqual(toParams(undefined), []);
    assert.throws(() => toParam(() => 1), TypeError);
    assert.throws(() => toParam(Symbol("s")), TypeError);
  });
});

describe("arrayLiteral", () => {
  it("quotes and escapes elements, keeps NULL, nests", () => {
    assert.equal(arrayLiteral([]), "{}");
    assert.equal(arrayLiteral(["a", null, undefined, 'q"uote', "back\\slash", "com,ma", "{br}"]),
      '{"a",NULL,NULL,"q\\"uote","back\\\\slash","com,ma","{br}"}');
    assert.equal(arrayLiteral([1, 2.5, true, 3n]), '{"1","2.5","true","3"}');
    assert.equal(arrayLiteral([[1, 2], [3, 4]]), '{{"1","2"},{"3","4"}}');
    assert.equal(arrayLiteral([Buffer.from([0xab])]), '{"\\\\xab"}');
    assert.equal(arrayLiteral([{ k: "v" }]), '{"{\\"k\\":\\"v\\"}"}');
    assert.equal(toParam(["x"]), '{"x"}');
  });
});
