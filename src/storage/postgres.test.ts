// PostgreSQL-only behaviour: failing to connect is one clear UNAVAILABLE line naming the address, never the
// password; openDb picks the adapter from database.address.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { Code, GameError } from "../errors.js";
import { silentLogger } from "../log.js";
import { openDb } from "./db.js";
import { openTestPostgres } from "./testing.js";

const pgUrl = process.env.TROUPE_TEST_DATABASE_URL;
const log = silentLogger();

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function isUnavailable(needle: string, secret: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof GameError, String(e));
    assert.equal(e.code, Code.UNAVAILABLE);
    assert.ok(e.message.includes(needle), e.message);
    assert.ok(!e.message.includes(secret), `password leaked: ${e.message}`);
    assert.ok(!e.message.includes("\n"), "one line");
    return true;
  };
}

describe("openDb against PostgreSQL", () => {
  it("fails fast with UNAVAILABLE naming user@host:port/db when nothing listens", async () => {
    const port = await closedPort();
    await assert.rejects(
      openDb({ address: [`troupe:hunter2@127.0.0.1:${port}/game`], dataDir: "", maxOpenConns: 2, connMaxLifetimeMs: 0, log }),
      isUnavailable(`troupe@127.0.0.1:${port}/game`, "hunter2"),
    );
  });

  it("rejects a wrong password without echoing it", { skip: pgUrl === undefined ? "TROUPE_TEST_DATABASE_URL not set" : undefined }, async () => {
    const u = new URL(pgUrl ?? "");
    u.password = "wrong-hunter2";
    await assert.rejects(
      openDb({ address: [u.toString()], dataDir: "", maxOpenConns: 2, connMaxLifetimeMs: 0, log }),
      isUnavailable(`@${u.hostname}:${u.port}`, "wrong-hunter2"),
    );
  });

  it("uses the pool for a non-empty address, sized by maxOpenConns", { skip: pgUrl === undefined ? "TROUPE_TEST_DATABASE_URL not set" : undefined }, async () => {
    const t = await openTestPostgres(pgUrl ?? "");
    try {
      const db = await openDb({ address: [t.address], dataDir: "", maxOpenConns: 3, connMaxLifetimeMs: 60_000, log });
      assert.equal(db.kind, "postgres");
      await Promise.all(Array.from({ length: 6 }, () => db.query("SELECT pg_sleep(0.01)")));
      const s = db.stats();
      assert.equal(s.maxOpen, 3);
      assert.ok(s.open >= 1 && s.open <= 3, JSON.stringify(s));
      await db.close();
    } finally {
      await t.dispose();
    }
  });

  it("passes the address's options to every pooled connection (e.g. -c jit=off)", { skip: pgUrl === undefined ? "TROUPE_TEST_DATABASE_URL not set" : undefined }, async () => {
    const t = await openTestPostgres(pgUrl ?? "");
    try {
      const jit = async (address: string): Promise<string> => {
        const db = await openDb({ address: [address], dataDir: "", maxOpenConns: 2, connMaxLifetimeMs: 0, log });
        try {
          return (await db.query<{ jit: string }>("SHOW jit")).rows[0].jit;
        } finally {
          await db.close();
        }
      };
      const withJit = (v: string): string => {
        const u = new URL(t.address);
        u.searchParams.set("options", `-c jit=${v}`);
        return u.toString();
      };
      assert.equal(await jit(withJit("off")), "off");
      assert.equal(await jit(withJit("on")), "on");
    } finally {
      await t.dispose();
    }
  });
});
