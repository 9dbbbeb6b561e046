// Owns request bodies: bounded collection (socket.max_request_size_bytes, without buffering past
// the limit) and Content-Encoding gzip/deflate decoding with the same limit on the decoded size.
import { constants as zc, gunzipSync, inflateRawSync, inflateSync } from "node:zlib";

/**
 * After a body passes the limit we keep reading and discarding up to this many more bytes, so a
 * client that is still uploading gets a clean 400 on a live connection instead of a reset. Past it
 * (or when Content-Length already announces more), we reply at once and close the connection.
 */
export const DISCARD_CAP_BYTES = 1 << 20;

export type PushResult = "more" | "stop";

/** Collects body chunks up to `limit` bytes. Chunks handed in must already be private copies. */
export class BodyCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private discarded = 0;
  private over = false;

  constructor(private readonly limit: number) {}

  get overflowed(): boolean {
    return this.over;
  }

  /** True when a declared Content-Length is so large we should not read the body at all. */
  static rejectUpfront(contentLength: string | undefined, limit: number): boolean {
    if (contentLength === undefined) return false;
    const n = Number(contentLength);
    return Number.isFinite(n) && n > limit + DISCARD_CAP_BYTES;
  }

  /**
   * Adds a chunk (a private copy), or just its length once overflowed (see `overflowed`) since it
   * will be discarded anyway. "stop" means: reply now and close the connection.
   */
  push(chunk: Buffer | number): PushResult {
    const n = typeof chunk === "number" ? chunk : chunk.length;
    if (this.over || typeof chunk === "number") {
      this.over = true;
      this.chunks.length = 0;
      this.discarded += n;
      return this.discarded > DISCARD_CAP_BYTES ? "stop" : "more";
    }
    this.size += n;
    if (this.size > this.limit) {
      this.over = true;
      this.chunks.length = 0;
      this.discarded = this.size - this.limit;
      return this.discarded > DISCARD_CAP_BYTES ? "stop" : "more";
    }
    if (n > 0) this.chunks.push(chunk);
    return "more";
  }

  /** The whole body; only meaningful when not overflowed. */
  body(): Buffer {
    if (this.chunks.length === 1) return this.chunks[0];
    return Buffer.concat(this.chunks, this.size);
  }
}

export type DecodeResult = { ok: true; body: Buffer } | { ok: false; tooLarge: boolean; message: string };

/**
 * Decodes a body per Content-Encoding as Nakama does: "gzip" (a body without the gzip magic is read
 * as plain, Nakama's fallback) and "deflate" (raw DEFLATE as Go's flate reader, or zlib-wrapped per
 * RFC 9110); anything else passes through. The decoded size is limited to `limit` too.
 */
export function decodeBody(body: Buffer, contentEncoding: string | undefined, limit: number): DecodeResult {
  if (contentEncoding === undefined || body.length === 0) return { ok: true, body };
  const enc = contentEncoding.trim().toLowerCase();
  const opts = { maxOutputLength: Math.max(1, limit) };
  try {
    if (enc === "gzip") {
      if (body.length < 2 || body[0] !== 0x1f || body[1] !== 0x8b) return { ok: true, body };
      return checkSize(gunzipSync(body, opts), limit);
    }
    if (enc === "deflate") {
      return checkSize(isZlibHeader(body) ? inflateSync(body, opts) : inflateRawSync(body, opts), limit);
    }
  } catch (err) {
    return decodeFailure(err);
  }
  return { ok: true, body };
}

function checkSize(out: Buffer, limit: number): DecodeResult {
  return out.length > limit ? { ok: false, tooLarge: true, message: "" } : { ok: true, body: out };
}

function isZlibHeader(b: Buffer): boolean {
  return b.length >= 2 && (b[0] & 0x0f) === 8 && ((b[0] << 8) | b[1]) % 31 === 0;
}

function decodeFailure(err: unknown): DecodeResult {
  const code = (err as { code?: unknown }).code;
  const errno = (err as { errno?: unknown }).errno;
  if (code === "ERR_BUFFER_TOO_LARGE") return { ok: false, tooLarge: true, message: "" };
  // Go's readers report a truncated stream as "unexpected EOF" and bad data as corrupt input.
  if (errno === zc.Z_BUF_ERROR) return { ok: false, tooLarge: false, message: "unexpected EOF" };
  return { ok: false, tooLarge: false, message: "flate: corrupt input" };
}
