// Graceful operation: SIGTERM to a `troupe` process with an open realtime socket closes that socket with
// a reason and ends the process with 0 within shutdown_grace_sec, logging the shutdown and the startup
// banner; and the root system's beforeStop work (where matches get matchTerminate) runs before any
// service stops, bounded by the grace period.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startSystem } from "../actors/system.js";
import { silentLogger } from "../src/log.js";
import { WebSocket } from "ws";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "..", "src", import.meta.url.endsWith(".ts") ? "cli.ts" : "cli.js");
const SERVER_KEY = `Basic ${Buffer.from("defaultkey:").toString("base64")}`;
const GRACE_SEC = 4;

/** Resolves with the first value `probe` finds, rejects after `ms`. */
function waitFor<T>(what: string, probe: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const check = () => {
      const v = probe();
      if (v !== undefined) return resolve(v);
      if (Date.now() > deadline) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(check, 20);
    };
    check();
  });
}

/** `p`, or a rejection naming `what` after `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

test("SIGTERM closes open sockets with a reason and exits 0 within the grace period", { timeout: 90_000 }, async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "troupe-shutdown-"));
  const child = spawn(process.execPath, [
    ...process.execArgv, cli, "--socket.port", "0", "--socket.address", "127.0.0.1", "--data_dir", dataDir,
    "--database.in_memory", "true", "--shutdown_grace_sec", String(GRACE_SEC),
  ], { env: { ...process.env, TROUPE_TEST_DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let exit: { code: number | null } | undefined;
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.on("exit", (code) => (exit = { code }));
  const lines = () => stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
  try {
    const banner = await waitFor("the startup line", () => lines().find((l) => l.msg === "Startup done"), 60_000);
    assert.equal(typeof banner.version, "string");
    assert.equal(banner.database, "pglite");
    assert.equal(banner.shutdown_grace_sec, GRACE_SEC);
    assert.deepEqual(banner.modules, { native: 0, lua: 0, js: 0 });
    const httpUrl = `http://127.0.0.1:${String(banner.port)}`;

    const res = await fetch(`${httpUrl}/v2/account/authenticate/device?create=true`, {
      method: "POST", headers: { authorization: SERVER_KEY }, body: JSON.stringify({ id: "shutdown-device-0001" }),
    });
    const { token } = (await res.json()) as { token: string };
    const ws = new WebSocket(`ws://127.0.0.1:${String(banner.port)}/ws?token=${encodeURIComponent(token)}&format=json`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
    const replies: string[] = [];
    ws.on("message", (data: Buffer) => replies.push(data.toString()));
    await once(ws, "open");
    ws.send(JSON.stringify({ cid: "1", status_update: { status: "here" } }));
    await waitFor("the reply", () => replies.find((r) => (JSON.parse(r) as { cid?: string }).cid === "1"), 5000);

    child.kill("SIGTERM");
    const close = await within(closed, GRACE_SEC * 1000, "the socket to close");
    assert.equal(close.code, 1001, "going away");
    assert.equal(close.reason, "server shutting down");
    await waitFor("the process to exit", () => exit, GRACE_SEC * 1000);
    assert.equal(exit?.code, 0, `exit 0; stderr: ${stderr}`);
    const started = lines().find((l) => l.msg === "Shutdown started");
    assert.equal(started?.grace_period_sec, GRACE_SEC);
    assert.ok(lines().some((l) => l.msg === "Troupe stopped"), "the last line was flushed before the exit");
  } finally {
    if (exit === undefined) child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("beforeStop work runs before any service stops and is bounded by the grace period", async () => {
  const system = startSystem({ log: silentLogger(), onFatal: () => undefined });
  const events: string[] = [];
  await system.service("transport", async () => ({ value: 1, stop: async () => void events.push("transport stopped") }));
  const graces: number[] = [];
  system.beforeStop("matches", async (graceMs) => {
    graces.push(graceMs);
    await new Promise((r) => setImmediate(r));
    events.push("matches terminated");
  });
  system.beforeStop("stuck", (graceMs) => {
    graces.push(graceMs);
    return new Promise<void>(() => undefined); // never ends: the grace period (plus slack) must
  });
  system.beforeStop("broken", () => Promise.reject(new Error("boom")));
  await within(system.stop(100), 10_000, "the stop to finish");
  assert.deepEqual(graces, [100, 100]);
  assert.deepEqual(events, ["matches terminated", "transport stopped"]);
  await system.stop(); // idempotent
});
