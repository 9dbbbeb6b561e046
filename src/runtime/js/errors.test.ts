// Tests how errors cross the JS VM boundary: guest throws → GameError (Nakama's {message, code}
// contract, stack kept), host GameErrors → catchable guest errors with .code, load errors naming file
// and line.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import { GuestError } from "./js-errors.js";
import { engineOnce, makeVm, recordingLogger } from "./testkit.js";

const engine = engineOnce();

const THROWERS = `
function plain() { throw { message: "Not here", code: 5 }; }
function messageOnly() { throw { message: "just a message" }; }
function badCode() { throw { message: "odd", code: 99 }; }
function errorWithCode() { var e = new Error("denied"); e.code = 7; throw e; }
function errorNoCode() {
  throw new Error("boom");
}
function str() { throw "a string"; }
function typeErr() { return null.field; }
async function asyncReject() { await null; throw { message: "later", code: 9 }; }`;

async function caught(p: Promise<unknown>): Promise<GuestError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GuestError, `expected GuestError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}

describe("js errors: guest throws", () => {
  it("keeps code and message of throw {message, code}", async () => {
    const vm = await makeVm(await engine(), THROWERS);
    const e = await caught(vm.callGlobal("plain", []));
    assert.equal(e.code, Code.NOT_FOUND);
    assert.equal(e.message, "Not here");
    assert.equal(e.custom, true);
    assert.equal(e.httpStatus, 404);
    await vm.dispose();
  });

  it("uses INTERNAL when only a message is given or the code is not a gRPC code", async () => {
    const vm = await makeVm(await engine(), THROWERS);
    const a = await caught(vm.callGlobal("messageOnly", []));
    assert.deepEqual([a.code, a.message], [Code.INTERNAL, "just a message"]);
    const b = await caught(vm.callGlobal("badCode", []));
    assert.deepEqual([b.code, b.message], [Code.INTERNAL, "odd"]);
    await vm.dispose();
  });

  it("honours a code property on an Error", async () => {
    const vm = await makeVm(await engine(), THROWERS);
    const e = await caught(vm.callGlobal("errorWithCode", []));
    assert.deepEqual([e.code, e.message], [Code.PERMISSION_DENIED, "denied"]);
    await vm.dispose();
  });

  it("maps any other throw to INTERNAL with the location and keeps the stack", async () => {
    const vm = await makeVm(await engine(), THROWERS);
    const e = await caught(vm.callGlobal("errorNoCode", []));
    assert.equal(e.code, Code.INTERNAL);
    assert.equal(e.message, "Error: boom at errorNoCode (index.js:7)");
    assert.equal(e.custom, false);
    assert.match(e.stackTrace ?? "", /at errorNoCode \(index\.js:7\)/);
    const s = await caught(vm.callGlobal("str", []));
    assert.deepEqual([s.code, s.message], [Code.INTERNAL, "a string"]);
    const t = await caught(vm.callGlobal("typeErr", []));
    assert.equal(t.code, Code.INTERNAL);
    assert.match(t.message, /^TypeError: cannot read property 'field' of null/);
    await vm.dispose();
  });

  it("maps a rejected promise from an async function like a throw", async () => {
    const vm = await makeVm(await engine(), THROWERS);
    const e = await caught(vm.callGlobal("asyncReject", []));
    assert.deepEqual([e.code, e.message], [Code.FAILED_PRECONDITION, "later"]);
    await vm.dispose();
  });
});

describe("js errors: host functions", () => {
  const src = `
    function tryIt() { try { nk.fail(); return "no"; } catch (e) { return [e instanceof Error, e.code, e.message]; } }
    function uncaught() { nk.fail(); }
    function bug() { try { nk.bug(); } catch (e) { return [e.code, e.message]; } }
    function asyncFail() { try { nk.asyncFail(); } catch (e) { return [e.code, e.message]; } }`;
  const globals = {
    nk: {
      fail: () => {
        throw new GameError(Code.ALREADY_EXISTS, "Storage write rejected - version check failed.");
      },
      bug: () => {
        throw new TypeError("host exploded");
      },
      asyncFail: async () => {
        await Promise.resolve();
        throw new GameError(Code.NOT_FOUND, "Account not found.");
      },
    },
  };

  it("shows a host GameError to the guest as a catchable Error with .code and .message", async () => {
    const vm = await makeVm(await engine(), src, { globals });
    assert.deepEqual(await vm.callGlobal("tryIt", []), [true, Code.ALREADY_EXISTS, "Storage write rejected - version check failed."]);
    await vm.dispose();
  });

  it("lets an uncaught host GameError keep its code to the caller", async () => {
    const vm = await makeVm(await engine(), src, { globals });
    const e = await caught(vm.callGlobal("uncaught", []));
    assert.deepEqual([e.code, e.message], [Code.ALREADY_EXISTS, "Storage write rejected - version check failed."]);
    await vm.dispose();
  });

  it("shows other host failures as INTERNAL and logs them", async () => {
    const rec = recordingLogger();
    const vm = await makeVm(await engine(), src, { globals, log: rec.log });
    assert.deepEqual(await vm.callGlobal("bug", []), [Code.INTERNAL, "host exploded"]);
    const logged = rec.lines.find((l) => l.msg === "host function failed");
    assert.equal(logged?.hostFunction, "bug");
    assert.equal(logged?.level, "error");
    await vm.dispose();
  });

  it("delivers an async host rejection as a guest exception", async () => {
    const vm = await makeVm(await engine(), src, { globals });
    assert.deepEqual(await vm.callGlobal("asyncFail", []), [Code.NOT_FOUND, "Account not found."]);
    await vm.dispose();
  });
});

describe("js errors: loading", () => {
  it("names file and line of a syntax error in the bundle", async () => {
    const e = await caught(makeVm(await engine(), "var a = 1;\nvar b = ;\nvar c = 3;\n", { file: "bundle.js" }));
    assert.equal(e.code, Code.INTERNAL);
    assert.match(e.message, /^SyntaxError: .* at bundle\.js:2$/);
  });

  it("names file and line of a throw at load time and from InitModule", async () => {
    const top = await caught(makeVm(await engine(), "var x = 1;\nthrow new Error('top level');"));
    assert.equal(top.message, "Error: top level at <eval> (index.js:2)");
    const vm = await makeVm(await engine(), "function InitModule() {\n  var x = 1;\n  throw new Error('cannot init');\n}");
    const e = await caught(vm.callGlobal("InitModule", [{}, {}, {}, {}]));
    assert.equal(e.message, "Error: cannot init at InitModule (index.js:3)");
    assert.equal(e.location, "InitModule (index.js:3)");
    await vm.dispose();
  });

  it("rejects an ES module bundle (it must be a plain script)", async () => {
    const e = await caught(makeVm(await engine(), "export function InitModule() {}"));
    assert.match(e.message, /^SyntaxError/);
  });
});
