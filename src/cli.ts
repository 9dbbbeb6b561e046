#!/usr/bin/env node
// Owns the `troupe` command line: start (default), migrate, check, healthcheck, --version, --help.
// Every failure ends in one line on stderr naming the problem and a non-zero exit, never a stack trace.
import { loadConfig, ConfigError, type LoadedConfig } from "./config/load.js";
import { renderFlagHelp } from "./config/reference.js";
import { packageVersion } from "./lib/paths.js";
import { GameError } from "./errors.js";

const usage = `Usage:
  troupe [start] [flags]               start the server (the default)
  troupe migrate up|down|redo|status [--limit N] [flags]
                                       manage the database schema
  troupe prepare                       cache an initialised embedded database (run by npm install)
  troupe check [flags]                 load the runtime modules, then exit (1 on error)
  troupe healthcheck [port] [flags]    exit 0 when the server on the port answers GET / with 200
  troupe --version                     print the version
  troupe --help                        print this help

Flags (also readable from a YAML file with --config file.yml, and from
environment variables TROUPE_<SECTION>_<KEY>):
  --config <file>  YAML config file; repeat for several, later ones override`;

function die(message: string): never {
  process.stderr.write(`troupe: ${message}\n`);
  process.exit(1);
}

function takeLimit(args: string[]): { limit: number | undefined; rest: string[] } {
  const rest: string[] = [];
  let limit: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const m = /^--?limit(?:=(.*))?$/.exec(args[i]);
    if (!m) {
      rest.push(args[i]);
      continue;
    }
    const text = m[1] ?? args[++i];
    if (text === undefined || !/^\d+$/.test(text)) die(`bad value for '--limit': expected a whole number`);
    limit = Number(text);
  }
  return { limit, rest };
}

function load(argv: string[]): LoadedConfig {
  return loadConfig({ argv, env: process.env, cwd: process.cwd() });
}

async function main(args: string[]): Promise<void> {
  const first = args[0];
  if (first === "--version" || first === "-version" || first === "-v") {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  if (first === "--help" || first === "-help" || first === "-h" || first === "help") {
    process.stdout.write(`${usage}\n${renderFlagHelp()}\n`);
    return;
  }
  const commands = await import("./commands.js");
  switch (first) {
    case "migrate": {
      const action = args[1];
      if (!["up", "down", "redo", "status"].includes(action ?? "")) die("migrate needs one of up, down, redo, status");
      const { limit, rest } = takeLimit(args.slice(2));
      await commands.migrate(load(rest), action as "up" | "down" | "redo" | "status", limit);
      return;
    }
    case "healthcheck": {
      const hasPort = args[1] !== undefined && /^\d+$/.test(args[1]);
      const loaded = load(args.slice(hasPort ? 2 : 1));
      const ok = await commands.healthcheck(loaded, hasPort ? Number(args[1]) : undefined);
      process.exit(ok ? 0 : 1);
      return;
    }
    case "prepare":
      await commands.prepare(load(args.slice(1)));
      return;
    case "check":
      await commands.check(load(args.slice(1)));
      return;
    case "start":
      await commands.start(load(args.slice(1)));
      return;
    default:
      if (first !== undefined && !first.startsWith("-")) die(`unknown command '${first}' (see troupe --help)`);
      await commands.start(load(args));
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof GameError) die(err.message);
  die(err instanceof Error ? err.message : String(err));
});
