// Owns the transport's entry point: picks uWebSockets.js or the node:http + ws fallback ("auto"
// falls back with a warning when the native binary cannot load), wires the shared pipeline, and
// re-exports the transport's public API.
import { HttpPipeline } from "./pipeline.js";
import { startNode } from "./node.js";
import { loadUws, startUws } from "./uws.js";
import type { UwsModule } from "./uws.js";
import type { ConnLimits } from "./ws-conn.js";
import type { Logger } from "../log.js";
import type { Transport, TransportHandlers, TransportImpl, TransportOptions } from "./types.js";

export type {
  HttpHandler,
  HttpRequest,
  HttpResponse,
  SendResult,
  Transport,
  TransportHandlers,
  TransportImpl,
  TransportOptions,
  UpgradeDecision,
  WsConn,
  WsHooks,
} from "./types.js";
export { COMPRESS_MIN_BYTES } from "./response.js";
export { DISCARD_CAP_BYTES } from "./body.js";
export { ByteSlab } from "./slab.js";

/** Beyond this multiple of maxBackpressureBytes a connection is closed (1008) rather than buffered. */
export const HARD_BACKPRESSURE_FACTOR = 4;

export type ImplChoice = { impl: "node" } | { impl: "uws"; uws: UwsModule };

/** Resolves `impl`; "uws" fails loudly, "auto" falls back to node with a warning. */
export function selectImpl(impl: TransportOptions["impl"], load: () => UwsModule, log: Logger): ImplChoice {
  if (impl === "node") return { impl: "node" };
  try {
    return { impl: "uws", uws: load() };
  } catch (err) {
    if (impl === "uws") throw new Error("transport: uWebSockets.js (@rjweb/uws) cannot load here", { cause: err });
    log.warn({ err }, "uWebSockets.js cannot load on this platform; using the slower node:http + ws transport");
    return { impl: "node" };
  }
}

/** Starts listening. Handlers see fully read requests; WebSocket hooks are optional. */
export async function startTransport<D>(
  opts: TransportOptions,
  handlers: TransportHandlers<D>,
  load: () => UwsModule = loadUws,
): Promise<Transport> {
  const log = opts.log.child({ module: "transport" });
  const wsPath = opts.wsPath ?? "/ws";
  const pipeline = new HttpPipeline<D>({
    maxRequestSizeBytes: opts.maxRequestSizeBytes,
    proxyCount: opts.proxyCount ?? 1,
    responseHeaders: opts.responseHeaders,
    wsPath,
    log,
    http: handlers.http,
    ws: handlers.ws,
  });
  const limits: ConnLimits = {
    softBytes: opts.maxBackpressureBytes,
    hardBytes: opts.maxBackpressureBytes * HARD_BACKPRESSURE_FACTOR,
  };
  const common = { port: opts.port, address: opts.address, maxMessageSizeBytes: opts.maxMessageSizeBytes, limits, wsPath, log };
  const choice = selectImpl(opts.impl, load, log);
  const transport =
    choice.impl === "uws"
      ? await startUws(choice.uws, common, pipeline, handlers.ws)
      : await startNode(
          { ...common, idleTimeoutMs: opts.idleTimeoutMs, closeAckWaitMs: opts.closeAckWaitMs ?? 2000 },
          pipeline,
          handlers.ws,
        );
  log.info({ port: transport.port, impl: transport.impl satisfies TransportImpl }, "transport listening");
  return transport;
}
