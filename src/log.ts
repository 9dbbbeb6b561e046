// Owns logging: pino JSON lines with Nakama-like fields (level as a word, ts ISO-8601, msg, module/caller)
// and child loggers that carry ids (uid, sid, mid, rpc_id…).
import { pino, destination, multistream } from "pino";
import type { DestinationStream, Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogOptions {
  level: LogLevel;
  /** Where lines go; defaults to stdout. Tests pass a memory stream. */
  destination?: DestinationStream;
  /** Log to stdout (Nakama's logger.stdout); when false and no file, logs are discarded. */
  stdout?: boolean;
  /** Also append to this file (Nakama's logger.file). */
  file?: string;
  /** "json" (default) or "stackdriver" key names. */
  format?: "json" | "stackdriver";
}

/** Creates the root logger. Every other logger is a child of it: `log.child({ module: "x" })`. */
export function createLogger(opts: LogOptions): Logger {
  const stackdriver = opts.format === "stackdriver";
  const targets: DestinationStream[] = [];
  if (opts.destination) targets.push(opts.destination);
  else if (opts.stdout !== false) targets.push(destination({ fd: 1, sync: false }));
  if (opts.file) targets.push(destination({ dest: opts.file, mkdir: true, sync: false }));
  const stream: DestinationStream =
    targets.length === 1 ? targets[0] : multistream(targets.map((s) => ({ stream: s, level: opts.level })));
  return pino(
    {
      level: targets.length === 0 ? "silent" : opts.level,
      base: undefined,
      messageKey: stackdriver ? "message" : "msg",
      timestamp: () => `,"${stackdriver ? "time" : "ts"}":"${new Date().toISOString()}"`,
      formatters: { level: (label) => (stackdriver ? { severity: label.toUpperCase() } : { level: label }) },
    },
    stream,
  );
}

/** A logger that drops everything (for unit tests and tools). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
