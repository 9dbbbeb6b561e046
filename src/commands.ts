// Owns what each CLI command does once its config is loaded: start (with signal handling), migrate,
// check, healthcheck. Output is plain lines; failures are thrown as GameError/ConfigError for the CLI.
import type { LoadedConfig } from "./config/load.js";
import { createLogger } from "./log.js";
import { startServer } from "./main.js";
import { openDatabase } from "./storage/open.js";
import { migrateDown, migrateUp, migrationStatus } from "./storage/migrate.js";

export async function start(loaded: LoadedConfig): Promise<void> {
  const server = await startServer(loaded);
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      server.log.warn({ signal: sig }, "second signal: exiting at once");
      process.exit(1);
    }
    signalled = true;
    server.log.info({ signal: sig }, "shutdown requested");
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

export async function migrate(loaded: LoadedConfig, action: "up" | "down" | "redo" | "status", limit?: number): Promise<void> {
  const { config } = loaded;
  const log = createLogger({ level: config.logger.level as "info", stdout: false });
  const db = await openDatabase(config, log, { migrate: "none" });
  const out = (line: string) => process.stdout.write(line + "\n");
  try {
    if (action === "status") {
      for (const m of await migrationStatus(db)) {
        out(`${m.id}\t${m.appliedAt ? m.appliedAt.toISOString() : "pending"}`);
      }
      return;
    }
    if (action === "up" || action === "redo") {
      if (action === "redo") for (const id of await migrateDown(db, 1)) out(`down ${id}`);
      const applied = await migrateUp(db, action === "redo" ? 1 : limit);
      for (const id of applied) out(`up ${id}`);
      if (applied.length === 0) out("no migrations to apply");
      return;
    }
    const undone = await migrateDown(db, limit ?? 1);
    for (const id of undone) out(`down ${id}`);
    if (undone.length === 0) out("no migrations to undo");
  } finally {
    await db.close();
  }
}

/** Prepares this installation: caches an initialised embedded database so that the first start is fast. */
export async function prepare(loaded: LoadedConfig): Promise<void> {
  const log = createLogger({ level: loaded.config.logger.level as "info", stdout: false });
  const { ensurePgliteTemplate } = await import("./storage/pglite.js");
  const how = await ensurePgliteTemplate({ log });
  process.stdout.write(how === "initdb" ? "embedded database initialised and cached\n" : "embedded database cache ready\n");
}

/** Loads and validates the runtime modules (src/runtime/check.ts); a failing module exits 1. */
export async function check(loaded: LoadedConfig): Promise<void> {
  const { checkModules } = await import("./runtime/check.js");
  const log = createLogger({ level: "error", stdout: false });
  process.stdout.write(`config ok (${loaded.files.length} file(s))\n`);
  const report = await checkModules(loaded.config, log);
  for (const line of report.lines) process.stdout.write(line + "\n");
  for (const w of report.warnings) process.stderr.write(`troupe: warning: ${w}\n`);
  if (!report.ok) throw new Error(report.errors.join("\n"));
  process.stdout.write("modules ok\n");
}

/** GET http://127.0.0.1:<port>/ (Nakama's healthcheck) within 3 s; true on 200. */
export async function healthcheck(loaded: LoadedConfig, port?: number): Promise<boolean> {
  const p = port ?? loaded.config.socket.port;
  const host = loaded.config.socket.address && loaded.config.socket.address !== "0.0.0.0" ? loaded.config.socket.address : "127.0.0.1";
  try {
    const res = await fetch(`http://${host}:${p}/`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    if (res.status !== 200) process.stderr.write(`troupe: healthcheck got status ${res.status}\n`);
    return res.status === 200;
  } catch (err) {
    process.stderr.write(`troupe: healthcheck failed: nothing answered on ${host}:${p} (${(err as Error).message})\n`);
    return false;
  }
}
