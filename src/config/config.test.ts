// Unit tests of config loading: sources and their order, unknown keys, bad values, cross-key rules,
// warnings, and that data/config.reference.yml matches the schema.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, configFrom, ConfigError, parseFlags } from "./load.js";
import { renderReferenceYaml } from "./reference.js";
import { packageRoot } from "../lib/paths.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "troupe-config-"));
const load = (argv: string[], env: Record<string, string> = {}) => loadConfig({ argv, env, cwd: tmp });
const yml = (name: string, text: string) => {
  const f = path.join(tmp, name);
  writeFileSync(f, text);
  return f;
};

test("defaults follow Nakama's keys and values", () => {
  const { config } = load([]);
  assert.equal(config.socket.port, 7350);
  assert.equal(config.socket.server_key, "defaultkey");
  assert.equal(config.session.token_expiry_sec, 60);
  assert.equal(config.session.refresh_token_expiry_sec, 3600);
  assert.equal(config.socket.max_request_size_bytes, 262144);
  assert.equal(config.matchmaker.interval_sec, 15);
  assert.equal(config.runtime.js_max_count, 32);
  assert.deepEqual(config.database.address, []);
  assert.equal(config.data_dir, path.join(tmp, "data"));
  assert.equal(config.runtime.path, path.join(tmp, "data", "modules"));
});

test("flags in Nakama's forms: --k v, --k=v, -k v, bare bool, repeated lists", () => {
  const { config } = load([
    "--socket.port", "9000", "--logger.level=DEBUG", "-runtime.path", "mods", "--session.single_socket",
    "--runtime.env", "A=1", "--runtime.env=B=2", "--database.address", "root@localhost:26257",
  ]);
  assert.equal(config.socket.port, 9000);
  assert.equal(config.logger.level, "debug");
  assert.equal(config.runtime.path, path.join(tmp, "mods"));
  assert.equal(config.session.single_socket, true);
  assert.deepEqual(config.runtime.env, ["A=1", "B=2"]);
  assert.deepEqual(config.database.address, ["root@localhost:26257"]);
});

test("sources override in order: defaults < YAML files < environment < flags", () => {
  const a = yml("a.yml", "socket:\n  port: 8001\n  server_key: fromfile\nname: fileA\n");
  const b = yml("b.yml", "socket:\n  port: 8002\n");
  const env = { TROUPE_SOCKET_SERVER_KEY: "fromenv", TROUPE_NAME: "envname" };
  const { config, files } = load(["--config", a, "--config", b, "--name", "flagname"], env);
  assert.deepEqual(files, [a, b]);
  assert.equal(config.socket.port, 8002);
  assert.equal(config.socket.server_key, "fromenv");
  assert.equal(config.name, "flagname");
});

test("unknown keys fail naming the key, from every source", () => {
  assert.throws(() => load(["--socket.prot", "1"]), (e: Error) => e instanceof ConfigError && e.message.includes("'socket.prot'"));
  const f = yml("u.yml", "socket:\n  portt: 1\n");
  assert.throws(() => load(["--config", f]), /unknown config key 'socket.portt' \(.*u\.yml\)/);
  assert.throws(() => load([], { TROUPE_SOCKET_PROT: "1" }), /TROUPE_SOCKET_PROT/);
  assert.throws(() => load(["--nosuchsection.key=1"]), /'nosuchsection.key'/);
});

test("bad values fail naming the key", () => {
  assert.throws(() => load(["--socket.port", "abc"]), /'socket.port'.*whole number/);
  assert.throws(() => load(["--socket.port", "70000"]), /'socket.port'.*maximum/);
  assert.throws(() => load(["--logger.level", "loud"]), /'logger.level'/);
  assert.throws(() => load(["--session.single_socket=maybe"]), /'session.single_socket'/);
  const f = yml("bad.yml", "socket:\n  port: \"7350\"\n");
  assert.throws(() => load(["--config", f]), /'socket.port'.*bad\.yml/);
  const g = yml("broken.yml", "socket: [\n");
  assert.throws(() => load(["--config", g]), /not valid YAML/);
  assert.throws(() => load(["--config", path.join(tmp, "missing.yml")]), /cannot read config file/);
  assert.throws(() => load(["stray"]), /unexpected argument 'stray'/);
});

test("Nakama's cross-key rules are fatal", () => {
  assert.throws(() => load(["--name", "x".repeat(17)]), /'name'/);
  assert.throws(() => load(["--session.refresh_encryption_key", "defaultencryptionkey"]), /must differ/);
  assert.throws(() => load(["--session.single_match"]), /requires session.single_socket/);
  assert.throws(() => load(["--socket.ssl_certificate", "c.pem"]), /set together/);
  assert.throws(() => load(["--socket.server_key="]), /'socket.server_key'.*empty/);
});

test("insecure defaults are accepted with warnings; changed keys are not warned about", () => {
  const { warnings } = load([]);
  for (const key of ["socket.server_key", "runtime.http_key", "session.encryption_key", "session.refresh_encryption_key"]) {
    assert.ok(warnings.some((w) => w.includes(key)), `warning for ${key}`);
  }
  const { warnings: w2 } = load(["--socket.server_key", "s3cret"]);
  assert.ok(!w2.some((w) => w.includes("socket.server_key")));
});

test("the config is frozen", () => {
  const { config } = configFrom({ "socket.port": 0 });
  assert.equal(config.socket.port, 0);
  assert.throws(() => {
    (config.socket as { port: number }).port = 1;
  });
});

test("parseFlags keeps negative numbers as values", () => {
  assert.deepEqual(parseFlags(["--metrics.custom_scope_limit", "-1"]).flags, [["metrics.custom_scope_limit", "-1"]]);
});

test("data/config.reference.yml is generated from the schema and loads back to the defaults", () => {
  const file = path.join(packageRoot(), "data", "config.reference.yml");
  assert.equal(readFileSync(file, "utf8"), renderReferenceYaml(), "run `npm run gen:config`");
  const { config } = load(["--config", file]);
  assert.deepEqual(config, load([]).config);
});
