// Owns a minimal keep-alive HTTP/1.1 client for load tools: node:net, one request in flight per
// connection, responses framed by Content-Length, chunked transfer encoding or connection close (so it
// reads real Nakama's Go responses as well as Troupe's), requests prebuilt once and resent as bytes.
// Cheaper than fetch by a wide margin, which matters when one core drives a server on the other.
// HttpPool spreads setup requests over a few connections.
import { connect, type Socket } from "node:net";

export interface HttpReply {
  readonly status: number;
  readonly body: Buffer;
}

/** Builds the bytes of one request (Host and Content-Length added). */
export function buildRequest(method: string, path: string, host: string, headers: Record<string, string>, body: string | Buffer = ""): Buffer {
  const b = typeof body === "string" ? Buffer.from(body) : body;
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  head += `Content-Length: ${b.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), b]);
}

/** Parsed response head: status, header block end, and how the body is framed. */
interface Head {
  status: number;
  bodyStart: number;
  length: number | "chunked" | "close";
}

function parseHead(buf: Buffer): Head | null {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const text = buf.subarray(0, end).toString("latin1");
  const status = Number(text.slice(9, 12));
  const cl = /\r\ncontent-length: *(\d+)/i.exec(text);
  const chunked = /\r\ntransfer-encoding: *[^\r]*chunked/i.test(text);
  const length = chunked ? "chunked" : cl !== null ? Number(cl[1]) : status === 204 || status === 304 ? 0 : "close";
  return { status, bodyStart: end + 4, length };
}

/** Decodes a chunked body starting at `from`; null until the terminating chunk has arrived. */
function parseChunked(buf: Buffer, from: number): { body: Buffer; end: number } | null {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const eol = buf.indexOf("\r\n", at);
    if (eol < 0) return null;
    const size = parseInt(buf.subarray(at, eol).toString("latin1"), 16);
    if (Number.isNaN(size)) throw new Error("bad chunk size");
    if (size === 0) {
      const trailerEnd = buf.indexOf("\r\n\r\n", eol);
      const end = buf.subarray(eol, eol + 4).toString("latin1") === "\r\n\r\n" ? eol + 4 : trailerEnd < 0 ? -1 : trailerEnd + 4;
      if (end < 0) return null;
      return { body: Buffer.concat(parts), end };
    }
    if (buf.length < eol + 2 + size + 2) return null;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

export class RawHttp {
  closed = false;
  private buf: Buffer = Buffer.alloc(0);
  private waiter: { resolve: (r: HttpReply) => void; reject: (e: Error) => void } | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (d: Buffer) => this.feed(d));
    socket.on("close", () => this.ended(new Error("connection closed by server")));
    socket.on("error", (e) => this.ended(e));
  }

  static open(host: string, port: number, timeoutMs = 10_000): Promise<RawHttp> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      s.setNoDelay(true);
      s.once("connect", () => {
        clearTimeout(timer);
        s.off("error", reject);
        resolve(new RawHttp(s));
      });
      s.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Sends prebuilt request bytes (see buildRequest); resolves with the whole response. */
  send(request: Buffer): Promise<HttpReply> {
    if (this.closed) return Promise.reject(new Error("connection closed"));
    if (this.waiter !== null) return Promise.reject(new Error("a request is already in flight"));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private ended(err: Error): void {
    if (this.closed && this.waiter === null) return;
    // A response framed by connection close is complete now.
    const head = parseHead(this.buf);
    if (this.waiter !== null && head !== null && head.length === "close") {
      this.finish({ status: head.status, body: Buffer.from(this.buf.subarray(head.bodyStart)) }, this.buf.length);
    }
    this.closed = true;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(err);
  }

  private feed(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const head = parseHead(this.buf);
    if (head === null || head.length === "close") return;
    if (head.length === "chunked") {
      const c = parseChunked(this.buf, head.bodyStart);
      if (c !== null) this.finish({ status: head.status, body: Buffer.from(c.body) }, c.end);
      return;
    }
    const end = head.bodyStart + head.length;
    if (this.buf.length >= end) this.finish({ status: head.status, body: Buffer.from(this.buf.subarray(head.bodyStart, end)) }, end);
  }

  private finish(reply: HttpReply, consumed: number): void {
    this.buf = consumed >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(consumed);
    const w = this.waiter;
    this.waiter = null;
    w?.resolve(reply);
  }
}

/** Up to `size` keep-alive connections shared by concurrent requests (for setup traffic). */
export class HttpPool {
  private readonly idle: RawHttp[] = [];
  private readonly queue: Array<{ resolve: (c: RawHttp) => void; reject: (e: Error) => void }> = [];
  private open = 0;

  constructor(readonly host: string, readonly port: number, private readonly size: number) {}

  async request(method: string, path: string, headers: Record<string, string>, body: string | Buffer = ""): Promise<HttpReply> {
    const conn = await this.take();
    try {
      return await conn.send(buildRequest(method, path, this.host, headers, body));
    } finally {
      this.give(conn);
    }
  }

  close(): void {
    for (const c of this.idle) c.close();
    this.idle.length = 0;
  }

  private async take(): Promise<RawHttp> {
    for (;;) {
      const c = this.idle.pop();
      if (c === undefined) break;
      if (!c.closed) return c;
      this.open--;
    }
    if (this.open < this.size) {
      this.open++;
      try {
        return await RawHttp.open(this.host, this.port);
      } catch (e) {
        this.open--;
        throw e;
      }
    }
    return new Promise((resolve, reject) => this.queue.push({ resolve, reject }));
  }

  private give(c: RawHttp): void {
    const next = this.queue.shift();
    if (c.closed) {
      this.open--;
      if (next !== undefined) this.take().then(next.resolve, next.reject);
      return;
    }
    if (next !== undefined) next.resolve(c);
    else this.idle.push(c);
  }
}
