import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadMigrations, migrationsDir } from "./migrate.js";

async function withFiles(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "troupe-mig-"));
  try {
    for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("loadMigrations", () => {
  it("finds data/migrations from the package root, numbered, both directions present", async () => {
    assert.match(migrationsDir(), /data[/\\]migrations$/);
    const list = await loadMigrations();
    assert.ok(list.length >= 8);
    list.forEach((m, i) => {
      assert.match(m.id, /^\d{4}_[a-z0-9_]+$/);
      assert.equal(Number(m.id.slice(0, 4)), i + 1, "numbers are contiguous from 0001");
      assert.ok(m.up.trim().length > 0 && m.down.trim().length > 0, m.id);
    });
  });

  it("orders numerically and ignores non-SQL files", async () => {
    await withFiles({
      "10_b.up.sql": "B", "10_b.down.sql": "b", "9_a.up.sql": "A", "9_a.down.sql": "a", "README.md": "x",
    }, async (dir) => {
      assert.deepEqual(await loadMigrations(dir), [{ id: "9_a", up: "A", down: "a" }, { id: "10_b", up: "B", down: "b" }]);
    });
  });

  it("rejects bad names, missing directions and duplicate numbers", async () => {
    await withFiles({ "0001_x.sql": "" }, async (dir) => {
      await assert.rejects(loadMigrations(dir), /bad migration file name/);
    });
    await withFiles({ "0001_x.up.sql": "" }, async (dir) => {
      await assert.rejects(loadMigrations(dir), /needs both/);
    });
    await withFiles({ "0001_x.up.sql": "", "0001_x.down.sql": "", "0001_y.up.sql": "", "0001_y.down.sql": "" }, async (dir) => {
      await assert.rejects(loadMigrations(dir), /share number/);
    });
  });
});
