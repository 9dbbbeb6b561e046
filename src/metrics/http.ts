// Owns the Prometheus listener: its own node:http server (not the game transport) on
// metrics.prometheus_port, answering GET/HEAD on any path with the registry in text format, as Nakama
// serves it (any path, CORS open for GET/HEAD). Port 0 here picks a free port (the config treats 0 as
// "off" before it gets here); the bound port is reported.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "../log.js";
import { CONTENT_TYPE } from "./exposition.js";
import type { Registry } from "./registry.js";

export interface MetricsServerOptions {
  port: number;
  /** "" for every interface. */
  address: string;
  registry: Registry;
  log: Logger;
}

export interface MetricsServer {
  readonly port: number;
  /** Stops listening and cuts open connections. Idempotent. */
  close(): Promise<void>;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD",
  "access-control-allow-headers": "Content-Type, User-Agent",
};

function answer(registry: Registry, log: Logger, req: IncomingMessage, res: ServerResponse): void {
  if (req.method === "OPTIONS") {
    res.writeHead(204, CORS).end();
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { ...CORS, allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("Method Not Allowed\n");
    return;
  }
  let body: string;
  try {
    body = registry.render();
  } catch (err) {
    log.error({ err }, "metrics scrape failed");
    res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("scrape failed\n");
    return;
  }
  res.writeHead(200, { ...CORS, "content-type": CONTENT_TYPE, "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}

export async function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    req.resume(); // a body, if any, is ignored
    answer(o.registry, o.log, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const done = () => {
      server.off("error", reject);
      resolve();
    };
    if (o.address === "") server.listen(o.port, done);
    else server.listen(o.port, o.address, done);
  });
  server.on("error", (err) => o.log.error({ err }, "metrics listener failed"));
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : o.port;
  o.log.info({ port }, "Starting Prometheus server for metrics requests");
  let closing: Promise<void> | null = null;
  return {
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
