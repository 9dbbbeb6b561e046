// Owns the transport's public types: the request/response shapes every HTTP handler sees, the
// WebSocket hooks and connection handle, and the options of startTransport. Both implementations
// (uWebSockets.js and node:http + ws) satisfy exactly these contracts.
import type { Logger } from "../log.js";

/** One HTTP request, fully read (body already size-checked and decompressed). */
export interface HttpRequest {
  /** Upper-case method, e.g. "GET". */
  readonly method: string;
  /** The path as sent (still percent-encoded), without the query string, e.g. "/v2/rpc/a%20b". */
  readonly path: string;
  /** The raw query string without "?", or "". */
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  /** Lower-case header names; repeated headers are joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Client IP: X-Forwarded-For honouring `proxyCount`, else the peer address (IPv4-mapped IPv6 unwrapped). */
  readonly remoteAddress: string;
}

/** What a handler returns. Header names are case-insensitive; the transport writes them canonically. */
export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string body is sent as UTF-8. */
  body?: Buffer | string;
}

export type HttpHandler = (req: HttpRequest) => Promise<HttpResponse>;

/** Result of a WebSocket send. "backpressure": queued, but the socket's buffer is past the limit. */
export type SendResult = "ok" | "backpressure" | "closed";

/** Outcome of `WsHooks.upgrade`: accept with per-connection data, or refuse with a plain-text body. */
export type UpgradeDecision<D> = { ok: true; data: D } | { ok: false; status: number; body: string };

export interface WsConn<D> {
  readonly data: D;
  readonly remoteAddress: string;
  /** Never throws. Text frames for JSON (isBinary false), binary frames for protobuf. */
  send(data: Uint8Array | string, isBinary: boolean): SendResult;
  bufferedAmount(): number;
  /** Runs fn with the socket corked so several sends leave in one syscall. */
  cork(fn: () => void): void;
  /** Sends a close frame. The close hook runs once, asynchronously, with this code and reason. */
  close(code: number, reason: string): void;
  /** Sends a ping control frame (the session layer owns the ping period). */
  ping(): void;
  readonly closed: boolean;
}

export interface WsHooks<D> {
  /**
   * Called for a request on the WebSocket path (default "/ws"), with its query (`?token=…&format=…`).
   * Must not commit side effects: the socket may still fail to open. A refusal is written as Go's
   * http.Error does: `text/plain; charset=utf-8`, the body plus "\n".
   */
  upgrade(req: HttpRequest): Promise<UpgradeDecision<D>>;
  open(conn: WsConn<D>): void;
  /** `data` is a private copy the hook may keep. */
  message(conn: WsConn<D>, data: Buffer, isBinary: boolean): void;
  /** Called when the buffered amount falls back to or under the limit after a "backpressure" send. */
  drain?(conn: WsConn<D>): void;
  /** Called when a pong control frame arrives. */
  pong?(conn: WsConn<D>): void;
  /** Called exactly once per opened connection, never re-entrantly from inside `conn.close()`. */
  close(conn: WsConn<D>, code: number, reason: string): void;
}

export type TransportImpl = "uws" | "node";

export interface TransportOptions {
  /** 0 picks any free port; the real one is reported by the returned Transport. */
  port: number;
  /** Interface to listen on; "" means all interfaces. */
  address: string;
  impl: "auto" | TransportImpl;
  /** socket.max_request_size_bytes: limit on request bodies, compressed and decompressed. */
  maxRequestSizeBytes: number;
  /** socket.max_message_size_bytes: a bigger inbound WebSocket message closes the socket with 1009. */
  maxMessageSizeBytes: number;
  /** socket.idle_timeout_ms: HTTP keep-alive idle time (node impl; uWS fixes it at 10 s). */
  idleTimeoutMs: number;
  /** Per-socket outgoing buffer above which `send` reports "backpressure". At 4x it closes (1008). */
  maxBackpressureBytes: number;
  /** socket.response_headers: added to HTTP responses that did not set them. */
  responseHeaders: Readonly<Record<string, string>>;
  log: Logger;
  /** socket.proxy_count (default 1): trusted proxies appending to X-Forwarded-For; 0 ignores it. */
  proxyCount?: number;
  /** WebSocket path (default "/ws"). */
  wsPath?: string;
  /** socket.close_ack_wait_ms (default 2000): how long a closed socket waits for the peer's close frame. */
  closeAckWaitMs?: number;
}

export interface TransportHandlers<D> {
  http: HttpHandler;
  ws?: WsHooks<D>;
}

export interface Transport {
  readonly port: number;
  readonly impl: TransportImpl;
  /** Stops listening, closes open WebSockets with 1001 and every HTTP connection; frees the port. */
  close(): Promise<void>;
}
