// Tests nk.json_encode / nk.json_decode semantics (lua-runtime-facts §A3.4), wired as host functions.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { GameError } from "../../errors.js";
import { compareCodePoints, goJsonString, jsonDecode, jsonEncode } from "./json.js";
import { testVm } from "./test-support.js";
import type { TestVm } from "./test-support.js";

let t: TestVm;
before(async () => {
  t = await testVm({
    host: {
      json_encode: ([v]) => jsonEncode(v),
      json_decode: ([s]) => jsonDecode(s as string),
    },
  });
});
after(() => t.vm.close());

async function encode(expr: string): Promise<unknown> {
  const [s] = await t.run(`return require("nakama").json_encode(${expr})`);
  return s;
}

describe("json_encode", () => {
  it("sorts keys and writes whole numbers as integers", async () => {
    assert.equal(await encode('{ b = 1, a = 10/2, c = { z = 1, y = 2^40 } }'), '{"a":5,"b":1,"c":{"y":1099511627776,"z":1}}');
  });
  it("empty table is {}, array tables are arrays with hash keys dropped", async () => {
    assert.equal(await encode("{}"), "{}");
    assert.equal(await encode('{ 1, "two", nil, true, extra = "dropped" }'), '[1,"two",null,true]');
  });
  it("escapes < > & and control characters as Go does", async () => {
    assert.equal(await encode('"<a href=\\"x\\">&</a>\\n\\t\\1"'), '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e\\n\\t\\u0001"');
  });
  it("non-integral numbers use the shortest form", async () => {
    assert.equal(await encode("{ 0.1 + 0.2, 1e-7, 1e21, 1.5 }"), "[0.30000000000000004,1e-7,1e+21,1.5]");
  });
  it("functions encode as their text", async () => {
    assert.match((await encode("{ f = print }")) as string, /^\{"f":"function: 0x[0-9a-f]+"\}$/);
    assert.match((await encode("print")) as string, /^"function: 0x[0-9a-f]+"$/);
  });
  it("numeric and boolean keys are stringified in objects", async () => {
    assert.equal(await encode('{ [0] = "a", [-2] = "b", [true] = "c" }'), '{"-2":"b","0":"a","true":"c"}');
  });
  it("NaN and infinities are unsupported values", async () => {
    await assert.rejects(t.run('return require("nakama").json_encode({ x = 0/0 })'), /json: unsupported value: NaN/);
    const [ok] = await t.run('return pcall(require("nakama").json_encode, 1/0)');
    assert.equal(ok, false);
  });
});

describe("json_decode", () => {
  it("decodes into tables, arrays and numbers", async () => {
    const r = await t.run(`
      local v = require("nakama").json_decode('{"key":"value","n":12,"list":[1,null,3],"obj":{}}')
      return v.key, v.n + 1, #v.list, v.list[2], v.list[3], type(v.obj)`);
    assert.deepEqual(r, ["value", 13, 3, null, 3, "table"]);
  });
  it("round-trips Nakama's TestRuntimeJson payload", async () => {
    const [out] = await t.run(`local nk = require("nakama") return nk.json_encode(nk.json_decode('{"key":"value"}'))`);
    assert.equal(out, '{"key":"value"}');
  });
  it("invalid JSON raises a catchable error", async () => {
    const [ok, msg] = await t.run('return pcall(require("nakama").json_decode, "{bad")');
    assert.equal(ok, false);
    assert.match(msg as string, /^json: /);
    assert.throws(() => jsonDecode("{bad"), (e: GameError) => e.code === 3);
  });
});

describe("json helpers", () => {
  it("goJsonString escapes like encoding/json", () => {
    assert.equal(goJsonString("a\u2028b\u0008\u000c\u007f"), '"a\\u2028b\\b\\f\u007f"');
    assert.equal(goJsonString("\ud800x"), '"\\ufffdx"');
    assert.equal(goJsonString("😀"), '"😀"');
  });
  it("orders keys by code point (UTF-8 byte order)", () => {
    assert.deepEqual(["\uffff", "😀", "a", "B"].sort(compareCodePoints), ["B", "a", "\uffff", "😀"]);
  });
  it("encodes JS values directly", () => {
    assert.equal(jsonEncode({ b: [1, { d: null }], a: "x" }), '{"a":"x","b":[1,{"d":null}]}');
    assert.equal(jsonEncode(new Map([["k", 1]])), '{"k":1}');
  });
});
