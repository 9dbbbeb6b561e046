import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, GameError } from "../errors.js";
import { describeAddress, parseAddress, redactRaw } from "./address.js";

describe("parseAddress", () => {
  it("reads Nakama's short form with defaults (user root, database nakama, port 5432)", () => {
    assert.deepEqual(parseAddress("root@localhost:26257"), {
      user: "root", password: undefined, host: "localhost", port: 26257, database: "nakama",
      sslmode: undefined, options: undefined, applicationName: undefined,
    });
    const a = parseAddress("troupe:s3cret@db.example.com:5433/game");
    assert.deepEqual([a.user, a.password, a.host, a.port, a.database], ["troupe", "s3cret", "db.example.com", 5433, "game"]);
    const b = parseAddress("localhost");
    assert.deepEqual([b.user, b.password, b.host, b.port, b.database], ["root", undefined, "localhost", 5432, "nakama"]);
  });

  it("reads postgres:// and postgresql:// URLs with query parameters", () => {
    const a = parseAddress("postgres://u:p%40ss@127.0.0.1:55432/troupe?sslmode=require&application_name=x&options=-c%20search_path%3Dt1");
    assert.deepEqual([a.user, a.password, a.host, a.port, a.database], ["u", "p@ss", "127.0.0.1", 55432, "troupe"]);
    assert.equal(a.sslmode, "require");
    assert.equal(a.applicationName, "x");
    assert.equal(a.options, "-c search_path=t1");
    const b = parseAddress("postgresql://u@[::1]/db");
    assert.deepEqual([b.host, b.port, b.database], ["::1", 5432, "db"]);
    assert.equal(describeAddress(b), "u@[::1]:5432/db");
  });

  it("takes the last @ as the end of the credentials", () => {
    const a = parseAddress("user:p@ss@host:1/db");
    assert.deepEqual([a.user, a.password, a.host], ["user", "p@ss", "host"]);
  });

  it("rejects bad addresses with INVALID_ARGUMENT and no password in the message", () => {
    for (const bad of ["", "mysql://u:pw@h/db", "u:hunter2@h:99999/db", "u:hunter2@h/a/b", "u:hunter2@h/db?sslmode=bogus"]) {
      assert.throws(() => parseAddress(bad), (e: unknown) => {
        assert.ok(e instanceof GameError, bad);
        assert.equal(e.code, Code.INVALID_ARGUMENT);
        assert.ok(!e.message.includes("hunter2"), e.message);
        return true;
      });
    }
  });
});

describe("describeAddress / redactRaw", () => {
  it("never shows the password", () => {
    assert.equal(describeAddress(parseAddress("troupe:s3cret@h:5/db")), "troupe@h:5/db");
    assert.equal(redactRaw("postgres://u:s3cret@h/db"), "postgres://u:***@h/db");
    assert.equal(redactRaw("u:s3cret@h/db"), "u:***@h/db");
    assert.equal(redactRaw("u@h/db"), "u@h/db");
  });
});
