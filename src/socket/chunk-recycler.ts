/**
 * `ChunkRecycler`: gives a download's file chunks back for reuse once the socket is done with
 * them. Fresh memory costs a page fault per 4 KiB the first time it is written, so a download
 * that reads every chunk into new memory pays for its bytes twice; whether the allocator hands
 * back warm memory instead depends on what else the process did (one large scrypt hash at
 * start-up was enough to halve RETR throughput). Reusing a few chunks makes it not depend on luck.
 */

/** Chunks kept for reuse at most: enough for what the socket holds while the next is read. */
const MAX_SPARE = 4;

/**
 * Tracks chunks handed to a socket (sent `owned`) by the count of bytes handed over: a chunk is
 * done with once the socket holds fewer bytes than were handed after its end
 * (`Socket.pendingSendBytes`), since a stream sends in order. Every send to the socket is counted
 * with {@link handed}, the chunks' and any other bytes'; a send left uncounted only makes a chunk
 * come back later, never while the socket still holds it.
 * @example
 * const chunk = source.read(recycler.take(sock.pendingSendBytes));
 * recycler.reading(chunk);
 * recycler.handed(sock.sendNowait(chunk, 0, { owned: true }));
 */
export class ChunkRecycler {
  /** Bytes handed to the socket so far. */
  #handed = 0;
  /** Chunks about to be or being handed over, each with the byte count at its end. */
  readonly #inFlight: Array<{ readonly chunk: Buffer; readonly end: number }> = [];
  readonly #spare: Buffer[] = [];

  /**
   * A chunk the socket is done with, if any.
   * @param held what the socket still holds of what it was handed (`pendingSendBytes`);
   *   `undefined` when the socket cannot tell, and then nothing is reused.
   * @returns a buffer to read the next chunk into, or undefined.
   */
  take(held: number | undefined): Buffer | undefined {
    if (held === undefined) return undefined;
    const done = this.#handed - held;
    while (this.#inFlight.length > 0 && this.#inFlight[0]!.end <= done) {
      const { chunk } = this.#inFlight.shift()!;
      if (this.#spare.length < MAX_SPARE) this.#spare.push(chunk);
    }
    return this.#spare.pop();
  }

  /**
   * Whether {@link reading} would keep `chunk` for reuse: a whole buffer, not a view of a part
   * (a file's last chunk, a small file's slice of Node's shared pool).
   */
  static reuses(chunk: Uint8Array): chunk is Buffer {
    const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
    return whole && chunk.length > 0 && Buffer.isBuffer(chunk);
  }

  /** The chunk just read, whose bytes are the next handed over; kept if it {@link reuses}. */
  reading(chunk: Uint8Array): void {
    if (!ChunkRecycler.reuses(chunk)) return;
    this.#inFlight.push({ chunk, end: this.#handed + chunk.length });
  }

  /** The socket took `n` more bytes: of the chunks read, or any others. */
  handed(n: number): void {
    this.#handed += n;
  }
}
