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

interface Running {
  httpUrl: string;
  port: number;
  banner: Record<string, unknown>;
  lines(): Array<Record<string, unknown>>;
  exited(): { code: number | null } | undefined;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  cleanup(): void;
}

/** Spawns `troupe` on port 0 with the embedded database in memory and waits for its startup line. */
async function startTroupe(extra: string[] = []): Promise<Running> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "troupe-shutdown-"));
  const child = spawn(process.execPath, [
    ...process.execArgv, cli, "--socket.port", "0", "--socket.address", "127.0.0.1", "--data_dir", dataDir,
    "--database.in_memory", "true", "--shutdown_grace_sec", String(GRACE_SEC), ...extra,
  ], { env: { ...process.env, TROUPE_TEST_DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let exit: { code: number | null } | undefined;
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.on("exit", (code) => (exit = { code }));
  const lines = () => stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
  const cleanup = () => {
    if (exit === undefined) child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const banner = await waitFor("the startup line", () => lines().find((l) => l.msg === "Startup done"), 60_000);
    return {
      httpUrl: `http://127.0.0.1:${String(banner.port)}`, port: Number(banner.port), banner, lines,
      exited: () => exit, stderr: () => stderr, kill: (sig) => child.kill(sig), cleanup,
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** Authenticates a device and opens a JSON socket collecting every message it receives. */
async function connect(t: Running, device: string) {
  const res = await fetch(`${t.httpUrl}/v2/account/authenticate/device?create=true`, {
    method: "POST", headers: { authorization: SERVER_KEY }, body: JSON.stringify({ id: device }),
  });
  const { token } = (await res.json()) as { token: string };
  const ws = new WebSocket(`ws://127.0.0.1:${t.port}/ws?token=${encodeURIComponent(token)}&format=json`);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
  const messages: Array<Record<string, any>> = [];
  ws.on("message", (data: Buffer) => messages.push(JSON.parse(data.toString()) as Record<string, any>));
  await once(ws, "open");
  return { token, ws, closed, messages };
}

/** After SIGTERM: the socket closes with 1001 within the grace period and the process exits 0. */
async function assertGracefulExit(t: Running, closed: Promise<{ code: number; reason: string }>): Promise<void> {
  const close = await within(closed, GRACE_SEC * 1000, "the socket to close");
  assert.equal(close.code, 1001, "going away");
  assert.equal(close.reason, "server shutting down");
  await waitFor("the process to exit", () => t.exited(), GRACE_SEC * 1000);
  assert.equal(t.exited()?.code, 0, `exit 0; stderr: ${t.stderr()}`);
  assert.equal(t.lines().find((l) => l.msg === "Shutdown started")?.grace_period_sec, GRACE_SEC);
  assert.ok(t.lines().some((l) => l.msg === "Troupe stopped"), "the last line was flushed before the exit");
}

test("SIGTERM closes open sockets with a reason and exits 0 within the grace period", { timeout: 90_000 }, async () => {
  const t = await startTroupe();
  try {
    assert.equal(typeof t.banner.version, "string");
    assert.equal(t.banner.database, "pglite");
    assert.equal(t.banner.shutdown_grace_sec, GRACE_SEC);
    assert.deepEqual(t.banner.modules, { native: 0, lua: 0, js: 0 });
    const c = await connect(t, "shutdown-device-0001");
    c.ws.send(JSON.stringify({ cid: "1", status_update: { status: "here" } }));
    await waitFor("the reply", () => c.messages.find((m) => m.cid === "1"), 5000);
    t.kill("SIGTERM");
    await assertGracefulExit(t, c.closed);
  } finally {
    t.cleanup();
  }
});

test("SIGTERM during a running match: matchTerminate reaches the players, then their sockets close", { timeout: 90_000 }, async () => {
  const t = await startTroupe(["--runtime.path", "test/fixtures/modules/matches"]);
  try {
    const c = await connect(t, "shutdown-device-0002");
    const rpc = await fetch(`${t.httpUrl}/v2/rpc/lua_create`, {
      method: "POST", headers: { authorization: `Bearer ${c.token}` },
      body: JSON.stringify(JSON.stringify({ module: "lua_ttt", params: {} })),
    });
    assert.equal(rpc.status, 200);
    const matchId = (JSON.parse(((await rpc.json()) as { payload: string }).payload) as { match_id: string }).match_id;
    c.ws.send(JSON.stringify({ cid: "2", match_join: { match_id: matchId } }));
    await waitFor("the join", () => c.messages.find((m) => m.cid === "2" && m.match), 5000);
    t.kill("SIGTERM");
    // lua_ttt's match_terminate broadcasts op 6 with the grace seconds it was given.
    const terminate = await waitFor("matchTerminate's broadcast", () => c.messages.find((m) => m.match_data?.op_code === "6"), GRACE_SEC * 1000);
    assert.deepEqual(JSON.parse(Buffer.from(terminate.match_data.data as string, "base64").toString()), { grace: GRACE_SEC });
    await assertGracefulExit(t, c.closed);
  } finally {
    t.cleanup();
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
