/**
 * Producers: sources of output that a channel pulls from only when its socket can take more,
 * so a slow reader makes the channel stop pulling instead of buffering without bound.
 */

/**
 * A source of bytes for `AsyncChat.pushWithProducer`. `more()` returns the next chunk, or an
 * empty one when done; it may return a promise (a file read, a database) and the channel waits.
 * `close()`, when present, releases what the producer holds if the channel closes early.
 * A producer of fresh chunks may be given, as `more(spare)`, a buffer of its own earlier chunks
 * that the socket is done with, to make the next chunk in (a file's next bytes read into it)
 * instead of new memory.
 * @example
 * let n = 0;
 * chat.pushWithProducer({ more: () => (n < 3 ? Buffer.from(`line ${n++}\n`) : new Uint8Array(0)) });
 */
export interface Producer {
  more(spare?: Buffer): Uint8Array | Promise<Uint8Array>;
  close?(): void;
  /**
   * True when every chunk `more()` returns is a new buffer the producer never touches again:
   * the channel then sends it without copying. Leave it unset for chunks that are views of
   * someone else's bytes or of a buffer the producer reuses.
   */
  readonly freshChunks?: boolean;
}

/**
 * Produces a buffer in pieces, as asynchat's `simple_producer`.
 * @example chat.pushWithProducer(new SimpleProducer(Buffer.from(page), 4096));
 */
export class SimpleProducer implements Producer {
  #data: Uint8Array;
  readonly #bufferSize: number;

  /**
   * @param data the bytes (a string is sent as UTF-8).
   * @param bufferSize the most bytes per chunk (default 512, as asynchat).
   */
  constructor(data: Uint8Array | string, bufferSize = 512) {
    if (!Number.isInteger(bufferSize) || bufferSize < 1) {
      throw new RangeError(
        `SimpleProducer: bufferSize must be a positive integer, got ${bufferSize}`,
      );
    }
    this.#data = typeof data === 'string' ? Buffer.from(data) : data;
    this.#bufferSize = bufferSize;
  }

  more(): Uint8Array {
    const chunk = this.#data.subarray(0, this.#bufferSize);
    this.#data = this.#data.subarray(chunk.length);
    return chunk;
  }
}

/**
 * Produces the output of several producers one after another, as Medusa's
 * `composite_producer`.
 * @example chat.pushWithProducer(new CompositeProducer([header, new FileProducer(path)]));
 */
export class CompositeProducer implements Producer {
  readonly #producers: Producer[];

  constructor(producers: Iterable<Producer>) {
    this.#producers = [...producers];
  }

  more(): Uint8Array | Promise<Uint8Array> {
    while (this.#producers.length > 0) {
      const first = this.#producers[0]!;
      const chunk = first.more();
      if (chunk instanceof Promise) {
        return chunk.then((data) => {
          if (data.length > 0) return data;
          this.#producers.shift();
          return this.more();
        });
      }
      if (chunk.length > 0) return chunk;
      this.#producers.shift();
    }
    return new Uint8Array(0);
  }

  close(): void {
    for (const producer of this.#producers.splice(0)) producer.close?.();
  }
}
