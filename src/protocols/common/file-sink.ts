/**
 * `FileSink`: where a client command writes a download — the bytes as they arrive, gathered
 * into large batches that Node's thread pool writes while the next batch is being received.
 */

import { closeSync, openSync, writev } from 'node:fs';

/**
 * Bytes gathered before a batch is written: a few hundred writes for a 200 MB download instead
 * of one per 64 KiB chunk received.
 */
export const FILE_SINK_BATCH = 256 * 1024;

/** Options for {@link FileSink.open}. */
export interface FileSinkOptions {
  /** Continue the file at this byte instead of replacing it (a resumed download). */
  readonly start?: number;
  /** Bytes gathered before a write (default {@link FILE_SINK_BATCH}). */
  readonly batchBytes?: number;
  /**
   * Told of each chunk once it is written (the sink held the last view of it), so its memory
   * can take the next received bytes: `releaseReceived` from polyport/socket, for chunks
   * straight from `recv()`.
   */
  readonly release?: (chunk: Uint8Array) => void;
}

/**
 * Writes a download to a file, in order. {@link write} keeps the chunk it is given (no copy: a
 * chunk from `recv()` is the caller's to give) and, once a batch is gathered, hands the batch to
 * one `writev` in Node's thread pool, so the disk side runs on another core while this one
 * receives. One batch is written at a time; the caller waits only when the next one is full
 * too. Measured on 200 MB: a write stream (a thread-pool round trip and a promise per 64 KiB
 * chunk, 16 KiB of backpressure) made `polyport http -o` three times slower than curl;
 * synchronous batches took as much CPU as these but no core of their own.
 *
 * @example
 * const sink = FileSink.open('big.iso');
 * for await (const chunk of response) await sink.write(chunk);
 * await sink.close();
 */
export class FileSink {
  readonly #fd: number;
  readonly #batchBytes: number;
  readonly #releaseChunk: ((chunk: Uint8Array) => void) | undefined;
  #parts: Uint8Array[] = [];
  #gathered = 0;
  #position: number;
  #writing: Promise<void> | null = null;
  #error: Error | null = null;
  #closed = false;
  #released = false;

  private constructor(
    fd: number,
    position: number,
    batchBytes: number,
    release: ((chunk: Uint8Array) => void) | undefined,
  ) {
    this.#fd = fd;
    this.#position = position;
    this.#batchBytes = batchBytes;
    this.#releaseChunk = release;
  }

  /**
   * Opens (creates or truncates) `path`, or with `start` opens it to continue at that byte.
   *
   * @param path The file.
   * @param options Where to continue and the batch size.
   * @returns The sink.
   * @throws {RangeError} For a negative or fractional start or a batch size below 1.
   * @throws {Error} The file system's error (`ENOENT`, `EACCES`, `EISDIR`).
   */
  static open(path: string, options: FileSinkOptions = {}): FileSink {
    const start = options.start ?? 0;
    const batchBytes = options.batchBytes ?? FILE_SINK_BATCH;
    if (!Number.isInteger(start) || start < 0) throw new RangeError(`FileSink: bad start ${start}`);
    if (!Number.isInteger(batchBytes) || batchBytes < 1)
      throw new RangeError(`FileSink: bad batch size ${batchBytes}`);
    // A resumed download keeps the bytes before `start`; anything after it is overwritten.
    const fd = openSync(path, start > 0 ? 'r+' : 'w');
    return new FileSink(fd, start, batchBytes, options.release);
  }

  /**
   * Adds bytes at the end.
   *
   * @param chunk The bytes; kept until written, so the caller must not change them.
   * @returns `undefined` when the next chunk may come at once, or a promise to wait for first
   *   (a batch is being written and another is full); it rejects if that write fails.
   * @throws {Error} The error of an earlier write (`ENOSPC`, `EIO`), or a write after close.
   */
  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.#error !== null) throw this.#error;
    if (this.#closed) throw new Error('FileSink: write after close');
    if (chunk.length === 0) return undefined;
    this.#parts.push(chunk);
    this.#gathered += chunk.length;
    if (this.#gathered < this.#batchBytes) return undefined;
    if (this.#writing !== null) return this.#writing;
    this.#writeBatch();
    return undefined;
  }

  /**
   * Writes what is gathered, waits for every write and closes the file. Closing twice is
   * harmless.
   *
   * @throws {Error} The error of a write; the file is closed even then.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      for (;;) {
        if (this.#error !== null) throw this.#error;
        if (this.#writing !== null) await this.#writing;
        else if (this.#gathered > 0) this.#writeBatch();
        else break;
      }
    } finally {
      this.#release();
    }
  }

  /**
   * Closes the file without writing what is gathered (a failed transfer), once the write in
   * flight, if any, is done with the descriptor. Harmless after {@link close}.
   */
  async abandon(): Promise<void> {
    this.#closed = true;
    this.#parts = [];
    this.#gathered = 0;
    await this.#writing?.catch(() => {});
    this.#release();
  }

  #writeBatch(): void {
    const parts = this.#parts;
    const bytes = this.#gathered;
    const position = this.#position;
    this.#parts = [];
    this.#gathered = 0;
    this.#position += bytes;
    const writing = new Promise<void>((resolve, reject) => {
      writev(this.#fd, parts, position, (err, written) => {
        this.#writing = null;
        // libuv writes every buffer unless the file system fails, so a short count is an error.
        if (err === null && written !== bytes) {
          err = Object.assign(new Error(`short write: ${written} of ${bytes} bytes`), {
            code: 'EIO',
          });
        }
        if (err !== null) {
          this.#error ??= err;
          reject(err);
          return;
        }
        if (this.#releaseChunk !== undefined) for (const part of parts) this.#releaseChunk(part);
        // Keep the disk busy while the caller goes on receiving.
        if (this.#gathered >= this.#batchBytes) this.#writeBatch();
        resolve();
      });
    });
    // Failures reach the caller through write() and close(); none is left unhandled here.
    writing.catch(() => {});
    this.#writing = writing;
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    closeSync(this.#fd);
  }
}
