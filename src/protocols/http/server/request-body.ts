/**
 * `RequestBody`: the body of a request as the server hands it to a handler — an async iterable
 * of chunks, fed by the connection as the parser decodes them, with back-pressure.
 */

/**
 * The body could not be read: the connection failed or the request was malformed mid-body.
 *
 * @example
 * try { await request.body.buffer(1024); }
 * catch (err) { if (err instanceof RequestBodyError && err.status === 413) tooLarge(); }
 */
export class RequestBodyError extends Error {
  /** The status the server answers (400, 408, 413), or 0 when the peer went away. */
  readonly status: number;

  /**
   * @param status The HTTP status that describes the failure (0: connection lost).
   * @param message What went wrong.
   */
  constructor(status: number, message: string) {
    super(message);
    this.name = 'RequestBodyError';
    this.status = status;
  }
}

/** What the connection learns from the body's reader. */
export interface BodyReaderHooks {
  /** The handler began reading: the moment to send `100 Continue`. */
  readonly onFirstRead: () => void;
  /** The reader drained the buffer below the low-water mark: read from the socket again. */
  readonly onDrain: () => void;
}

/**
 * Above this many buffered bytes the connection stops reading from the socket.
 *
 * @example if (request.body.buffered >= BODY_HIGH_WATER) console.log('reader is behind');
 */
export const BODY_HIGH_WATER = 256 * 1024;

/**
 * A request body in arrival order. Iterate it once (`for await`), or collect it with
 * {@link RequestBody.buffer} / {@link RequestBody.text}. Chunks are handed over as received; while
 * more than {@link BODY_HIGH_WATER} bytes wait unread the server stops reading the socket, so a
 * slow handler slows the client down instead of filling memory.
 *
 * @example
 * for await (const chunk of request.body) file.write(chunk);
 * // or
 * const json = JSON.parse(await request.body.text());
 */
export class RequestBody implements AsyncIterable<Buffer> {
  #chunks: Buffer[] = [];
  #buffered = 0;
  #received = 0;
  #ended = false;
  #error: RequestBodyError | null = null;
  #wake: (() => void) | null = null;
  #started = false;
  readonly #hooks: BodyReaderHooks | null;
  /** How many of the first bytes are kept aside for the capture (0: none). */
  readonly #sampleBytes: number;
  #sample: Buffer[] | null = null;
  #sampled = 0;

  /**
   * @param hooks Callbacks into the connection; `null` for a body that is already complete.
   * @param sampleBytes the first bytes kept, copied, for {@link RequestBody.sample} (0: none).
   */
  constructor(hooks: BodyReaderHooks | null = null, sampleBytes = 0) {
    this.#hooks = hooks;
    this.#sampleBytes = sampleBytes;
  }

  /**
   * The first bytes received, up to the sample size the server was given (a copy: what a reader
   * does with the chunks does not change it), for the capture of what a client sent.
   * @example request.body.sample.toString('utf8');
   */
  get sample(): Buffer {
    const sample = this.#sample;
    if (sample === null) return EMPTY;
    return sample.length === 1 ? sample[0]! : Buffer.concat(sample);
  }

  /**
   * A body that is empty and complete (requests without one).
   *
   * @returns An ended body.
   * @example RequestBody.empty().buffer(); // resolves to an empty Buffer
   */
  static empty(): RequestBody {
    return EMPTY_BODY;
  }

  /** Bytes received and not yet read. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Bytes received so far. */
  get received(): number {
    return this.#received;
  }

  /** Whether the whole body has arrived. */
  get complete(): boolean {
    return this.#ended;
  }

  /** Whether a reader has started (the server then owes the client `100 Continue`). */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Adds a received chunk (the connection calls this).
   *
   * @param chunk Decoded body bytes.
   */
  push(chunk: Buffer): void {
    if (this.#ended || this.#error !== null || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    this.#received += chunk.length;
    if (this.#sampled < this.#sampleBytes) {
      // A copy: a chunk may sit in a read buffer the socket reuses.
      const part = Buffer.from(chunk.subarray(0, this.#sampleBytes - this.#sampled));
      this.#sampled += part.length;
      (this.#sample ??= []).push(part);
    }
    this.#notify();
  }

  /** Marks the body complete (the connection calls this). */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /**
   * Fails the body: readers waiting now or later get `error`.
   *
   * @param error Why the body cannot be read.
   */
  fail(error: RequestBodyError): void {
    if (this.#ended) return;
    this.#error = error;
    this.#chunks = [];
    this.#buffered = 0;
    this.#notify();
  }

  /**
   * Reads the next chunk.
   *
   * @returns The chunk, or `null` at the end of the body.
   * @throws {RequestBodyError} When the body failed.
   */
  async read(): Promise<Buffer | null> {
    this.#start();
    for (;;) {
      if (this.#error !== null) throw this.#error;
      const chunk = this.#chunks.shift();
      if (chunk !== undefined) {
        const before = this.#buffered;
        this.#buffered -= chunk.length;
        if (before >= BODY_HIGH_WATER && this.#buffered < BODY_HIGH_WATER) this.#hooks?.onDrain();
        return chunk;
      }
      if (this.#ended) return null;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  /**
   * Iterates the chunks.
   *
   * @returns An async iterator over the body's chunks.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return;
      yield chunk;
    }
  }

  /**
   * Collects the whole body.
   *
   * @param limit The most bytes accepted (default 16 MiB).
   * @returns The body's bytes.
   * @throws {RequestBodyError} 413 when the body is longer than `limit`, or the body's failure.
   * @example const bytes = await request.body.buffer(1024 * 1024);
   */
  async buffer(limit = 16 * 1024 * 1024): Promise<Buffer> {
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) break;
      total += chunk.length;
      if (total > limit) throw new RequestBodyError(413, `body longer than ${limit} bytes`);
      parts.push(chunk);
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  }

  /**
   * Collects the whole body as UTF-8 text.
   *
   * @param limit The most bytes accepted (default 16 MiB).
   * @returns The text.
   * @throws {RequestBodyError} As {@link RequestBody.buffer}.
   * @example const form = new URLSearchParams(await request.body.text());
   */
  async text(limit?: number): Promise<string> {
    return (await this.buffer(limit)).toString('utf8');
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#hooks?.onFirstRead();
  }

  #notify(): void {
    const wake = this.#wake;
    if (wake !== null) {
      this.#wake = null;
      wake();
    }
  }
}

/** Shared by every request without a body: once ended, a body never changes again. */
const EMPTY = Buffer.alloc(0);
const EMPTY_BODY = new RequestBody();
EMPTY_BODY.end();
