// Owns a minimal WebSocket client for load tools: node:net, one handshake, unfragmented client frames
// with an all-zero mask (so a prebuilt frame can be patched in place and resent), fragmented server
// messages joined, pings answered, close detected. Cheap enough that one process can drive a server on
// the other core.
import { connect, type Socket } from "node:net";

const OP_CONT = 0;
const OP_TEXT = 1;
const OP_BINARY = 2;
const OP_CLOSE = 8;
const OP_PING = 9;
const OP_PONG = 10;

/** Builds a masked (zero mask) client frame around `payload`. */
export function clientFrame(op: number, payload: Uint8Array): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const f = Buffer.allocUnsafe(head + 4 + n);
  f[0] = 0x80 | op;
  if (n < 126) f[1] = 0x80 | n;
  else if (n < 65536) {
    f[1] = 0x80 | 126;
    f.writeUInt16BE(n, 2);
  } else {
    f[1] = 0x80 | 127;
    f.writeBigUInt64BE(BigInt(n), 2);
  }
  f.writeUInt32BE(0, head);
  f.set(payload, head + 4);
  return f;
}

/** Offset of the payload inside a frame built by clientFrame. */
export function payloadOffset(payloadLength: number): number {
  return (payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10) + 4;
}

export class MiniWs {
  /** Called with each text/binary message (a view into a buffer that is reused: copy what you keep). */
  onMessage: (data: Buffer, binary: boolean) => void = () => undefined;
  onClose: (code: number, reason: string) => void = () => undefined;
  closed = false;
  private buf: Buffer = Buffer.alloc(0);
  private paused = false;
  private fragments: { binary: boolean; parts: Buffer[] } | null = null;

  private constructor(readonly socket: Socket) {}

  /** Opens `ws://host:port{path}`; rejects with the status line on a refused upgrade, or after `timeoutMs`. */
  static open(port: number, path: string, host = "127.0.0.1", timeoutMs = 15_000): Promise<MiniWs> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`websocket upgrade timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      let head = Buffer.alloc(0);
      const onData = (d: Buffer): void => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        clearTimeout(timer);
        socket.off("data", onData);
        socket.off("error", onError);
        const status = head.subarray(0, head.indexOf("\r\n")).toString();
        if (!status.includes(" 101 ")) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${status}`));
          return;
        }
        const ws = new MiniWs(socket);
        // Frames may come in the same packet as the 101: hold them (and any that follow) until the caller
        // has had its turn to set onMessage, then deliver in order.
        ws.paused = true;
        ws.buf = Buffer.from(head.subarray(end + 4));
        socket.on("data", (c: Buffer) => ws.feed(c));
        socket.on("close", () => ws.ended(1006, ""));
        socket.on("error", () => ws.ended(1006, ""));
        resolve(ws);
        setImmediate(() => {
          ws.paused = false;
          ws.feed(Buffer.alloc(0));
        });
      };
      const onError = (e: Error): void => {
        clearTimeout(timer);
        reject(e);
      };
      socket.on("data", onData);
      socket.once("error", onError);
      const hostHeader = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
    });
  }

  send(data: Uint8Array | string): void {
    const binary = typeof data !== "string";
    this.socket.write(clientFrame(binary ? OP_BINARY : OP_TEXT, binary ? data : Buffer.from(data)));
  }

  /** Writes a prebuilt frame (see clientFrame). */
  sendFrame(frame: Buffer): void {
    this.socket.write(frame);
  }

  close(): void {
    if (this.closed) return;
    this.socket.end(clientFrame(OP_CLOSE, Buffer.from([0x03, 0xe8])));
  }

  private ended(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(code, reason);
  }

  private feed(chunk: Buffer): void {
    const b = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (this.paused) {
      this.buf = Buffer.from(b);
      return;
    }
    let off = 0;
    for (;;) {
      if (b.length - off < 2) break;
      const fin = (b[off] & 0x80) !== 0;
      const op = b[off] & 0x0f;
      let len = b[off + 1] & 0x7f;
      let p = off + 2;
      if (len === 126) {
        if (b.length - off < 4) break;
        len = b.readUInt16BE(off + 2);
        p = off + 4;
      } else if (len === 127) {
        if (b.length - off < 10) break;
        len = Number(b.readBigUInt64BE(off + 2));
        p = off + 10;
      }
      if (b.length < p + len) break;
      const payload = b.subarray(p, p + len);
      off = p + len;
      if (op === OP_TEXT || op === OP_BINARY || op === OP_CONT) this.data(op, fin, payload);
      else if (op === OP_PING) this.socket.write(clientFrame(OP_PONG, payload));
      else if (op === OP_CLOSE) {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.ended(code, payload.subarray(2).toString());
        this.socket.end();
      }
    }
    this.buf = off === b.length ? Buffer.alloc(0) : Buffer.from(b.subarray(off));
  }

  /** Delivers a data frame, joining fragmented messages (servers split messages past their write buffer). */
  private data(op: number, fin: boolean, payload: Buffer): void {
    if (op !== OP_CONT && fin) {
      this.onMessage(payload, op === OP_BINARY);
      return;
    }
    if (op !== OP_CONT) this.fragments = { binary: op === OP_BINARY, parts: [] };
    if (this.fragments === null) return;
    this.fragments.parts.push(Buffer.from(payload));
    if (!fin) return;
    const { binary, parts } = this.fragments;
    this.fragments = null;
    this.onMessage(Buffer.concat(parts), binary);
  }
}
