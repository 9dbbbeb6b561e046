// Troupe's package entry point for embedders: start a server from a config, and the config helpers.
export { startServer, type ServerHandle, type StartOptions } from "./main.js";
export { configFrom, loadConfig, ConfigError, type LoadedConfig } from "./config/load.js";
export type { Config } from "./config/schema.js";
export { GameError, Code } from "./errors.js";
