// Black-box tests of the `troupe` command: version, help, one-line failures for bad flags, bad YAML and an
// unreachable database, healthcheck, migrate on the embedded database, and a start/SIGTERM cycle. With
// TROUPE_TEST_DATABASE_URL set, migrate and start also run against that real PostgreSQL (in a database of
// their own, created and dropped by the test: the one the URL names is never migrated).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bootServer, postgresSkip, testPostgresUrl } from "./helpers/boot.js";
import { openTestPostgres } from "../src/storage/testing.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "..", "src", import.meta.url.endsWith(".ts") ? "cli.ts" : "cli.js");

function packageJson(): string {
  for (let dir = here; ; dir = path.dirname(dir)) {
    const f = path.join(dir, "package.json");
    if (existsSync(f)) return f;
    if (path.dirname(dir) === dir) throw new Error("no package.json");
  }
}

interface Run { code: number | null; stdout: string; stderr: string }

function troupe(args: string[], opts: { timeoutMs?: number; onStdout?: (text: string, kill: () => void) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, cli, ...args], {
      env: { ...process.env, TROUPE_TEST_DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`troupe ${args.join(" ")} did not finish in time; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      opts.onStdout?.(stdout, () => child.kill("SIGTERM"));
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function assertOneLineFailure(r: Run, mention: RegExp): void {
  assert.notEqual(r.code, 0, "exits non-zero");
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.match(lines[0], /^troupe: /);
  assert.match(lines[0], mention);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "troupe-cli-"));

test("--version prints the package version", async () => {
  const r = await troupe(["--version"]);
  assert.equal(r.code, 0);
  const pkg = JSON.parse(readFileSync(packageJson(), "utf8")) as { version: string };
  assert.equal(r.stdout.trim(), pkg.version);
});

test("--help lists the commands and every flag", async () => {
  const r = await troupe(["--help"]);
  assert.equal(r.code, 0);
  for (const s of ["migrate up|down|redo|status", "healthcheck", "--socket.port", "--database.address", "--runtime.path", "--runtime.js_entrypoint", "--logger.level", "--matchmaker.interval_sec", "--config"]) {
    assert.ok(r.stdout.includes(s), `help mentions ${s}`);
  }
});

test("a bad flag fails with one line naming it", async () => {
  assertOneLineFailure(await troupe(["--socket.prot", "1"]), /socket\.prot/);
  assertOneLineFailure(await troupe(["--socket.port", "many"]), /socket\.port/);
  assertOneLineFailure(await troupe(["frobnicate"]), /unknown command 'frobnicate'/);
});

test("a bad YAML value fails with one line naming the key and file", async () => {
  const f = path.join(tmp, "bad.yml");
  writeFileSync(f, "logger:\n  level: chatty\n");
  assertOneLineFailure(await troupe(["--config", f]), /logger\.level/);
});

test("an unreachable database fails with one line naming it, without the password", async () => {
  const r = await troupe(["--database.address", "postgres://troupe:hunter2@127.0.0.1:1/troupe", "--data_dir", tmp]);
  assertOneLineFailure(r, /127\.0\.0\.1:1/);
  assert.doesNotMatch(r.stderr, /hunter2/);
});

test("healthcheck exits 0 against a running server and 1 when nothing answers", async () => {
  const s = await bootServer();
  try {
    assert.equal((await troupe(["healthcheck", String(s.port)])).code, 0);
    assert.equal((await troupe(["healthcheck", "--socket.port", String(s.port)])).code, 0);
  } finally {
    await s.stop();
  }
  const r = await troupe(["healthcheck", String(s.port)]);
  assert.equal(r.code, 1);
});

test("migrate status/up/down on the embedded database", async () => {
  const dir = mkdtempSync(path.join(tmp, "emb-"));
  const status0 = await troupe(["migrate", "status", "--data_dir", dir]);
  assert.equal(status0.code, 0, status0.stderr);
  const ids = status0.stdout.trim().split("\n").map((l) => l.split("\t"));
  assert.ok(ids.length >= 5, "several migrations");
  assert.ok(ids.every(([, s]) => s === "pending"));
  const up = await troupe(["migrate", "up", "--data_dir", dir]);
  assert.equal(up.code, 0, up.stderr);
  assert.equal(up.stdout.trim().split("\n").length, ids.length);
  const status1 = await troupe(["migrate", "status", "--data_dir", dir]);
  assert.ok(status1.stdout.trim().split("\n").every((l) => !l.endsWith("pending")));
  const down = await troupe(["migrate", "down", "--data_dir", dir]);
  assert.equal(down.stdout.trim(), `down ${ids[ids.length - 1][0]}`);
});

/** Starts `troupe` with port 0, waits for its "Startup done" line, checks health, sends SIGTERM. */
async function startAndStop(extra: string[]): Promise<void> {
  let port = 0;
  let healthy = false;
  let probing = false;
  const r = await troupe(["--socket.port", "0", "--socket.address", "127.0.0.1", ...extra], {
    timeoutMs: 60_000,
    onStdout: (text, kill) => {
      const line = text.split("\n").find((l) => l.includes('"Startup done"'));
      if (!line || probing) return;
      probing = true;
      port = (JSON.parse(line) as { port: number }).port;
      void fetch(`http://127.0.0.1:${port}/healthcheck`).then(async (res) => {
        healthy = res.status === 200 && (await res.text()) === "{}";
        kill();
      }, kill);
    },
  });
  assert.ok(port > 0, `server reported its port; stderr: ${r.stderr}`);
  assert.ok(healthy, "healthcheck answered {}");
  assert.equal(r.code, 0, "SIGTERM ends the server cleanly");
  assert.match(r.stdout, /"Troupe stopped"/);
}

test("troupe starts on the embedded database, serves /healthcheck, stops on SIGTERM", async () => {
  await startAndStop(["--data_dir", mkdtempSync(path.join(tmp, "run-"))]);
});

test("against PostgreSQL: start refuses an outdated schema; migrate up, status, start, down", { skip: postgresSkip ?? false }, async () => {
  const fresh = await openTestPostgres(testPostgresUrl!);
  try {
    const db = ["--database.address", fresh.address, "--data_dir", tmp];
    assertOneLineFailure(await troupe(db), /DB schema outdated, run `troupe migrate up`/);
    const up = await troupe(["migrate", "up", ...db]);
    assert.equal(up.code, 0, up.stderr);
    const status = await troupe(["migrate", "status", ...db]);
    const rows = status.stdout.trim().split("\n");
    assert.ok(rows.length >= 5 && rows.every((l) => !l.endsWith("pending")), status.stdout);
    await startAndStop(db);
    const down = await troupe(["migrate", "down", "--limit", "1000", ...db]);
    assert.equal(down.stdout.trim().split("\n").length, rows.length);
    assertOneLineFailure(await troupe(db), /DB schema outdated, run `troupe migrate up`/);
  } finally {
    await fresh.dispose();
  }
});
