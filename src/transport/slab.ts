// Owns small-buffer allocation for hot paths: short-lived byte strings (a received frame's private
// copy, an encoded outgoing message) are carved from one larger slab instead of each taking its own
// ArrayBuffer or a slice of Node's 8 KiB pool. Fewer backing stores means less allocation and GC work
// per message. A slab is freed by the GC once no slice of it is referenced; bigger requests get their
// own buffer so that one long-lived large message never pins a slab of small ones. Slabs are 16 KiB (2×
// Node's pool): a slow client's queued messages (socket.outgoing_queue_size) pin at most that many slabs.
export class ByteSlab {
  private buf: Buffer;
  private pos = 0;

  /** `slabBytes`: size of each slab; requests over a 16th of it are allocated on their own. */
  constructor(private readonly slabBytes = 16 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(slabBytes);
  }

  /** `n` uninitialised bytes the caller must fully write. */
  take(n: number): Buffer {
    if (n > this.slabBytes >>> 4) return Buffer.allocUnsafeSlow(n);
    if (this.pos + n > this.slabBytes) {
      this.buf = Buffer.allocUnsafeSlow(this.slabBytes);
      this.pos = 0;
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    // Keep slices 8-byte aligned, as Node's pool does.
    this.pos = (this.pos + n + 7) & ~7;
    return out;
  }

  /** A private copy of `bytes` (e.g. of memory the caller's source reuses after the callback). */
  copy(bytes: Uint8Array): Buffer {
    const out = this.take(bytes.length);
    out.set(bytes);
    return out;
  }
}
