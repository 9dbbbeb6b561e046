// Owns the request pipeline both implementations share, so they answer identically: CORS preflight,
// body limit, request decompression, the WebSocket path's gate (hooks.upgrade, then handshake checks
// as gorilla/websocket orders them), the handler call with a last-resort 500, and response finishing.
import { BodyCollector, decodeBody } from "./body.js";
import { buildRequest } from "./request.js";
import type { RequestHead } from "./request.js";
import { ResponseFinisher, corsPreflight, normalizeResponseHeaders, plainTextResponse } from "./response.js";
import type { FinalResponse } from "./response.js";
import type { Logger } from "../log.js";
import type { HttpHandler, HttpRequest, HttpResponse, WsHooks } from "./types.js";

export interface PipelineConfig<D> {
  maxRequestSizeBytes: number;
  proxyCount: number;
  responseHeaders: Readonly<Record<string, string>>;
  wsPath: string;
  log: Logger;
  http: HttpHandler;
  ws: WsHooks<D> | undefined;
}

export type WsGate<D> = { ok: true; data: D; req: HttpRequest } | { ok: false; response: FinalResponse };

const EMPTY = Buffer.alloc(0);
const WS_VERSION_HEADER: [string, string] = ["Sec-Websocket-Version", "13"];

export function jsonError(status: number, code: number, message: string): HttpResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify({ code, message }) };
}

export class HttpPipeline<D> {
  private readonly finisher: ResponseFinisher;

  constructor(private readonly cfg: PipelineConfig<D>) {
    this.finisher = new ResponseFinisher(normalizeResponseHeaders(cfg.responseHeaders));
  }

  get limit(): number {
    return this.cfg.maxRequestSizeBytes;
  }

  /** Answers that need no body: a CORS preflight, or a Content-Length far past the limit (then close). */
  early(head: RequestHead): Promise<FinalResponse> | null {
    const preflight = corsPreflight(head);
    if (preflight !== null) return Promise.resolve(preflight);
    if (BodyCollector.rejectUpfront(head.headers["content-length"], this.limit)) return this.tooLarge(head, true);
    return null;
  }

  /** 400 {"code":3,"message":"http: request body too large"}; `close` when the body was not drained. */
  async tooLarge(head: RequestHead, close: boolean): Promise<FinalResponse> {
    const res = await this.finisher.finish(head, jsonError(400, 3, "http: request body too large"));
    res.close = close;
    return res;
  }

  /** Runs a fully received request. Never rejects. */
  async run(head: RequestHead, collector: BodyCollector): Promise<FinalResponse> {
    try {
      if (collector.overflowed) return await this.tooLarge(head, false);
      const decoded = decodeBody(collector.body(), head.headers["content-encoding"], this.limit);
      if (!decoded.ok) {
        if (decoded.tooLarge) return await this.tooLarge(head, false);
        return await this.finish(head, jsonError(400, 3, decoded.message));
      }
      if (this.cfg.ws !== undefined && head.path === this.cfg.wsPath) return await this.wsWithoutUpgrade(head);
      const req = buildRequest(head, decoded.body, this.cfg.proxyCount);
      let res: HttpResponse;
      try {
        res = await this.cfg.http(req);
      } catch (err) {
        this.cfg.log.error({ err, method: head.method, path: head.path }, "http handler failed");
        res = jsonError(500, 13, "Internal Server Error");
      }
      const f = this.finish(head, res);
      return f instanceof Promise ? await f : f;
    } catch (err) {
      this.cfg.log.error({ err, method: head.method, path: head.path }, "http pipeline failed");
      return plainTextResponse(head, 500, "Internal Server Error");
    }
  }

  /** Is this upgrade request for the WebSocket endpoint (and are there hooks to serve it)? */
  isWsUpgrade(head: RequestHead): boolean {
    return this.cfg.ws !== undefined && head.path === this.cfg.wsPath;
  }

  /** Asks hooks.upgrade; a refusal (or a throw, as 500) becomes a plain-text response. Never rejects. */
  async wsGate(head: RequestHead): Promise<WsGate<D>> {
    const hooks = this.cfg.ws;
    if (hooks === undefined) return { ok: false, response: plainTextResponse(head, 404, "Not Found") };
    const req = buildRequest(head, EMPTY, this.cfg.proxyCount);
    try {
      const d = await hooks.upgrade(req);
      if (d.ok) return { ok: true, data: d.data, req };
      const response = plainTextResponse(head, d.status, d.body);
      response.close = true;
      return { ok: false, response };
    } catch (err) {
      this.cfg.log.error({ err, path: head.path }, "websocket upgrade hook failed");
      const response = plainTextResponse(head, 500, "Internal Server Error");
      response.close = true;
      return { ok: false, response };
    }
  }

  /** gorilla/websocket's answer to a bad handshake, once the hooks accepted the request. */
  badHandshake(head: RequestHead): FinalResponse {
    const response = plainTextResponse(head, 400, "Bad Request", [WS_VERSION_HEADER]);
    response.close = true;
    return response;
  }

  /** True when an upgrade request's handshake headers are acceptable (RFC 6455 §4.2.1). */
  static validHandshake(head: RequestHead): boolean {
    const h = head.headers;
    const key = h["sec-websocket-key"] ?? "";
    return (
      head.method === "GET" &&
      /(^|,)\s*upgrade\s*(,|$)/i.test(h["connection"] ?? "") &&
      /(^|,)\s*websocket\s*(,|$)/i.test(h["upgrade"] ?? "") &&
      /(^|,)\s*13\s*(,|$)/.test(h["sec-websocket-version"] ?? "") &&
      /^[A-Za-z0-9+/]{22}==$/.test(key)
    );
  }

  /** A request on the WebSocket path that is not a valid upgrade: hooks first, then 400. */
  private async wsWithoutUpgrade(head: RequestHead): Promise<FinalResponse> {
    const gate = await this.wsGate(head);
    return gate.ok ? this.badHandshake(head) : gate.response;
  }

  private finish(head: RequestHead, res: HttpResponse): FinalResponse | Promise<FinalResponse> {
    return this.finisher.finish(head, res);
  }
}
