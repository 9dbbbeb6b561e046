// Sandbox tests of the two sandboxed runtimes over the wire: io/os escape attempts fail; an infinite loop
// and a memory bomb each fail their own call (time limit → 504 DEADLINE_EXCEEDED; memory → the VM's
// limit error) while a concurrent call still succeeds and the server keeps serving.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { BootedServer } from "./helpers/boot.js";
import { bootRuntime, HTTP_KEY, rpc } from "./runtime-kit.js";

const key = `http_key=${HTTP_KEY}`;

for (const runtime of ["lua", "js"] as const) {
  describe(`runtime sandbox: ${runtime}`, () => {
    let s: BootedServer;
    before(async () => {
      s = await bootRuntime(runtime);
    });
    after(() => s.stop());

    it("has no way out to the file system, processes or the host", async () => {
      const r = await rpc(s, "escape", { query: key });
      assert.equal(r.status, 200, r.text);
      const seen = JSON.parse(r.json().payload as string) as Record<string, unknown>;
      if (runtime === "lua") {
        assert.deepEqual(seen, {
          io: false, execute: false, getenv: false, exit: false, remove: false, debug: false, time: true,
          require_io: false, dofile: false,
        });
      } else {
        assert.deepEqual(seen, {
          require: "undefined", fetch: "undefined", std: "undefined", os: "undefined", processExit: "undefined",
          setTimeout: "undefined", evalWorks: true, codes: 5,
        });
      }
    });

    it("fails an infinite loop at the time limit while a concurrent call succeeds", async () => {
      const [spin, echo] = await Promise.all([
        rpc(s, "spin", { query: key }),
        rpc(s, "echo", { query: key, payload: "still serving" }),
      ]);
      assert.equal(spin.status, 504, spin.text);
      assert.equal(spin.json().code, 4);
      assert.match(spin.json().message as string, /time|exceeded/i);
      assert.deepEqual(echo.json(), { payload: "still serving" });
      assert.deepEqual((await rpc(s, "echo", { query: key, payload: "after" })).json(), { payload: "after" });
    });

    it("fails a memory bomb while a concurrent call succeeds", async () => {
      const [bomb, echo] = await Promise.all([
        rpc(s, "bomb", { query: key }),
        rpc(s, "echo", { query: key, payload: "still serving" }),
      ]);
      assert.notEqual(bomb.status, 200);
      if (runtime === "js") {
        assert.equal(bomb.status, 429, bomb.text);
        assert.match(bomb.json().message as string, /memory limit exceeded/);
      } else {
        assert.match(bomb.json().message as string, /overflow|too large|memory|not enough|exceeded/i, bomb.text);
      }
      assert.deepEqual(echo.json(), { payload: "still serving" });
      for (let i = 0; i < 3; i++) {
        assert.deepEqual((await rpc(s, "echo", { query: key, payload: `after ${i}` })).json(), { payload: `after ${i}` });
      }
    });
  });
}
