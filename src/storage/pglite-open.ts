// Owns starting a PGlite instance cheaply: resume an existing data dir, else load a cached initialised
// template (pglite-template.ts), else run initdb and save the template for next time. Also owns the
// PGlite settings that bound its memory (shared_buffers, WAL size) and the result parsers that make its
// values match `pg`'s (INT8 → string, BYTEA → Buffer).
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PGliteOptions } from "@electric-sql/pglite";
import type { Logger } from "../log.js";
import { deleteTemplate, initdbArgs, readTemplate, writeTemplate } from "./pglite-template.js";

export interface StartPgliteOptions {
  dataDir: string;
  inMemory: boolean;
  /** Template cache directories, in order of preference (see defaultCacheDirs). */
  cacheDirs: readonly string[];
  log: Logger;
}

export type StartedHow = "resumed" | "template" | "initdb";

const oid = { bytea: 17, int8: 20 } as const;

/**
 * Server settings. PGlite's default shared_buffers (128 MB) costs ≈120 MB RSS for no measurable speed here
 * (in memory the "disk" is memory too). PGlite runs Postgres single-user: no checkpointer and no autovacuum,
 * so WAL only shrinks when we CHECKPOINT (see PgliteDb maintenance); max_wal_size bounds what is kept then.
 */
export function startParams(): string[] {
  return [
    ...PGlite.defaultStartParams,
    "-c", "shared_buffers=16MB",
    "-c", "max_wal_size=32MB",
    "-c", "min_wal_size=4MB",
  ];
}

function baseOptions(): PGliteOptions {
  return {
    startParams: startParams(),
    initDbStartParams: [...initdbArgs],
    parsers: {
      // pg returns INT8 as a string (no precision loss); PGlite would give a number or a BigInt.
      [oid.int8]: (v: string) => v,
      // pg returns BYTEA as a Buffer; PGlite would give a Uint8Array.
      [oid.bytea]: (v: string) => Buffer.from(v.slice(2), "hex"),
    },
  };
}

/** Starts PGlite; `how` says which path was taken (for the start-up log line). */
export async function startPglite(o: StartPgliteOptions): Promise<{ pg: PGlite; how: StartedHow }> {
  const dir = o.inMemory ? undefined : join(o.dataDir, "troupe-db");
  if (dir !== undefined) {
    if (existsSync(join(dir, "PG_VERSION"))) return { pg: await PGlite.create(dir, baseOptions()), how: "resumed" };
    if (existsSync(dir)) {
      o.log.warn({ dir }, "PGlite data dir has no PG_VERSION (interrupted initialisation?); recreating it");
      await rm(dir, { recursive: true, force: true });
    }
    await mkdir(o.dataDir, { recursive: true });
  }
  const template = await readTemplate(o.cacheDirs);
  if (template !== null) {
    try {
      const pg = await PGlite.create(dir, { ...baseOptions(), loadDataDir: new Blob([template.data]) });
      return { pg, how: "template" };
    } catch (err) {
      o.log.warn({ err, file: template.file }, "cached PGlite template failed to load; deleting it and running initdb");
      await deleteTemplate(template.file);
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
  }
  o.log.info("no cached PGlite template: running initdb (once per machine, a few seconds)");
  const pg = await PGlite.create(dir, baseOptions());
  await saveTemplate(pg, o.cacheDirs, o.log);
  return { pg, how: "initdb" };
}

// Best effort: a failure only means the next fresh start runs initdb again.
async function saveTemplate(pg: PGlite, dirs: readonly string[], log: Logger): Promise<void> {
  try {
    await pg.exec("CHECKPOINT");
    const tar = await pg.dumpDataDir("none");
    const file = await writeTemplate(dirs, new Uint8Array(await tar.arrayBuffer()));
    log.debug({ file }, "saved PGlite template");
  } catch (err) {
    log.warn({ err, dirs }, "could not save the PGlite template; the next fresh start will run initdb again");
  }
}
