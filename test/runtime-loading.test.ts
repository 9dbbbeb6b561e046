// Black-box tests of module loading: native > Lua > JS precedence on an identifier collision (with the
// log line naming the winner), a module that fails to load or whose InitModule throws stops the start
// with an error naming its file and line, and `troupe check` validates modules (exit 1 on error).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import type { BootedServer } from "./helpers/boot.js";
import { bootRuntime, eventually, HTTP_KEY, rpc } from "./runtime-kit.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "..", "src", import.meta.url.endsWith(".ts") ? "cli.ts" : "cli.js");

function troupe(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`troupe ${args.join(" ")} did not finish; stderr: ${stderr}`));
    }, 60_000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("runtime loading: precedence native > Lua > JS", () => {
  let s: BootedServer;
  before(async () => {
    s = await bootRuntime("precedence");
  });
  after(() => s.stop());

  it("serves a colliding id from the runtime with precedence, case-insensitively", async () => {
    const who = async (id: string) => (await rpc(s, id, { query: `http_key=${HTTP_KEY}` })).json().payload as string;
    assert.equal(await who("who"), "native");
    assert.equal(await who("who2"), "lua");
    assert.equal(await who("only_js"), "js");
    assert.equal(await who("only_lua"), "lua");
    assert.equal(await who("only_native"), "native");
  });

  it("delivers nk.event events to the registered event handler", async () => {
    assert.equal((await rpc(s, "emit", { query: `http_key=${HTTP_KEY}`, payload: "p1" })).json().payload, "queued");
    await eventually("the event handler's log line", async () =>
      s.logs().find((l) => l.msg === "event fixture_event from lua: p1 (mode event)" && l.runtime === "native"));
  });

  it("logs which runtime won each collision", () => {
    const lines = s.logs().filter((l) => typeof l.winner === "string");
    const byId = new Map(lines.map((l) => [l.registration, l]));
    assert.equal(byId.get('RPC "who"')?.winner, "native");
    assert.deepEqual(byId.get('RPC "who"')?.ignored, ["lua", "js"]);
    assert.equal(byId.get('RPC "who2"')?.winner, "lua");
    assert.match(String(byId.get('RPC "who2"')?.msg), /the lua one wins/);
  });
});

describe("runtime loading: failures stop the start", () => {
  for (const [folder, where] of [
    ["broken-lua", /bad\.lua:3:/],
    ["broken-js", /index\.js.*InitModule.*init failed on purpose.*index\.js:4/s],
    ["broken-native", /boom\.mjs.*native init failed on purpose.*boom\.mjs:4/s],
  ] as const) {
    it(`refuses to start when ${folder} does not load, naming file and line`, async () => {
      await assert.rejects(bootRuntime(folder), (err: Error) => {
        assert.equal(err.name, "ModuleLoadError");
        assert.match(err.message, where);
        return true;
      });
    });
  }
});

describe("troupe check", () => {
  it("loads valid modules, lists what each runtime registered and exits 0", async () => {
    const r = await troupe(["check", "--runtime.path", "test/fixtures/modules/precedence"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /native\tRPC "who"/);
    assert.match(r.stdout, /lua\tRPC "who2"/);
    assert.match(r.stdout, /js\tRPC "only_js"/);
    assert.match(r.stdout, /modules ok/);
  });

  it("exits 1 with the failing file and line", async () => {
    const r = await troupe(["check", "--runtime.path", "test/fixtures/modules/broken-lua"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.lua:3:/);
  });

  it("does not run run_once and reports nk calls it cannot make as warnings, not failures", async () => {
    const r = await troupe(["check", "--runtime.path", "test/fixtures/modules/lua"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /lua\tRPC "echo"/);
    assert.match(r.stdout, /lua\tbefore "authenticatecustom"/);
  });
});
