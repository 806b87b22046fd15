/**
 * `ChunkQueue`: hands bytes from a task that reads a socket to a consumer that iterates them,
 * with backpressure — the reader waits while the consumer is behind.
 */

/**
 * A bounded queue of chunks with an async iterator. `push()` resolves when there is room again,
 * so a fast network never makes a slow consumer buffer without bound.
 *
 * @example
 * const q = new ChunkQueue(4);
 * void (async () => { await q.push(Buffer.from('a')); q.end(); })();
 * for await (const chunk of q) console.log(chunk);
 */
export class ChunkQueue implements AsyncIterable<Buffer> {
  readonly #high: number;
  readonly #chunks: Buffer[] = [];
  #ended = false;
  #error: unknown = null;
  #wakeConsumer: (() => void) | null = null;
  #wakeProducer: (() => void) | null = null;

  /**
   * @param high Chunks held before `push()` waits.
   * @throws {RangeError} If `high` is not a positive integer.
   */
  constructor(high: number) {
    if (!Number.isInteger(high) || high < 1) {
      throw new RangeError(`high must be a positive integer, got ${high}`);
    }
    this.#high = high;
  }

  /**
   * Adds a chunk.
   *
   * @param chunk The bytes.
   * @returns A promise that resolves once the queue is below its limit.
   */
  async push(chunk: Buffer): Promise<void> {
    this.#chunks.push(chunk);
    this.#wakeConsumer?.();
    while (this.#chunks.length >= this.#high && !this.#ended) {
      await new Promise<void>((resolve) => {
        this.#wakeProducer = resolve;
      });
    }
  }

  /**
   * Ends the stream; with an error, the consumer's loop throws it after the queued chunks.
   *
   * @param error The failure, if any.
   */
  end(error: unknown = null): void {
    this.#ended = true;
    this.#error = error;
    this.#wakeConsumer?.();
    this.#wakeProducer?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      for (;;) {
        const next = this.#chunks.shift();
        if (next !== undefined) {
          this.#wakeProducer?.();
          yield next;
          continue;
        }
        if (this.#ended) {
          if (this.#error !== null) throw this.#error;
          return;
        }
        await new Promise<void>((resolve) => {
          this.#wakeConsumer = resolve;
        });
        this.#wakeConsumer = null;
      }
    } finally {
      // A consumer that stops early must not leave the producer waiting for room forever.
      this.#ended = true;
      this.#wakeProducer?.();
    }
  }
}
