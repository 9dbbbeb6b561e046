// Tests how Lua errors reach the caller of vm.call: table errors with codes (positional and named),
// plain errors (INTERNAL, with file:line), host GameErrors keeping their code through pcall and
// re-raising, and the traceback in the cause.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, GameError } from "../../errors.js";
import type { LuaErrorDetail } from "./lua-errors.js";
import { memoryLogger, testVm } from "./test-support.js";
import type { TestVm } from "./test-support.js";

let t: TestVm;
const { log, lines } = memoryLogger();
before(async () => {
  t = await testVm({
    log,
    modules: { "lib.rpc": "local M = {}\nfunction M.fail()\n  error(\"deep failure\")\nend\nreturn M" },
    host: {
      not_found: () => {
        throw new GameError(Code.NOT_FOUND, "Requested resource was not found.");
      },
      denied_later: async () => {
        await new Promise((r) => setImmediate(r));
        throw new GameError(Code.PERMISSION_DENIED, "no access");
      },
      buggy: () => {
        throw new TypeError("cannot read x of undefined");
      },
    },
  });
});
after(() => t.vm.close());

async function failure(code: string): Promise<GameError> {
  try {
    await t.run(code);
  } catch (e) {
    assert.ok(e instanceof GameError, `expected GameError, got ${String(e)}`);
    return e;
  }
  throw new Error("expected the call to fail");
}

describe("error values", () => {
  it('error({ "message", 13 }) keeps text and code', async () => {
    const e = await failure('error({ "bad input", 3 })');
    assert.deepEqual([e.code, e.message], [Code.INVALID_ARGUMENT, "bad input"]);
  });
  it("error({ msg = …, code = … }) and { message = …, code = … }", async () => {
    const a = await failure('error({ msg = "missing", code = 5 })');
    const b = await failure('error({ message = "taken", code = 6 })');
    assert.deepEqual([a.code, a.message, b.code, b.message], [5, "missing", 6, "taken"]);
  });
  it("a table without a usable code is INTERNAL", async () => {
    const a = await failure('error({ "only a message" })');
    const b = await failure('error({ "bad code", 99 })');
    const c = await failure("error({})");
    assert.deepEqual([a.code, a.message, b.code], [13, "only a message", 13]);
    assert.match(c.message, /^table: 0x[0-9a-f]+$/);
  });
  it('error("text") is INTERNAL with file:line, and carries a traceback', async () => {
    const e = await failure('require("lib.rpc").fail()');
    assert.equal(e.code, Code.INTERNAL);
    assert.equal(e.message, "lib/rpc.lua:3: deep failure");
    const detail = e.cause as LuaErrorDetail;
    assert.equal(detail.kind, "runtime");
    assert.match(detail.traceback ?? "", /lib\/rpc\.lua:3: in field .fail./);
  });
  it("runtime errors read like Lua's", async () => {
    const e = await failure("local t = nil\nreturn t.field");
    assert.equal(e.message, "eval:2: attempt to index a nil value (local 't')");
  });
  it("non-string error values", async () => {
    assert.equal((await failure("error(42)")).message, "42");
    assert.equal((await failure("error()")).message, "nil");
  });
});

describe("host errors", () => {
  it("an uncaught host GameError keeps its code and message", async () => {
    const e = await failure('require("nakama").not_found()');
    assert.deepEqual([e.code, e.message], [Code.NOT_FOUND, "Requested resource was not found."]);
  });
  it("pcall sees a printable string; %q and concatenation work", async () => {
    const [ok, msg, quoted, typ] = await t.run('local ok, e = pcall(require("nakama").not_found) return ok, "err: " .. e, string.format("%q", e), type(e)');
    assert.deepEqual([ok, msg, quoted, typ], [false, "err: Requested resource was not found.", '"Requested resource was not found."', "string"]);
  });
  it("re-raising keeps the code, with or without position", async () => {
    const a = await failure('local ok, e = pcall(require("nakama").not_found) error(e)');
    assert.equal(a.code, Code.NOT_FOUND);
    assert.equal(a.message, "eval:1: Requested resource was not found.");
    const b = await failure('local ok, e = pcall(require("nakama").denied_later) error(e, 0)');
    assert.deepEqual([b.code, b.message], [Code.PERMISSION_DENIED, "no access"]);
  });
  it("an async rejection surfaces inside Lua at the call site", async () => {
    const [ok, e, after] = await t.run('local ok, e = pcall(require("nakama").denied_later) return ok, e, "continued"');
    assert.deepEqual([ok, e, after], [false, "no access", "continued"]);
  });
  it("a host bug (non-GameError) is INTERNAL, named, and logged", async () => {
    const e = await failure('require("nakama").buggy()');
    assert.equal(e.code, Code.INTERNAL);
    assert.equal(e.message, "nakama.buggy: cannot read x of undefined");
    assert.ok(lines.some((l) => l.msg === "Lua host function failed" && l.fn === "nakama.buggy"));
  });
  it("a host error code does not leak into the next call", async () => {
    await failure('require("nakama").not_found()');
    const e = await failure('error("Requested resource was not found.", 0)');
    assert.equal(e.code, Code.INTERNAL);
  });
});
