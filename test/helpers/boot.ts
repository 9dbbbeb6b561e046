// The tests' boot helper: starts a real Troupe server on 127.0.0.1, port 0, with the embedded database in
// memory and a private data_dir, capturing its log lines so tests can assert on them.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { startServer, type ServerHandle } from "../../src/main.js";

export interface BootedServer {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly dataDir: string;
  readonly server: ServerHandle;
  /** Parsed log lines written so far. */
  logs(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Boots a server; `overrides` are flat dotted config keys ({"session.token_expiry_sec": 2}). */
export async function bootServer(overrides: Record<string, unknown> = {}): Promise<BootedServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "troupe-test-"));
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const server = await startServer(
    {
      "socket.port": 0,
      "socket.address": "127.0.0.1",
      "database.in_memory": true,
      data_dir: dataDir,
      "logger.level": "debug",
      ...overrides,
    },
    { logDestination: sink },
  );
  return {
    httpUrl: server.httpUrl,
    wsUrl: server.wsUrl,
    port: server.port,
    dataDir,
    server,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
