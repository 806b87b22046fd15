/**
 * `FileSink`: where a client command writes a download — the bytes as they arrive, gathered
 * and written to the file in large synchronous batches.
 */

import { closeSync, openSync, writevSync } from 'node:fs';

/**
 * Bytes gathered before a batch is written. A quarter MiB is a handful of system calls per
 * second of a fast download, and the bytes are written while they are still in the cache
 * (the FTP server's uploads measured the same size best: see `UploadWriter`).
 */
export const FILE_SINK_BATCH = 256 * 1024;

/** Options for {@link FileSink.open}. */
export interface FileSinkOptions {
  /** Continue the file at this byte instead of replacing it (a resumed download). */
  readonly start?: number;
  /** Bytes gathered before a write (default {@link FILE_SINK_BATCH}). */
  readonly batchBytes?: number;
}

/**
 * Writes a download to a file in order. {@link write} keeps the chunk it is given (no copy:
 * a chunk from `recv()` is the caller's) and writes what it holds with one `writev` once a
 * batch is full. The writes are synchronous: a command line client has nothing else to do
 * meanwhile, the kernel goes on receiving into the socket's buffer, and a batch the page cache
 * takes costs far less than a trip through Node's thread pool and the promise per chunk that
 * a write stream's backpressure needs (measured: that round trip per 64 KiB chunk made
 * `polyport http -o` three times slower than curl).
 *
 * @example
 * const sink = FileSink.open('big.iso');
 * for await (const chunk of response) sink.write(chunk);
 * sink.close();
 */
export class FileSink {
  readonly #fd: number;
  readonly #batchBytes: number;
  #parts: Uint8Array[] = [];
  #gathered = 0;
  #position: number;
  #closed = false;

  private constructor(fd: number, position: number, batchBytes: number) {
    this.#fd = fd;
    this.#position = position;
    this.#batchBytes = batchBytes;
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
    return new FileSink(fd, start, batchBytes);
  }

  /** Bytes written to the file so far, plus those gathered for the next batch. */
  get position(): number {
    return this.#position + this.#gathered;
  }

  /**
   * Adds bytes at the end, writing a batch when enough are gathered.
   *
   * @param chunk The bytes; kept until written, so the caller must not change them.
   * @throws {Error} The file system's error (`ENOSPC`, `EIO`).
   */
  write(chunk: Uint8Array): void {
    if (this.#closed) throw new Error('FileSink: write after close');
    if (chunk.length === 0) return;
    this.#parts.push(chunk);
    this.#gathered += chunk.length;
    if (this.#gathered >= this.#batchBytes) this.flush();
  }

  /**
   * Writes everything gathered.
   *
   * @throws {Error} The file system's error.
   */
  flush(): void {
    let parts = this.#parts;
    let left = this.#gathered;
    this.#parts = [];
    this.#gathered = 0;
    while (left > 0) {
      const written = writevSync(this.#fd, parts, this.#position);
      this.#position += written;
      left -= written;
      // A regular file takes a batch whole or fails; a short count is still honoured, so no
      // byte goes missing from the middle of the file.
      if (left > 0) parts = skip(parts, written);
    }
  }

  /**
   * Writes what is gathered and closes the file; closing twice is harmless.
   *
   * @throws {Error} The file system's error; the file is closed even then.
   */
  close(): void {
    if (this.#closed) return;
    try {
      this.flush();
    } finally {
      this.#closed = true;
      closeSync(this.#fd);
    }
  }

  /** Closes the file without writing what is gathered (a failed transfer). */
  abandon(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#parts = [];
    this.#gathered = 0;
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
  }
}

/** `parts` without their first `n` bytes. */
function skip(parts: Uint8Array[], n: number): Uint8Array[] {
  let rest = n;
  let index = 0;
  while (index < parts.length && parts[index]!.length <= rest) rest -= parts[index++]!.length;
  const left = parts.slice(index);
  if (rest > 0 && left.length > 0) left[0] = left[0]!.subarray(rest);
  return left;
}
