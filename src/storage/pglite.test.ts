// PGlite-only behaviour: start paths (template cache, resume), the connection lock, maintenance.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { silentLogger } from "../log.js";
import { openPglite } from "./pglite.js";
import { templatePath } from "./pglite-template.js";

const log = silentLogger();
const noTimers = { checkEveryMs: 0 };

describe("PGlite adapter", () => {
  let root: string;
  let cacheDir: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "troupe-pglite-test-"));
    cacheDir = join(root, "cache");
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("replaces a broken template by running initdb, then starts from the template", async () => {
    const file = templatePath(cacheDir);
    await mkdir(cacheDir, { recursive: true });
    await writeFile(file, "not a tarball");
    const first = await openPglite({ dataDir: root, inMemory: true, log, cacheDir, maintenance: noTimers });
    assert.equal(first.started.how, "initdb");
    await first.close();
    assert.ok((await stat(file)).size > 1_000_000, "a real template was saved");
    const second = await openPglite({ dataDir: root, inMemory: true, log, cacheDir, maintenance: noTimers });
    assert.equal(second.started.how, "template");
    assert.deepEqual((await second.query("SELECT 1 AS one")).rows, [{ one: 1 }]);
    await second.close();
  });

  it("keeps an on-disk database across restarts", async () => {
    const dataDir = join(root, "disk");
    const a = await openPglite({ dataDir, inMemory: false, log, cacheDir, maintenance: noTimers });
    assert.equal(a.started.how, "template");
    await a.exec("CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ('still here')");
    await a.close();
    assert.ok(existsSync(join(dataDir, "troupe-db", "PG_VERSION")));
    const b = await openPglite({ dataDir, inMemory: false, log, cacheDir, maintenance: noTimers });
    assert.equal(b.started.how, "resumed");
    assert.deepEqual((await b.query("SELECT v FROM kept")).rows, [{ v: "still here" }]);
    await b.close();
  });

  it("recreates a data dir left without PG_VERSION", async () => {
    const dataDir = join(root, "broken");
    await mkdir(join(dataDir, "troupe-db"), { recursive: true });
    await writeFile(join(dataDir, "troupe-db", "junk"), "x");
    const db = await openPglite({ dataDir, inMemory: false, log, cacheDir, maintenance: noTimers });
    assert.equal(db.started.how, "template");
    assert.equal(existsSync(join(dataDir, "troupe-db", "junk")), false);
    await db.close();
  });

  it("holds the one connection for a whole transaction; others queue", async () => {
    const db = await openPglite({ dataDir: root, inMemory: true, log, cacheDir, maintenance: noTimers });
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const tx = db.tx(async (q) => {
      await q.query("SELECT 1");
      entered();
      await new Promise<void>((r) => (release = r));
    });
    await inside;
    const queued = [db.query("SELECT 1"), db.query("SELECT 2")];
    assert.deepEqual(db.stats(), { maxOpen: 1, open: 1, inUse: 1, idle: 0, waiting: 2 });
    release();
    await Promise.all([tx, ...queued]);
    assert.deepEqual(db.stats(), { maxOpen: 1, open: 1, inUse: 0, idle: 1, waiting: 0 });
    await db.close();
  });

  it("checkpoints past the WAL budget and vacuums only after writes", async () => {
    const db = await openPglite({ dataDir: root, inMemory: true, log, cacheDir, maintenance: { checkEveryMs: 0, walBudgetBytes: 1024 } });
    assert.deepEqual(await db.maintain({ vacuum: false }), { checkpoint: false, vacuum: false });
    await db.exec("CREATE TABLE w (v TEXT); INSERT INTO w SELECT repeat('x', 100) FROM generate_series(1, 1000)");
    assert.deepEqual(await db.maintain({ vacuum: false }), { checkpoint: true, vacuum: false });
    assert.deepEqual(await db.maintain({ vacuum: false }), { checkpoint: false, vacuum: false });
    await db.query("DELETE FROM w");
    assert.deepEqual(await db.maintain({ vacuum: true }), { checkpoint: true, vacuum: true });
    assert.deepEqual(await db.maintain({ vacuum: true }), { checkpoint: false, vacuum: false });
    await db.close();
  });
});
