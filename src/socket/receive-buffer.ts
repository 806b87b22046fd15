/**
 * Told of received bytes nobody holds any more: `bytes` bytes of the memory behind `backing`
 * were copied out and dropped (never handed out as a view), so that memory may be reused.
 */
export type ReleaseReceived = (backing: ArrayBufferLike, bytes: number) => void;

/**
 * The chunks of every empty buffer: an array is made only when bytes wait, and dropped once they
 * are read, since an idle server holds thousands of empty buffers. Frozen,
 * so that nothing can add to it by mistake.
 */
const NO_CHUNKS: Buffer[] = Object.freeze([]) as unknown as Buffer[];

/**
 * The bytes a stream socket has received and the program has not read yet: a queue of the
 * chunks Node delivered, taken from the front without copying when a read fits in one chunk.
 */
export class ReceiveBuffer {
  #chunks: Buffer[] = NO_CHUNKS;
  #head = 0;
  #length = 0;
  readonly #release: ReleaseReceived | null;

  /**
   * @param release told of bytes copied out and dropped (see {@link ReleaseReceived}); bytes
   *   handed out as views, by {@link take}, are the caller's and are never released.
   */
  constructor(release: ReleaseReceived | null = null) {
    this.#release = release;
  }

  /** Bytes waiting. */
  get length(): number {
    return this.#length;
  }

  /** Adds a received chunk at the back. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#chunks === NO_CHUNKS) this.#chunks = [chunk];
    else this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** Puts bytes back at the front (a call that took them failed before returning them). */
  unshift(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#head > 0) this.#chunks[--this.#head] = chunk;
    else if (this.#chunks === NO_CHUNKS) this.#chunks = [chunk];
    else this.#chunks.unshift(chunk);
    this.#length += chunk.length;
  }

  /** Removes and returns every byte waiting (when a TLS layer takes the stream over). */
  takeAll(): Buffer {
    return this.#concat(this.#length, true);
  }

  /**
   * Removes and returns up to `n` bytes from the front.
   * @param n the most bytes to return.
   * @param peek when true, the bytes stay in the buffer.
   */
  take(n: number, peek = false): Buffer {
    return this.#concat(Math.min(n, this.#length), !peek);
  }

  /** Copies up to `n` bytes from the front into `target`, removing them; returns the count. */
  takeInto(target: Uint8Array, n: number, peek = false): number {
    let want = Math.min(n, target.length, this.#length);
    let offset = 0;
    let index = this.#head;
    while (want > 0) {
      const chunk = this.#chunks[index]!;
      const count = Math.min(want, chunk.length);
      target.set(count === chunk.length ? chunk : chunk.subarray(0, count), offset);
      offset += count;
      want -= count;
      if (!peek) {
        this.#release?.(chunk.buffer, count);
        if (count === chunk.length) index++;
        else this.#chunks[index] = chunk.subarray(count);
      } else index++;
    }
    if (!peek) this.#consumed(index, offset);
    return offset;
  }

  /** Drops everything (after `shutdown(SHUT_RD)`). */
  clear(): void {
    for (let i = this.#head; i < this.#chunks.length; i++) {
      const chunk = this.#chunks[i]!;
      this.#release?.(chunk.buffer, chunk.length);
    }
    this.#chunks = NO_CHUNKS;
    this.#head = 0;
    this.#length = 0;
  }

  #concat(n: number, consume: boolean): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.#chunks[this.#head]!;
    if (first.length >= n) {
      // The common case: one chunk holds the whole read, so hand out a view, not a copy. A
      // peek copies: its bytes stay queued, and once read into a buffer they are released.
      if (!consume) return Buffer.from(first.subarray(0, n));
      const out = first.length === n ? first : first.subarray(0, n);
      if (first.length === n) this.#consumed(this.#head + 1, n);
      else {
        this.#chunks[this.#head] = first.subarray(n);
        this.#length -= n;
      }
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    const copied = this.takeInto(out, n, !consume);
    return copied === n ? out : out.subarray(0, copied);
  }

  #consumed(nextHead: number, bytes: number): void {
    this.#head = nextHead;
    this.#length -= bytes;
    if (this.#head === this.#chunks.length) {
      this.#chunks = NO_CHUNKS;
      this.#head = 0;
    } else if (this.#head > 64 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}
