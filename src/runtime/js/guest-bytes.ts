// Owns host access to one guest ArrayBuffer's bytes in place, in the VM's linear memory (used by match
// VMs for the per-tick input and the broadcast payloads: no copy through the library, no string
// conversion in the guest). The buffer's place is read from QuickJS's object layout (internals.ts) and
// checked once against the library's own copy (a random pattern written in place must read back the same);
// every later access re-checks that the object still holds those bytes (not detached, same length and
// data pointer), else answers undefined. The caller keeps the buffer alive (a ref) and touches the bytes
// only while it runs the VM's turn (a call's `prepare`, or a host function of that VM).
import { randomBytes } from "node:crypto";
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten";
import type { LowLevel } from "./internals.js";

export class GuestBytes {
  private u8: Uint8Array | undefined;
  private f64: Float64Array | undefined;
  private u16: Uint16Array | undefined;

  private constructor(
    private readonly low: LowLevel,
    private readonly valuePtr: number,
    private readonly classId: number,
    private readonly data: number,
    /** Bytes of the buffer. */
    readonly length: number,
  ) {}

  /**
   * The bytes of the ArrayBuffer behind `h` (kept alive by the caller), or undefined when this build's
   * layout does not match or the value is not a non-empty ArrayBuffer with 8-byte aligned data.
   */
  static of(low: LowLevel, ctx: QuickJSContext, h: QuickJSHandle): GuestBytes | undefined {
    const ptr = h.value as unknown as number;
    let length: number;
    try {
      const copy = ctx.getArrayBuffer(h);
      length = copy.value.length;
      copy.dispose();
    } catch {
      return undefined;
    }
    if (length === 0 || length % 8 !== 0) return undefined;
    const data = low.arrayBufferData(ptr, length, 0);
    if (data === 0 || data % 8 !== 0) return undefined;
    const heap = low.heap();
    const before = heap.slice(data, data + length);
    const pattern = randomBytes(length);
    heap.set(pattern, data);
    let same = false;
    try {
      const copy = ctx.getArrayBuffer(h);
      same = Buffer.compare(Buffer.from(copy.value), pattern) === 0;
      copy.dispose();
    } catch {
      same = false;
    }
    low.heap().set(before, data);
    return same ? new GuestBytes(low, ptr, low.classOf(ptr), data, length) : undefined;
  }

  /** True while the buffer still holds its bytes where they were found. */
  private valid(): boolean {
    return this.low.arrayBufferData(this.valuePtr, this.length, this.classId) === this.data;
  }

  /** The bytes, as a view over the current memory; undefined if the buffer moved (detached). */
  bytes(): Uint8Array | undefined {
    if (!this.valid()) return undefined;
    const heap = this.low.heap();
    if (this.u8 === undefined || this.u8.buffer !== heap.buffer) {
      this.u8 = new Uint8Array(heap.buffer, this.data, this.length);
      this.f64 = new Float64Array(heap.buffer, this.data, this.length >> 3);
      this.u16 = new Uint16Array(heap.buffer, this.data, this.length >> 1);
    }
    return this.u8;
  }

  /** The same bytes as float64s (call bytes() first in the same turn). */
  float64(): Float64Array {
    return this.f64!;
  }

  /** The same bytes as uint16s (call bytes() first in the same turn). */
  uint16(): Uint16Array {
    return this.u16!;
  }
}
