/**
 * `FileSink`: where a client command writes a download — the bytes as they arrive, gathered
 * into large batches, each written with one synchronous `writev`.
 */

import { closeSync, openSync, writevSync } from 'node:fs';

/**
 * Bytes gathered before a batch is written: a few hundred writes for a 200 MB download instead
 * of one per chunk received, while the chunks held stay within one read slab (so its memory is
 * reused for the next reads, see `releaseReceived`).
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
 * chunk from `recv()` is the caller's to give) and, once a batch is gathered, writes the batch
 * with one synchronous `writev`. A write into the page cache is a memory copy; a trip through
 * Node's thread pool for it costs a wake-up and a completion per batch on top, and the thread
 * it would run on competes for the same cores as the server and this process's receiving (the
 * client-tools benchmark measures both ways: the synchronous batches took less CPU and less
 * time). A write stream was worse still (a promise per chunk, 16 KiB of backpressure).
 *
 * @example
 * const sink = FileSink.open('big.iso');
 * for await (const chunk of response) sink.write(chunk);
 * sink.close();
 */
export class FileSink {
  readonly #fd: number;
  readonly #batchBytes: number;
  readonly #releaseChunk: ((chunk: Uint8Array) => void) | undefined;
  #parts: Uint8Array[] = [];
  #gathered = 0;
  #position: number;
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
   * Adds bytes at the end, writing the batch once it is full.
   *
   * @param chunk The bytes; kept until written, so the caller must not change them.
   * @throws {Error} The file system's error (`ENOSPC`, `EIO`), then again on every later call;
   *   or a write after close.
   */
  write(chunk: Uint8Array): void {
    if (this.#error !== null) throw this.#error;
    if (this.#closed) throw new Error('FileSink: write after close');
    if (chunk.length === 0) return;
    this.#parts.push(chunk);
    this.#gathered += chunk.length;
    if (this.#gathered >= this.#batchBytes) this.#writeBatch();
  }

  /**
   * Writes what is gathered and closes the file. Closing twice is harmless.
   *
   * @throws {Error} The error of a write; the file is closed even then.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#error !== null) throw this.#error;
      if (this.#gathered > 0) this.#writeBatch();
    } finally {
      this.#release();
    }
  }

  /**
   * Closes the file without writing what is gathered (a failed transfer). Harmless after
   * {@link close}.
   */
  abandon(): void {
    this.#closed = true;
    this.#parts = [];
    this.#gathered = 0;
    this.#release();
  }

  #writeBatch(): void {
    const parts = this.#parts;
    const bytes = this.#gathered;
    this.#parts = [];
    this.#gathered = 0;
    try {
      const written = writevSync(this.#fd, parts, this.#position);
      // The kernel writes a short count to a regular file only when it cannot write the rest
      // (a full disk, a file size limit); the next write would say why, this one says how much.
      if (written !== bytes) {
        throw Object.assign(new Error(`short write: ${written} of ${bytes} bytes`), {
          code: 'EIO',
        });
      }
    } catch (err) {
      this.#error = err as Error;
      throw err;
    }
    this.#position += bytes;
    if (this.#releaseChunk !== undefined) for (const part of parts) this.#releaseChunk(part);
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    closeSync(this.#fd);
  }
}
