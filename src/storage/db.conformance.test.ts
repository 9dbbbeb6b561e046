// The Db port's contract, run unchanged against PGlite (in memory) and, when TROUPE_TEST_DATABASE_URL is
// set, against that PostgreSQL (a fresh random database per run, dropped at the end).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, GameError } from "../errors.js";
import type { Db, Queryable } from "./db.js";
import { DbError, isCheckViolation, isForeignKeyViolation, isUniqueViolation, SqlState, txRetry } from "./db-errors.js";
import { checkMigrations, loadMigrations, migrateDown, migrateUp, migrationStatus, outdatedSchemaMessage, pendingMigrations } from "./migrate.js";
import type { TestDb } from "./testing.js";
import { openMemoryDb, openTestPostgres } from "./testing.js";

const pgUrl = process.env.TROUPE_TEST_DATABASE_URL;
const systemUser = "00000000-0000-0000-0000-000000000000";

/** A promise plus its resolver, to hold a transaction open at a known point. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

async function tableNames(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ t: string }>(
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  return rows.map((r) => r.t);
}

function conformance(name: string, open: () => Promise<TestDb>, skip?: string): void {
  describe(name, { skip }, () => {
    let t: TestDb;
    let db: Db;
    before(async () => {
      t = await open();
      db = t.db;
      await db.exec("CREATE TABLE scratch (id INT PRIMARY KEY, tag TEXT NOT NULL DEFAULT '', n INT NOT NULL DEFAULT 0 CHECK (n >= 0))");
    });
    after(async () => {
      await t?.dispose();
    });

    it("migrates up from empty, reports status, goes down and up again", async () => {
      const all = (await loadMigrations()).map((m) => m.id);
      assert.ok(all.length >= 8);
      assert.deepEqual(await pendingMigrations(db), all);
      await assert.rejects(checkMigrations(db), (e: unknown) => e instanceof GameError && e.code === Code.FAILED_PRECONDITION && e.message === outdatedSchemaMessage);
      assert.deepEqual(await migrateUp(db), all);
      const status = await migrationStatus(db);
      assert.deepEqual(status.map((s) => s.id), all);
      assert.ok(status.every((s) => s.appliedAt instanceof Date));
      await checkMigrations(db);
      assert.deepEqual(await migrateUp(db), []);
      const sys = await db.query<{ id: string; username: string }>("SELECT id, username FROM users");
      assert.deepEqual(sys.rows, [{ id: systemUser, username: "" }]);

      const last = all[all.length - 1];
      assert.deepEqual(await migrateDown(db), [last]);
      assert.deepEqual(await pendingMigrations(db), [last]);
      await assert.rejects(checkMigrations(db), { message: outdatedSchemaMessage });
      assert.deepEqual(await migrateDown(db, 100), [...all].slice(0, -1).reverse());
      assert.deepEqual(await tableNames(db), ["migration_info", "scratch"]);
      assert.deepEqual(await migrateUp(db, 2), all.slice(0, 2));
      assert.deepEqual(await migrateUp(db), all.slice(2));
      await checkMigrations(db);
      for (const table of ["users", "user_device", "user_edge", "user_tombstone", "notification", "storage", "message", "leaderboard", "leaderboard_record", "wallet_ledger", "groups", "group_edge", "purchase", "subscription"]) {
        assert.ok((await tableNames(db)).includes(table), table);
      }
    });

    it("returns every value type as the contract says", async () => {
      const { rows } = await db.query(`SELECT
        9223372036854775807::int8 AS i8, 2147483647::int4 AS i4, (-32768)::int2 AS i2, 1.5::float8 AS f8,
        12345678901234567890.5::numeric AS num, true AS b, '2024-02-29T12:34:56.789Z'::timestamptz AS ts,
        '{"a":[1,{"b":null}]}'::jsonb AS jb, '[1,2]'::jsonb AS ja, '"s"'::jsonb AS js, '{"x":1}'::json AS j,
        '${systemUser}'::uuid AS u, '\\x00ff10'::bytea AS by, 'text'::text AS t, 'vc'::varchar(5) AS vc,
        ARRAY[1, 9007199254740993]::int8[] AS ai8, ARRAY['a', NULL, 'c"d']::text[] AS at, ARRAY[1,2]::int4[] AS ai4,
        NULL::int8 AS nul`);
      const r = rows[0];
      assert.equal(r.i8, "9223372036854775807");
      assert.equal(r.i4, 2147483647);
      assert.equal(r.i2, -32768);
      assert.equal(r.f8, 1.5);
      assert.equal(r.num, "12345678901234567890.5");
      assert.equal(r.b, true);
      assert.ok(r.ts instanceof Date);
      assert.equal(r.ts.toISOString(), "2024-02-29T12:34:56.789Z");
      assert.deepEqual(r.jb, { a: [1, { b: null }] });
      assert.deepEqual(r.ja, [1, 2]);
      assert.equal(r.js, "s");
      assert.deepEqual(r.j, { x: 1 });
      assert.equal(r.u, systemUser);
      assert.ok(Buffer.isBuffer(r.by), "bytea is a Buffer");
      assert.deepEqual([...r.by], [0, 255, 16]);
      assert.equal(r.t, "text");
      assert.equal(r.vc, "vc");
      assert.deepEqual(r.ai8, ["1", "9007199254740993"]);
      assert.deepEqual(r.at, ["a", null, 'c"d']);
      assert.deepEqual(r.ai4, [1, 2]);
      assert.equal(r.nul, null);
    });

    it("passes parameters the same way", async () => {
      const when = new Date("2030-01-02T03:04:05.678Z");
      const { rows } = await db.query(
        `SELECT $1::int8 AS big, $2::int8 AS bigstr, $3::timestamptz AS ts, $4::bytea AS by, $5::jsonb AS obj,
          $6::jsonb AS arr, $7::text[] AS texts, $8::int4 AS n, $9::bool AS b, $10::text AS nul,
          $11::uuid = ANY($12::uuid[]) AS found`,
        [2n ** 63n - 1n, "-9223372036854775808", when, Buffer.from([1, 2, 3]), { k: "v", n: [1] }, JSON.stringify([1, "x"]),
          ["p,q", 'r"s', "t\\u", null], 42, false, undefined, systemUser, [systemUser, "11111111-1111-1111-1111-111111111111"]],
      );
      const r = rows[0];
      assert.equal(r.big, "9223372036854775807");
      assert.equal(r.bigstr, "-9223372036854775808");
      assert.equal((r.ts as Date).getTime(), when.getTime());
      assert.deepEqual([...(r.by as Buffer)], [1, 2, 3]);
      assert.deepEqual(r.obj, { k: "v", n: [1] });
      assert.deepEqual(r.arr, [1, "x"]);
      assert.deepEqual(r.texts, ["p,q", 'r"s', "t\\u", null]);
      assert.equal(r.n, 42);
      assert.equal(r.b, false);
      assert.equal(r.nul, null);
      assert.equal(r.found, true);
    });

    it("counts rows: returned for SELECT, affected for DML, 0 for DDL", async () => {
      assert.equal((await db.query("INSERT INTO scratch (id) VALUES (1), (2), (3)")).rowCount, 3);
      assert.equal((await db.query("UPDATE scratch SET n = 1 WHERE id >= $1", [2])).rowCount, 2);
      assert.equal((await db.query("SELECT id FROM scratch")).rowCount, 3);
      const ret = await db.query<{ id: number }>("DELETE FROM scratch WHERE id > 1 RETURNING id");
      assert.equal(ret.rowCount, 2);
      assert.deepEqual(ret.rows.map((x) => x.id).sort(), [2, 3]);
      assert.equal((await db.query("CREATE TEMP TABLE t_count (x int)")).rowCount, 0);
      assert.equal((await db.query("DELETE FROM scratch")).rowCount, 1);
    });

    it("runs exactly one statement per query, and scripts with exec", async () => {
      await assert.rejects(db.query("SELECT 1; SELECT 2"), (e: unknown) => e instanceof DbError && e.code === "42601");
      await db.exec("INSERT INTO scratch (id) VALUES (10); INSERT INTO scratch (id) VALUES (11);");
      assert.equal((await db.query("SELECT count(*)::int AS c FROM scratch")).rows[0].c, 2);
      await assert.rejects(db.query("SELEC nothing"), (e: unknown) => e instanceof DbError && e.code === "42601");
      await db.query("DELETE FROM scratch");
    });

    it("commits a transaction that resolves and returns its value", async () => {
      const v = await db.tx(async (q) => {
        await q.query("INSERT INTO scratch (id, tag) VALUES (1, 'a'), (2, 'a')");
        return (await q.query<{ c: number }>("SELECT count(*)::int AS c FROM scratch")).rows[0].c;
      });
      assert.equal(v, 2);
      assert.equal((await db.query("SELECT count(*)::int AS c FROM scratch WHERE tag = 'a'")).rows[0].c, 2);
      await db.query("DELETE FROM scratch");
    });

    it("rolls back everything when the function throws, rethrowing its error", async () => {
      const boom = new Error("boom");
      await assert.rejects(
        db.tx(async (q) => {
          await q.query("INSERT INTO scratch (id) VALUES (1)");
          await q.exec("INSERT INTO scratch (id) VALUES (2)");
          throw boom;
        }),
        (e: unknown) => e === boom,
      );
      assert.equal((await db.query("SELECT count(*)::int AS c FROM scratch")).rows[0].c, 0);
    });

    it("refuses to commit when a failed statement was swallowed", async () => {
      await assert.rejects(
        db.tx(async (q) => {
          await q.query("INSERT INTO scratch (id) VALUES (1)");
          await q.query("INSERT INTO scratch (id) VALUES (1)").catch(() => undefined);
        }),
        (e: unknown) => e instanceof DbError && e.code === SqlState.inFailedTransaction,
      );
      assert.equal((await db.query("SELECT count(*)::int AS c FROM scratch")).rows[0].c, 0);
    });

    it("kills a transaction's Queryable once the transaction settles", async () => {
      let leaked: Queryable | undefined;
      await db.tx(async (q) => {
        leaked = q;
      });
      await assert.rejects(leaked!.query("SELECT 1"), (e: unknown) => e instanceof GameError && e.code === Code.INTERNAL);
    });

    it("never shows a plain query another transaction's uncommitted rows", async () => {
      const held = gate();
      const inserted = gate();
      const txDone = db.tx(async (q) => {
        await q.query("INSERT INTO scratch (id, tag) VALUES (1, 'uncommitted')");
        inserted.open();
        await held.wait;
        throw new Error("roll back");
      });
      await inserted.wait;
      const count = db.query<{ c: number }>("SELECT count(*)::int AS c FROM scratch");
      held.open();
      await assert.rejects(txDone, { message: "roll back" });
      assert.equal((await count).rows[0].c, 0);
    });

    it("keeps concurrent transactions apart", async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          db.tx(async (q) => {
            await q.query("INSERT INTO scratch (id, tag) VALUES ($1, $2)", [i * 2, `t${i}`]);
            await new Promise((r) => setImmediate(r));
            await q.query("INSERT INTO scratch (id, tag) VALUES ($1, $2)", [i * 2 + 1, `t${i}`]);
            if (i % 2 === 1) throw new Error(`fail ${i}`);
          }),
        ),
      );
      assert.equal(results.filter((r) => r.status === "rejected").length, 5);
      const { rows } = await db.query<{ tag: string; c: number }>("SELECT tag, count(*)::int AS c FROM scratch GROUP BY tag ORDER BY tag");
      assert.deepEqual(rows, [0, 2, 4, 6, 8].map((i) => ({ tag: `t${i}`, c: 2 })));
      await db.query("DELETE FROM scratch");
    });

    it("lands all 50 concurrent increments (atomic update, and read-modify-write with txRetry)", async () => {
      await db.query("INSERT INTO scratch (id, n) VALUES (1, 0), (2, 0)");
      await Promise.all(Array.from({ length: 50 }, () => db.tx((q) => q.query("UPDATE scratch SET n = n + 1 WHERE id = 1"))));
      let retries = 0;
      await Promise.all(
        Array.from({ length: 50 }, () =>
          txRetry(
            db,
            async (q) => {
              const { rows } = await q.query<{ n: number }>("SELECT n FROM scratch WHERE id = 2");
              await q.query("UPDATE scratch SET n = $1 WHERE id = 2", [rows[0].n + 1]);
            },
            { attempts: 200, onRetry: () => void retries++ },
          ),
        ),
      );
      const { rows } = await db.query<{ id: number; n: number }>("SELECT id, n FROM scratch ORDER BY id");
      assert.deepEqual(rows, [{ id: 1, n: 50 }, { id: 2, n: 50 }]);
      if (db.kind === "pglite") assert.equal(retries, 0, "PGlite serializes transactions: nothing to retry");
      await db.query("DELETE FROM scratch");
    });

    it("retries a transaction that fails with a serialization failure", async () => {
      let calls = 0;
      const v = await txRetry(db, async (q) => {
        calls++;
        await q.query("INSERT INTO scratch (id) VALUES ($1)", [100 + calls]);
        if (calls < 3) throw new DbError("could not serialize access", { code: SqlState.serializationFailure });
        return calls;
      });
      assert.equal(v, 3);
      assert.deepEqual((await db.query<{ id: number }>("SELECT id FROM scratch")).rows, [{ id: 103 }]);
      await assert.rejects(
        txRetry(db, async () => {
          throw new DbError("x", { code: SqlState.serializationFailure });
        }, { attempts: 2 }),
        (e: unknown) => e instanceof DbError && e.code === SqlState.serializationFailure,
      );
      await db.query("DELETE FROM scratch");
    });

    it("maps constraint violations to DbError with SQLSTATE and constraint", async () => {
      await db.query("INSERT INTO users (id, username) VALUES ($1, 'alice')", ["11111111-1111-1111-1111-111111111111"]);
      const dup = await db.query("INSERT INTO users (id, username) VALUES ($1, 'alice')", ["22222222-2222-2222-2222-222222222222"]).catch((e: unknown) => e);
      assert.ok(dup instanceof DbError);
      assert.equal(dup.code, "23505");
      assert.equal(dup.table, "users");
      assert.equal(dup.constraint, "users_username_key");
      assert.ok(isUniqueViolation(dup));
      assert.ok(isUniqueViolation(dup, "users_username_key"));
      assert.equal(isUniqueViolation(dup, "users_pkey"), false);
      const fk = await db.query("INSERT INTO user_device (id, user_id) VALUES ('d', $1)", ["33333333-3333-3333-3333-333333333333"]).catch((e: unknown) => e);
      assert.ok(isForeignKeyViolation(fk));
      const check = await db.query("INSERT INTO scratch (id, n) VALUES (1, -1)").catch((e: unknown) => e);
      assert.ok(isCheckViolation(check, "scratch_n_check"));
      const bad = await db.query("SELECT $1::uuid", ["nope"]).catch((e: unknown) => e);
      assert.ok(bad instanceof DbError && bad.code === SqlState.invalidTextRepresentation);
      await db.query("DELETE FROM users WHERE username <> ''");
    });

    it("reports pool figures", () => {
      const s = db.stats();
      assert.ok(s.maxOpen >= 1);
      assert.ok(s.open <= s.maxOpen);
      assert.equal(s.inUse + s.idle, s.open);
      assert.equal(s.waiting, 0);
    });

    it("rejects work once closed (UNAVAILABLE), and close is idempotent", async () => {
      await db.close();
      await db.close();
      await assert.rejects(db.query("SELECT 1"), (e: unknown) => e instanceof GameError && e.code === Code.UNAVAILABLE);
      await assert.rejects(db.tx(async () => 1), (e: unknown) => e instanceof GameError && e.code === Code.UNAVAILABLE);
      assert.equal(db.stats().open, 0);
    });
  });
}

conformance("Db conformance: PGlite (in memory)", () => openMemoryDb({ migrate: false }));
conformance(
  "Db conformance: PostgreSQL",
  () => openTestPostgres(pgUrl ?? ""),
  pgUrl === undefined ? "TROUPE_TEST_DATABASE_URL not set: PostgreSQL cases skipped (CI always sets it; see .ci/postgres.sh)" : undefined,
);
