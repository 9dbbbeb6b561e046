// Tests value conversion between host and guest: JSON-like values, binary data, bigints, dates, host
// objects with methods, guest functions in results, and the failure modes (cycles, too deep).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import { isJsRef } from "./refs.js";
import type { JsRef } from "./refs.js";
import { engineOnce, makeVm } from "./testkit.js";

const engine = engineOnce();

const SRC = `
function echo(x) { return x; }
function describe(x) {
  return { type: typeof x, ctor: x === null || x === undefined ? null : x.constructor.name,
           isArray: Array.isArray(x), isBuffer: x instanceof ArrayBuffer, len: x && x.byteLength };
}
function bytes(buf) { return Array.from(new Uint8Array(buf)); }
function makeBinary() { return { ab: new Uint8Array([1, 2, 255]).buffer, view: new Uint8Array([9, 8, 7, 6]).subarray(1, 3) }; }
function special() { return { big: 2n ** 70n, date: new Date(0), nan: NaN, inf: -Infinity, undef: undefined, list: [undefined, 1] }; }
function cyclic() { var a = {}; a.self = a; return a; }
function callHost(h) { return [h.add(2, 3), h.nested.upper("abc")]; }
class Custom extends Error { constructor() { super("custom"); this.extra = 1; } }
function builtins() { return { map: new Map([[1, 2]]), set: new Set([1]), re: /x/g, err: new Custom(), p: Promise.resolve(1) }; }`;

describe("js marshal: host → guest → host", () => {
  it("round-trips JSON-like values exactly", async () => {
    const vm = await makeVm(await engine(), SRC);
    const values: unknown[] = [
      null, true, false, 0, -1.5, 2 ** 53, "", "héllo ✓ 🎮", [], [1, [2, [3, "x"]]],
      { a: 1, b: { c: [true, null, "s"] }, "key with space": 2, "": "empty" },
    ];
    for (const v of values) assert.deepEqual(await vm.callGlobal("echo", [v]), v);
    assert.equal(await vm.callGlobal("echo", [undefined]), undefined);
    await vm.dispose();
  });

  it("reads results and host-call arguments built in the guest exactly, in both builds", async () => {
    // Strings made by guest code (concatenation, slicing, numbers converted), Latin-1 and 16-bit ones,
    // lone surrogates, long ones, strings after the memory grew; ints, floats, -0, booleans, null.
    const src = `
      var keep = [];
      function make(kind) {
        switch (kind) {
          case "latin": return "caf" + String.fromCharCode(233) + " \\u00ff" + [1, 2].join("");
          case "wide": return "h" + String.fromCharCode(0x20ac) + "llo " + String.fromCodePoint(0x1f3ae);
          case "lone": return "a" + String.fromCharCode(0xd800) + "b";
          case "long": return "x".repeat(100000) + "end";
          case "grow": for (var i = 0; i < 200; i++) keep.push("y".repeat(100000) + i); return "after growth " + keep.length;
          case "empty": return "".slice(0);
          case "int": return 2147483647;
          case "negint": return -5;
          case "float": return 1.25;
          case "negzero": return -0;
          case "true": return true;
          case "false": return false;
          case "null": return null;
          case "undefined": return undefined;
        }
      }
      function viaHost(h, kind) { return h.seen(make(kind), make("int"), make("true"), make("null")); }`;
    for (const build of ["asyncify", "sync"] as const) {
      const seen: unknown[][] = [];
      const vm = await makeVm(await engine(), src, { build, memoryLimitBytes: 96 << 20, globals: {} });
      const expected: Record<string, unknown> = {
        latin: "café \u00ff12", wide: "h€llo 🎮", lone: "a\ud800b", long: "x".repeat(100000) + "end", grow: "after growth 200",
        empty: "", int: 2147483647, negint: -5, float: 1.25, negzero: -0, true: true, false: false, null: null, undefined: undefined,
      };
      for (const [kind, want] of Object.entries(expected)) {
        const got = await vm.callGlobal("make", [kind]);
        if (kind === "negzero") assert.ok(Object.is(got, -0), build);
        else assert.deepEqual(got, want, `${build} ${kind}`);
      }
      const host = await vm.makeRef({ seen: (args: unknown[]) => (seen.push(args), args[0]) });
      for (const kind of ["latin", "wide", "empty", "float"]) {
        assert.deepEqual(await vm.callGlobal("viaHost", [host, kind]), expected[kind], `${build} host ${kind}`);
        assert.deepEqual(seen.pop(), [expected[kind], 2147483647, true, null]);
      }
      host.release();
      await vm.dispose();
    }
  });

  it("passes undefined, NaN and -0 exactly into the guest", async () => {
    const vm = await makeVm(await engine(), `function check(u, n, z) { return [u === undefined, n !== n, 1 / z === -Infinity]; }`);
    assert.deepEqual(await vm.callGlobal("check", [undefined, NaN, -0]), [true, true, true]);
    await vm.dispose();
  });

  it("turns Uint8Array, Buffer slices and ArrayBuffer into guest ArrayBuffers", async () => {
    const vm = await makeVm(await engine(), SRC);
    const slab = Buffer.from([0, 1, 2, 3, 4, 5]);
    const slice = slab.subarray(2, 5);
    assert.deepEqual(await vm.callGlobal("describe", [slice]), { type: "object", ctor: "ArrayBuffer", isArray: false, isBuffer: true, len: 3 });
    assert.deepEqual(await vm.callGlobal("bytes", [slice]), [2, 3, 4]);
    assert.deepEqual(await vm.callGlobal("bytes", [new Uint8Array([7, 8]).buffer]), [7, 8]);
    await vm.dispose();
  });

  it("returns guest ArrayBuffers and typed-array views as host Uint8Arrays", async () => {
    const vm = await makeVm(await engine(), SRC);
    const out = (await vm.callGlobal("makeBinary", [])) as { ab: Uint8Array; view: Uint8Array };
    assert.ok(out.ab instanceof Uint8Array);
    assert.deepEqual([...out.ab], [1, 2, 255]);
    assert.deepEqual([...out.view], [8, 7]);
    await vm.dispose();
  });

  it("converts bigints both ways and dates to ISO strings; NaN/Infinity/undefined follow JSON", async () => {
    const vm = await makeVm(await engine(), SRC);
    assert.deepEqual(await vm.callGlobal("special", []), { big: 2n ** 70n, date: "1970-01-01T00:00:00.000Z", nan: null, inf: null, list: [null, 1] });
    assert.equal(await vm.callGlobal("echo", [123n]), 123n);
    assert.equal(await vm.callGlobal("echo", [new Date(1000)]), "1970-01-01T00:00:01.000Z");
    await vm.dispose();
  });

  it("gives host objects callable methods, nested ones included", async () => {
    const vm = await makeVm(await engine(), SRC);
    const h = {
      add: ([a, b]: unknown[]) => (a as number) + (b as number),
      nested: { upper: ([s]: unknown[]) => String(s).toUpperCase() },
    };
    assert.deepEqual(await vm.callGlobal("callHost", [h]), [5, "ABC"]);
    await vm.dispose();
  });

  it("returns functions found in results as function refs", async () => {
    const vm = await makeVm(await engine(), "function make() { return { n: 1, f: function (x) { return x + this.n; }, list: [function () { return 'l'; }] }; }");
    const out = (await vm.callGlobal("make", [])) as { n: number; f: JsRef; list: JsRef[] };
    assert.ok(isJsRef(out.f) && out.f.kind === "function");
    assert.equal(await vm.call(out.f, [41]), 42);
    assert.equal(await vm.call(out.list[0], []), "l");
    await vm.dispose();
  });
});

describe("js marshal: built-in class instances", () => {
  it("encodes Map, Set, RegExp, Error and Promise instances as JSON does, without method refs", async () => {
    const vm = await makeVm(await engine(), SRC);
    assert.deepEqual(await vm.callGlobal("builtins", []), { map: {}, set: {}, re: {}, err: { extra: 1 }, p: {} });
    assert.equal(vm.stats().refs, 0);
    await vm.dispose();
  });
});

describe("js marshal: large plain values take the JSON path without losing anything", () => {
  const big = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, { i, s: `v${i}`, list: [i, null, true] }]));

  it("round-trips a large plain object", async () => {
    const vm = await makeVm(await engine(), SRC);
    assert.deepEqual(await vm.callGlobal("echo", [big]), big);
    await vm.dispose();
  });

  it("keeps exact values and host functions when a large value holds them deep inside", async () => {
    const vm = await makeVm(await engine(), `function probe(v) { return [v.k3.nan !== v.k3.nan, Object.is(v.k4.z, -0), v.k5.list[0] === undefined && v.k5.list.length === 1, v.k6.fn(20)]; }`);
    const value = { ...big, k3: { nan: NaN }, k4: { z: -0 }, k5: { list: [undefined] }, k6: { fn: ([x]: unknown[]) => (x as number) + 1 } };
    const out = (await vm.callGlobal("probe", [value])) as unknown[];
    assert.deepEqual(out, [true, true, true, 21]);
    await vm.dispose();
  });
});

describe("js marshal: failures", () => {
  it("fails INTERNAL when a guest result is cyclic", async () => {
    const vm = await makeVm(await engine(), SRC);
    await assert.rejects(vm.callGlobal("cyclic", []), (e: unknown) => e instanceof GameError && e.code === Code.INTERNAL && /circular/i.test(e.message));
    await vm.dispose();
  });

  it("fails INVALID_ARGUMENT when a host argument is cyclic or too deep", async () => {
    const vm = await makeVm(await engine(), SRC);
    const a: Record<string, unknown> = {};
    a.self = a;
    await assert.rejects(vm.callGlobal("echo", [a]), (e: unknown) => e instanceof GameError && e.code === Code.INVALID_ARGUMENT);
    assert.equal(await vm.callGlobal("echo", ["still fine"]), "still fine");
    await vm.dispose();
  });
});
