// Owns the mailbox queue: a growable power-of-two ring buffer, allocated lazily so an idle actor
// holds no array. Capacity policy (overflow) is applied by the actor cell, not here.

const INITIAL = 8;

export class Ring<T> {
  private buf: (T | undefined)[] | null = null;
  private head = 0;
  private len = 0;

  get length(): number {
    return this.len;
  }

  push(item: T): void {
    let buf = this.buf;
    if (buf === null) buf = this.buf = new Array<T | undefined>(INITIAL);
    else if (this.len === buf.length) buf = this.grow(buf);
    buf[(this.head + this.len) & (buf.length - 1)] = item;
    this.len++;
  }

  /** Puts an item back at the front (it becomes the oldest). */
  unshift(item: T): void {
    let buf = this.buf;
    if (buf === null) buf = this.buf = new Array<T | undefined>(INITIAL);
    else if (this.len === buf.length) buf = this.grow(buf);
    this.head = (this.head - 1) & (buf.length - 1);
    buf[this.head] = item;
    this.len++;
  }

  /** Removes and returns the oldest item; undefined when empty. */
  shift(): T | undefined {
    if (this.len === 0) return undefined;
    const buf = this.buf as (T | undefined)[];
    const item = buf[this.head];
    buf[this.head] = undefined;
    this.head = (this.head + 1) & (buf.length - 1);
    if (--this.len === 0) this.release();
    return item;
  }

  /** Removes everything, returning the items oldest first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.len > 0) out.push(this.shift() as T);
    return out;
  }

  private grow(buf: (T | undefined)[]): (T | undefined)[] {
    const next = new Array<T | undefined>(buf.length * 2);
    for (let i = 0; i < this.len; i++) next[i] = buf[(this.head + i) & (buf.length - 1)];
    this.head = 0;
    this.buf = next;
    return next;
  }

  // An emptied large buffer is dropped so a past burst does not pin memory; small ones are kept for reuse.
  private release(): void {
    this.head = 0;
    if (this.buf !== null && this.buf.length > 64) this.buf = null;
  }
}
